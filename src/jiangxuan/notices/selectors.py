"""Reads about public notices, objections, background checks and penalties.

Office pages fetch every object through the ``*_for_office`` selectors (another campaign's
object is None, so the view answers 404); public pages through :func:`published_notice`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, OrgUnit, User
from jiangxuan.accounts.selectors import jurisdiction_of
from jiangxuan.campaigns.enums import NoticeDayUnit
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.selectors import office_campaign_ids
from jiangxuan.campaigns.spec import (
    BackgroundCheckRule,
    CampaignSpec,
    PublicNoticeRule,
    ReviewLevel,
)
from jiangxuan.core.calendar import add_calendar_days, add_working_days
from jiangxuan.nominations.chain import signing_units
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Evidence, Nomination
from jiangxuan.nominations.review_selectors import forward_scope, nominations_ready_to_forward

from .enums import BackgroundCheckState, NoticePhase, NoticeState, ObjectionState, PenaltyKind
from .models import BackgroundCheck, DisciplinaryPenalty, NoticeEntry, Objection, PublicNotice
from .rules import NoticeScope

#: The only nomination fields a public notice may show (docs/security.md check 21; PIPL §25).
PUBLISHED_FIELDS = ("name", "sex", "workplace_name", "post", "occupation", "achievement_summary")
OFFICE_ROLE = {Role.CAMPAIGN_OFFICE}


# --------------------------------------------------------------------------- stages


@dataclass(frozen=True)
class Stage:
    """A place in a campaign's chain: a review level (``key`` = its code) or a step
    (``key`` = its kind, ``kind-2`` for a second step of the same kind)."""

    key: str
    name: str
    is_level: bool
    notice: PublicNoticeRule | None
    background_check: BackgroundCheckRule | None


def stages_of(spec: CampaignSpec) -> list[Stage]:
    """Every level and step of the specification's chain, in order."""
    stages = [
        Stage(level.code, level.name, True, level.notice, level.background_check)
        for level in spec.review_chain.levels
    ]
    seen: dict[str, int] = {}
    for step in spec.review_chain.steps:
        seen[step.kind] = seen.get(step.kind, 0) + 1
        key = step.kind if seen[step.kind] == 1 else f"{step.kind}-{seen[step.kind]}"
        stages.append(Stage(key, step.name, False, step.notice, step.background_check))
    return stages


def notice_stages(campaign: Campaign) -> list[Stage]:
    """Stages whose specification requires a public notice."""
    return [stage for stage in stages_of(campaign.specification) if stage.notice]


def background_check_stages(campaign: Campaign) -> list[Stage]:
    """Stages whose specification requires a department's opinion (征求意见)."""
    return [stage for stage in stages_of(campaign.specification) if stage.background_check]


def stage_named(campaign: Campaign, key: str) -> Stage | None:
    """The stage with ``key`` in the campaign's chain, or None."""
    return next((s for s in stages_of(campaign.specification) if s.key == key), None)


def notice_end_date(rule: PublicNoticeRule, starts_on: dt.date) -> dt.date:
    """The last day of a notice under ``rule`` starting on ``starts_on`` (the start day
    counts when it is a working day; seed 000 四1, 四5: 5 个工作日; seed 003 二(二)6: 5 天).

    Raises:
        UnknownHolidayYear: a day of the period lies in a year the calendar does not know.
    """
    if rule.day_unit == NoticeDayUnit.CALENDAR:
        return add_calendar_days(starts_on, rule.days)
    return add_working_days(starts_on, rule.days)


# --------------------------------------------------------------------------- office reads


def office_campaigns(user: User) -> QuerySet[Campaign]:
    """Campaigns whose notices the user runs (campaign office role)."""
    return Campaign.objects.filter(id__in=office_campaign_ids(user, OFFICE_ROLE))


def campaign_for_office(user: User, code: str) -> Campaign | None:
    """The campaign with ``code`` if the user is its office, else None."""
    return office_campaigns(user).filter(code=code).first()


def notices_of(campaign: Campaign) -> list[PublicNotice]:
    """The campaign's notices, newest first, with entry and open-objection counts."""
    return list(
        PublicNotice.objects.filter(campaign=campaign)
        .select_related("body")
        .annotate(
            entry_count=Count("entries", distinct=True),
            open_objections=Count(
                "objections",
                filter=Q(objections__state__in=ObjectionState.UNRESOLVED),
                distinct=True,
            ),
        )
        .order_by("-starts_on", "-id")
    )


def notice_for_office(user: User, pk: int) -> PublicNotice | None:
    """A notice of one of the user's campaigns, else None."""
    return (
        PublicNotice.objects.filter(pk=pk, campaign_id__in=office_campaign_ids(user, OFFICE_ROLE))
        .select_related("campaign", "body")
        .first()
    )


def notice_scope(notice: PublicNotice) -> NoticeScope:
    """What ``notice`` is about, for ``notices.run_notice``: its campaign, stage, body and
    the nominations of its entries, which share the notice's campaign object (joined, each
    would decode the campaign's specification, ≈ 25 KB of JSON, again)."""
    campaign = notice.campaign
    nominations = []
    for entry in notice.entries.select_related(
        "nomination__workplace", "nomination__nominating_unit"
    ).order_by("position"):
        nomination = entry.nomination
        if nomination.campaign_id == campaign.pk:
            nomination.campaign = campaign
        nominations.append(nomination)
    return NoticeScope(campaign, notice.stage, notice.body, tuple(nominations))


def notice_for_runner(user: User, pk: int) -> PublicNotice | None:
    """A notice the user runs: one of a campaign the user is the office of, or a level's
    notice held by a body the user signs for, at a level where that body signs for every
    nominee on it (``notices.run_notice``); else None."""
    notice = (
        PublicNotice.objects.filter(pk=pk)
        .filter(
            Q(campaign_id__in=office_campaign_ids(user, OFFICE_ROLE))
            | Q(body_id__in=signing_units(user))
        )
        .select_related("campaign", "body")
        .first()
    )
    if notice is None or notice.campaign_id in office_campaign_ids(user, OFFICE_ROLE):
        return notice
    return notice if user.has_perm("notices.run_notice", notice_scope(notice)) else None


def level_notice_scope(
    user: User, code: str, level: str, body_id: int
) -> tuple[Campaign, ReviewLevel, OrgUnit] | None:
    """The campaign ``code``, its review level ``level`` (one that prescribes a notice)
    and the body ``body_id`` the user signs for, or None (the caller answers 404)."""
    scope = forward_scope(user, code, level, body_id)
    if scope is None or scope[1].notice is None:
        return None
    return scope


def level_notice_candidates(
    user: User, campaign: Campaign, level: str, body: OrgUnit
) -> QuerySet[Nomination]:
    """Nominations ``body`` may put on its notice at ``level``: visible to ``user``, they
    completed the level, ``body`` signs for them there and no notice has cleared them yet
    (nominations.review_selectors.nominations_ready_to_forward)."""
    ids = [
        row.nomination.pk
        for row in nominations_ready_to_forward(user, campaign, level, body)
        if not row.notice_cleared
    ]
    return (
        Nomination.objects.filter(pk__in=ids)
        .select_related("award", "nominating_unit")
        .order_by("nominating_unit__path", "award__position", "rank", "id")
    )


def level_notices_of(campaign: Campaign, level: str, body: OrgUnit) -> list[PublicNotice]:
    """The notices ``body`` holds at ``level`` of the campaign, newest first."""
    return list(
        PublicNotice.objects.filter(campaign=campaign, stage=level, body=body).order_by(
            "-starts_on", "-id"
        )
    )


def objection_for_office(user: User, pk: int) -> Objection | None:
    """An objection to a notice of one of the user's campaigns, else None."""
    return (
        Objection.objects.filter(
            pk=pk, notice__campaign_id__in=office_campaign_ids(user, OFFICE_ROLE)
        )
        .select_related(
            "notice__campaign",
            "nomination__workplace",
            "nomination__nominating_unit",
            "assigned_to",
        )
        .first()
    )


def objections_of(notice: PublicNotice) -> list[Objection]:
    """The notice's objections in filing order, with the nominee and assignee."""
    return list(
        notice.objections.select_related("nomination", "assigned_to", "answered_by").order_by(
            "created_at", "id"
        )
    )


def campaign_objections(campaign: Campaign) -> list[Objection]:
    """Every objection to the campaign's notices in one query: by notice, newest notice
    first (as :func:`notices_of`), then in filing order."""
    return list(
        Objection.objects.filter(notice__campaign=campaign)
        .select_related("notice", "nomination", "assigned_to", "answered_by")
        .order_by("-notice__starts_on", "-notice_id", "created_at", "id")
    )


def entries_of(notice: PublicNotice) -> list[NoticeEntry]:
    """The notice's entries in order, with their nominations (for the office's view)."""
    return list(notice.entries.select_related("nomination").order_by("position"))


def entries_by_notice(notices: list[PublicNotice]) -> dict[int, list[NoticeEntry]]:
    """The entries of many notices in one query, by notice id, each in order."""
    grouped: dict[int, list[NoticeEntry]] = {n.pk: [] for n in notices}
    entries = NoticeEntry.objects.filter(notice__in=notices).select_related("nomination")
    for entry in entries.order_by("notice_id", "position"):
        grouped[entry.notice_id].append(entry)
    return grouped


def notice_candidates(campaign: Campaign, body: OrgUnit | None = None) -> QuerySet[Nomination]:
    """Nominations that may go on a notice: submitted and still live, within ``body``'s
    jurisdiction when given."""
    qs = Nomination.objects.filter(
        campaign=campaign,
        state__in=[s for s in NominationState.LIVE if s != NominationState.DRAFT],
    )
    if body is not None:
        root = jurisdiction_of(body).path
        qs = qs.filter(
            Q(workplace__path__startswith=root) | Q(nominating_unit__path__startswith=root)
        )
    return qs.select_related("award", "nominating_unit").order_by(
        "nominating_unit__path", "award__position", "rank", "id"
    )


def notice_bodies(campaign: Campaign) -> QuerySet[OrgUnit]:
    """Units that may hold a notice: the organizer and the nominating units and
    workplaces of the campaign's live nominations."""
    live = Nomination.objects.filter(campaign=campaign, state__in=NominationState.LIVE)
    return OrgUnit.objects.filter(
        Q(pk=campaign.organizer_unit_id)
        | Q(pk__in=live.values("nominating_unit"))
        | Q(pk__in=live.values("workplace"))
    ).order_by("path")


def background_checks_of(campaign: Campaign) -> list[BackgroundCheck]:
    """The campaign's background checks, with their nominations."""
    return list(
        BackgroundCheck.objects.filter(nomination__campaign=campaign)
        .select_related("nomination", "department", "answered_by")
        .order_by("stage", "nomination__nominating_unit__path", "nomination_id", "id")
    )


def background_check_for_office(user: User, pk: int) -> BackgroundCheck | None:
    """A background check of one of the user's campaigns, else None."""
    return (
        BackgroundCheck.objects.filter(
            pk=pk, nomination__campaign_id__in=office_campaign_ids(user, OFFICE_ROLE)
        )
        .select_related("nomination__campaign", "nomination__workplace", "department")
        .first()
    )


# --------------------------------------------------------------------------- public reads


def notice_phase(notice: PublicNotice, today: dt.date | None = None) -> NoticePhase:
    """The phase of a published notice on ``today`` (default: today in Asia/Shanghai):
    upcoming before ``starts_on``, open from ``starts_on`` to ``ends_on`` inclusive while
    running, ended after that or once closed. The same period bounds objections
    (:func:`jiangxuan.notices.services.file_objection`)."""
    today = today or timezone.localdate()
    if notice.state == NoticeState.CLOSED or today > notice.ends_on:
        return NoticePhase.ENDED
    if today < notice.starts_on:
        return NoticePhase.UPCOMING
    return NoticePhase.OPEN


def published_notices() -> list[PublicNotice]:
    """Running notices for the public index, newest first."""
    return list(
        PublicNotice.objects.filter(state=NoticeState.RUNNING)
        .select_related("campaign", "body")
        .order_by("-starts_on", "-id")
    )


def published_notices_version() -> str:
    """A token that changes when a notice starts running, stops or is edited (the public
    index of running notices). One query."""
    row = PublicNotice.objects.filter(state=NoticeState.RUNNING).aggregate(
        count=Count("id"), edited=Max("updated_at")
    )
    return f"{row['count']}|{row['edited']}"


def published_notice(pk: int) -> PublicNotice | None:
    """A notice that is running or closed (drafts are not public), else None."""
    return (
        PublicNotice.objects.filter(pk=pk, state__in=NoticeState.PUBLISHED)
        .select_related("campaign", "body")
        .first()
    )


def published_notice_version(pk: int) -> str | None:
    """A token that changes when a running or closed notice is edited (its ``updated_at``),
    None when the notice is not public. One indexed query that loads no campaign."""
    updated = (
        PublicNotice.objects.filter(pk=pk, state__in=NoticeState.PUBLISHED)
        .values_list("updated_at", flat=True)
        .first()
    )
    return updated.isoformat() if updated else None


def public_entries(notice: PublicNotice) -> list[NoticeEntry]:
    """Entries still shown on the public page: a nominee whose nomination was revoked,
    withdrawn or rejected after opening is taken off. Each entry's ``published`` holds
    only :data:`PUBLISHED_FIELDS`."""
    return list(
        notice.entries.exclude(nomination__state__in=NominationState.FINAL).order_by("position")
    )


def public_entry(notice: PublicNotice, position: int) -> NoticeEntry | None:
    """The entry at ``position`` of a published notice if still shown on the public page
    (as :func:`public_entries`), else None. The candidate page shows its ``published``
    fields only."""
    return (
        notice.entries.exclude(nomination__state__in=NominationState.FINAL)
        .filter(position=position)
        .first()
    )


def public_photo(entry: NoticeEntry) -> Evidence | None:
    """The nominee's photo (the form's 照片, an image re-encoded without metadata at upload)
    for the candidate page, or None. Only while the nominee still consents to
    publication (PIPL §25): a consent withdrawn after the notice opened hides the photo."""
    return (
        Evidence.objects.filter(
            nomination_id=entry.nomination_id,
            nomination__publication_consent=True,
            material="photo",
            content_type__startswith="image/",
        )
        .order_by("id")
        .first()
    )


# --------------------------------------------------------------------------- penalties


def _penalties(unit: OrgUnit, series: str, for_campaign: Campaign | None) -> QuerySet:
    qs = DisciplinaryPenalty.objects.filter(unit=unit, series=series)
    if for_campaign is None:
        return qs
    # "下一届": only the penalties found in the edition just before ``for_campaign``.
    previous = (
        Campaign.objects.filter(series=series, year__lt=for_campaign.year)
        .order_by("-year", "-id")
        .values_list("id", flat=True)
        .first()
    )
    if previous is None:
        return qs.none()
    return qs.filter(campaign_id=previous)


def penalty_quota_reduction(
    unit: OrgUnit, series: str, *, for_campaign: Campaign | None = None
) -> int | None:
    """How many places ``unit``'s quota loses in ``series`` (seed 001 三(二)4: 扣减相应推荐
    名额), summed over its penalties; None when it has no quota penalty.

    With ``for_campaign``, only penalties recorded in the edition before that campaign
    count (the penalty applies to the next edition); without it, every penalty of the
    series counts.
    """
    total = (
        _penalties(unit, series, for_campaign)
        .filter(kind=PenaltyKind.REDUCE_QUOTA)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or None


def unit_barred(unit: OrgUnit, series: str, *, for_campaign: Campaign | None = None) -> bool:
    """Whether ``unit`` lost its eligibility to nominate in ``series`` (seed 001 三(二)4:
    取消推荐单位参加下一届评选的资格). ``for_campaign`` as in
    :func:`penalty_quota_reduction`."""
    return (
        _penalties(unit, series, for_campaign).filter(kind=PenaltyKind.LOSE_NEXT_EDITION).exists()
    )


def penalties_of(campaign: Campaign) -> list[DisciplinaryPenalty]:
    """Penalties recorded during ``campaign``."""
    return list(
        DisciplinaryPenalty.objects.filter(campaign=campaign)
        .select_related("unit", "nomination")
        .order_by("created_at", "id")
    )


def assignees_for(objection: Objection) -> QuerySet[User]:
    """People who may verify ``objection``: the campaign's office, and reviewers whose
    jurisdiction covers the nominee's workplace or nominating unit."""
    campaign = objection.notice.campaign
    ids = set(
        Membership.objects.filter(role=Role.CAMPAIGN_OFFICE)
        .filter(
            Q(campaign=campaign) | Q(campaign__isnull=True, org_unit=campaign.organizer_unit_id)
        )
        .values_list("user_id", flat=True)
    )
    nomination = objection.nomination
    if nomination is not None:
        paths = [u.path for u in (nomination.workplace, nomination.nominating_unit) if u]
        for m in Membership.objects.filter(role=Role.REVIEWER).select_related("org_unit"):
            root = jurisdiction_of(m.org_unit).path
            if any(path.startswith(root) for path in paths):
                ids.add(m.user_id)
    return User.objects.filter(pk__in=ids, is_active=True).order_by("username")


def no_substitute_nominations(campaign: Campaign) -> QuerySet[Nomination]:
    """Revoked nominations of ``campaign`` whose place may not be filled again (seed 001
    三(二)4: 撤销推荐对象资格，不得递补或重报)."""
    return Nomination.objects.filter(
        campaign=campaign,
        state=NominationState.REVOKED,
        penalties__no_substitute=True,
    ).distinct()


# --------------------------------------------------------------------------- step probes


def notice_step_done(campaign: Campaign, key: str) -> bool:
    """A notice step (``social_notice``, ``social_notice-2``) is done when a notice of it
    has closed and none of it is still running or a draft (campaigns.steps)."""
    notices = PublicNotice.objects.filter(campaign=campaign, stage=key)
    return (
        notices.filter(state=NoticeState.CLOSED).exists()
        and not notices.exclude(state=NoticeState.CLOSED).exists()
    )


def background_step_done(campaign: Campaign, key: str) -> bool:
    """A step that asks a department's opinion (seed 003 二(二)2 人选审核: 向有关部门征求
    意见) is done when opinions were asked and all have been answered; a step without
    one is not tracked here (done)."""
    stage = stage_named(campaign, key)
    if stage is None or stage.background_check is None:
        return True
    checks = BackgroundCheck.objects.filter(nomination__campaign=campaign, stage=key)
    return checks.exists() and not checks.filter(state=BackgroundCheckState.REQUESTED).exists()


# --------------------------------------------------------------------------- the home page


@dataclass(frozen=True)
class OfficeTally:
    """What waits for a campaign office in one campaign: objections without a finding yet
    (received or being verified), background checks without a reply, and of those the
    ones past their reply date."""

    objections_waiting: int = 0
    checks_waiting: int = 0
    checks_overdue: int = 0


def office_tallies(campaign_ids: set[int], today: dt.date) -> dict[int, OfficeTally]:
    """:class:`OfficeTally` per campaign id of ``campaign_ids`` (every one, zero counts
    included); ``today`` is the date in Asia/Shanghai a reply date is past after. Two
    queries whatever the number of campaigns."""
    objections = dict(
        Objection.objects.filter(
            notice__campaign_id__in=campaign_ids,
            state__in=(ObjectionState.RECEIVED, ObjectionState.ASSIGNED),
        )
        .values("notice__campaign_id")
        .annotate(n=Count("id"))
        .values_list("notice__campaign_id", "n")
    )
    checks: dict[int, tuple[int, int]] = {
        campaign_id: (waiting, overdue)
        for campaign_id, waiting, overdue in BackgroundCheck.objects.filter(
            nomination__campaign_id__in=campaign_ids, state=BackgroundCheckState.REQUESTED
        )
        .values("nomination__campaign_id")
        .annotate(waiting=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
        .values_list("nomination__campaign_id", "waiting", "overdue")
    }
    return {
        campaign_id: OfficeTally(
            objections_waiting=objections.get(campaign_id, 0),
            checks_waiting=checks.get(campaign_id, (0, 0))[0],
            checks_overdue=checks.get(campaign_id, (0, 0))[1],
        )
        for campaign_id in campaign_ids
    }
