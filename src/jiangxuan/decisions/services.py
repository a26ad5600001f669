"""Final approval, the commendation decision, laureates and certificates (issue 4).

Sources: the leading group approves the list (seed 000 四6; seed 001 三(一)7; seed 002 四(六);
seed 003 二(二)6; seed 004 三(五)); finalists (入围奖, seed 002 六); previous winners are
excluded from the next edition (seed 000 二; seed 001 一(一); seed 003 一(一)); site
inspections feed the list (seed 004 三(三)2, see :func:`_inspection_problems`).
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.accounts.models import User
from jiangxuan.campaigns.enums import StepKind
from jiangxuan.campaigns.models import Award, Campaign, Laureate
from jiangxuan.core.audit import record_audit
from jiangxuan.decisions.enums import ListState, Outcome
from jiangxuan.decisions.models import (
    ApprovalEntry,
    ApprovalList,
    ApprovalMeeting,
    Certificate,
    CommendationDecision,
)
from jiangxuan.decisions.rendering import payment_sheet_xlsx
from jiangxuan.decisions.selectors import can_see_bank_accounts
from jiangxuan.experts.models import InspectionOutcome
from jiangxuan.experts.selectors_inspections import inspection_outcomes
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination
from jiangxuan.notices.enums import NoticeState
from jiangxuan.notices.models import NoticeEntry
from jiangxuan.notices.selectors import stages_of


class DecisionError(ValidationError):
    """A step of the final approval or the decision is not allowed; ``code`` is
    "conflict" when the list's or the decision's state forbids it (the API's 409)."""


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
    for pk in ids:
        n = found.get(pk)
        if n is None or n.campaign_id != campaign.pk or n.award_id != award.pk:
            raise DecisionError(_("人选 %(id)s 不属于该奖项。") % {"id": pk})
        if n.state != NominationState.APPROVED:
            raise DecisionError(_("人选“%(name)s”尚未通过审核。") % {"name": n.name})
    if finalists and not award.spec.finalist_award:
        raise DecisionError(_("该奖项未设入围奖。"))
    warnings = _inspection_problems(campaign, [found[pk] for pk in ids])
    if award.count is not None:
        if award.count_is_maximum and len(nominations) > award.count:
            raise DecisionError(
                _("表彰人数 %(n)s 超过名额上限 %(max)s。")
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
            award (seed 002 六). All must be the award's and approved by the review chain.
    Returns:
        The draft list; ``.warnings`` lists soft problems (fewer awardees than ``count``).
    Raises:
        DecisionError: a list exists already (use ``revise_list``), an id is not the
            award's or not approved, a nominee's site inspection failed, or more
            awardees than a maximum ``count``.
    """
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
        DecisionError: the list is approved or superseded (locked; use ``revise_list``).
    """
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
    supersedes the approved earlier version.
    Raises:
        DecisionError: the list is not a draft, votes exceed those present, or no majority.
    """
    ensure_editable(approval_list)
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
        DecisionError: the list is not the approved version, the reason is empty, a draft
            revision exists already, or the entries are invalid.
    """
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


def issuer_of(campaign: Campaign) -> str:
    """The issuing bodies of the campaign's notice, joined (主办单位)."""
    return "、".join(o.name for o in campaign.specification.organizers)


@transaction.atomic
def publish_decision(
    campaign: Campaign, *, number: str, title: str, issued_on: dt.date, actor: User
) -> CommendationDecision:
    """Publish the commendation decision and write the laureate registry.

    Requires an approved list for every award. Each awardee becomes a ``Laureate`` of the
    award's series (idempotent), which the next edition's ``not_previous_winner`` rule reads
    (seed 000 二; seed 001 一(一); seed 003 一(一)).
    Raises:
        DecisionError: an award has no approved list, or the decision is published already.
    """
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
            Laureate.objects.get_or_create(
                series=award.series,
                id_index=n.id_index,
                defaults={
                    "title": award.name,
                    "name": n.name,
                    "year": campaign.year,
                    "campaign": campaign,
                },
            )
    record_audit(actor=actor, action="decision.publish", obj=decision, after={"number": number})
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
        DecisionError: the decision is not published.
    """
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
                defaults={
                    "award": award,
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
    check 20: need to know); every unmasked download is audited. Access itself is checked by the
    caller (``selectors.can_download_payments``).
    """
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
