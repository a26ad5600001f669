"""Reads for notifications: recipients of each event, a user's notifications and unread
count, the office's outbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.rules import office_of_any
from jiangxuan.campaigns.selectors import office_campaign_ids
from jiangxuan.nominations.chain import bodies_at, level_named
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination
from jiangxuan.notices.enums import NoticeState
from jiangxuan.notices.models import PublicNotice

from .enums import OutboxState
from .models import Notification, OutboxMessage

#: Seconds the nav's unread count may be served from the cache. Every write that changes
#: it deletes the key; the timeout bounds staleness where the cache is per process (no
#: REDIS_URL) and a write in another process cannot reach it.
UNREAD_CACHE_SECONDS = 60
LIST_LIMIT = 200


def unread_cache_key(user_id: int) -> str:
    """Cache key of a user's unread count."""
    return f"notifications:unread:{user_id}"


def unread_count(user: User) -> int:
    """Unread notifications of ``user``: one COUNT query, then cached per user."""
    key = unread_cache_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def notifications_for(user: User) -> list[Notification]:
    """The user's newest notifications (unread and read), newest first."""
    return list(
        Notification.objects.filter(recipient=user)
        .select_related("campaign")
        .order_by("-created_at", "-id")[:LIST_LIMIT]
    )


def members_of(units: Iterable[int], roles: Iterable[str], campaign: Campaign) -> list[User]:
    """Active users holding one of ``roles`` at one of the units (ids), for every campaign
    or for ``campaign``; by id."""
    return list(
        User.objects.filter(
            Q(memberships__campaign__isnull=True) | Q(memberships__campaign=campaign),
            is_active=True,
            memberships__org_unit_id__in=list(units),
            memberships__role__in=list(roles),
        )
        .distinct()
        .order_by("id")
    )


def office_users_of(campaign: Campaign) -> list[User]:
    """The campaign office (领导小组办公室): members tied to the campaign, or untied members
    of its organizing unit; by id."""
    return list(
        User.objects.filter(
            Q(memberships__campaign=campaign)
            | Q(memberships__campaign__isnull=True, memberships__org_unit=campaign.organizer_unit),
            is_active=True,
            memberships__role=Role.CAMPAIGN_OFFICE,
        )
        .distinct()
        .order_by("id")
    )


def units_with_open_drafts() -> list[tuple[Campaign, list[int]]]:
    """Published campaigns with draft or returned nominations, each with the ids of the
    nominating units (or, without one, the workplaces) those nominations go through."""
    rows = (
        Nomination.objects.filter(
            state__in=NominationState.EDITABLE,
            campaign__state=CampaignState.PUBLISHED,
            is_sample=False,
        )
        .values_list("campaign_id", "nominating_unit_id", "workplace_id")
        .distinct()
    )
    units: dict[int, set[int]] = {}
    for campaign_id, unit_id, workplace_id in rows:
        if unit_id or workplace_id:
            units.setdefault(campaign_id, set()).add(unit_id or workplace_id)
    campaigns = Campaign.objects.filter(pk__in=units).order_by("id")
    return [(c, sorted(units[c.pk])) for c in campaigns]


def notices_ending_between(first: dt.date, last: dt.date) -> list[PublicNotice]:
    """Running public notices whose last day lies in [first, last], with their campaigns."""
    return list(
        PublicNotice.objects.filter(
            state=NoticeState.RUNNING, ends_on__gte=first, ends_on__lte=last
        )
        .select_related("campaign__organizer_unit")
        .order_by("ends_on", "id")
    )


def outbox_for(user: User, *, state: str | None = None) -> QuerySet[OutboxMessage]:
    """Outbox messages of the campaigns the user runs as campaign office, newest first;
    only ``state`` when given."""
    qs = OutboxMessage.objects.filter(
        campaign_id__in=office_campaign_ids(user, {Role.CAMPAIGN_OFFICE})
    ).select_related("campaign", "created_by", "approved_by")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def outbox_drafts_by_campaign(user: User) -> dict[int, int]:
    """How many outbox messages wait for the office's review (待审核), per campaign id of
    the campaigns the user runs as campaign office; campaigns without one are left out.
    One query (:func:`outbox_for`'s scope)."""
    return dict(
        outbox_for(user, state=OutboxState.DRAFT)
        .order_by()
        .values("campaign_id")
        .annotate(n=Count("id"))
        .values_list("campaign_id", "n")
    )


def outbox_message_for(user: User, pk: int) -> OutboxMessage | None:
    """One outbox message if the user runs its campaign as office, else None (→ 404)."""
    return outbox_for(user).filter(pk=pk).first()


def notification_for(user: User, pk: int) -> Notification | None:
    """One of the user's own notifications, else None (→ 404)."""
    return Notification.objects.filter(recipient=user, pk=pk).first()


def runs_any_outbox(user: User) -> bool:
    """Whether the user is campaign office of any campaign (shows the outbox link)."""
    return office_of_any(user)


def next_bodies(nominations: Iterable[Nomination], *, level: str) -> dict[OrgUnit, list]:
    """The bodies that sign at the next level for each nomination that left ``level``
    and is still under review there: ``{body: [nomination, ...]}``."""
    waiting: dict[OrgUnit, list[Nomination]] = {}
    for n in nominations:
        if n.state != NominationState.IN_REVIEW or n.level == level:
            continue
        following = level_named(n, n.level)
        if following is None:
            continue
        for _signer, body in bodies_at(n, following):
            if body is not None and n not in waiting.setdefault(body, []):
                waiting[body].append(n)
    return waiting
