"""Writes for the expert pool, panels, draws, recusal and confidentiality.

Sources: seed 002 四(三) (抽取焦作工匠评委专家库专业评审人员 … 组成评审组进行评审); seed 000
四3 (邀请相关领域专家组成评审组); issue 4 "Expert pool" (a reproducible, witnessed draw that
excludes every expert with a conflict; a conflict declared later calls a reserve; experts
confirm confidentiality before they see anything).

Every function checks the actor's permission, runs in one transaction and writes its
audit row in it. Errors the office can fix raise :class:`ExpertError` with a Chinese
message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.campaigns.models import Award, Campaign
from jiangxuan.campaigns.spec import yaml_problem
from jiangxuan.campaigns.steps import StepOutOfOrder, check_step
from jiangxuan.core.audit import record_audit
from jiangxuan.core.crypto import blind_index
from jiangxuan.core.errors import DomainError
from jiangxuan.core.permissions import require
from jiangxuan.nominations.models import Nomination

from . import selectors
from .draw import ALGORITHM, DrawError, draw_from_record
from .enums import MemberRole, PanelState, RelationshipKind
from .models import (
    SEED_MAX_LENGTH,
    Assignment,
    Draw,
    Expert,
    ExpertRelationship,
    Panel,
    PanelMember,
)
from .rules import conflict_reasons

#: Attributes a panel's mix may constrain (the draw's pool snapshot records them).
MIX_ATTRIBUTES = ("speciality", "industry", "region")

#: The undertaking an expert confirms before seeing any nomination (保密承诺). The audit
#: row of each confirmation records the SHA-256 of the text confirmed.
CONFIDENTIALITY_UNDERTAKING = gettext_lazy(
    "本人作为评审专家，承诺：严格遵守评审纪律，对评审中知悉的推荐对象个人信息、申报材料、"
    "评审意见、评分和投票结果严格保密，不以任何方式泄露、复制或对外提供；评审期间不接受"
    "推荐对象及其单位的请托和馈赠；发现与推荐对象存在利害关系时，立即申报并主动回避。"
)


class ExpertError(DomainError):
    """A request the office can correct; ``message`` is Chinese, ``field`` names the input,
    ``code`` is "conflict" when the object's state forbids the action (the API's 409)."""


class NoReserveError(ExpertError):
    """No reserve is free to replace a recused member for a nominee (a conflict: more
    reserves must be drawn first)."""

    code = "no_reserve"
    status = 409


def require_panel_office(actor: User, panel: Panel) -> None:
    """Return when ``actor`` is the office of the panel's campaign (``experts.manage_panel``),
    the check of every service that runs a panel; else raise PermissionDenied."""
    require(actor, "experts.manage_panel", panel, _("只有本活动的领导小组办公室可以管理评审组。"))


# --------------------------------------------------------------------------- pool


@dataclass(frozen=True)
class ImportResult:
    """Counts of an expert import."""

    created: int
    updated: int
    relationships: int


def _org(code: str | None, field: str) -> OrgUnit | None:
    if not code:
        return None
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise ExpertError(_("组织代码“%(code)s”不存在。") % {"code": code}, field=field)
    return unit


def _relationship_target(row: Mapping[str, Any]) -> dict[str, Any]:
    kind = row.get("kind", "")
    if kind not in RelationshipKind.values:
        raise ExpertError(_("回避关系类型“%(kind)s”无效。") % {"kind": kind}, field="kind")
    id_number = str(row.get("id_number") or "").strip()
    target = {
        "kind": kind,
        "org_unit": _org(row.get("org"), "org"),
        "person_index": blind_index(id_number) if id_number else "",
        "note": str(row.get("note") or "")[:200],
    }
    if target["org_unit"] is None and not target["person_index"]:
        raise ExpertError(_("回避关系须写明单位（org）或身份证号码（id_number）。"))
    return target


@transaction.atomic
def import_experts(rows: Iterable[Mapping[str, Any]], *, actor: User | None) -> ImportResult:
    """Create or update experts from plain rows (e.g. a pool YAML file's ``experts``).

    Each row: ``name``, ``speciality``, ``organization`` (required); ``industry``,
    ``region``, ``title``, ``phone``, ``email``, ``available`` (default true), ``org``
    (org-unit code), ``user`` (username of the expert's login) and ``relationships``
    (``[{kind, org | id_number, note}]``; ID numbers are kept only as blind indexes). An
    expert is matched by name and organization; an update replaces the declared
    relationships that were not declared after a draw.

    Raises:
        ExpertError: a required field is empty, or an org code, username or relationship
            kind is unknown (nothing is imported).
    """
    created = updated = relationships = 0
    for number, row in enumerate(rows, start=1):
        missing = [key for key in ("name", "speciality", "organization") if not row.get(key)]
        if missing:
            raise ExpertError(
                _("第%(n)d条缺少：%(fields)s") % {"n": number, "fields": "、".join(missing)}
            )
        user = None
        if row.get("user"):
            user = User.objects.filter(username=row["user"]).first()
            if user is None:
                raise ExpertError(_("用户“%(name)s”不存在。") % {"name": row["user"]})
        values = {
            "speciality": row["speciality"],
            "industry": row.get("industry", ""),
            "org_unit": _org(row.get("org"), "org"),
            "region": row.get("region", ""),
            "title": row.get("title", ""),
            "phone": str(row.get("phone") or ""),
            "email": row.get("email", ""),
            "available": bool(row.get("available", True)),
            "user": user,
        }
        expert, was_created = Expert.objects.update_or_create(
            name=row["name"], organization=row["organization"], defaults=values
        )
        created += was_created
        updated += not was_created
        expert.relationships.filter(after_draw=False).delete()
        for relation in row.get("relationships") or []:
            ExpertRelationship.objects.create(expert=expert, **_relationship_target(relation))
            relationships += 1
    record_audit(
        actor=actor,
        action="experts.import",
        object_type="experts.expert",
        after={"created": created, "updated": updated, "relationships": relationships},
    )
    return ImportResult(created, updated, relationships)


def load_pool_file(path: Path | str, *, actor: User | None = None) -> ImportResult:
    """Import the ``experts`` list of a pool YAML file (see specs/experts/sample-pool.yaml).

    Raises:
        ExpertError: the file is not YAML, has no ``experts`` list, or a row is invalid.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ExpertError(
            _("专家库文件第 %(line)s 行不是有效的 YAML：%(problem)s")
            % {"line": mark.line + 1 if mark else "?", "problem": yaml_problem(exc)}
        ) from exc
    rows = data.get("experts") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ExpertError(_("专家库文件须包含 experts 列表。"))
    return import_experts(rows, actor=actor)


@transaction.atomic
def declare_relationship(
    expert: Expert,
    *,
    kind: str,
    actor: User,
    org_unit: OrgUnit | None = None,
    id_number: str = "",
    nomination: Nomination | None = None,
    note: str = "",
) -> ExpertRelationship:
    """Record a relationship the expert declared (回避关系) with a unit, a person (by ID
    number, kept only as its blind index) or a nomination.

    If the expert already reviews a nominee the relationship now conflicts with, that
    assignment is recused and the next free reserve takes the place (as
    :func:`record_recusal`). Only a campaign office user may do this.

    Raises:
        ExpertError: no target given or unknown kind; NoReserveError when a recusal finds
            no free reserve (nothing is recorded).
        PermissionDenied: the actor is no campaign office user.
    """
    require(actor, "experts.manage_pool", expert, _("只有活动办公室可以管理专家库。"))
    if kind not in RelationshipKind.values:
        raise ExpertError(_("请选择回避关系类型。"), field="kind")
    id_number = id_number.strip()
    if org_unit is None and not id_number and nomination is None:
        raise ExpertError(_("请填写回避的单位、人员身份证号码或推荐对象之一。"))
    sat = expert.memberships.exists()
    relation = ExpertRelationship.objects.create(
        expert=expert,
        kind=kind,
        org_unit=org_unit,
        person_index=blind_index(id_number) if id_number else "",
        nomination=nomination,
        note=note[:200],
        after_draw=sat,
    )
    record_audit(
        actor=actor,
        action="experts.declare_relationship",
        obj=relation,
        after={
            "expert": expert.pk,
            "kind": kind,
            "org_unit": org_unit.pk if org_unit else None,
            "person": bool(id_number),
            "nomination": nomination.pk if nomination else None,
            "after_draw": sat,
        },
    )
    relationships = selectors.relationships_of(expert)
    for assignment in Assignment.objects.filter(member__expert=expert, active=True).select_related(
        "nomination", "member__panel"
    ):
        reasons = conflict_reasons(expert, assignment.nomination, relationships)
        if reasons:
            _recuse(assignment, reason="；".join(reasons), actor=actor)
    return relation


# --------------------------------------------------------------------------- panels


def _clean_mix(mix: Mapping[str, Any] | None) -> dict[str, dict[str, int]]:
    cleaned: dict[str, dict[str, int]] = {}
    for attribute, wanted in (mix or {}).items():
        if attribute not in MIX_ATTRIBUTES or not isinstance(wanted, Mapping):
            raise ExpertError(_("构成要求只能按专业领域、所属行业或地区设定。"), field="mix")
        for value, minimum in wanted.items():
            if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 0:
                raise ExpertError(_("构成要求的人数须为非负整数。"), field="mix")
            if minimum:
                cleaned.setdefault(attribute, {})[str(value)] = minimum
    return cleaned


@transaction.atomic
def create_panel(
    campaign: Campaign,
    *,
    name: str,
    size: int,
    actor: User,
    reserves: int = 0,
    mix: Mapping[str, Any] | None = None,
    award: Award | None = None,
    blind: bool = False,
) -> Panel:
    """Create a review panel (评审组) of ``campaign`` (or of one ``award`` of it), to be
    drawn: ``size`` experts, ``reserves`` reserves, ``mix`` minimum counts such as
    ``{"speciality": {"焊接": 2}}`` (seed 002 四(三)).

    Raises:
        ExpertError: size below 1, an award of another campaign, a malformed mix, or a
            step the specification puts before the expert review not done (``conflict``).
        PermissionDenied: the actor is not the campaign's office.
    """
    panel = Panel(campaign=campaign, award=award, name=name.strip(), size=size, blind=blind)
    require_panel_office(actor, panel)
    if size < 1:
        raise ExpertError(_("评审组至少需要1名专家。"), field="size")
    if reserves < 0:
        raise ExpertError(_("候补人数不能为负数。"), field="reserves")
    if award is not None and award.campaign_id != campaign.pk:
        raise ExpertError(_("该奖项不属于本评选活动。"), field="award")
    try:
        # Seed 003 二(二): 网络投票 before 专家评审 (issue 13: phases enforced).
        check_step(campaign, "expert_review")
    except StepOutOfOrder as exc:
        raise ExpertError(exc.message, code="conflict") from exc
    panel.reserves = reserves
    panel.mix = _clean_mix(mix)
    if any(sum(wanted.values()) > size for wanted in panel.mix.values()):
        raise ExpertError(_("构成要求的人数超过评审组人数。"), field="mix")
    panel.save()
    record_audit(
        actor=actor,
        action="experts.create_panel",
        obj=panel,
        after={
            "campaign": campaign.code,
            "award": award.code if award else None,
            "size": size,
            "reserves": reserves,
            "mix": panel.mix,
        },
    )
    return panel


def pool_snapshot_row(expert: Expert) -> dict[str, Any]:
    """The attributes of an expert a draw record keeps: id and the mix attributes."""
    return {"id": expert.pk, **{field: getattr(expert, field) for field in MIX_ATTRIBUTES}}


@transaction.atomic
def draw_panel(
    panel: Panel, *, seed: str, seed_source: str, witnesses: list[str], actor: User
) -> Draw:
    """Draw the panel's members and reserves from the pool (抽取, seed 002 四(三)).

    The pool snapshot is every available expert, by id, minus those with a conflict with
    any nominee the panel will see (:func:`selectors.panel_nominees`; the reasons are
    kept in ``Draw.excluded``). :func:`jiangxuan.experts.draw.draw_from_record` then
    draws from the snapshot with ``seed`` (any text, e.g. a witnessed lottery result or
    dice rolls) under the panel's size, reserves and mix. The record is audited; members
    and reserves become PanelMember rows in draw order, and each member gets an
    Assignment for each nominee. The office appoints the chair afterwards.

    Returns:
        The saved Draw; :func:`redraw` on it gives ``draw.result`` again.
    Raises:
        ExpertError: the panel was drawn already, seed or witnesses are missing, the
            panel has no nominees, or the pool cannot meet the constraints.
        PermissionDenied: the actor is not the campaign's office.
    """
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    require_panel_office(actor, panel)
    if panel.state != PanelState.DRAFT:
        raise ExpertError(_("该评审组已抽取，抽取结果不能更改。"), code="conflict")
    if not seed.strip():
        raise ExpertError(_("请填写随机种子。"), field="seed")
    if len(seed) > SEED_MAX_LENGTH:
        raise ExpertError(_("随机种子不能超过100个字符。"), field="seed")
    witnesses = [w.strip() for w in witnesses if w.strip()]
    if not witnesses:
        raise ExpertError(_("请填写至少一名见证人。"), field="witnesses")
    nominees = selectors.panel_nominees(panel)
    if not nominees:
        raise ExpertError(_("尚无审核通过、待专家评审的推荐对象。"))
    pool, excluded = [], []
    for expert in selectors.available_experts():
        relationships = list(expert.relationships.all())
        conflicts = [
            {"nomination": n.pk, "name": n.name, "reasons": reasons}
            for n in nominees
            if (reasons := conflict_reasons(expert, n, relationships))
        ]
        if conflicts:
            excluded.append({"id": expert.pk, "name": expert.name, "conflicts": conflicts})
        else:
            pool.append(pool_snapshot_row(expert))
    constraints = {"size": panel.size, "reserves": panel.reserves, "mix": panel.mix}
    try:
        result = draw_from_record(pool, seed, constraints)
    except DrawError as exc:
        raise ExpertError(exc.message) from exc
    draw = Draw.objects.create(
        panel=panel,
        seed=seed,
        seed_source=seed_source.strip()[:200],
        witnesses=witnesses,
        constraints=constraints,
        pool=pool,
        excluded=excluded,
        result=result,
        algorithm=ALGORITHM,
        drawn_by=actor,
    )
    members = PanelMember.objects.bulk_create(
        PanelMember(
            panel=panel,
            expert_id=expert_id,
            role=MemberRole.MEMBER if i < panel.size else MemberRole.RESERVE,
            position=i + 1,
        )
        for i, expert_id in enumerate(result)
    )
    Assignment.objects.bulk_create(
        Assignment(member=member, nomination=n)
        for member in members
        if member.role == MemberRole.MEMBER
        for n in nominees
    )
    panel.state = PanelState.DRAWN
    panel.save(update_fields=["state", "updated_at"])
    record_audit(
        actor=actor,
        action="experts.draw",
        obj=draw,
        after={
            "panel": panel.pk,
            "seed": seed,
            "seed_source": draw.seed_source,
            "witnesses": witnesses,
            "constraints": constraints,
            "pool": [row["id"] for row in pool],
            "excluded": [row["id"] for row in excluded],
            "result": result,
            "algorithm": ALGORITHM,
        },
    )
    return draw


@transaction.atomic
def draw_more_reserves(
    panel: Panel, *, count: int, seed: str, seed_source: str, witnesses: list[str], actor: User
) -> list[PanelMember]:
    """A supplementary, witnessed draw of ``count`` more reserves (增补候补专家) from the
    same pool snapshot, when recusals have used up the reserves (:class:`NoReserveError`).

    The supplement (count, seed, source, witnesses) is appended to the draw record's
    ``constraints["supplements"]`` and its reserves to ``result``, so :func:`redraw` still
    reproduces the whole record. The new reserves follow the existing ones in draw order.

    Raises:
        ExpertError: the panel is not drawn, count below 1, seed or witnesses missing,
            or the snapshot has too few experts left.
        PermissionDenied: the actor is not the campaign's office.
    """
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    require_panel_office(actor, panel)
    if panel.state != PanelState.DRAWN:
        raise ExpertError(_("评审组尚未抽取或评审已结束，不能增补候补专家。"), code="conflict")
    if count < 1:
        raise ExpertError(_("增补人数至少为1人。"), field="count")
    if not seed.strip() or len(seed) > SEED_MAX_LENGTH:
        raise ExpertError(_("请填写不超过100个字符的随机种子。"), field="seed")
    witnesses = [w.strip() for w in witnesses if w.strip()]
    if not witnesses:
        raise ExpertError(_("请填写至少一名见证人。"), field="witnesses")
    draw = Draw.objects.select_for_update().get(panel=panel)
    supplement = {
        "reserves": count,
        "seed": seed,
        "seed_source": seed_source.strip()[:200],
        "witnesses": witnesses,
        "drawn_at": timezone.now().isoformat(),
    }
    constraints = {
        **draw.constraints,
        "supplements": [*draw.constraints.get("supplements", []), supplement],
    }
    try:
        result = draw_from_record(draw.pool, draw.seed, constraints)
    except DrawError as exc:
        raise ExpertError(exc.message, field="count") from exc
    added = result[len(draw.result) :]
    draw.constraints, draw.result = constraints, result
    draw.save(update_fields=["constraints", "result", "updated_at"])
    start = len(draw.result) - len(added)
    members = PanelMember.objects.bulk_create(
        PanelMember(panel=panel, expert_id=pk, role=MemberRole.RESERVE, position=start + i + 1)
        for i, pk in enumerate(added)
    )
    record_audit(
        actor=actor,
        action="experts.draw_reserves",
        obj=draw,
        after={"panel": panel.pk, **supplement, "added": added},
    )
    return members


def redraw(draw: Draw) -> list[int]:
    """Re-run a draw from its record alone (pool snapshot, seed, constraints).

    Returns the expert ids in draw order; equal to ``draw.result`` unless the record was
    altered. Raises ExpertError if the record names an algorithm this code does not run.
    """
    if draw.algorithm != ALGORITHM:
        raise ExpertError(_("抽取算法版本“%(version)s”不受支持。") % {"version": draw.algorithm})
    return draw_from_record(draw.pool, draw.seed, draw.constraints)


@transaction.atomic
def appoint_chair(panel: Panel, member: PanelMember, *, actor: User) -> PanelMember:
    """Name a drawn member the panel's chair (评审组组长); a previous chair becomes a member.

    Raises:
        ExpertError: the member is a reserve or on another panel.
        PermissionDenied: the actor is not the campaign's office.
    """
    require_panel_office(actor, panel)
    member = PanelMember.objects.select_for_update().get(pk=member.pk)
    if member.panel_id != panel.pk or member.role == MemberRole.RESERVE:
        raise ExpertError(_("只能从本评审组的评审专家中指定组长。"), field="member")
    previous = list(
        PanelMember.objects.filter(panel=panel, role=MemberRole.CHAIR).exclude(pk=member.pk)
    )
    for old in previous:
        old.role = MemberRole.MEMBER
        old.save(update_fields=["role", "updated_at"])
    member.role = MemberRole.CHAIR
    member.save(update_fields=["role", "updated_at"])
    record_audit(
        actor=actor,
        action="experts.appoint_chair",
        obj=member,
        after={"panel": panel.pk, "expert": member.expert_id},
        before={"chair": [m.expert_id for m in previous]},
    )
    return member


# --------------------------------------------------------------------------- recusal


def _recuse(assignment: Assignment, *, reason: str, actor: User) -> Assignment:
    """Deactivate ``assignment`` and give its nominee to the next free reserve."""
    nomination = assignment.nomination
    assignment.active = False
    assignment.recused_reason = reason[:200]
    assignment.save(update_fields=["active", "recused_reason", "updated_at"])
    taken = set(
        Assignment.objects.filter(
            member__panel_id=assignment.member.panel_id, nomination=nomination
        ).values_list("member_id", flat=True)
    )
    reserves = (
        PanelMember.objects.filter(panel_id=assignment.member.panel_id, role=MemberRole.RESERVE)
        .exclude(pk__in=taken)
        .select_related("expert")
        .order_by("position")
    )
    for reserve in reserves:
        expert = reserve.expert
        if expert.available and not conflict_reasons(
            expert, nomination, selectors.relationships_of(expert)
        ):
            replacement = Assignment.objects.create(
                member=reserve, nomination=nomination, replaces=assignment
            )
            record_audit(
                actor=actor,
                action="experts.recuse",
                obj=assignment,
                after={
                    "nomination": nomination.pk,
                    "expert": assignment.member.expert_id,
                    "reason": assignment.recused_reason,
                    "replacement": replacement.pk,
                    "reserve": expert.pk,
                },
            )
            return replacement
    raise NoReserveError(
        _(
            "“%(name)s”没有可替补的候补专家（候补专家均已替补或与其存在利害关系）。"
            "请增补抽取候补专家后重新申报回避。"
        )
        % {"name": nomination.name}
    )


@transaction.atomic
def record_recusal(
    member: PanelMember, nomination: Nomination, *, kind: str, note: str = "", actor: User
) -> Assignment | None:
    """Record a conflict declared after the draw (回避): the member no longer reviews the
    nominee and the next reserve in draw order without a conflict with that nominee takes
    the place (an Assignment whose ``replaces`` is the recused one).

    The campaign office or the expert may declare it. Returns the replacement assignment,
    or None when the member had no active assignment for the nominee (a reserve declaring
    ahead of being called).

    Raises:
        ExpertError: the nominee is not one the panel reviews, or the kind is unknown.
        NoReserveError: no reserve is free; nothing is recorded (draw more reserves).
        PermissionDenied: the actor is neither the office nor the member's expert.
    """
    panel = Panel.objects.select_for_update().get(pk=member.panel_id)
    member = PanelMember.objects.select_related("expert", "panel").get(pk=member.pk)
    require(
        actor,
        "experts.record_recusal",
        member,
        _("只有本活动的领导小组办公室或该专家本人可以申报回避。"),
    )
    if kind not in RelationshipKind.values:
        raise ExpertError(_("请选择回避关系类型。"), field="kind")
    if selectors.nominee_of(panel, nomination.pk) is None:
        raise ExpertError(_("该推荐对象不由本评审组评审。"), field="nomination")
    relation = ExpertRelationship.objects.create(
        expert=member.expert,
        kind=kind,
        nomination=nomination,
        note=note[:200],
        after_draw=True,
    )
    record_audit(
        actor=actor,
        action="experts.record_recusal",
        obj=relation,
        after={"panel": panel.pk, "member": member.pk, "nomination": nomination.pk, "kind": kind},
    )
    assignment = (
        Assignment.objects.filter(member=member, nomination=nomination, active=True)
        .select_related("nomination", "member")
        .first()
    )
    if assignment is None:
        return None
    reason = relation.get_kind_display() + (f"：{note}" if note else "")
    return _recuse(assignment, reason=reason, actor=actor)


# --------------------------------------------------------------------------- confidentiality


def undertaking_digest() -> str:
    """SHA-256 (hex) of the undertaking text in the active language, for the audit row."""
    return hashlib.sha256(str(CONFIDENTIALITY_UNDERTAKING).encode()).hexdigest()


@transaction.atomic
def confirm_confidentiality(member: PanelMember, *, actor: User) -> PanelMember:
    """The expert confirms the confidentiality undertaking (保密承诺) for one panel; only
    then does :func:`selectors.assignments_for_expert` return its nominations. A second
    confirmation keeps the first time.

    Raises:
        PermissionDenied: the actor is not the member's expert.
    """
    member = PanelMember.objects.select_for_update().select_related("expert").get(pk=member.pk)
    require(actor, "experts.confirm_confidentiality", member, _("只能确认本人的保密承诺。"))
    if member.confidentiality_confirmed_at is None:
        member.confidentiality_confirmed_at = timezone.now()
        member.save(update_fields=["confidentiality_confirmed_at", "updated_at"])
        record_audit(
            actor=actor,
            action="experts.confirm_confidentiality",
            obj=member,
            role="expert",
            after={"panel": member.panel_id, "undertaking_sha256": undertaking_digest()},
        )
    return member
