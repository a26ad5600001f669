"""Writes for public notices, objections, background checks and penalties.

Every service runs in one transaction with its audit entry. The nomination's state is
changed only through ``nominations.workflow.transition``; the office's revocations,
withdrawals and rejections pass ``actor=None`` there (the nominations permission table
gives the office no such action; the office's own audit entry here names the person),
and a refused transition undoes the whole service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.campaigns.lifecycle import CampaignClosed, closed_reason, ensure_writable
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.steps import StepOutOfOrder, check_step
from jiangxuan.core import events
from jiangxuan.core.audit import record_audit
from jiangxuan.core.calendar import UnknownHolidayYear
from jiangxuan.core.errors import DomainError
from jiangxuan.core.permissions import require
from jiangxuan.nominations.enums import NominationAction, NominationState
from jiangxuan.nominations.models import ClearanceKind, Nomination
from jiangxuan.nominations.selectors import nominations_visible_to
from jiangxuan.nominations.services import record_clearance
from jiangxuan.nominations.validators import check_upload, validate_landline, validate_mobile
from jiangxuan.nominations.withdrawal import withdraw_from_lists
from jiangxuan.nominations.workflow import InvalidTransition, transition

from .enums import (
    BackgroundCheckState,
    NoticePhase,
    NoticeState,
    ObjectionOutcome,
    ObjectionState,
    PenaltyKind,
)
from .models import BackgroundCheck, DisciplinaryPenalty, NoticeEntry, Objection, PublicNotice
from .rules import NoticeScope
from .selectors import (
    PUBLISHED_FIELDS,
    notice_end_date,
    notice_phase,
    notice_scope,
    stage_named,
)

ROLE = Role.CAMPAIGN_OFFICE
#: Objections one address may file per window (anti-flooding; ASVS 2.4.1).
OBJECTION_RATE_LIMIT = getattr(settings, "JX_OBJECTION_RATE_LIMIT", 5)
OBJECTION_RATE_WINDOW = getattr(settings, "JX_OBJECTION_RATE_WINDOW", 600)
MAX_OBJECTION_CHARS = 5000


class NoticeError(DomainError):
    """A notice service refused a request; ``message`` is Chinese and says why.

    ``field`` names the input at fault; ``code`` is ``invalid``, ``conflict`` (the
    object's state does not allow it, HTTP 409) or ``calendar`` (unknown holiday year).
    """


def _require_office(actor: User, campaign: Campaign) -> None:
    require(
        actor, "notices.manage_notices", campaign, _("只有本活动的领导小组办公室可以执行此操作。")
    )


def _require_runner(actor: User, scope: NoticeScope) -> str:
    """Check ``notices.run_notice`` and return the role the actor acts in (for the audit):
    the office, or a reviewer of the body that signs at the notice's level."""
    require(
        actor,
        "notices.run_notice",
        scope,
        _("只有本活动的领导小组办公室或在该层级签署意见的单位可以组织该层级的公示。"),
    )
    return ROLE if actor.has_perm("notices.manage_notices", scope.campaign) else Role.REVIEWER


def _names(nominations: Iterable[Nomination]) -> str:
    return "、".join(n.name or str(n.pk) for n in nominations)


# --------------------------------------------------------------------------- notices


@transaction.atomic
def open_public_notice(
    campaign: Campaign,
    *,
    stage: str,
    body: OrgUnit | None,
    nominations: Iterable[Nomination],
    starts_on: dt.date,
    actor: User,
    title: str = "",
    publish: bool = True,
) -> PublicNotice:
    """Open a public notice (公示) of ``nominations`` at ``stage`` of the campaign's chain.

    The length and the way days are counted come from the specification's notice rule for
    the stage (seed 000 四1 and 四5: 5 个工作日; seed 001 三(一)2, 3, 5; seed 002 四(五);
    seed 003 二(二)6: 5 天; seed 004 三(四)); ``ends_on`` is computed from the working-day
    calendar. Each consenting nominee's publishable fields are copied into an entry;
    nominees without publication consent are left out and listed in ``withheld`` (and in
    the audit entry). With ``publish`` the notice is running at once, else a draft.

    The campaign office may open a notice at any stage. A body that signs at a review level
    (a reviewer or clerk of it) may open that level's notice, held by itself, of nominations
    it signs for there (``notices.run_notice``; seed 000 四1: 所在单位公示).

    Raises:
        PermissionDenied: the actor is neither the campaign's office nor, for a level's
            notice, a signing body of every nomination at that level holding it itself.
        NoticeError: the stage requires no notice, no body for a level's notice, a
            nomination of another campaign or no longer live, nobody consented, or the
            period lies in a year the holiday calendar does not know (``code="calendar"``,
            the message says what the admin must enter); the campaign is decided, or a
            step the specification puts before this one is not done, or ``starts_on``
            is outside the step's phase (``code="conflict"``, campaigns.steps).
    """
    chosen = list(nominations)
    role = _require_runner(actor, NoticeScope(campaign, stage, body, tuple(chosen)))
    found = stage_named(campaign, stage)
    if found is None or found.notice is None:
        raise NoticeError(_("该环节不要求公示，请选择活动规范中规定公示的环节。"), field="stage")
    if found.is_level and body is None:
        raise NoticeError(_("本级公示须选择组织公示的单位。"), field="body")
    try:
        ensure_writable(campaign)
        if not found.is_level:
            # Seed 004 三(四): 首先在基层单位公示，然后在媒体公示; each after the steps before it.
            check_step(campaign, found.key, on=starts_on)
    except (CampaignClosed, StepOutOfOrder) as exc:
        raise NoticeError(exc.message, field="starts_on", code="conflict") from exc
    rule = found.notice
    try:
        ends_on = notice_end_date(rule, starts_on)
    except UnknownHolidayYear as exc:
        raise NoticeError(exc.message, field="starts_on", code="calendar") from exc
    if not chosen:
        raise NoticeError(_("请选择公示对象。"), field="nominations")
    foreign = [n for n in chosen if n.campaign_id != campaign.id]
    if foreign:
        raise NoticeError(
            _("以下推荐不属于本活动：%(names)s。") % {"names": _names(foreign)},
            field="nominations",
        )
    dead = [n for n in chosen if n.state not in NominationState.LIVE or n.state == "draft"]
    if dead:
        raise NoticeError(
            _("以下推荐尚未提交或已撤回、撤销、不予推荐，不能公示：%(names)s。")
            % {"names": _names(dead)},
            field="nominations",
        )
    consented = [n for n in chosen if n.publication_consent]
    withheld = [{"nomination": n.pk, "name": n.name} for n in chosen if not n.publication_consent]
    if not consented:
        raise NoticeError(
            _("所选推荐对象均未同意公示，无法发布。请先取得本人同意。"), field="nominations"
        )
    now = timezone.now()
    notice = PublicNotice.objects.create(
        campaign=campaign,
        stage=found.key,
        body=body,
        title=title.strip() or f"{campaign.title}{rule.name}",
        where=rule.where,
        starts_on=starts_on,
        days=rule.days,
        day_unit=rule.day_unit,
        ends_on=ends_on,
        state=NoticeState.RUNNING if publish else NoticeState.DRAFT,
        published_at=now if publish else None,
        withheld=withheld,
        opened_by=actor,
    )
    NoticeEntry.objects.bulk_create(
        NoticeEntry(
            notice=notice,
            nomination=n,
            position=i,
            published={key: str(getattr(n, key) or "") for key in PUBLISHED_FIELDS},
        )
        for i, n in enumerate(consented, start=1)
    )
    record_audit(
        actor=actor,
        action="notice.open",
        obj=notice,
        role=role,
        after={
            "stage": notice.stage,
            "state": notice.state,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "days": rule.days,
            "day_unit": rule.day_unit,
            "entries": [n.pk for n in consented],
            "withheld": [w["nomination"] for w in withheld],
        },
    )
    return notice


@transaction.atomic
def publish_public_notice(notice: PublicNotice, *, actor: User) -> PublicNotice:
    """Publish a draft notice (draft → running).

    Raises:
        PermissionDenied: the actor is neither the campaign's office nor the signing body
            that holds this level's notice (``notices.run_notice``).
        NoticeError: the notice is not a draft (``code="conflict"``).
    """
    role = _require_runner(actor, notice_scope(notice))
    locked = PublicNotice.objects.select_for_update().get(pk=notice.pk)
    if locked.state != NoticeState.DRAFT:
        raise NoticeError(_("该公示已发布，不能重复发布。"), code="conflict")
    locked.state = NoticeState.RUNNING
    locked.published_at = timezone.now()
    locked.save(update_fields=["state", "published_at", "updated_at"])
    record_audit(
        actor=actor,
        action="notice.publish",
        obj=locked,
        role=role,
        before={"state": NoticeState.DRAFT},
        after={"state": NoticeState.RUNNING},
    )
    notice.refresh_from_db()
    return notice


@transaction.atomic
def close_public_notice(notice: PublicNotice, *, actor: User) -> PublicNotice:
    """Close a running notice once its period is over and every objection is resolved.

    The period includes ``ends_on``, so closing is allowed from the next day on (server
    date, Asia/Shanghai): an objection may still come in on the last day. Answered
    objections are filed (closed) with the notice. Source: seed 000 四2 (公示无异议后上报);
    seed 001 三(一)2-3.

    Raises:
        PermissionDenied: the actor is neither the campaign's office nor the signing body
            that holds this level's notice (``notices.run_notice``).
        NoticeError (``code="conflict"``): not running, the period is not over, or an
            objection is still unresolved; nothing changes.
    """
    role = _require_runner(actor, notice_scope(notice))
    locked = PublicNotice.objects.select_for_update().get(pk=notice.pk)
    if locked.state != NoticeState.RUNNING:
        raise NoticeError(_("只有公示中的公示可以结束。"), code="conflict")
    today = timezone.localdate()
    if today <= locked.ends_on:
        raise NoticeError(
            _("公示期至%(end)s，%(next)s起方可结束公示。")
            % {
                "end": locked.ends_on.isoformat(),
                "next": (locked.ends_on + dt.timedelta(days=1)).isoformat(),
            },
            code="conflict",
        )
    unresolved = locked.objections.filter(state__in=ObjectionState.UNRESOLVED).count()
    if unresolved:
        raise NoticeError(
            _("尚有%(n)d件异议未核查答复，不能结束公示。") % {"n": unresolved}, code="conflict"
        )
    now = timezone.now()
    for objection in locked.objections.filter(state=ObjectionState.ANSWERED):
        objection.state = ObjectionState.CLOSED
        objection.closed_at = now
        objection.save(update_fields=["state", "closed_at", "updated_at"])
        record_audit(
            actor=actor,
            action="objection.close",
            obj=objection,
            role=role,
            before={"state": ObjectionState.ANSWERED},
            after={"state": ObjectionState.CLOSED},
        )
    locked.state = NoticeState.CLOSED
    locked.closed_at = now
    locked.save(update_fields=["state", "closed_at", "updated_at"])
    stage = stage_named(locked.campaign, locked.stage)
    if stage is not None and stage.is_level:
        # 公示无异议: the level may now forward the nominees who stayed live.
        for entry in locked.entries.select_related("nomination").filter(
            nomination__state__in=NominationState.LIVE
        ):
            record_clearance(
                entry.nomination,
                level=stage.key,
                kind=ClearanceKind.NOTICE,
                reference=f"notice#{locked.pk}",
                actor=actor,
            )
    record_audit(
        actor=actor,
        action="notice.close",
        obj=locked,
        role=role,
        before={"state": NoticeState.RUNNING},
        after={"state": NoticeState.CLOSED},
    )
    notice.refresh_from_db()
    return notice


# --------------------------------------------------------------------------- objections


def objection_rate_exceeded(client_key: str | None) -> bool:
    """Count one objection attempt from ``client_key`` (the client's IP) and say whether it
    goes over :data:`OBJECTION_RATE_LIMIT` per :data:`OBJECTION_RATE_WINDOW` seconds.

    The count lives in Django's cache (shared through Redis in production), in a fixed
    window starting at the first attempt.
    """
    key = f"notices:objection-rate:{client_key or 'unknown'}"
    cache.add(key, 0, timeout=OBJECTION_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=OBJECTION_RATE_WINDOW)
        count = 1
    return count > OBJECTION_RATE_LIMIT


def _clean_phone(value: str) -> str:
    try:
        return validate_mobile(value)
    except ValidationError:
        try:
            return validate_landline(value)
        except ValidationError as exc:
            raise NoticeError(
                _("联系电话应为11位手机号码或带区号的座机号码。"), field="contact_phone"
            ) from exc


@transaction.atomic
def file_objection(
    notice: PublicNotice,
    *,
    text: str,
    nomination: Nomination | None = None,
    anonymous: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
    attachment: Any = None,
) -> Objection:
    """File an objection (异议) to a running notice, by anyone, during its period.

    Contact details are optional and dropped when ``anonymous``; a phone is stored
    encrypted. ``nomination`` must be shown on the notice. ``attachment`` (an uploaded
    file) is checked by its bytes (``nominations.validators.check_upload``). Source:
    seed 000 四1 (对公示期间反映的问题，要认真组织核查); the issue's objections clause.

    Raises:
        NoticeError: the notice is not running or its period has not begun or is over
            (``code="conflict"``); empty or overlong text; a nominee not on the notice;
            a malformed phone; a refused attachment (``field`` names the input).
    """
    if notice.state != NoticeState.RUNNING or notice_phase(notice) != NoticePhase.OPEN:
        raise NoticeError(
            _("公示期为%(start)s至%(end)s，当前不在公示期内，不能提出异议。")
            % {"start": notice.starts_on.isoformat(), "end": notice.ends_on.isoformat()},
            code="conflict",
        )
    text = (text or "").strip()
    if not text:
        raise NoticeError(_("请填写异议内容。"), field="text")
    if len(text) > MAX_OBJECTION_CHARS:
        raise NoticeError(
            _("异议内容过长，请控制在%(n)d字以内，详细材料可作为附件上传。")
            % {"n": MAX_OBJECTION_CHARS},
            field="text",
        )
    if nomination is not None and not notice.entries.filter(nomination=nomination).exists():
        raise NoticeError(_("所选推荐对象不在本次公示名单中。"), field="nomination")
    if anonymous:
        contact_name, contact_phone = "", ""
    contact_name = (contact_name or "").strip()[:60]
    contact_phone = _clean_phone(contact_phone) if (contact_phone or "").strip() else ""
    objection = Objection(
        notice=notice,
        nomination=nomination,
        text=text,
        anonymous=anonymous,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    if attachment is not None:
        try:
            checked = check_upload(attachment)
        except ValidationError as exc:
            raise NoticeError(exc.messages[0], field="attachment") from exc
        objection.attachment_type = checked.content_type
        objection.attachment.save(
            f"objection.{checked.extension}", ContentFile(checked.data), save=False
        )
    objection.save()
    # The objector's identity and phone stay out of the audit trail.
    record_audit(
        actor=None,
        action="objection.file",
        obj=objection,
        after={
            "notice": notice.pk,
            "nomination": nomination.pk if nomination else None,
            "anonymous": anonymous,
            "attachment": bool(objection.attachment),
        },
    )
    events.objection_filed.send(sender=Objection, objection=objection)
    return objection


def _locked_objection(objection: Objection) -> Objection:
    return (
        Objection.objects.select_for_update(of=("self",))
        .select_related("notice__campaign", "nomination")
        .get(pk=objection.pk)
    )


def _may_verify(user: User, objection: Objection) -> bool:
    if user.has_perm("notices.manage_notices", objection.notice.campaign):
        return True
    return (
        objection.nomination_id is not None
        and nominations_visible_to(user).filter(pk=objection.nomination_id).exists()
    )


@transaction.atomic
def assign_objection(objection: Objection, *, assignee: User, actor: User) -> Objection:
    """Assign an objection for verification (交办核查) to ``assignee``: someone of the
    campaign office, or a reviewer or clerk whose scope covers the nominee.

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        NoticeError: already verified or answered (``code="conflict"``), or the assignee
            may not verify it (``field="assignee"``).
    """
    _require_office(actor, objection.notice.campaign)
    locked = _locked_objection(objection)
    if locked.state not in (ObjectionState.RECEIVED, ObjectionState.ASSIGNED):
        raise NoticeError(_("该异议已核查，不能再交办。"), code="conflict")
    if not assignee.is_active or not _may_verify(assignee, locked):
        raise NoticeError(_("所选人员无权核查此异议。"), field="assignee")
    before = {"state": locked.state, "assigned_to": locked.assigned_to_id}
    locked.state = ObjectionState.ASSIGNED
    locked.assigned_to = assignee
    locked.assigned_at = timezone.now()
    locked.save(update_fields=["state", "assigned_to", "assigned_at", "updated_at"])
    record_audit(
        actor=actor,
        action="objection.assign",
        obj=locked,
        role=ROLE,
        before=before,
        after={"state": locked.state, "assigned_to": assignee.pk},
    )
    objection.refresh_from_db()
    return objection


@transaction.atomic
def record_finding(
    objection: Objection, *, actor: User, finding: str, falsified: bool = False
) -> Objection:
    """Record the verification (核查情况) of an assigned objection; may be corrected until
    it is answered. ``falsified`` marks falsification found (seed 001 三(二)4), which the
    answer must then act on.

    Raises:
        PermissionDenied: the actor is neither the campaign's office nor the assignee.
        NoticeError: not assigned yet or already answered (``code="conflict"``), empty
            finding, or falsification without a nominee.
    """
    locked = _locked_objection(objection)
    require(
        actor,
        "notices.record_finding",
        locked,
        _("只有本活动的领导小组办公室或核查人可以录入核查情况。"),
    )
    if locked.state not in (ObjectionState.ASSIGNED, ObjectionState.VERIFIED):
        raise NoticeError(_("请先交办核查；已答复的异议不能修改核查情况。"), code="conflict")
    finding = (finding or "").strip()
    if not finding:
        raise NoticeError(_("请填写核查情况。"), field="finding")
    if falsified and locked.nomination_id is None:
        raise NoticeError(_("查实弄虚作假须针对公示名单中的具体推荐对象。"), field="falsified")
    before = {"state": locked.state, "falsified": locked.falsified}
    locked.state = ObjectionState.VERIFIED
    locked.finding = finding
    locked.falsified = falsified
    locked.verified_at = timezone.now()
    locked.save(update_fields=["state", "finding", "falsified", "verified_at", "updated_at"])
    record_audit(
        actor=actor,
        action="objection.verify",
        obj=locked,
        before=before,
        after={"state": locked.state, "falsified": falsified},
    )
    objection.refresh_from_db()
    return objection


@transaction.atomic
def answer_objection(
    objection: Objection,
    *,
    actor: User,
    answer: str,
    outcome: str,
    penalty_kind: str | None = None,
    penalty_amount: int | None = None,
) -> Objection:
    """Answer a verified objection (答复) with its outcome.

    - ``no_effect``: the nomination stands.
    - ``nomination_withdrawn``: the nomination is withdrawn (workflow WITHDRAW).
    - ``nomination_revoked``: the nomination is revoked (workflow REVOKE, the answer as
      reason). When the finding is falsification, a :class:`DisciplinaryPenalty` is
      recorded on the nominating unit for the campaign's series with ``penalty_kind``
      (``lose_next_edition``, or ``reduce_quota`` with ``penalty_amount``) and
      ``no_substitute`` (seed 001 三(二)4: 撤销推荐对象资格，不得递补或重报，并视情况取消推荐
      单位参加下一届评选的资格或扣减相应推荐名额).
    - Either of these on an approved nomination (an objection upheld after approval)
      revokes it and takes it off the approval lists (issue 13, :func:`_stop_approved`).

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        NoticeError: not verified yet or already answered, or the nomination's state does
            not allow the change (``code="conflict"``; nothing changes); an empty answer;
            an outcome needing a nominee; falsification answered otherwise than by
            revocation; a missing or inconsistent penalty.
    """
    locked = _locked_objection(objection)
    campaign = locked.notice.campaign
    _require_office(actor, campaign)
    if locked.state != ObjectionState.VERIFIED:
        raise NoticeError(_("请先录入核查情况；已答复的异议不能重复答复。"), code="conflict")
    answer = (answer or "").strip()
    if not answer:
        raise NoticeError(_("请填写答复内容。"), field="answer")
    if outcome not in ObjectionOutcome.values:
        raise NoticeError(_("请选择处理结果。"), field="outcome")
    nomination = locked.nomination
    if outcome != ObjectionOutcome.NO_EFFECT and nomination is None:
        raise NoticeError(
            _("该异议未针对具体推荐对象，处理结果只能为“不影响推荐”。"), field="outcome"
        )
    if locked.falsified and outcome != ObjectionOutcome.NOMINATION_REVOKED:
        raise NoticeError(_("已查实弄虚作假，应撤销推荐资格（不得递补或重报）。"), field="outcome")
    penalty = None
    # A falsified objection names its nominee (the outcome must be a revocation).
    if locked.falsified and nomination is not None:
        penalty = _penalty_for(
            locked, nomination, actor=actor, kind=penalty_kind, amount=penalty_amount, reason=answer
        )
    try:
        if nomination is None:
            pass  # a general objection (checked above: no effect on any nomination)
        elif nomination.state == NominationState.APPROVED and (
            outcome != ObjectionOutcome.NO_EFFECT
        ):
            # Upheld after approval: revoked and off the lists (issue 13).
            _stop_approved(nomination, reason=answer, actor=actor)
        elif outcome == ObjectionOutcome.NOMINATION_REVOKED:
            transition(nomination, NominationAction.REVOKE, actor=None, opinion=answer, role=ROLE)
        elif outcome == ObjectionOutcome.NOMINATION_WITHDRAWN:
            transition(nomination, NominationAction.WITHDRAW, actor=None, opinion=answer, role=ROLE)
    except InvalidTransition as exc:
        raise NoticeError(exc.message, code="conflict") from exc
    if penalty is not None:
        penalty.save()
        record_audit(
            actor=actor,
            action="penalty.record",
            obj=penalty,
            role=ROLE,
            after={
                "unit": penalty.unit_id,
                "series": penalty.series,
                "kind": penalty.kind,
                "amount": penalty.amount,
                "nomination": penalty.nomination_id,
                "no_substitute": True,
            },
        )
    locked.state = ObjectionState.ANSWERED
    locked.answer = answer
    locked.outcome = outcome
    locked.answered_at = timezone.now()
    locked.answered_by = actor
    locked.save(
        update_fields=["state", "answer", "outcome", "answered_at", "answered_by", "updated_at"]
    )
    record_audit(
        actor=actor,
        action="objection.answer",
        obj=locked,
        role=ROLE,
        before={"state": ObjectionState.VERIFIED},
        after={"state": locked.state, "outcome": outcome, "nomination": locked.nomination_id},
    )
    objection.refresh_from_db()
    return objection


def _stop_approved(nomination: Nomination, *, reason: str, actor: User) -> str:
    """Revoke an approved nomination and take it off the approval lists (issue 13): in a
    decided campaign as the office's correction with ``reason``. Returns a Chinese note
    of what changed."""
    transition(
        nomination,
        NominationAction.REVOKE,
        actor=None,
        opinion=reason,
        role=ROLE,
        correction_reason=reason if closed_reason(nomination.campaign) else "",
    )
    changes = withdraw_from_lists(nomination, reason=reason, actor=actor)
    return "".join([_("已撤销推荐资格。"), *changes])[:200]


def _penalty_for(
    objection: Objection,
    nomination: Nomination,
    *,
    actor: User,
    kind: str | None,
    amount: int | None,
    reason: str,
) -> DisciplinaryPenalty:
    """An unsaved penalty for the nominating unit of ``nomination``, the falsified
    nominee of ``objection``."""
    unit = nomination.nominating_unit or nomination.workplace
    if unit is None:
        raise NoticeError(_("该推荐没有推荐单位，无法记录纪律处理。"), field="penalty_kind")
    if kind not in PenaltyKind.values:
        raise NoticeError(
            _("已查实弄虚作假，请选择对推荐单位的处理：取消下一届推荐资格或扣减推荐名额。"),
            field="penalty_kind",
        )
    if kind == PenaltyKind.REDUCE_QUOTA and not (amount and amount >= 1):
        raise NoticeError(_("扣减推荐名额须填写扣减数（至少1个）。"), field="penalty_amount")
    return DisciplinaryPenalty(
        unit=unit,
        series=objection.notice.campaign.series,
        campaign=objection.notice.campaign,
        nomination=nomination,
        objection=objection,
        kind=kind,
        amount=amount if kind == PenaltyKind.REDUCE_QUOTA else None,
        reason=reason,
        no_substitute=True,
        decided_by=actor,
    )


# --------------------------------------------------------------------------- background checks


@transaction.atomic
def request_background_checks(
    campaign: Campaign,
    nominations: Iterable[Nomination],
    *,
    stage: str,
    due_on: dt.date,
    actor: User,
    department: str = "",
    question: str = "",
    department_unit: OrgUnit | None = None,
) -> list[BackgroundCheck]:
    """Ask a department for its opinion on each nominee (征求意见) at ``stage``, where the
    chain requires it (seed 000 四1 and 附件4: 征求公安部门意见; seed 003 二(二)2: 向有关部门
    征求“是否存在违法违纪行为”意见). ``department`` and ``question`` default to the
    specification's. Nominees already asked by that department at that stage are skipped.

    Returns the checks created.

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        NoticeError: the stage requires no background check, a due date in the past, or a
            nomination of another campaign or no longer live.
    """
    _require_office(actor, campaign)
    found = stage_named(campaign, stage)
    if found is None or found.background_check is None:
        raise NoticeError(_("该环节不要求征求意见。"), field="stage")
    rule = found.background_check
    department = (department or "").strip() or rule.department
    question = (question or "").strip() or rule.question
    if due_on < timezone.localdate():
        raise NoticeError(_("回复期限不能早于今天。"), field="due_on")
    chosen = list(nominations)
    if not chosen:
        raise NoticeError(_("请选择征求意见的推荐对象。"), field="nominations")
    wrong = [
        n
        for n in chosen
        if n.campaign_id != campaign.id
        or n.state not in NominationState.LIVE
        or n.state == NominationState.DRAFT
    ]
    if wrong:
        raise NoticeError(
            _("以下推荐不属于本活动或尚未提交、已终止：%(names)s。") % {"names": _names(wrong)},
            field="nominations",
        )
    asked = set(
        BackgroundCheck.objects.filter(
            nomination__in=chosen, stage=found.key, department_name=department
        ).values_list("nomination_id", flat=True)
    )
    now = timezone.now()
    created = []
    for nomination in chosen:
        if nomination.pk in asked:
            continue
        check = BackgroundCheck.objects.create(
            nomination=nomination,
            stage=found.key,
            department_name=department,
            department=department_unit,
            question=question,
            form_title=rule.form_title,
            requested_at=now,
            requested_by=actor,
            due_on=due_on,
        )
        record_audit(
            actor=actor,
            action="background_check.request",
            obj=check,
            role=ROLE,
            after={
                "nomination": nomination.pk,
                "stage": found.key,
                "department": department,
                "due_on": due_on,
            },
        )
        created.append(check)
    return created


@transaction.atomic
def record_background_opinion(
    check: BackgroundCheck,
    *,
    actor: User,
    opinion: str,
    adverse: bool,
    scan: Any = None,
) -> BackgroundCheck:
    """Record a department's opinion (text, and optionally the scanned, stamped form).

    An adverse opinion stops the nomination at any stage (issue 13; seed 003 二(二)2
    背景审查): in review, workflow REJECT with the opinion as reason; once approved,
    workflow REVOKE and the nominee leaves the approval lists and, after the decision,
    the decision's list and the laureate registry (:func:`_stop_approved`; in a decided
    campaign this is the office's recorded correction, the opinion its reason). For a
    nomination already ended the opinion is still recorded, ``nomination_stopped`` stays
    False and ``stop_note`` says so.

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        NoticeError: already answered (``code="conflict"``), no opinion text nor scan, an
            adverse opinion without text, or a refused scan file.
    """
    locked = (
        BackgroundCheck.objects.select_for_update(of=("self",))
        .select_related("nomination__campaign")
        .get(pk=check.pk)
    )
    _require_office(actor, locked.nomination.campaign)
    if locked.state != BackgroundCheckState.REQUESTED:
        raise NoticeError(_("该征求意见已录入回复。"), code="conflict")
    opinion = (opinion or "").strip()
    if adverse and not opinion:
        raise NoticeError(_("不利意见须填写意见内容。"), field="opinion")
    if not opinion and scan is None:
        raise NoticeError(_("请填写部门意见或上传盖章的意见表扫描件。"), field="opinion")
    if scan is not None:
        try:
            checked = check_upload(scan)
        except ValidationError as exc:
            raise NoticeError(exc.messages[0], field="scan") from exc
        locked.scan.save(f"opinion.{checked.extension}", ContentFile(checked.data), save=False)
    locked.state = BackgroundCheckState.ANSWERED
    locked.opinion = opinion
    locked.adverse = adverse
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    if adverse:
        reason = _("%(department)s意见：%(opinion)s") % {
            "department": locked.department_name,
            "opinion": opinion,
        }
        nomination = locked.nomination
        if nomination.state == NominationState.APPROVED:
            locked.stop_note = _stop_approved(nomination, reason=reason, actor=actor)
            locked.nomination_stopped = True
        else:
            try:
                transition(
                    nomination, NominationAction.REJECT, actor=None, opinion=reason, role=ROLE
                )
                locked.nomination_stopped = True
            except InvalidTransition:
                locked.stop_note = _(
                    "推荐当前状态为“%(state)s”，不能按不予推荐处理，无需另行处理。"
                ) % {"state": NominationState(nomination.state).label}
    locked.save()
    stage = stage_named(locked.nomination.campaign, locked.stage)
    if not adverse and stage is not None and stage.is_level:
        record_clearance(
            locked.nomination,
            level=stage.key,
            kind=ClearanceKind.BACKGROUND_CHECK,
            reference=f"background_check#{locked.pk}",
            actor=actor,
        )
    record_audit(
        actor=actor,
        action="background_check.answer",
        obj=locked,
        role=ROLE,
        before={"state": BackgroundCheckState.REQUESTED},
        after={
            "state": locked.state,
            "adverse": adverse,
            "nomination_stopped": locked.nomination_stopped,
            "scan": bool(locked.scan),
        },
    )
    check.refresh_from_db()
    return check
