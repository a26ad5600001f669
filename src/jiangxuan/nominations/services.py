"""Writes to nominations: create, save a draft, evidence, submit, withdraw, override,
and a nominating unit's ranked list. Each function runs in one transaction and writes an
audit entry; state changes go through :func:`workflow.transition`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.accounts.selectors import jurisdiction_of, memberships_of, path_in_scope
from jiangxuan.campaigns import spec as s
from jiangxuan.campaigns.enums import CampaignState, RuleStatus
from jiangxuan.campaigns.lifecycle import CampaignClosed, ensure_writable, new_draft_refusal
from jiangxuan.campaigns.models import Award, Campaign
from jiangxuan.campaigns.selectors import (
    category_of,
    cite,
    deadline_for,
    deadline_source,
    nominating_unit_for,
    window_state,
)
from jiangxuan.core import events
from jiangxuan.core.audit import record_audit
from jiangxuan.core.crypto import blind_index
from jiangxuan.core.permissions import require

from . import validators
from .eligibility import evaluate_rules, read_person
from .enums import NominationAction, NominationState
from .models import EligibilityOverride, Evidence, Forwarding, LevelClearance, Nomination
from .penalties import penalties
from .selectors import UnsavedValue, screen_nominations, unsaved_values
from .workflow import InvalidTransition, NominationError, transition

PERSONAL_FIELDS = {"id_number", "phone", "bank_account", "workplace_contact_phone"}


# --------------------------------------------------------------------------- create


def _clerk_units(actor: User) -> list[OrgUnit]:
    return [m.org_unit for m in memberships_of(actor) if m.role == Role.CLERK]


def _channel_named(spec: s.CampaignSpec, code: str) -> s.Channel:
    for channel in spec.channels:
        if channel.code == code:
            return channel
    names = "、".join(c.name for c in spec.channels)
    raise NominationError(
        _("推荐渠道无效，本活动的推荐渠道为：%(names)s。") % {"names": names}, field="channel"
    )


def _default_channel(spec: s.CampaignSpec, nominating_unit: OrgUnit) -> s.Channel:
    """The channel of a nomination started by a nominating unit's clerk: the social
    organizations' channel for a social organization, else the units' channel (channels
    received at an intake point are chosen, never defaulted)."""
    own = [c for c in spec.channels if not c.intake]
    kind = "social_org" if nominating_unit.kind == "social_org" else "unit"
    return next((c for c in own if c.kind == kind), own[0] if own else spec.channels[0])


@transaction.atomic
def create_nomination(
    *,
    campaign: Campaign,
    award: Award,
    actor: User,
    workplace: OrgUnit | None = None,
    channel: str | None = None,
) -> Nomination:
    """Start a draft nomination for ``award`` through ``channel`` (a code of the
    specification's ``channels``; default: the units' channel, or the social
    organizations' one for a social organization's clerk).

    Through a unit channel, the workplace defaults to the clerk's own unit and must lie in
    the clerk's jurisdiction; the nominating unit is the nearest unit of the
    specification's categories above the workplace (campaigns.selectors
    .nominating_unit_for), or the clerk's unit when it is itself a nominating unit.
    Through a channel received at an intake point (``channels[].intake``, seed 003 二(二)1
    个人自荐 and 四(三) 报送至威海市总工会生产部), only the intake unit's clerks start it;
    the workplace is the nominee's real one, anywhere in the tree (default: none typed
    yet, the intake unit stands in and the form's 工作单位 is left for the clerk), the
    intake unit is the nominating unit, and the review starts at ``starts_at``.

    The campaign's stage must allow it (campaigns.lifecycle.new_draft_refusal): not a
    draft, not decided or archived (issue 13: campaigns close).

    Raises:
        NominationError: the campaign's stage takes no new drafts (``code="closed"``), the
            award is not the campaign's or is chosen among another award's awardees
            (``derived_from``), the channel is unknown (or a social
            organizations' channel for another unit), or no nominating unit covers the
            workplace.
        PermissionDenied: the actor is not a clerk whose jurisdiction holds the workplace,
            or not a clerk of the channel's intake unit.
    """
    spec = campaign.specification
    refusal = new_draft_refusal(campaign)
    if refusal:
        raise NominationError(refusal, code="closed")
    if award.campaign_id != campaign.id:
        raise NominationError(_("所选奖项不属于该评选活动。"), field="award")
    derived = award.spec.derived_from
    if derived is not None:
        raise NominationError(
            _("“%(award)s”从本届“%(base)s”的获奖人选中产生，不单独推荐。")
            % {"award": award.name, "base": spec.award(derived.award).name},
            field="award",
        )
    require(
        actor, "campaigns.nominate_in_campaign", campaign, _("只有推荐单位经办人可以新建推荐。")
    )
    units = _clerk_units(actor)
    chosen = _channel_named(spec, channel) if channel else None
    if chosen is not None and chosen.intake:
        intake = next((u for u in units if u.code in chosen.intake), None)
        if intake is None:
            raise PermissionDenied(
                _("“%(channel)s”由指定的受理单位新建%(clause)s，您所在单位不是受理单位。")
                % {"channel": chosen.name, "clause": cite(chosen.source)}
            )
        nominating_unit = intake
        workplace = workplace or intake
    else:
        home = units[0]
        workplace = workplace or home
        paths = [jurisdiction_of(u).path for u in units]
        if not path_in_scope(workplace.path, paths):
            raise PermissionDenied(_("所选单位不在您的管辖范围内。"))
        found = next((u for u in units if category_of(u, spec)), None)
        if found is None or not path_in_scope(workplace.path, [jurisdiction_of(found).path]):
            found = nominating_unit_for(workplace, spec)
        if found is None:
            raise NominationError(
                _("“%(unit)s”不属于本活动的任何推荐单位类别，请联系上级单位。")
                % {"unit": workplace.name}
            )
        nominating_unit = found
        chosen = chosen or _default_channel(spec, nominating_unit)
        if chosen.kind == "social_org" and nominating_unit.kind != "social_org":
            raise NominationError(
                _("“%(channel)s”只能由社会团体推荐。") % {"channel": chosen.name},
                field="channel",
            )
    if penalties().unit_barred(nominating_unit, campaign.series, for_campaign=campaign):
        raise NominationError(
            _("%(unit)s因上一届评选中弄虚作假，已被取消本届推荐资格。")
            % {"unit": nominating_unit.name}
        )
    nomination = Nomination.objects.create(
        campaign=campaign,
        award=award,
        channel=chosen.code,
        workplace=workplace,
        nominating_unit=nominating_unit,
        workplace_name=workplace.name if workplace.level == "workplace" else "",
        ownership_type=workplace.ownership_type,
        created_by=actor,
        level=chosen.starts_at or spec.review_chain.levels[0].code,
    )
    evaluate_eligibility(nomination)
    record_audit(
        actor=actor,
        action="nomination.create",
        obj=nomination,
        role=Role.CLERK,
        after={
            "campaign": campaign.code,
            "award": award.code,
            "unit": nominating_unit.code,
            "channel": chosen.code,
        },
    )
    return nomination


# --------------------------------------------------------------------------- drafts


def evaluate_eligibility(nomination: Nomination, *, save: bool = True) -> str:
    """Screen a nomination against its award's hard rules and store the results.

    Returns the overall status (passed / failed / needs_evidence). Overridden rules count
    as passed but stay marked in the results. Queries: one (the overrides and the
    laureate registry, ``eligibility.read_person``), besides the campaign and award when
    the nomination was read without them, and the organization tree when a rule reads the
    nominating unit.
    """
    campaign_spec = nomination.campaign.specification
    overridden, past_awards = read_person(nomination)
    status, results = evaluate_rules(
        nomination,
        campaign_spec,
        campaign_spec.award(nomination.award.code),
        overridden=overridden,
        past_awards=past_awards,
    )
    nomination.eligibility = [r.as_dict() for r in results]
    nomination.eligibility_status = status
    if save:
        nomination.save(update_fields=["eligibility", "eligibility_status", "updated_at"])
    return status


def rescreen_series(
    series: Sequence[str], *, actor: User | None, cause: str, exclude: Campaign | None = None
) -> list[Nomination]:
    """Screen again the live nominations of every campaign still running (not decided, not
    archived) that has an award of a title ``series``, now that its laureate registry
    changed (an import of earlier editions' awardees, or a published decision): "已获得
    该称号者不再参评" (seed 000 二; seed 001 一(一); seed 003 一(一)) holds from the
    registry at any time, not only when the clerk last saved. Stores each changed result,
    one audit entry per changed nomination (with ``cause``).

    Args:
        series: the title series whose registry changed.
        actor: who changed it (None for a command).
        cause: the change, for the audit entries (e.g. "decision.publish").
        exclude: a campaign left out (the one whose decision was just published).
    Returns:
        The nominations whose eligibility changed, with the new status stored.
    """
    campaigns = (
        Campaign.objects.filter(awards__series__in=list(series), decided_at__isnull=True)
        .exclude(state=CampaignState.CLOSED)
        .distinct()
    )
    if exclude is not None:
        campaigns = campaigns.exclude(pk=exclude.pk)
    changed: list[Nomination] = []
    for campaign in campaigns:
        screened = screen_nominations(campaign)
        rows = Nomination.objects.filter(pk__in=screened).only(
            "pk", "eligibility", "eligibility_status"
        )
        for nomination in rows:
            status, results = screened[nomination.pk]
            stored = [r.as_dict() for r in results]
            if status == nomination.eligibility_status and stored == nomination.eligibility:
                continue
            before = nomination.eligibility_status
            nomination.eligibility, nomination.eligibility_status = stored, status
            changed.append(nomination)
            record_audit(
                actor=actor,
                action="nomination.rescreen",
                obj=nomination,
                before={"eligibility_status": before},
                after={"eligibility_status": status, "cause": cause},
            )
    Nomination.objects.bulk_update(changed, ["eligibility", "eligibility_status"])
    return changed


def _ensure_editable(nomination: Nomination, actor: User) -> None:
    try:
        ensure_writable(nomination.campaign)
    except CampaignClosed as exc:
        raise NominationError(exc.message, code="conflict") from exc
    if not nomination.is_editable:
        raise NominationError(
            _("当前状态为“%(state)s”，不能修改。") % {"state": nomination.get_state_display()},
            code="conflict",
        )
    require(actor, "nominations.change_nomination", nomination, _("您无权修改此推荐。"))


def _id_number_refusal(nomination: Nomination) -> str:
    """Why ``nomination``'s (new) ID number cannot be stored, or "": the person's place in
    this campaign was revoked without substitution, or the number already holds another
    live nomination here (one award per person per campaign, seed 001 三(二)3)."""
    index = blind_index(nomination.id_number)
    revoked = penalties().no_substitute_nominations(nomination.campaign).filter(id_index=index)
    if revoked.exists():
        return _("此人在本活动中的推荐资格已被撤销，不得重报。")
    taken = (
        Nomination.objects.filter(
            campaign=nomination.campaign, id_index=index, state__in=NominationState.LIVE
        )
        .exclude(pk=nomination.pk)
        .exists()
    )
    if taken:
        return one_award_message(nomination.campaign)
    return ""


def one_award_message(campaign: Campaign) -> str:
    """The refusal of a second nomination of one person in a campaign, citing the clause
    where the specification names it (``one_award_source``; seed 001 三(二)3)."""
    message = _("此身份证号码在本活动中已有推荐，同一人只能申报一个奖项")
    return message + cite(campaign.specification.one_award_source) + "。"


def _field_label(nomination: Nomination, key: str, default: str) -> str:
    spec_form = nomination.campaign.specification.form
    return next((f.label for f in spec_form.all_fields() if f.key == key), default)


@transaction.atomic
def save_nomination(
    nomination: Nomination,
    *,
    actor: User,
    core: dict[str, Any],
    extra: dict[str, Any],
    award: Award | None = None,
    publication_consent: bool | None = None,
    unsaved: Sequence[UnsavedValue] = (),
    fill_from_id_number: bool = False,
) -> Nomination:
    """Save form values (already validated by ``NominationForm``) into a draft.

    ``core`` holds column values, ``extra`` the campaign fields (merged into existing
    ones). With ``fill_from_id_number`` (the form's saves), a blank birth date and sex
    are filled from the ID number kept after the save (GB 11643), never from a refused
    one. Re-screens eligibility. The audit entry names the changed fields; personal
    values are not written to it.

    A draft never loses what is valid (issue 15.1): an ID number that cannot be stored
    (it already holds a live nomination in this campaign, seed 001 三(二)3, or the
    person's place was revoked without substitution) is left at its stored value while
    every other value is saved. ``unsaved`` lists the values the form refused; together
    with the refused ID number they replace ``nomination.unsaved`` (read them back with
    ``selectors.unsaved_values``), so the page can say what was not saved after a reload.

    Raises:
        NominationError: not editable, the award is not the campaign's, or a concurrent
            save took the ID number between the check and the write (nothing saved).
        PermissionDenied: the actor may not edit this nomination.
    """
    _ensure_editable(nomination, actor)
    refused = list(unsaved)
    stored_id_number = nomination.id_number
    before = {}
    changed = []
    for name, value in core.items():
        if name not in s.CORE_FIELDS or name in ("photo",):
            continue
        old = getattr(nomination, name)
        if old != value:
            before[name] = "***" if name in PERSONAL_FIELDS else str(old)
            changed.append(name)
            setattr(nomination, name, value)
    if "id_number" in changed and nomination.id_number:
        reason = _id_number_refusal(nomination)
        if reason:
            label = _field_label(nomination, "id_number", _("身份证号码"))
            refused.append(UnsavedValue("id_number", label, nomination.id_number, reason))
            nomination.id_number = stored_id_number
            changed.remove("id_number")
            del before["id_number"]
    if fill_from_id_number and nomination.id_number:
        # Filled only from a number that is kept, never from a refused one.
        birth, sex = validators.id_number_facts(nomination.id_number)
        for name, value in (("birth_date", birth), ("sex", sex)):
            if not getattr(nomination, name):
                setattr(nomination, name, value)
                if name not in changed:
                    changed.append(name)
    if extra:
        merged = {**(nomination.extra or {}), **extra}
        if merged != nomination.extra:
            changed.append("extra")
            nomination.extra = merged
    if award is not None and award.id != nomination.award_id:
        if award.campaign_id != nomination.campaign_id:
            raise NominationError(_("所选奖项不属于该评选活动。"), field="award")
        before["award"] = nomination.award.code
        nomination.award = award
        changed.append("award")
    if publication_consent is not None and publication_consent != nomination.publication_consent:
        nomination.publication_consent = publication_consent
        changed.append("publication_consent")
    nomination.unsaved = (
        json.dumps([item.as_dict() for item in refused], ensure_ascii=False) if refused else ""
    )
    evaluate_eligibility(nomination, save=False)
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError as exc:
        raise NominationError(one_award_message(nomination.campaign), field="id_number") from exc
    record_audit(
        actor=actor,
        action="nomination.save",
        obj=nomination,
        role=Role.CLERK,
        before=before,
        after={
            "changed": changed,
            "unsaved": [item.field for item in refused],
            "eligibility": nomination.eligibility_status,
        },
    )
    return nomination


# --------------------------------------------------------------------------- evidence


@transaction.atomic
def add_evidence(nomination: Nomination, *, actor: User, material: str, upload: Any) -> Evidence:
    """Store an uploaded evidence file for a checklist item.

    The bytes are sniffed and checked (validators.check_upload); images are re-encoded
    without metadata. Stored through Django's storage API under a random name.

    Raises:
        NominationError: unknown checklist item, or the file is refused (message says why).
    """
    _ensure_editable(nomination, actor)
    # Unit-level items (推荐函, 汇总表) belong to the unit's list, not to one nomination.
    allowed = {m.code for m in materials_for(nomination) if m.upload and m.per == "nomination"}
    allowed |= {"photo", "video", "other"}
    if material not in allowed:
        raise NominationError(_("材料项无效，请从材料目录中选择。"), field="material")
    # The form's video field gives the length the notice asks for (seed 003 四(三)).
    video = next(
        (
            f
            for f in nomination.campaign.specification.form.all_fields()
            if f.effective_type == "video"
        ),
        None,
    )
    try:
        checked = validators.check_upload(
            upload,
            video=(material == "video"),
            min_seconds=video.min_seconds if video else None,
            max_seconds=video.max_seconds if video else None,
        )
    except ValidationError as exc:
        raise NominationError(exc.messages[0], field="file") from exc
    digest = hashlib.sha256(checked.data).hexdigest()
    original = (getattr(upload, "name", "") or "file")[-200:]
    evidence = Evidence(
        nomination=nomination,
        material=material,
        original_name=original,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=digest,
        duration_seconds=checked.seconds,
        uploaded_by=actor,
    )
    evidence.file.save(f"{digest[:32]}.{checked.extension}", ContentFile(checked.data), save=False)
    if checked.poster:
        # Reviewers see the video's first picture beside its length (issue 13).
        evidence.poster.save(f"{digest[:32]}.jpg", ContentFile(checked.poster), save=False)
    # A failed insert must not leave the files behind.
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        if evidence.poster:
            evidence.poster.delete(save=False)
        raise
    record_audit(
        actor=actor,
        action="evidence.add",
        obj=nomination,
        role=Role.CLERK,
        after={"evidence": evidence.pk, "material": material, "type": checked.content_type},
    )
    return evidence


@transaction.atomic
def delete_evidence(evidence: Evidence, *, actor: User) -> None:
    """Remove an evidence file from an editable nomination (file deleted after commit)."""
    nomination = evidence.nomination
    _ensure_editable(nomination, actor)
    name = evidence.file.name
    names = [n for n in (name, evidence.poster.name) if n]
    storage = evidence.file.storage
    evidence.delete()

    def delete_files() -> None:
        for stored in names:
            storage.delete(stored)

    transaction.on_commit(delete_files)
    record_audit(
        actor=actor,
        action="evidence.delete",
        obj=nomination,
        role=Role.CLERK,
        before={"evidence": name},
    )


# --------------------------------------------------------------------------- submission


def missing_fields(nomination: Nomination) -> list[str]:
    """Labels of required form fields that are still empty."""
    missing = []
    for f in nomination.campaign.specification.form.all_fields():
        if not f.required:
            continue
        kind = f.effective_type
        if kind in ("photo", "video"):
            if not nomination.evidence.filter(material=kind).exists():
                missing.append(f.label)
            continue
        value = (
            getattr(nomination, f.key)
            if f.key in s.CORE_FIELDS
            else (nomination.extra or {}).get(f.key)
        )
        if value in (None, "", [], {}) or (isinstance(value, dict) and not any(value.values())):
            missing.append(f.label)
    return missing


def missing_materials(nomination: Nomination) -> list[str]:
    """Names, in the checklist's order, of the required materials (材料目录, items marked
    必备) the clerk uploads for this nomination and has not uploaded yet.

    Only items with ``per: nomination`` and ``upload: true`` count: unit-level items go
    with the unit's forward, and items the platform collects itself (a department's
    征求意见 opinion) are ``upload: false`` in the spec. The form's photo and video are
    form fields (:func:`missing_fields`). Rule: every seed's 材料目录 (e.g. seed 001, 四).
    """
    uploaded = set(nomination.evidence.values_list("material", flat=True))
    return [
        m.name
        for m in materials_for(nomination)
        if m.required and m.upload and m.per == "nomination" and m.code not in uploaded
    ]


def materials_for(nomination: Nomination) -> list[s.Material]:
    """The checklist items (材料目录) that apply to the nomination: all but those the
    specification keeps for other channels (``materials[].channels``), in order."""
    return [
        m
        for m in nomination.campaign.specification.materials
        if not m.channels or nomination.channel in m.channels
    ]


@dataclass(frozen=True)
class QuotaUsage:
    """How a unit's quota stands for one award (or all awards when ``award`` is None);
    ``award`` is the award's code, ``award_name`` its name as people read it."""

    category: str
    category_name: str
    award: str | None
    used: int
    minimum: int
    maximum: int | None
    award_name: str = ""

    @property
    def full(self) -> bool:
        return self.maximum is not None and self.used >= self.maximum


def quota_usage(campaign: Campaign, unit: OrgUnit, award: Award | None = None) -> list[QuotaUsage]:
    """The quotas applying to ``unit`` (for ``award`` and across awards) and their use.

    Counts the unit's live nominations it has forwarded at the level where it signs
    (review.forward_nominations). Source: the specification's ``quotas`` (seed 000 四:
    5-10; seed 001 附件1; seed 002 三).
    """
    spec = campaign.specification
    category = category_of(unit, spec)
    if category is None:
        return []
    usages = []
    for quota in spec.quotas:
        if quota.category != category.code:
            continue
        if award is not None and quota.award not in (None, award.code):
            continue
        qs = Forwarding.objects.filter(
            nomination__campaign=campaign,
            quota_unit=unit,
            nomination__state__in=NominationState.LIVE,
        )
        if quota.award:
            qs = qs.filter(nomination__award__code=quota.award)
        name = spec.award(quota.award).name if quota.award else ""
        usages.append(
            QuotaUsage(
                category.code, category.name, quota.award, qs.count(), quota.min, quota.max, name
            )
        )
    return usages


def _check_window(nomination: Nomination, now: dt.datetime) -> None:
    unit = nomination.nominating_unit or nomination.workplace
    state = window_state(nomination.campaign, unit, now)
    submission = nomination.campaign.specification.timeline.submission
    if state == "early":
        message = (
            _("申报尚未开始：受理时间自 %(at)s 起%(clause)s，提前报送不予受理。")
            if submission.refuse_early
            else _("申报尚未开始：受理时间自 %(at)s 起%(clause)s，请届时再提交。草稿已保存。")
        )
        at = timezone.localtime(submission.opens_at).strftime("%Y-%m-%d %H:%M")
        raise NominationError(
            message % {"at": at, "clause": cite(submission.source)}, code="window"
        )
    if state == "closed":
        deadline = deadline_for(nomination.campaign, unit)
        clause = cite(deadline_source(nomination.campaign.specification, deadline))
        raise NominationError(
            _("申报已于 %(at)s 截止%(clause)s，逾期不予受理。草稿已保存。")
            % {"at": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"), "clause": clause},
            code="window",
        )


@transaction.atomic
def submit_nomination(
    nomination: Nomination, *, actor: User, now: dt.datetime | None = None
) -> Nomination:
    """Submit a draft (or a returned nomination) to its nominating unit's list.

    Checks, in order: the submission window by server time (Asia/Shanghai; refuses early
    submissions where the specification says so, seed 001 六, and submissions after the
    campaign's or an ancestor body's internal deadline, seed 000), values a save refused
    and the clerk has not fixed (issue 15.1), required fields, the required materials of
    the checklist (:func:`missing_materials`), and eligibility (a failed hard rule blocks
    unless overridden). Quotas apply when a nominating unit
    forwards its ranked list (review.forward_nominations), not here: a unit may receive
    more candidates than it may put forward.

    Raises:
        NominationError: with a Chinese message saying what to fix; nothing changes.
        InvalidTransition: the nomination is not in a submittable state.
        PermissionDenied: the actor may not submit it.
    """
    now = now or timezone.now()
    if nomination.state not in NominationState.EDITABLE:
        raise InvalidTransition(
            _("当前状态为“%(state)s”，不能提交。") % {"state": nomination.get_state_display()}
        )
    problems = _submission_problems(nomination, now, save=True)
    if problems:
        raise problems[0]
    # A returned nomination comes back to the level that returned it, in a new round.
    first = nomination.state == NominationState.DRAFT
    changes = {} if first else {"review_round": nomination.review_round + 1}
    submitted = transition(
        nomination, NominationAction.SUBMIT, actor=actor, role=Role.CLERK, changes=changes
    )
    if first:
        # The nominee is told they were nominated (issue 13, self-service): notifications
        # drafts the e-mail for the office's review.
        events.nomination_submitted.send(sender=Nomination, nomination=submitted, actor=actor)
    return submitted


def _submission_problems(
    nomination: Nomination, now: dt.datetime, *, save: bool
) -> list[NominationError]:
    """Everything that stops a submission, in the order :func:`submit_nomination` checks
    it: the window, values a save refused (issue 15.1), required fields, required
    materials, hard rules (``save`` stores the
    eligibility results)."""
    problems: list[NominationError] = []
    try:
        _check_window(nomination, now)
    except NominationError as exc:
        problems.append(exc)
    pending = unsaved_values(nomination)
    if pending:
        problems.append(
            NominationError(
                _("以下填写内容未保存，请先改正：%(items)s")
                % {"items": "；".join(item.notice for item in pending)},
                code="incomplete",
            )
        )
    missing = missing_fields(nomination)
    if missing:
        problems.append(
            NominationError(
                _("以下必填项尚未填写：%(fields)s。") % {"fields": "、".join(missing)},
                code="incomplete",
            )
        )
    materials = missing_materials(nomination)
    if materials:
        problems.append(
            NominationError(
                _("以下必备材料尚未上传：%(items)s。请在“佐证材料”中上传后再提交。")
                % {"items": "；".join(materials)},
                code="incomplete",
            )
        )
    if evaluate_eligibility(nomination, save=save) == RuleStatus.FAILED:
        failed = [
            r["label"]
            for r in nomination.eligibility
            if r["status"] == RuleStatus.FAILED and not r["overridden"]
        ]
        problems.append(
            NominationError(
                _("不符合以下评选条件，不能提交：%(rules)s。如有特殊情况，请联系活动办公室特批。")
                % {"rules": "；".join(failed)},
                code="ineligible",
            )
        )
    return problems


@dataclass(frozen=True)
class SubmissionCheck:
    """What submitting a nomination would do, for the clerk's confirmation (issue 15.3):
    ``reviewer`` is the unit that receives it (its nominating unit, "" when none yet),
    ``problems`` what stops it, each a Chinese sentence saying what to fix (empty: ready).
    """

    reviewer: str
    problems: list[str]

    @property
    def ready(self) -> bool:
        return not self.problems


def check_submission(nomination: Nomination, *, now: dt.datetime | None = None) -> SubmissionCheck:
    """The checks :func:`submit_nomination` makes (window by server time, Asia/Shanghai;
    required fields; required materials; hard rules), all of them rather than the first,
    without submitting or writing anything."""
    problems = _submission_problems(nomination, now or timezone.now(), save=False)
    unit = nomination.nominating_unit
    return SubmissionCheck(
        reviewer=unit.name if unit else "", problems=[p.message for p in problems]
    )


def withdraw_nomination(nomination: Nomination, *, actor: User, reason: str) -> Nomination:
    """Withdraw a nomination (recorded with the reason); it stops counting everywhere."""
    if not reason.strip():
        raise NominationError(_("请填写撤回原因。"), field="reason")
    return transition(
        nomination, NominationAction.WITHDRAW, actor=actor, opinion=reason, role=Role.CLERK
    )


@transaction.atomic
def override_eligibility(
    nomination: Nomination, *, actor: User, rule_code: str, reason: str
) -> EligibilityOverride:
    """Let a nomination through a failed hard rule, with a recorded reason.

    Raises:
        PermissionDenied: only the campaign office may override.
        NominationError: no reason, or the rule is not one of the award's failed rules.
    """
    require(actor, "nominations.override_eligibility", nomination, _("只有活动办公室可以特批。"))
    if not reason.strip():
        raise NominationError(_("请填写特批理由。"), field="reason")
    codes = {r["code"] for r in nomination.eligibility if r["status"] == RuleStatus.FAILED}
    if rule_code not in codes:
        raise NominationError(_("该规则没有不符合的结果，无需特批。"), field="rule_code")
    override = EligibilityOverride.objects.create(
        nomination=nomination, rule_code=rule_code, reason=reason.strip(), decided_by=actor
    )
    evaluate_eligibility(nomination)
    record_audit(
        actor=actor,
        action="nomination.override_eligibility",
        obj=nomination,
        role=Role.CAMPAIGN_OFFICE,
        after={"rule": rule_code, "reason": reason.strip()},
    )
    return override


@transaction.atomic
def record_clearance(
    nomination: Nomination, *, level: str, kind: str, reference: str, actor: User | None
) -> LevelClearance:
    """Record that ``level``'s public notice or background check cleared the nomination,
    so that the level may forward it (review.forward_nominations). Idempotent."""
    clearance, created = LevelClearance.objects.get_or_create(
        nomination=nomination, level=level, kind=kind, defaults={"reference": reference}
    )
    if created:
        record_audit(
            actor=actor,
            action="nomination.clear",
            obj=nomination,
            role=Role.CAMPAIGN_OFFICE,
            after={"level": level, "kind": kind, "reference": reference},
        )
    return clearance


def record_personal_data_view(nomination: Nomination, *, actor: User, where: str) -> bool:
    """Audit that ``actor`` sees ``nomination``'s ID number, phones or bank account in full
    (issue 3: every view of unmasked personal data is audited; GB/T 35273 §7.2).

    Returns False, writing nothing, when the actor lacks the permission (the page then
    shows masked values) or the nomination holds no such data.
    """
    if not actor.has_perm("nominations.view_personal_data", nomination):
        return False
    present = [name for name in sorted(PERSONAL_FIELDS) if getattr(nomination, name)]
    if present:
        record_audit(
            actor=actor,
            action="nomination.view_unmasked",
            obj=nomination,
            after={"fields": present, "where": where},
        )
    return True
