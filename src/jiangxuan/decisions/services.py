"""Final approval, the commendation decision, past awardees and certificates (issue 4).

Sources: the leading group approves the list (seed 000 四6; seed 001 三(一)7; seed 002 四(六);
seed 003 二(二)6; seed 004 三(五)); finalists (入围奖, seed 002 六); previous winners are
excluded from the next edition (seed 000 二; seed 001 一(一); seed 003 一(一)); site
inspections feed the list (seed 004 三(三)2, see :func:`_inspection_problems`).
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.accounts.models import User
from jiangxuan.campaigns.enums import StepKind
from jiangxuan.campaigns.lifecycle import mark_decided
from jiangxuan.campaigns.models import Award, Campaign, PastAwardee
from jiangxuan.campaigns.steps import StepOutOfOrder, check_step, first_approval_key, planned_steps
from jiangxuan.core import events
from jiangxuan.core.audit import record_audit
from jiangxuan.core.errors import DomainError
from jiangxuan.core.permissions import require
from jiangxuan.decisions.enums import AuthorityState, ListState, Outcome
from jiangxuan.decisions.models import (
    ApprovalEntry,
    ApprovalList,
    ApprovalMeeting,
    AuthoritySubmission,
    Certificate,
    CommendationDecision,
)
from jiangxuan.decisions.rendering import payment_sheet_xlsx
from jiangxuan.decisions.selectors import can_see_bank_accounts, candidates
from jiangxuan.experts.models import InspectionOutcome
from jiangxuan.experts.selectors_inspections import inspection_outcomes
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination
from jiangxuan.nominations.services import rescreen_series
from jiangxuan.notices.enums import NoticeState
from jiangxuan.notices.models import NoticeEntry
from jiangxuan.notices.selectors import stages_of


def _require_office(actor: User, campaign: Campaign) -> None:
    require(
        actor,
        "decisions.manage",
        campaign,
        _("只有本活动的领导小组办公室可以办理审定与表彰。"),
    )


class DecisionError(DomainError):
    """A step of the final approval or the decision is not allowed; ``code`` is
    "conflict" when the list's or the decision's state forbids it (the API's 409)."""


def _in_order(campaign: Campaign, key: str | None, on: dt.date | None = None) -> None:
    """Refuse a step the specification puts after one not done yet, or a date outside
    its phase (campaigns.steps; issue 13)."""
    if key is None:
        return
    try:
        check_step(campaign, key, on=on)
    except StepOutOfOrder as exc:
        raise DecisionError(exc.message, code="conflict") from exc


def _has_step(campaign: Campaign, kind: str) -> bool:
    return any(p.step.kind == kind for p in planned_steps(campaign.specification))


def _validate_entries(
    campaign: Campaign, award: Award, nominations: Sequence[int], finalists: Sequence[int]
) -> tuple[list[Nomination], list[Nomination], list[str]]:
    """Check the proposed ids; return (awardees, finalists, warnings)."""
    ids = list(nominations) + list(finalists)
    if len(set(ids)) != len(ids):
        raise DecisionError(_("名单中有重复的人选。"))
    found = {
        n.pk: n for n in Nomination.objects.filter(pk__in=ids).select_related("award", "campaign")
    }
    derived = award.spec.derived_from
    pool: set[int] | None = None
    if derived is not None:
        # Chosen among the base award's awardees of this edition (issue 12, point 3).
        base = campaign.specification.award(derived.award)
        pool = set(candidates(award).values_list("pk", flat=True))
        if not pool:
            raise DecisionError(
                _("“%(award)s”从“%(base)s”的获奖人选中产生，请先审定“%(base)s”名单。")
                % {"award": award.name, "base": base.name},
                code="conflict",
            )
    for pk in ids:
        n = found.get(pk)
        if pool is not None:
            if n is None or pk not in pool:
                raise DecisionError(
                    _("人选 %(id)s 不在“%(base)s”已审定的获奖名单中。")
                    % {"id": pk, "base": base.name}
                )
            continue
        if n is None or n.campaign_id != campaign.pk or n.award_id != award.pk:
            raise DecisionError(_("人选 %(id)s 不属于该奖项。") % {"id": pk})
        if n.state != NominationState.APPROVED:
            raise DecisionError(_("人选“%(name)s”尚未通过审核。") % {"name": n.name})
    if finalists and not award.spec.finalist_award:
        raise DecisionError(_("该奖项未设入围奖。"))
    warnings = _inspection_problems(campaign, [found[pk] for pk in ids])
    if award.count is not None:
        # The count a notice gives is a cap unless it says otherwise ("约", "左右"): seed
        # 000 二 30名, seed 003 二(一) 20名, seed 004 一 50名 (issue 12).
        if not award.spec.count_may_exceed and len(nominations) > award.count:
            raise DecisionError(
                _("表彰人数 %(n)s 超过名额 %(max)s（通知规定的名额为上限）。")
                % {"n": len(nominations), "max": award.count}
            )
        if len(nominations) < award.count:
            warnings.append(
                _("表彰人数 %(n)s 少于名额 %(count)s。")
                % {"n": len(nominations), "count": award.count}
            )
    return [found[pk] for pk in nominations], [found[pk] for pk in finalists], warnings


def _inspection_problems(campaign: Campaign, chosen: Sequence[Nomination]) -> list[str]:
    """Check the chosen nominees against their site inspections (seed 004 三(三)2: experts
    score *and inspect on site*, then propose the 50 candidates).

    A failed inspection (考察未通过) rules a nominee out: the notice forms the candidate
    list after the inspection, so a failed one cannot be proposed. An inspection that found
    concerns (存在问题), and, where the specification has a site-inspection step, a nominee
    not inspected yet, are warnings shown to the office and the leading group: weighing
    them is the committee's judgement at its meeting (三(四) 组委会审定), not a hard rule.
    Returns the warnings (Chinese).

    Raises:
        DecisionError: a chosen nominee's latest inspection failed.
    """
    outcomes = inspection_outcomes(campaign)
    failed = [n.name for n in chosen if outcomes.get(n.pk) == InspectionOutcome.FAIL]
    if failed:
        raise DecisionError(
            _("以下人选实地考察未通过，不能列入名单：%(names)s。") % {"names": "、".join(failed)}
        )
    warnings = []
    concerns = [n.name for n in chosen if outcomes.get(n.pk) == InspectionOutcome.CONCERNS]
    if concerns:
        warnings.append(
            _("以下人选实地考察存在问题，请在审定时研究：%(names)s。")
            % {"names": "、".join(concerns)}
        )
    steps = campaign.specification.review_chain.steps
    if any(step.kind == StepKind.SITE_INSPECTION for step in steps):
        pending = [n.name for n in chosen if n.pk not in outcomes]
        if pending:
            warnings.append(
                _("以下人选尚未完成实地考察：%(names)s。") % {"names": "、".join(pending)}
            )
    return warnings


def _write_list(
    campaign: Campaign,
    award: Award,
    *,
    version: int,
    nominations: Sequence[int],
    finalists: Sequence[int],
    reason: str,
    actor: User,
) -> ApprovalList:
    awardees, finals, warnings = _validate_entries(campaign, award, nominations, finalists)
    approval_list = ApprovalList.objects.create(
        campaign=campaign, award=award, version=version, reason=reason, created_by=actor
    )
    ApprovalEntry.objects.bulk_create(
        [
            ApprovalEntry(approval_list=approval_list, nomination=n, rank=i, outcome=outcome)
            for outcome, group in ((Outcome.AWARDEE, awardees), (Outcome.FINALIST, finals))
            for i, n in enumerate(group, start=1)
        ]
    )
    approval_list.warnings = warnings
    record_audit(
        actor=actor,
        action="decision.list.propose",
        obj=approval_list,
        after={"version": version, "awardees": list(nominations), "finalists": list(finalists)},
    )
    return approval_list


@transaction.atomic
def propose_list(
    campaign: Campaign,
    award: Award,
    *,
    nominations: Sequence[int],
    finalists: Sequence[int] = (),
    actor: User,
) -> ApprovalList:
    """The office proposes the ordered list of an award (version 1, draft).

    Args:
        nominations: ids of awardees in rank order; finalists: ids given the finalist
            award (seed 002 六). All must be the award's and approved by the review chain;
            for an award chosen among another's awardees (``derived_from``), awardees of
            that award's approved list.
    Returns:
        The draft list; ``.warnings`` lists soft problems (fewer awardees than ``count``).
    Proposing the list starts the first approval step of the specification, so every
    step before it must be done (seed 003 二(二)5: the proposal weighs the vote, the
    experts and the departments' opinions; campaigns.steps).

    Raises:
        PermissionDenied: the actor is not the campaign's office (``decisions.manage``).
        DecisionError: a list exists already (use ``revise_list``), an id is not the
            award's or not approved, a nominee's site inspection failed, more awardees
            than a maximum ``count``, or an earlier step not done (``conflict``).
    """
    _require_office(actor, campaign)
    _in_order(campaign, first_approval_key(campaign.specification))
    if ApprovalList.objects.filter(award=award).exclude(state=ListState.DRAFT).exists():
        raise DecisionError(_("该奖项名单已审定，修改须生成新版本。"), code="conflict")
    draft = ApprovalList.objects.filter(award=award, state=ListState.DRAFT).first()
    if draft is not None:
        # Re-proposing before approval replaces the unapproved draft of the same version.
        version = draft.version
        draft.entries.all().delete()
        draft.delete()
    else:
        version = 1
    return _write_list(
        campaign,
        award,
        version=version,
        nominations=nominations,
        finalists=finalists,
        reason="",
        actor=actor,
    )


def ensure_editable(approval_list: ApprovalList) -> None:
    """Raise DecisionError when the list is approved or superseded (locked)."""
    if approval_list.state != ListState.DRAFT:
        raise DecisionError(_("名单已审定并锁定，不能直接修改，请生成新版本。"), code="conflict")


@transaction.atomic
def update_entries(
    approval_list: ApprovalList,
    *,
    nominations: Sequence[int],
    finalists: Sequence[int] = (),
    actor: User,
) -> ApprovalList:
    """Replace the entries of a draft list in place.

    Raises:
        PermissionDenied: the actor is not the campaign's office (``decisions.manage``).
        DecisionError: the list is approved or superseded (locked; use ``revise_list``).
    """
    _require_office(actor, approval_list.campaign)
    ensure_editable(approval_list)
    awardees, finals, warnings = _validate_entries(
        approval_list.campaign, approval_list.award, nominations, finalists
    )
    approval_list.entries.all().delete()
    ApprovalEntry.objects.bulk_create(
        [
            ApprovalEntry(approval_list=approval_list, nomination=n, rank=i, outcome=outcome)
            for outcome, group in ((Outcome.AWARDEE, awardees), (Outcome.FINALIST, finals))
            for i, n in enumerate(group, start=1)
        ]
    )
    approval_list.warnings = warnings
    record_audit(actor=actor, action="decision.list.update", obj=approval_list)
    return approval_list


@transaction.atomic
def approve_list(
    approval_list: ApprovalList,
    *,
    held_on: dt.date,
    present: Iterable[str],
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    resolution: str,
    actor: User,
) -> ApprovalList:
    """Record the leading group's meeting and approve (lock) the list.

    More than half of the members present must vote for. Approving version N+1
    supersedes the approved earlier version. Where the specification has a leading
    group's approval step, the meeting is that step: ``held_on`` must lie in its phase
    (seed 004 三(四): 审定公示阶段 11月1日—11月20日).
    Raises:
        PermissionDenied: the actor is not the campaign's office (``decisions.manage``).
        DecisionError: the list is not a draft, votes exceed those present, no majority,
            or the step is out of order or out of its phase (``conflict``).
    """
    _require_office(actor, approval_list.campaign)
    ensure_editable(approval_list)
    campaign = approval_list.campaign
    if _has_step(campaign, StepKind.LEADING_GROUP_APPROVAL):
        _in_order(campaign, StepKind.LEADING_GROUP_APPROVAL, on=held_on)
    present = [name.strip() for name in present if name.strip()]
    if not present:
        raise DecisionError(_("请填写出席成员。"))
    if votes_for + votes_against + votes_abstain > len(present):
        raise DecisionError(_("票数之和超过出席人数。"))
    if votes_for * 2 <= len(present):
        raise DecisionError(_("赞成票未超过出席成员的半数，名单未获通过。"))
    ApprovalMeeting.objects.create(
        approval_list=approval_list,
        held_on=held_on,
        present=present,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        resolution=resolution,
        recorded_by=actor,
    )
    ApprovalList.objects.filter(award=approval_list.award, state=ListState.APPROVED).update(
        state=ListState.SUPERSEDED
    )
    approval_list.state = ListState.APPROVED
    approval_list.save(update_fields=["state", "updated_at"])
    record_audit(
        actor=actor,
        action="decision.list.approve",
        obj=approval_list,
        after={"version": approval_list.version, "for": votes_for, "present": len(present)},
    )
    return approval_list


@transaction.atomic
def revise_list(
    approved_list: ApprovalList,
    *,
    nominations: Sequence[int],
    finalists: Sequence[int] = (),
    reason: str,
    actor: User,
) -> ApprovalList:
    """Start version N+1 (draft) of an approved list; the old one stays approved until
    the new one is approved.

    Raises:
        PermissionDenied: the actor is not the campaign's office (``decisions.manage``).
        DecisionError: the list is not the approved version, the reason is empty, a draft
            revision exists already, or the entries are invalid.
    """
    _require_office(actor, approved_list.campaign)
    if approved_list.state != ListState.APPROVED:
        raise DecisionError(_("只能修订已审定的名单。"), code="conflict")
    if not reason.strip():
        raise DecisionError(_("修订名单须说明理由。"))
    if ApprovalList.objects.filter(award=approved_list.award, state=ListState.DRAFT).exists():
        raise DecisionError(_("已有待审定的新版本。"), code="conflict")
    if CommendationDecision.objects.filter(
        campaign=approved_list.campaign, published_at__isnull=False
    ).exists():
        raise DecisionError(_("表彰决定已发布，名单不能再修订。"), code="conflict")
    return _write_list(
        approved_list.campaign,
        approved_list.award,
        version=approved_list.version + 1,
        nominations=nominations,
        finalists=finalists,
        reason=reason.strip(),
        actor=actor,
    )


@transaction.atomic
def withdraw_nominee(nomination: Nomination, reason: str, actor: User) -> list[str]:
    """Take a nominee stopped after approval off the lists (issue 13; seed 003 二(二)2
    背景审查, seed 000 四1, seed 001 三(二)4): off a draft list; off an approved list by a
    new approved version without them (``reason`` recorded, superseding it, the published
    decision and the authority's return following it); and off the registry of past awardees
    when the decision had made them one. Audited; the clerks and the office are told
    (``core.events.nominee_withdrawn``). Provided to ``nominations.withdrawal``.

    Returns:
        What changed, in Chinese (empty when the nominee was on no list).
    """
    changes = []
    lists = (
        ApprovalList.objects.filter(entries__nomination=nomination)
        .exclude(state=ListState.SUPERSEDED)
        .select_related("award")
        .distinct()
    )
    for lst in lists:
        if lst.state == ListState.DRAFT:
            lst.entries.filter(nomination=nomination).delete()
            for outcome in Outcome.values:
                for rank, entry in enumerate(
                    lst.entries.filter(outcome=outcome).order_by("rank"), start=1
                ):
                    if entry.rank != rank:
                        entry.rank = rank
                        entry.save(update_fields=["rank"])
            record_audit(
                actor=actor,
                action="decision.list.withdraw",
                obj=lst,
                after={"nomination": nomination.pk, "reason": reason},
            )
            changes.append(_("已从“%(award)s”待审定名单中撤下。") % {"award": lst.award.name})
        else:
            new = _returned_version(lst, {nomination.pk}, reason=reason, actor=actor)
            changes.append(
                _("已从“%(award)s”审定名单中撤下（生成第%(v)d版）。")
                % {"award": lst.award.name, "v": new.version}
            )
    removed, _counts = PastAwardee.objects.filter(
        campaign=nomination.campaign, id_index=nomination.id_index, series=nomination.award.series
    ).delete()
    if removed:
        changes.append(_("已从历届获得者名录中删除。"))
    if changes:
        record_audit(
            actor=actor,
            action="decision.nominee_withdrawn",
            obj=nomination,
            after={"reason": reason, "changes": changes},
        )
        events.nominee_withdrawn.send(
            sender=Nomination, nomination=nomination, reason=reason, changes=changes
        )
    return changes


def issuer_of(campaign: Campaign) -> str:
    """In whose name the decision is issued: the specification's ``decision.issuer``
    (seed 000 五: 以省委、省政府名义; seed 003 三: 由市政府发文公布), else the issuing bodies
    of the campaign's notice, joined (主办单位)."""
    spec = campaign.specification
    return spec.decision.issuer or "、".join(o.name for o in spec.organizers)


@transaction.atomic
def submit_to_authority(
    campaign: Campaign, *, submitted_on: dt.date, actor: User
) -> AuthoritySubmission:
    """Submit every award's locked (approved) list to the approving authority the
    specification names (``decision.approval``; seed 000 四6, seed 001 三(一)6, seed 003
    二(二)5). Starting the authority's step, it needs the steps before it done.

    Raises:
        PermissionDenied: the actor is not the campaign's office (``decisions.manage``).
        DecisionError: the specification names no authority, an award has no approved
            list, a submission is still waiting for the authority's decision, or an
            earlier step is not done / the date is outside the step's phase
            (``conflict``).
    """
    _require_office(actor, campaign)
    approval = campaign.specification.decision.approval
    if approval is None:
        raise DecisionError(_("本活动的通知未规定上级审定。"), code="conflict")
    _in_order(campaign, StepKind.GOVERNMENT_APPROVAL, on=submitted_on)
    if AuthoritySubmission.objects.filter(
        campaign=campaign, state=AuthorityState.SUBMITTED
    ).exists():
        raise DecisionError(
            _("已报送%(a)s，尚待审定。") % {"a": approval.authority}, code="conflict"
        )
    lists = []
    for award in campaign.awards.order_by("position"):
        approved = ApprovalList.objects.filter(award=award, state=ListState.APPROVED).first()
        if approved is None:
            raise DecisionError(_("奖项“%(award)s”尚无审定名单。") % {"award": award.name})
        lists.append(approved)
    submission = AuthoritySubmission.objects.create(
        campaign=campaign,
        authority=approval.authority,
        submitted_on=submitted_on,
        submitted_by=actor,
    )
    submission.submitted_lists.set(lists)
    record_audit(
        actor=actor,
        action="decision.authority.submit",
        obj=submission,
        after={
            "authority": approval.authority,
            "submitted_on": submitted_on,
            "lists": [lst.pk for lst in lists],
        },
    )
    return submission


@transaction.atomic
def record_authority_decision(
    submission: AuthoritySubmission,
    *,
    document_number: str,
    decided_on: dt.date,
    actor: User,
    removed: Sequence[int] = (),
    note: str = "",
) -> AuthoritySubmission:
    """Record the authority's decision on a submission: its document number and date,
    and the list it returns. Nominees the authority struck (``removed``, nomination ids)
    leave the list: each list they were on gets a new approved version without them,
    with the authority's document as the reason, superseding the submitted one.

    Raises:
        PermissionDenied: the actor is not the campaign's office (``decisions.manage``).
        DecisionError: the submission is decided already (``conflict``), no document
            number, a date before the submission, or a removed id that is not an
            awardee of the submitted lists.
    """
    _require_office(actor, submission.campaign)
    locked = AuthoritySubmission.objects.select_for_update().get(pk=submission.pk)
    if locked.state != AuthorityState.SUBMITTED:
        raise DecisionError(_("该报送已录入审定结果。"), code="conflict")
    number = (document_number or "").strip()
    if not number:
        raise DecisionError(_("请填写审定机关的批复文号。"))
    if decided_on < locked.submitted_on:
        raise DecisionError(_("审定日期不能早于报送日期。"))
    lists = list(locked.submitted_lists.select_related("award"))
    if any(lst.state != ListState.APPROVED for lst in lists):
        raise DecisionError(_("报送后名单已有新版本，请重新报送。"), code="conflict")
    struck = set(removed)
    on_lists = {
        e.nomination_id: e.approval_list_id
        for lst in lists
        for e in lst.entries.filter(outcome=Outcome.AWARDEE)
    }
    unknown = struck - set(on_lists)
    if unknown:
        raise DecisionError(_("审定未通过的人选须在报送的名单中。"))
    returned = []
    reason = _("%(authority)s审定（%(number)s）") % {
        "authority": locked.authority,
        "number": number,
    }
    for lst in lists:
        if not any(on_lists[pk] == lst.pk for pk in struck):
            returned.append(lst)
            continue
        returned.append(_returned_version(lst, struck, reason=reason, actor=actor))
    locked.state = AuthorityState.DECIDED
    locked.document_number = number
    locked.decided_on = decided_on
    locked.note = (note or "").strip()
    locked.recorded_by = actor
    locked.save()
    locked.returned_lists.set(returned)
    record_audit(
        actor=actor,
        action="decision.authority.decide",
        obj=locked,
        before={"state": AuthorityState.SUBMITTED},
        after={
            "state": AuthorityState.DECIDED,
            "number": number,
            "decided_on": decided_on,
            "removed": sorted(struck),
            "returned": [lst.pk for lst in returned],
        },
    )
    return locked


def _returned_version(
    approved: ApprovalList, struck: set[int], *, reason: str, actor: User
) -> ApprovalList:
    """Version N+1 of ``approved`` without the ``struck`` nominees, approved at once (the
    authority's decision, or a withdrawal the notice orders, is the approval) and
    superseding it; a published decision and an authority's return follow the new one."""
    entries = list(approved.entries.order_by("outcome", "rank"))
    new = ApprovalList.objects.create(
        campaign=approved.campaign,
        award=approved.award,
        version=approved.version + 1,
        state=ListState.APPROVED,
        reason=reason,
        created_by=actor,
    )
    kept = [e for e in entries if e.nomination_id not in struck]
    ranks: dict[str, int] = {}
    rows = []
    for e in kept:
        ranks[e.outcome] = ranks.get(e.outcome, 0) + 1
        rows.append(
            ApprovalEntry(
                approval_list=new,
                nomination_id=e.nomination_id,
                rank=ranks[e.outcome],
                outcome=e.outcome,
            )
        )
    ApprovalEntry.objects.bulk_create(rows)
    approved.state = ListState.SUPERSEDED
    approved.save(update_fields=["state", "updated_at"])
    for decision in approved.decisions.all():
        decision.approval_lists.remove(approved)
        decision.approval_lists.add(new)
    for submission in approved.authority_returns.all():
        submission.returned_lists.add(new)
    record_audit(
        actor=actor,
        action="decision.list.returned",
        obj=new,
        after={"version": new.version, "reason": reason, "removed": sorted(struck)},
    )
    return new


@transaction.atomic
def publish_decision(
    campaign: Campaign, *, number: str, title: str, issued_on: dt.date, actor: User
) -> CommendationDecision:
    """Publish the commendation decision and write the registry of past awardees.

    Requires an approved list for every award and every step the specification puts
    before the decision done (the authority's approval, the social notices; issue 13),
    with ``issued_on`` in the decision step's phase. The decision is issued in the name
    :func:`issuer_of` gives. Each awardee becomes a ``PastAwardee`` of the award's series
    (idempotent), which the next edition's ``not_previous_awardee`` rule reads (seed 000
    二; seed 001 一(一); seed 003 一(一)).
    Raises:
        PermissionDenied: the actor is not the campaign's office (``decisions.manage``).
        DecisionError: an award has no approved list, the decision is published already,
            or an earlier step is not done / the date is outside the phase (``conflict``).
    """
    _require_office(actor, campaign)
    existing = CommendationDecision.objects.filter(campaign=campaign).first()
    if existing is not None and existing.published_at:
        raise DecisionError(_("表彰决定已发布。"), code="conflict")
    lists = []
    for award in campaign.awards.all():
        approved = ApprovalList.objects.filter(award=award, state=ListState.APPROVED).first()
        if approved is None:
            raise DecisionError(_("奖项“%(award)s”尚无审定名单。") % {"award": award.name})
        lists.append(approved)
    _check_social_notices(campaign, lists)
    if _has_step(campaign, StepKind.DECISION):
        _in_order(campaign, StepKind.DECISION, on=issued_on)
    decision = existing or CommendationDecision(campaign=campaign, created_by=actor)
    decision.number = number
    decision.title = title
    decision.issued_on = issued_on
    decision.issuer = issuer_of(campaign)
    decision.published_at = timezone.now()
    decision.save()
    decision.approval_lists.set(lists)
    for approved in lists:
        award = approved.award
        for entry in approved.entries.filter(outcome=Outcome.AWARDEE).select_related("nomination"):
            n = entry.nomination
            PastAwardee.objects.get_or_create(
                series=award.series,
                id_index=n.id_index,
                defaults={
                    "title": award.name,
                    "name": n.name,
                    "year": campaign.year,
                    "campaign": campaign,
                    "source": f"{title}（{number}）",
                },
            )
    record_audit(actor=actor, action="decision.publish", obj=decision, after={"number": number})
    rescreen_series(
        sorted({a.award.series for a in lists}),
        actor=actor,
        cause="decision.publish",
        exclude=campaign,
    )
    # From now on the campaign is decided: read-only but for the office's corrections.
    mark_decided(campaign, at=decision.published_at, actor=actor)
    return decision


def _check_social_notices(campaign: Campaign, lists: list[ApprovalList]) -> None:
    """Where the notice prescribes a social notice of the candidates before the decision
    (seed 000 四5, seed 003 二(二)6, seed 004 三(四)), every awardee must have been on a
    closed notice of that stage (公示无异议)."""
    stages = [stage for stage in stages_of(campaign.specification) if not stage.is_level]
    awardees = {
        entry.nomination_id: entry.nomination.name
        for approved in lists
        for entry in approved.entries.filter(outcome=Outcome.AWARDEE).select_related("nomination")
    }
    for stage in stages:
        if stage.notice is None or not stage.key.startswith("social_notice"):
            continue
        shown = set(
            NoticeEntry.objects.filter(
                notice__campaign=campaign, notice__stage=stage.key, notice__state=NoticeState.CLOSED
            ).values_list("nomination_id", flat=True)
        )
        missing = [name for pk, name in awardees.items() if pk not in shown]
        if missing:
            raise DecisionError(
                _("以下拟表彰人选尚未经“%(notice)s”公示无异议：%(names)s。")
                % {"notice": stage.notice.name, "names": "、".join(missing)}
            )


def certificate_number(spec, award_code: str, seq: int) -> str:
    """A certificate number in the campaign's own scheme (spec ``certificate``: e.g.
    ``{prefix}〔{year}〕第{seq:03d}号`` → 吉工匠〔2021〕第001号). The prefix is the award's own
    (``award_prefixes``), else ``prefix``, else the campaign's short title."""
    rule = spec.certificate
    prefix = rule.award_prefixes.get(award_code) or rule.prefix or spec.short_title or spec.title
    return rule.number.format(prefix=prefix, year=spec.year, seq=seq)


@transaction.atomic
def issue_certificates(decision: CommendationDecision, *, actor: User) -> list[Certificate]:
    """Number one certificate per awardee in the campaign's scheme
    (:func:`certificate_number`), running in award and rank order, one count per prefix.
    Idempotent (existing numbers are kept).

    Raises:
        PermissionDenied: the actor is not the campaign's office (``decisions.manage``).
        DecisionError: the decision is not published.
    """
    _require_office(actor, decision.campaign)
    if not decision.published_at:
        raise DecisionError(_("表彰决定尚未发布。"), code="conflict")
    certificates = []
    spec = decision.campaign.specification
    counts: dict[str, int] = {}
    for approved in decision.approval_lists.select_related("award").order_by("award__position"):
        award = approved.award
        for entry in approved.entries.filter(outcome=Outcome.AWARDEE).order_by("rank"):
            first = certificate_number(spec, award.code, 1)
            counts[first] = counts.get(first, 0) + 1
            cert, _created = Certificate.objects.get_or_create(
                decision=decision,
                nomination_id=entry.nomination_id,
                award=award,
                defaults={
                    "rank": entry.rank,
                    "number": certificate_number(spec, award.code, counts[first]),
                },
            )
            certificates.append(cert)
    record_audit(
        actor=actor,
        action="decision.certificates",
        obj=decision,
        after={"count": len(certificates)},
    )
    return certificates


def payment_sheet(decision: CommendationDecision, *, actor: User) -> tuple[bytes, bool]:
    """The prize payment sheet (XLSX) for ``actor``; returns ``(bytes, unmasked)``.

    Bank accounts are unmasked only for the finance role of the campaign (docs/security.md
    check 20: need to know); every unmasked download is audited.

    Raises:
        PermissionDenied: the actor is neither the campaign's finance nor its office
            (``decisions.download_payments``).
    """
    require(
        actor,
        "decisions.download_payments",
        decision.campaign,
        _("只有本活动的财务人员和领导小组办公室可以下载奖金发放表。"),
    )
    unmasked = can_see_bank_accounts(actor, decision.campaign)
    data = payment_sheet_xlsx(decision, unmasked=unmasked)
    if unmasked:
        record_audit(
            actor=actor,
            action="decision.payments.unmasked",
            obj=decision,
            role="finance",
            after={"rows": decision.certificates.count()},
        )
    return data, unmasked
