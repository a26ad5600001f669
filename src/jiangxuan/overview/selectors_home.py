"""Reads for the staff home page (我的工作台, issue 15.13): what waits for the signed-in user,
one section per role the user holds (accounts: Membership roles; a user may hold several).

Each section composes the selectors of the app that owns the data (nominations, notices,
notifications, experts, campaigns); nothing here queries a model. The number of queries
does not grow with the number of campaigns, nominations or panels: the organization tree
around the nominations is read at once (nominations.chain.OrgIndex), and so are the
units' deadlines (campaigns.selectors.DeadlineBook).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import User
from jiangxuan.accounts.selectors import roles_of
from jiangxuan.campaigns.enums import CampaignStage
from jiangxuan.campaigns.lifecycle import campaign_stage
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.selectors import DeadlineBook
from jiangxuan.campaigns.spec import SHANGHAI
from jiangxuan.core.audit_trail import can_read_audit_trail
from jiangxuan.core.calendar import unknown_years
from jiangxuan.experts.selectors_scoring import PanelWork, panel_work_of
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination, SignOff
from jiangxuan.nominations.review_selectors import (
    ForwardBatch,
    OverdueBody,
    QueueGroup,
    forward_batches,
    latest_returns,
    nominations_to_review,
    overdue_forwards,
    queue_deadlines,
    review_queue_groups,
)
from jiangxuan.nominations.selectors import clerk_worklist
from jiangxuan.notices.selectors import OfficeTally, office_campaigns, office_tallies
from jiangxuan.notifications.selectors import outbox_drafts_by_campaign


@dataclass(frozen=True)
class Deadline:
    """A deadline seen from ``today`` (Asia/Shanghai): the moment, whole days left (0 on
    its day, negative once past) and whether it has passed at ``now``."""

    at: dt.datetime
    days_left: int
    passed: bool

    @classmethod
    def of(cls, at: dt.datetime | None, now: dt.datetime) -> Deadline | None:
        if at is None:
            return None
        today = now.astimezone(SHANGHAI).date()
        days = (at.astimezone(SHANGHAI).date() - today).days
        return cls(at, days, now.replace(microsecond=0) > at)


@dataclass(frozen=True)
class ClerkItem:
    """A draft or a nomination returned for correction, with the submission deadline of
    its unit and, when returned, the return (body, reason)."""

    nomination: Nomination
    deadline: Deadline | None
    returned: SignOff | None

    @property
    def is_returned(self) -> bool:
        return self.nomination.state == NominationState.RETURNED


@dataclass(frozen=True)
class ReviewTask:
    """A group of the review queue (``kind`` "sign": opinions to give) or a batch waiting
    to be forwarded ("forward"), with the level's forward deadline."""

    kind: str
    campaign: Campaign
    level_name: str
    level_code: str
    body_id: int
    body_name: str
    count: int
    to_sign: int
    deadline: Deadline | None


@dataclass(frozen=True)
class OfficeCampaign:
    """One campaign the user runs as campaign office, with what waits in it."""

    campaign: Campaign
    stage: CampaignStage
    overdue: list[OverdueBody]
    tally: OfficeTally
    outbox_drafts: int

    @property
    def stage_label(self) -> str:
        return str(self.stage.label)

    @property
    def overdue_count(self) -> int:
        return len(self.overdue)


@dataclass
class Workbench:
    """The home page: the roles' Chinese names, then a section per role held (None for a
    role the user does not hold)."""

    now: dt.datetime
    role_labels: list[str]
    clerk: list[ClerkItem] | None = None
    review: list[ReviewTask] | None = None
    office: list[OfficeCampaign] | None = None
    expert: list[PanelWork] | None = None
    audit: bool = False
    other_roles: list[str] = field(default_factory=list)
    unknown_holiday_years: list[int] = field(default_factory=list)


def _clerk_items(user: User, now: dt.datetime) -> list[ClerkItem]:
    nominations = clerk_worklist(user)
    units = [n.nominating_unit or n.workplace for n in nominations]
    book = DeadlineBook({n.campaign for n in nominations}, units) if nominations else None
    returns = latest_returns([n for n in nominations if n.state == NominationState.RETURNED])
    items = []
    for n in nominations:
        at = book.submission(n.campaign, n.nominating_unit or n.workplace) if book else None
        items.append(ClerkItem(n, Deadline.of(at, now), returns.get(n.pk)))
    return items


def _review_tasks(user: User, now: dt.datetime) -> list[ReviewTask]:
    groups: list[QueueGroup] = review_queue_groups(nominations_to_review(user))
    batches: list[ForwardBatch] = forward_batches(user)
    deadlines = queue_deadlines(groups, batches)
    tasks = [
        ReviewTask(
            "forward",
            b.campaign,
            b.level.name,
            b.level.code,
            b.body.id,
            b.body.name,
            b.count,
            0,
            Deadline.of(deadlines.get((b.campaign.id, b.level.code, b.body.id)), now),
        )
        for b in batches
    ]
    tasks += [
        ReviewTask(
            "sign",
            g.campaign,
            g.level.name,
            g.level.code,
            g.body.id,
            g.body.name,
            len(g.items),
            sum(1 for item in g.items if item.to_sign),
            Deadline.of(deadlines.get((g.campaign.id, g.level.code, g.body.id)), now),
        )
        for g in groups
    ]
    return tasks


def _office_campaigns(user: User, now: dt.datetime) -> list[OfficeCampaign]:
    campaigns = [
        c
        for c in office_campaigns(user).order_by("-year", "title")
        if campaign_stage(c, now) != CampaignStage.ARCHIVED
    ]
    ids = {c.id for c in campaigns}
    overdue = overdue_forwards(campaigns, now)
    tallies = office_tallies(ids, now.astimezone(SHANGHAI).date())
    drafts = outbox_drafts_by_campaign(user)
    return [
        OfficeCampaign(
            c, campaign_stage(c, now), overdue.get(c.id, []), tallies[c.id], drafts.get(c.id, 0)
        )
        for c in campaigns
    ]


#: Roles with a section of their own on the page.
SECTION_ROLES = {Role.CLERK, Role.REVIEWER, Role.CAMPAIGN_OFFICE, Role.EXPERT, Role.AUDITOR}


def workbench_of(user: User, *, now: dt.datetime | None = None) -> Workbench:
    """The home page of ``user`` at server time ``now`` (default: now; aware).

    - clerk: drafts and nominations returned for correction of the user's units, each with
      its unit's submission deadline (campaigns.selectors.deadline_for) and days left,
      and for a return the body and the reason given;
    - reviewer (and a clerk whose unit signs): the review queue's groups (campaign, level,
      body; how many wait, how many for the user's opinion) and the batches waiting to be
      forwarded, each with the level's forward deadline (forward_deadline) and whether it
      has passed;
    - campaign office: per campaign it runs (archived ones left out) the stage, the bodies
      that have not forwarded by their deadline, objections waiting for a finding,
      background checks waiting for a reply (and overdue), outbox messages waiting for
      review;
    - expert (the role, or any panel seat): each seat with assignments left to score and
      the scoring deadline;
    - auditor: whether to link the audit trail;
    - campaign office, platform administrator and staff: the years whose holiday schedule
      the platform lacks (core.calendar.unknown_years), so that it is entered before a
      public notice reaches into them.

    Other roles (leading group, finance, platform administrator) are named in
    ``other_roles``; their pages are reached from the navigation.
    """
    now = now or timezone.now()
    roles = roles_of(user)
    bench = Workbench(
        now=now,
        role_labels=[str(label) for value, label in Role.choices if value in roles],
        other_roles=[str(label) for value, label in Role.choices if value in roles - SECTION_ROLES],
    )
    if Role.CLERK in roles:
        bench.clerk = _clerk_items(user, now)
    if roles & {Role.REVIEWER, Role.CLERK}:
        tasks = _review_tasks(user, now)
        if Role.REVIEWER in roles or tasks:
            bench.review = tasks
    if Role.CAMPAIGN_OFFICE in roles:
        bench.office = _office_campaigns(user, now)
    work = panel_work_of(user)
    if Role.EXPERT in roles or work:
        bench.expert = work
        if Role.EXPERT not in roles:
            # A pool expert with a panel seat and no membership is still an expert here,
            # not someone "without a role" (issue 15.13).
            bench.role_labels.append(str(Role.EXPERT.label))
    bench.audit = can_read_audit_trail(user)
    if roles & {Role.CAMPAIGN_OFFICE, Role.PLATFORM_ADMIN} or user.is_staff:
        bench.unknown_holiday_years = unknown_years(timezone.localdate(now))
    return bench
