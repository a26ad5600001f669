"""Reads for the level-by-level review's pages and API: the reviewer's work queue, the
sign-off panel of a nomination, what a body may forward, and what it forwarded.

Every nomination comes from :func:`nominations_visible_to`, so nothing outside the user's
scope is listed. Bodies are resolved in the organization tree (``chain.bodies_at``);
nominations sharing campaign, workplace, nominating unit and level share one lookup. The
work queue, the batches to forward and the overdue forwards read the tree around their
nominations at once (``chain.OrgIndex``), so they cost no query per unit or row; the
pages of one nomination or one batch read it from the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.accounts.selectors import memberships_of
from jiangxuan.campaigns import spec as s
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.selectors import DeadlineBook, campaigns_visible_to

from .chain import (
    DATABASE,
    SIGNING_ROLES,
    OrgIndex,
    OrgTree,
    bodies_at,
    level_named,
    levels_for,
    other_level_of,
    signing_units,
)
from .enums import NominationState
from .models import ClearanceKind, Decision, Forwarding, LevelClearance, Nomination, SignOff
from .selectors import nominations_visible_to
from .workflow import InvalidTransition

UNDER_REVIEW = (NominationState.SUBMITTED, NominationState.IN_REVIEW)
#: At most this many nominations are listed in one work queue.
QUEUE_LIMIT = 200


@dataclass
class Seat:
    """One signer of a level and the body that signs for it."""

    signer: str
    body: OrgUnit
    sign_off: SignOff | None = None


@dataclass
class QueueItem:
    """A nomination at a level where the user signs: who signed in this round, who has
    not, and since when it waits (its submission or its last forwarding)."""

    nomination: Nomination
    level: s.ReviewLevel
    seats: list[Seat]
    mine: list[Seat]
    waiting_since: dt.datetime | None

    @property
    def signed(self) -> list[Seat]:
        return [seat for seat in self.seats if seat.sign_off is not None]

    @property
    def waiting(self) -> list[Seat]:
        return [seat for seat in self.seats if seat.sign_off is None]

    @property
    def to_sign(self) -> list[Seat]:
        """The user's seats that have not given their opinion in this round."""
        return [seat for seat in self.mine if seat.sign_off is None]


@dataclass
class QueueGroup:
    """Queue items of one campaign at one level, for one of the user's bodies."""

    campaign: Campaign
    level: s.ReviewLevel
    body: OrgUnit
    items: list[QueueItem] = field(default_factory=list)


class _Bodies:
    """Memoised ``level_named`` and ``bodies_at`` for nominations that share campaign,
    units and level (both walk the organization tree: ``tree``, by default the database;
    :meth:`around` reads the tree around many nominations at once)."""

    def __init__(self, tree: OrgTree = DATABASE) -> None:
        self._tree = tree
        self._levels: dict[tuple, s.ReviewLevel | None] = {}
        self._bodies: dict[tuple, list[tuple[str, OrgUnit | None]]] = {}

    @classmethod
    def around(cls, nominations: list[Nomination]) -> _Bodies:
        """Memoised reads over the tree around ``nominations`` (their workplaces and
        nominating units; chain.OrgIndex, two queries), so that a list of nominations from
        many units and campaigns costs no query per unit."""
        if not nominations:
            return cls()
        campaigns = {n.campaign_id: n.campaign for n in nominations}
        return cls(
            OrgIndex.around_all(
                [u for n in nominations for u in (n.workplace, n.nominating_unit)],
                [c.specification for c in campaigns.values()],
            )
        )

    @staticmethod
    def _key(nomination: Any, code: str) -> tuple:
        # The channel too: a channel received at an intake point starts the chain later.
        return (
            nomination.campaign_id,
            nomination.workplace_id,
            nomination.nominating_unit_id,
            nomination.channel,
            code,
        )

    def level(self, nomination: Any, code: str) -> s.ReviewLevel | None:
        key = self._key(nomination, code)
        if key not in self._levels:
            self._levels[key] = level_named(nomination, code, tree=self._tree)
        return self._levels[key]

    def at(self, nomination: Any, level: s.ReviewLevel) -> list[tuple[str, OrgUnit | None]]:
        key = self._key(nomination, level.code)
        if key not in self._bodies:
            self._bodies[key] = bodies_at(nomination, level, tree=self._tree)
        return self._bodies[key]


def _waiting_since(nominations: Iterable[Nomination]) -> dict[int, dt.datetime | None]:
    ids = [n.pk for n in nominations]
    forwarded = dict(
        Forwarding.objects.filter(nomination_id__in=ids)
        .values("nomination_id")
        .annotate(last=Max("created_at"))
        .values_list("nomination_id", "last")
    )
    since = {}
    for n in nominations:
        moments = [m for m in (n.submitted_at, forwarded.get(n.pk)) if m is not None]
        since[n.pk] = max(moments) if moments else None
    return since


def _current_sign_offs(nomination: Nomination) -> list[SignOff]:
    """The prefetched sign-offs of the nomination's current level and round."""
    return [
        so
        for so in nomination.sign_offs.all()
        if so.level == nomination.level and so.round == nomination.review_round
    ]


def _seats(nomination: Nomination, level: s.ReviewLevel, bodies: _Bodies) -> list[Seat]:
    signed = {so.body_id: so for so in _current_sign_offs(nomination)}
    seats, seen = [], set()
    for signer, body in bodies.at(nomination, level):
        # A body named for two signers (a workplace without its own union) signs once.
        if body is None or body.id in seen:
            continue
        seen.add(body.id)
        seats.append(Seat(signer, body, signed.get(body.id)))
    return seats


#: What a row of the work queue reads of a nomination (page, API, chain, waiting time):
#: nothing encrypted, no narrative or JSON, so 20,000 rows are not decoded to list 50.
QUEUE_ROW_FIELDS = (
    "id",
    "campaign",
    "award",
    "nominating_unit",
    "workplace",
    "created_by",
    "channel",
    "name",
    "state",
    "level",
    "level_ready",
    "review_round",
    "rank",
    "submitted_at",
)
#: Nominations shown on one page of the work queue.
QUEUE_PAGE_SIZE = 50


@dataclass(frozen=True)
class _Key:
    """What decides a nomination's bodies at its current level: nominations sharing it
    are signed by the same bodies (chain.bodies_at)."""

    campaign: Campaign
    workplace: OrgUnit | None
    nominating_unit: OrgUnit | None
    channel: str
    level: str

    @property
    def campaign_id(self) -> int:
        return self.campaign.pk

    @property
    def workplace_id(self) -> int | None:
        return self.workplace.pk if self.workplace else None

    @property
    def nominating_unit_id(self) -> int | None:
        return self.nominating_unit.pk if self.nominating_unit else None


@dataclass
class QueueScope:
    """The reviewer's work queue before it is paged: the nominations waiting at a level
    where the user signs (``nominations``, oldest waiting first, not yet evaluated), with
    the campaigns and the organization tree around them read once for all pages."""

    nominations: QuerySet[Nomination]
    campaigns: dict[int, Campaign]
    bodies: _Bodies
    units: set[int]

    def items(self, rows: Iterable[Nomination]) -> list[QueueItem]:
        """Queue items for ``rows`` (a page of :attr:`nominations`): three queries, the
        rows, their sign-offs and their last forwardings."""
        rows = list(rows)
        items = []
        for n in rows:
            n.campaign = self.campaigns[n.campaign_id]  # one parsed specification each
            level = self.bodies.level(n, n.level)
            if level is None:
                continue
            seats = _seats(n, level, self.bodies)
            mine = [seat for seat in seats if seat.body.id in self.units]
            items.append(QueueItem(n, level, seats, mine, None))
        since = _waiting_since([item.nomination for item in items])
        for item in items:
            item.waiting_since = since[item.nomination.pk]
        return items


_KEY_FIELDS = ("campaign_id", "workplace_id", "nominating_unit_id", "channel", "level")


def _resolve(combinations: list[tuple]) -> tuple[dict[int, Campaign], list[_Key], _Bodies]:
    """For rows of :data:`_KEY_FIELDS` (and anything after them): their campaigns by id,
    a :class:`_Key` per row, and memoised chain reads over the tree around their units.
    Four queries (none without rows): the campaigns, the units, the tree around them and
    the specifications' ``within`` roots."""
    campaign_ids = {row[0] for row in combinations}
    unit_ids = {u for row in combinations for u in (row[1], row[2]) if u is not None}
    campaigns = Campaign.objects.in_bulk(campaign_ids) if campaign_ids else {}
    org = OrgUnit.objects.in_bulk(unit_ids) if unit_ids else {}
    tree: OrgTree = (
        OrgIndex.around_all(org.values(), [c.specification for c in campaigns.values()])
        if org
        else DATABASE
    )
    keys = [
        _Key(
            campaigns[row[0]],
            org[row[1]] if row[1] is not None else None,
            org[row[2]] if row[2] is not None else None,
            row[3],
            row[4],
        )
        for row in combinations
    ]
    return campaigns, keys, _Bodies(tree)


def review_queue_scope(user: User) -> QueueScope | None:
    """The nominations waiting for opinions at a level where ``user`` signs for a body
    (see :func:`nominations_to_review`), as a query to page, or None when the user signs
    for no body.

    The bodies are resolved once per distinct (campaign, workplace, nominating unit,
    channel, level) of the nominations in the user's scope, not per nomination: one
    query for those combinations, one for their campaigns and units, two for the
    organization tree around them (chain.OrgIndex); the combinations where one of the
    user's bodies signs then filter the query. Five queries whatever the number of
    nominations.
    """
    units = signing_units(user)
    if not units:
        return None
    waiting = nominations_visible_to(user).filter(state__in=UNDER_REVIEW, level_ready=False)
    combinations = list(waiting.order_by().values_list(*_KEY_FIELDS).distinct())
    campaigns, keys, bodies = _resolve(combinations)
    matching: dict[tuple, set[int | None]] = defaultdict(set)
    for combination, key in zip(combinations, keys, strict=True):
        campaign_id, workplace_id, unit_id, channel, code = combination
        level = bodies.level(key, code)
        if level is None:
            continue
        if any(body is not None and body.id in units for _sg, body in bodies.at(key, level)):
            matching[(campaign_id, unit_id, channel, code)].add(workplace_id)
    condition = Q(pk__in=[])
    for (campaign_id, unit_id, channel, code), workplace_ids in matching.items():
        where = Q(campaign_id=campaign_id, nominating_unit_id=unit_id, channel=channel, level=code)
        known = [w for w in workplace_ids if w is not None]
        at = Q(workplace_id__in=known)
        if None in workplace_ids:
            at |= Q(workplace_id__isnull=True)
        condition |= where & at
    nominations = (
        waiting.filter(condition)
        .select_related(None)
        .select_related("award", "nominating_unit", "workplace")
        .only(*QUEUE_ROW_FIELDS)
        .prefetch_related(
            Prefetch("sign_offs", queryset=SignOff.objects.select_related("body", "decided_by"))
        )
        .order_by("submitted_at", "id")
    )
    return QueueScope(nominations, campaigns, bodies, units)


def nominations_to_review(user: User, *, limit: int = QUEUE_LIMIT) -> list[QueueItem]:
    """Nominations waiting for opinions at a level where ``user`` signs for a body.

    Input: the signed-in user. Output: one :class:`QueueItem` per nomination (visible to
    the user, submitted or under review, its current level not yet complete, a body of
    that level among the user's signing units), oldest waiting first, at most ``limit``
    (the page shows them page by page: :func:`review_queue_scope`). Items where the
    user's bodies already signed in this round stay listed while other bodies are still
    waiting (dual seals, seed 000 附件2; seed 003 附件). Seven queries, whatever the number
    of nominations.
    """
    scope = review_queue_scope(user)
    if scope is None:
        return []
    return scope.items(scope.nominations[:limit])


def review_queue_groups(items: list[QueueItem]) -> list[QueueGroup]:
    """``items`` grouped by campaign, level and the user's first body there, in the
    order the groups first appear."""
    groups: dict[tuple[int, str, int], QueueGroup] = {}
    for item in items:
        body = item.mine[0].body
        key = (item.nomination.campaign_id, item.level.code, body.id)
        if key not in groups:
            groups[key] = QueueGroup(item.nomination.campaign, item.level, body)
        groups[key].items.append(item)
    return list(groups.values())


@dataclass(frozen=True)
class ForwardBatch:
    """A body's nominations that completed a level and wait to be forwarded."""

    campaign: Campaign
    level: s.ReviewLevel
    body: OrgUnit
    count: int
    #: The batch's nominating units (one per nomination), for its deadline.
    nominating_units: tuple[OrgUnit | None, ...] = ()


def forward_batches(user: User) -> list[ForwardBatch]:
    """For each (campaign, level, body) where ``user`` signs for the body, how many
    visible nominations completed the level and wait to be forwarded (排序报送). Counted
    in the database per (campaign, workplace, nominating unit, channel, level), whose
    bodies are resolved once each: five queries whatever the number of nominations."""
    units = signing_units(user)
    if not units:
        return []
    counted = list(
        nominations_visible_to(user)
        .filter(state=NominationState.IN_REVIEW, level_ready=True)
        .order_by()
        .values_list(*_KEY_FIELDS)
        .annotate(count=Count("id"), first=Min("id"))
        .order_by("campaign_id", "level", "first")
    )
    _campaigns, keys, bodies = _resolve(counted)
    batches: dict[tuple[int, str, int], list[Any]] = {}
    for row, key in zip(counted, keys, strict=True):
        level = bodies.level(key, key.level)
        if level is None:
            continue
        for _signer, body in bodies.at(key, level):
            if body is not None and body.id in units:
                group = (key.campaign.pk, level.code, body.id)
                batch = batches.setdefault(group, [key.campaign, level, body, []])
                batch[3].extend([key.nominating_unit] * row[5])
    return [
        ForwardBatch(campaign, level, body, len(of), tuple(of))
        for campaign, level, body, of in batches.values()
    ]


def queue_deadlines(
    groups: list[QueueGroup], batches: list[ForwardBatch]
) -> dict[tuple[int, str, int], dt.datetime | None]:
    """The forward deadline of each group of the review queue and each batch waiting to be
    forwarded, keyed (campaign id, level code, body id): the earliest of the deadlines
    binding the body at that level for its nominations' nominating-unit categories
    (campaigns.selectors.forward_deadline), None where none binds. At most three queries
    whatever the number of groups (campaigns.selectors.DeadlineBook)."""
    wanted: dict[tuple[int, str, int], tuple[Campaign, str, OrgUnit, set]] = {}
    for group in groups:
        key = (group.campaign.id, group.level.code, group.body.id)
        entry = wanted.setdefault(key, (group.campaign, group.level.code, group.body, set()))
        entry[3].update(item.nomination.nominating_unit for item in group.items)
    for batch in batches:
        key = (batch.campaign.id, batch.level.code, batch.body.id)
        entry = wanted.setdefault(key, (batch.campaign, batch.level.code, batch.body, set()))
        entry[3].update(batch.nominating_units)
    if not wanted:
        return {}
    book = DeadlineBook(
        {entry[0] for entry in wanted.values()}, {entry[2] for entry in wanted.values()}
    )
    deadlines: dict[tuple[int, str, int], dt.datetime | None] = {}
    for key, (campaign, level, body, units) in wanted.items():
        found = [
            book.forward(
                campaign,
                body,
                level=level,
                category=book.category(campaign, unit) if unit is not None else None,
            )
            for unit in units
        ]
        moments = [moment for moment in found if moment is not None]
        deadlines[key] = min(moments) if moments else None
    return deadlines


# --------------------------------------------------------------------------- one nomination


@dataclass
class LevelHistory:
    """The sign-offs of one level in one review round."""

    level_code: str
    level_name: str
    round: int
    sign_offs: list[SignOff]


@dataclass
class ReviewPanel:
    """What the nomination page shows about the review: the seats the user may sign,
    the current level's seats, the history per level and round, the latest return."""

    level: s.ReviewLevel | None
    can_sign: list[Seat]
    seats: list[Seat]
    history: list[LevelHistory]
    latest_return: SignOff | None
    decisions: list[tuple[str, str]]


def sign_off_history(nomination: Nomination) -> list[SignOff]:
    """Every sign-off on ``nomination``, oldest first, with body and signing person."""
    return list(
        SignOff.objects.filter(nomination=nomination)
        .select_related("body", "decided_by")
        .order_by("created_at", "id")
    )


def latest_return(nomination: Nomination) -> SignOff | None:
    """The most recent return for revision (退回修改) with its reasons, or None."""
    return (
        SignOff.objects.filter(nomination=nomination, decision=Decision.RETURN)
        .select_related("body", "decided_by")
        .order_by("-created_at", "-id")
        .first()
    )


def latest_returns(nominations: Iterable[Nomination]) -> dict[int, SignOff]:
    """The most recent return for revision (退回修改) of each of ``nominations``, by
    nomination id, with body and signing person (:func:`latest_return` for a list, one
    query); nominations never returned are left out."""
    ids = [n.pk for n in nominations]
    returns: dict[int, SignOff] = {}
    if not ids:
        return returns
    rows = (
        SignOff.objects.filter(nomination_id__in=ids, decision=Decision.RETURN)
        .select_related("body", "decided_by")
        .order_by("created_at", "id")
    )
    for sign_off in rows:
        returns[sign_off.nomination_id] = sign_off
    return returns


def review_panel(user: User, nomination: Nomination) -> ReviewPanel:
    """The review section of a nomination's page for ``user`` (see :class:`ReviewPanel`).

    ``can_sign`` is empty unless the nomination is under review at a level that is not
    complete and the user signs there for a body that has not yet given its opinion in
    this round.
    """
    history = sign_off_history(nomination)
    names = {lv.code: lv.name for lv in levels_for(nomination)}
    grouped: dict[tuple[str, int], LevelHistory] = {}
    for so in history:
        key = (so.level, so.round)
        if key not in grouped:
            grouped[key] = LevelHistory(so.level, names.get(so.level, so.level), so.round, [])
        grouped[key].sign_offs.append(so)
    level = level_named(nomination, nomination.level)
    seats: list[Seat] = []
    can_sign: list[Seat] = []
    under_review = nomination.state in UNDER_REVIEW
    if level is not None and under_review:
        current = {
            so.body_id: so
            for so in history
            if so.level == nomination.level and so.round == nomination.review_round
        }
        seen = set()
        for signer, body in bodies_at(nomination, level):
            if body is None or body.id in seen:
                continue
            seen.add(body.id)
            seats.append(Seat(signer, body, current.get(body.id)))
        if not nomination.level_ready:
            units = signing_units(user)
            can_sign = [seat for seat in seats if seat.body.id in units and not seat.sign_off]
    returned = next((so for so in reversed(history) if so.decision == Decision.RETURN), None)
    return ReviewPanel(
        level if under_review else None,
        can_sign,
        seats,
        list(grouped.values()),
        returned,
        [(value, str(label)) for value, label in Decision.choices],
    )


def ensure_turn(nomination: Nomination, user: User) -> None:
    """Refuse, as out of order, an opinion from a user who signs for this nomination
    only at another level of its chain (docs/security.md check 10). review.sign_off applies
    the same rule; views call this first to answer before parsing the form.

    Raises:
        InvalidTransition: the user signs for it at another level than the current one.
    """
    if nomination.state not in UNDER_REVIEW:
        return
    elsewhere = other_level_of(nomination, user)
    if elsewhere is not None:
        current = level_named(nomination, nomination.level)
        raise InvalidTransition(
            _("本推荐目前在“%(current)s”环节，尚未进入“%(yours)s”，现在不能签署意见。")
            % {"current": current.name if current else nomination.level, "yours": elsewhere.name}
        )


# --------------------------------------------------------------------------- forwarding


def signing_body(user: User, body_id: int) -> OrgUnit | None:
    """The organization ``body_id`` if ``user`` signs for it (reviewer or clerk), else
    None (the caller answers 404)."""
    for membership in memberships_of(user):
        if membership.role in SIGNING_ROLES and membership.org_unit_id == body_id:
            return membership.org_unit
    return None


def forward_scope(
    user: User, code: str, level: str, body_id: int
) -> tuple[Campaign, s.ReviewLevel, OrgUnit] | None:
    """The campaign ``code``, its review level ``level`` and the body ``body_id`` of a
    forwarding batch, or None (the caller answers 404) when the campaign is not visible
    to ``user``, the level is not in its chain, or ``user`` does not sign for the body."""
    campaign = campaigns_visible_to(user).filter(code=code).first()
    body = signing_body(user, body_id)
    if campaign is None or body is None:
        return None
    level_spec = next(
        (lv for lv in campaign.specification.review_chain.levels if lv.code == level), None
    )
    if level_spec is None:
        return None
    return campaign, level_spec, body


@dataclass
class ForwardRow:
    """A nomination ready to forward, with what its level requires cleared."""

    nomination: Nomination
    notice_required: bool
    notice_cleared: bool
    check_required: bool
    check_cleared: bool

    @property
    def cleared(self) -> bool:
        return (self.notice_cleared or not self.notice_required) and (
            self.check_cleared or not self.check_required
        )


def nominations_ready_to_forward(
    user: User, campaign: Campaign, level: str, body: OrgUnit
) -> list[ForwardRow]:
    """Nominations of ``campaign`` visible to ``user`` that completed ``level`` (all its
    bodies approved in this round), are under review there and are forwarded by ``body``,
    in their current rank then submission order, with their LevelClearance state
    (seed 000 四1-2, seed 001 三(一)2-3: 公示无异议、征求意见后方可上报)."""
    ready = list(
        nominations_visible_to(user)
        .filter(
            campaign=campaign,
            state=NominationState.IN_REVIEW,
            level=level,
            level_ready=True,
        )
        .prefetch_related(
            Prefetch(
                "clearances",
                queryset=LevelClearance.objects.filter(level=level),
                to_attr="level_clearances",
            )
        )
        .order_by("submitted_at", "id")
    )
    bodies = _Bodies()
    rows = []
    for n in ready:
        spec = bodies.level(n, level)
        if spec is None or body not in [b for _sg, b in bodies.at(n, spec)]:
            continue
        kinds = {c.kind for c in n.level_clearances}
        rows.append(
            ForwardRow(
                n,
                spec.notice is not None,
                ClearanceKind.NOTICE in kinds,
                spec.background_check is not None,
                ClearanceKind.BACKGROUND_CHECK in kinds,
            )
        )
    return rows


def forwarding_bodies(campaign: Campaign) -> list[tuple[s.ReviewLevel, OrgUnit]]:
    """Every (review level, body) that forwarded nominations of ``campaign``, in the
    chain's level order, then by the body's place in the org tree. Two queries."""
    pairs = set(
        Forwarding.objects.filter(nomination__campaign=campaign).values_list("level", "body_id")
    )
    order = {lv.code: i for i, lv in enumerate(campaign.specification.review_chain.levels)}
    levels = {lv.code: lv for lv in campaign.specification.review_chain.levels}
    bodies = OrgUnit.objects.in_bulk({body for _level, body in pairs})
    found = [(levels[level], bodies[body]) for level, body in pairs if level in levels]
    return sorted(found, key=lambda pair: (order[pair[0].code], pair[1].path))


def forwarded_by(campaign: Campaign, level: str, body: OrgUnit) -> list[Nomination]:
    """The nominations ``body`` forwarded from ``level`` of ``campaign``, in its rank
    order (排序; the summary sheet's and the nomination letter's order), excluding those
    withdrawn, rejected or revoked since. Award, units and workplace are loaded; each
    nomination's ``rank`` is set (in memory) to its rank at this level."""
    forwardings = (
        Forwarding.objects.filter(
            nomination__campaign=campaign,
            level=level,
            body=body,
            nomination__state__in=NominationState.LIVE,
        )
        .select_related(
            "nomination__award",
            "nomination__nominating_unit",
            "nomination__workplace",
        )
        .order_by("rank", "id")
    )
    nominations = []
    for forwarding in forwardings:
        # The campaign given, not joined: each joined copy would decode its specification.
        forwarding.nomination.campaign = campaign
        # The stored rank is the one at the latest level; the sheet needs this level's.
        forwarding.nomination.rank = forwarding.rank
        nominations.append(forwarding.nomination)
    return nominations


# --------------------------------------------------------------------------- overdue forwards


@dataclass
class OverdueBody:
    """A body that holds nominations at a review level past the deadline by which it had to
    forward them (campaigns.selectors.forward_deadline), with how many."""

    campaign: Campaign
    level: s.ReviewLevel
    body: OrgUnit
    deadline: dt.datetime
    count: int = 0


def overdue_forwards(campaigns: list[Campaign], now: dt.datetime) -> dict[int, list[OverdueBody]]:
    """Per campaign id, the bodies that have not forwarded their nominations by their
    deadline at ``now`` (aware): for each nomination under review at a level that is not
    its chain's last (the last level's forward is the approval, without a deadline), the
    bodies of that level that still owe it (those without an opinion in this round while
    the level waits for opinions; every body of the level once it is complete and waits to
    be forwarded), when the level's forward deadline for the nomination's nominating-unit
    category has passed. Bodies ordered by deadline, then name.

    Input: the campaigns (their office's), server time. Output as above; campaigns
    without an overdue body are left out. Five queries at most whatever the number of
    campaigns and nominations: the nominations with their sign-offs, the tree around
    them and the ``within`` roots, the deadlines' tree and the deadlines set on the
    platform (campaigns.selectors.DeadlineBook).
    """
    if not campaigns:
        return {}
    by_id = {campaign.id: campaign for campaign in campaigns}
    waiting = list(
        Nomination.objects.filter(campaign_id__in=by_id, state__in=UNDER_REVIEW)
        .exclude(level="")
        .select_related("nominating_unit", "workplace")
        .prefetch_related("sign_offs")
        .only(
            "id",
            "campaign_id",
            "state",
            "level",
            "level_ready",
            "review_round",
            "channel",
            "nominating_unit",
            "workplace",
        )
    )
    if not waiting:
        return {}
    for n in waiting:
        n.campaign = by_id[n.campaign_id]  # one specification parsed per campaign
    index = OrgIndex.around_all(
        [u for n in waiting for u in (n.workplace, n.nominating_unit)],
        [c.specification for c in campaigns],
    )
    owed: list[tuple[Nomination, s.ReviewLevel, OrgUnit]] = []
    for n in waiting:
        levels = levels_for(n, tree=index)
        codes = [lv.code for lv in levels]
        if n.level not in codes[:-1]:
            continue
        level = levels[codes.index(n.level)]
        signed = {so.body_id for so in _current_sign_offs(n)}
        for _signer, body in bodies_at(n, level, tree=index):
            if body is not None and (n.level_ready or body.id not in signed):
                owed.append((n, level, body))
    book = DeadlineBook(campaigns, {body for _n, _lv, body in owed})
    found: dict[tuple[int, str, int], OverdueBody] = {}
    counted: set[tuple[int, str, int, int]] = set()
    for n, level, body in owed:
        unit = n.nominating_unit
        category = index.category_of(unit, n.campaign.specification) if unit else None
        deadline = book.forward(n.campaign, body, level=level.code, category=category)
        if deadline is None or now.replace(microsecond=0) <= deadline:
            continue
        key = (n.campaign_id, level.code, body.id)
        row = found.setdefault(key, OverdueBody(n.campaign, level, body, deadline))
        row.deadline = min(row.deadline, deadline)
        if (*key, n.pk) not in counted:
            counted.add((*key, n.pk))
            row.count += 1
    result: dict[int, list[OverdueBody]] = defaultdict(list)
    for row in sorted(found.values(), key=lambda r: (r.deadline, r.body.name)):
        result[row.campaign.id].append(row)
    return dict(result)
