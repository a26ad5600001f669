"""Reads of the public vote: the public's view (cached: the vote page must stay fast
under a city-wide surge), tallies per the visibility rule, the office's anomaly report,
the recount from the vote log and the result handed to expert review.

Times are server time; days and the "night" run in Asia/Shanghai (``TIME_ZONE``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.selectors import office_campaign_ids
from jiangxuan.campaigns.spec import PublicVoteRule, Step

from .enums import VoteState
from .models import Candidate, Invalidation, PublicVote, Receipt, VerificationCode, Vote

#: Seconds the public's copy of a vote (state, window, candidates) stays in the cache;
#: every service that changes them deletes it at once.
PUBLIC_CACHE_SECONDS = 300
#: Seconds a live tally stays cached (a reader may see it that much late).
LIVE_TALLY_SECONDS = 5
NIGHT_HOURS = range(0, 6)
#: What a campaign code can be (``Campaign.code``, a slug of at most 60 characters).
CAMPAIGN_CODE = re.compile(r"[-a-zA-Z0-9_]{1,60}")


def _cache_key(code: str) -> str:
    return f"jx:vote:{code}"


# --------------------------------------------------------------------------- the vote


def vote_step(campaign: Campaign) -> Step | None:
    """The specification's public-vote step (seed 003 二(二)3), or None."""
    return next(
        (s for s in campaign.specification.review_chain.steps if s.kind == "public_vote"), None
    )


def vote_rule(campaign: Campaign) -> PublicVoteRule | None:
    """The step's vote rules (the defaults when the step gives none); None without a step."""
    step = vote_step(campaign)
    if step is None:
        return None
    return step.vote or PublicVoteRule()


def rule_of(public_vote: PublicVote) -> PublicVoteRule:
    """The rules snapshotted when the vote was prepared."""
    return PublicVoteRule.model_validate(public_vote.rules)


@dataclass(frozen=True)
class PublicView:
    """What the public sees of a vote: the row and its candidates in the voting form's
    order; ``version`` names this copy (a new one after any change to them)."""

    vote: PublicVote
    candidates: list[Candidate]
    version: str = ""

    def by_public_id(self) -> dict[str, Candidate]:
        return {c.public_id: c for c in self.candidates}


#: This process's copies of public views: campaign code -> (version token, view, the
#: ``time.monotonic()`` its token was last confirmed against the cache).
_LOCAL_VIEWS: dict[str, tuple[str, PublicView, float]] = {}


def public_view(code: str) -> PublicView | None:
    """The open or closed vote of the campaign ``code`` with its candidates; None for an
    unknown campaign or a vote not yet opened.

    The view (the vote's row, its window and rules, its candidates) is kept in this
    process's memory under a version token; the cache holds only the token (a few bytes
    for :data:`PUBLIC_CACHE_SECONDS`), which :func:`forget_public_view` drops after any
    change. A request reads the token (one small cache read instead of reading and
    unpickling the whole view, issue 17.2) and loads the view from the database only
    when the token is new to this process. For ``JX_PUBLIC_VIEW_TRUST_SECONDS`` after a
    read confirmed it, this process uses its copy without asking (issue 17.1: no cache
    round trip for most ballots): a change made in another process shows here that much
    later, which the ballot does not depend on (its statement checks in the database that
    the vote is still open, ``services.cast_vote``); a change made in this process
    shows at once.

    A ``code`` that cannot be a campaign's (not a slug of at most 60 characters, e.g. with
    spaces or control characters, as a fuzzer sends) is None without reaching the cache,
    whose keys must stay short and printable (issue 16: found by schemathesis).
    """
    if not CAMPAIGN_CODE.fullmatch(code):
        return None
    local = _LOCAL_VIEWS.get(code)
    checked = time.monotonic()
    if local is not None and checked - local[2] < settings.JX_PUBLIC_VIEW_TRUST_SECONDS:
        return local[1]
    key = _cache_key(code)
    version = cache.get(key)
    if version is not None and local is not None and local[0] == version:
        _LOCAL_VIEWS[code] = (version, local[1], checked)
        return local[1]
    added = False
    if version is None:
        # The token first, the database after: a change committed in between drops the
        # token again (forget_public_view), so a stale copy never keeps a live token.
        version = secrets.token_hex(8)
        added = cache.add(key, version, PUBLIC_CACHE_SECONDS)
        if not added:
            version = cache.get(key) or version
    vote = (
        PublicVote.objects.filter(campaign__code=code)
        .exclude(state=VoteState.DRAFT)
        .select_related("campaign")
        .first()
    )
    if vote is None:
        _LOCAL_VIEWS.pop(code, None)
        if added:
            cache.delete(key)
        return None
    view = PublicView(vote, list(vote.candidates.order_by("position")), version)
    _LOCAL_VIEWS[code] = (version, view, checked)
    return view


def page_version(code: str, now: dt.datetime) -> str | None:
    """A token that changes whenever the vote page of the campaign ``code`` (and its JSON)
    would show something else at ``now`` (server time): the view's copy, the window's
    state, the tally shown (its counts, the minute it stands at, final or not); None when
    :func:`public_view` finds no vote. For the cached page (``core.caching.public_page``,
    issue 17.2)."""
    view = public_view(code)
    if view is None:
        return None
    shown = visible_tally(view.vote, now)
    counts = sorted(shown.counts.items()) if shown.counts is not None else None
    as_of = f"{timezone.localtime(shown.as_of):%Y%m%d%H%M}" if shown.as_of else ""
    parts = (view.version, window_state(view.vote, now), as_of, shown.final, counts)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def forget_public_view(vote: PublicVote) -> None:
    """Drop the cached public copy and final tally (after any change to the vote, its
    candidates or its votes' validity). This process forgets its own copy at once; the
    others within ``JX_PUBLIC_VIEW_TRUST_SECONDS`` (:func:`public_view`)."""
    _LOCAL_VIEWS.pop(vote.campaign.code, None)
    cache.delete_many([_cache_key(vote.campaign.code), f"jx:tally:{vote.pk}:final"])


def window_state(vote: PublicVote, now: dt.datetime) -> str:
    """``draft``, ``before`` (not yet open), ``open`` or ``after`` (closed) at ``now``."""
    if vote.state == VoteState.DRAFT:
        return "draft"
    if vote.state == VoteState.CLOSED or (vote.closes_at and now >= vote.closes_at):
        return "after"
    if vote.opens_at is None or now < vote.opens_at:
        return "before"
    return "open"


def open_votes() -> list[PublicVote]:
    """Votes open or announced (not draft, not closed), for the public index."""
    return list(
        PublicVote.objects.filter(state=VoteState.OPEN)
        .select_related("campaign")
        .order_by("closes_at", "id")
    )


# --------------------------------------------------------------------------- tallies


def tally(vote: PublicVote, *, before: dt.datetime | None = None) -> dict[int, int]:
    """Valid votes per candidate id, counted by the database from the vote log (votes
    cast before ``before`` when given). Candidates without votes are 0."""
    votes = Vote.objects.filter(public_vote=vote, invalidation__isnull=True)
    if before is not None:
        votes = votes.filter(created_at__lt=before)
    counts = dict(votes.values_list("candidate").annotate(n=Count("id")).order_by())
    return {pk: counts.get(pk, 0) for pk in vote.candidates.values_list("id", flat=True)}


def last_publication(rule: PublicVoteRule, now: dt.datetime, opens_at: dt.datetime | None):
    """The latest scheduled publication moment (``publish_times``, Asia/Shanghai) at or
    before ``now`` and after the opening, or None when none has passed yet."""
    local = timezone.localtime(now)
    tz = local.tzinfo
    for days_back in range(0, 2):
        day = local.date() - dt.timedelta(days=days_back)
        moments = sorted(dt.datetime.combine(day, t, tzinfo=tz) for t in rule.publish_times)
        passed = [m for m in moments if m <= local]
        if passed and (opens_at is None or passed[-1] > opens_at):
            return passed[-1]
    return None


@dataclass(frozen=True)
class VisibleTally:
    """The tally as the public may see it now: ``counts`` per candidate id, or None when
    hidden; ``as_of`` the moment it stands at; ``final`` after the close."""

    counts: dict[int, int] | None
    as_of: dt.datetime | None
    final: bool


def visible_tally(vote: PublicVote, now: dt.datetime) -> VisibleTally:
    """The tally per the rule's ``tally`` visibility: live (cached a few seconds), hidden
    until the close, or as it stood at the last scheduled publication (感动重庆: daily
    18:00). After the close every rule shows the final count."""
    rule = rule_of(vote)
    state = window_state(vote, now)
    if state == "after":
        key, moment, final, ttl = f"jx:tally:{vote.pk}:final", vote.closes_at, True, 60
    elif rule.tally == "live":
        key, moment, final, ttl = f"jx:tally:{vote.pk}:live", now, False, LIVE_TALLY_SECONDS
    elif rule.tally == "scheduled":
        moment = last_publication(rule, now, vote.opens_at)
        if moment is None:
            return VisibleTally(None, None, False)
        key, final, ttl = f"jx:tally:{vote.pk}:{moment.isoformat()}", False, 3600
    else:
        return VisibleTally(None, None, False)
    counts = cache.get(key)
    if counts is None:
        scheduled = not final and rule.tally == "scheduled"
        counts = tally(vote, before=moment if scheduled else None)
        cache.set(key, counts, ttl)
    return VisibleTally(counts, moment, final)


def public_vote_result(campaign: Campaign) -> dict[int, int]:
    """The closed vote's valid votes per nomination id, for expert review's blend (seed
    003 二(二)3: 投票结果作为专家评审参考); empty while the vote runs or without one."""
    vote = PublicVote.objects.filter(campaign=campaign).first()
    if vote is None or window_state(vote, timezone.now()) != "after":
        return {}
    nomination_of = dict(vote.candidates.values_list("id", "nomination_id"))
    return {nomination_of[pk]: n for pk, n in tally(vote).items()}


@dataclass(frozen=True)
class RecountRow:
    """One candidate in a recount: valid and invalid votes found in the log, the
    database tally and the stored final tally (None before the close)."""

    candidate: Candidate
    valid: int
    invalid: int
    tallied: int
    stored: int | None

    @property
    def matches(self) -> bool:
        return self.valid == self.tallied and self.stored in (None, self.valid)


def recount(vote: PublicVote) -> list[RecountRow]:
    """Recompute every candidate's votes by reading the whole vote log row by row and
    compare with :func:`tally` and the stored final tally (Helios/Belenios principle:
    the result is recomputable from the log; docs/security.md check 27)."""
    valid: Counter[int] = Counter()
    invalid: Counter[int] = Counter()
    log = Vote.objects.filter(public_vote=vote).values_list("candidate_id", "invalidation_id")
    for candidate_id, invalidation_id in log.iterator():
        (invalid if invalidation_id else valid)[candidate_id] += 1
    tallied = tally(vote)
    return [
        RecountRow(c, valid[c.pk], invalid[c.pk], tallied.get(c.pk, 0), c.final_votes)
        for c in vote.candidates.order_by("position")
    ]


# --------------------------------------------------------------------------- receipts


@dataclass(frozen=True)
class ReceiptCheck:
    """A receipt and, per candidate chosen, whether the vote counts (False when
    invalidated)."""

    receipt: Receipt
    campaign_title: str
    lines: list[tuple[str, bool]]


def receipt_check(code: str) -> ReceiptCheck | None:
    """The receipt with ``code`` (case and dashes as printed), or None."""
    receipt = (
        Receipt.objects.filter(code=code.strip().upper())
        .select_related("public_vote__campaign")
        .first()
    )
    if receipt is None:
        return None
    lines = [
        (v.candidate.published.get("name", ""), v.invalidation_id is None)
        for v in receipt.votes.select_related("candidate").order_by("candidate__position")
    ]
    return ReceiptCheck(receipt, receipt.public_vote.campaign.title, lines)


# --------------------------------------------------------------------------- office


def office_campaigns(user: User) -> QuerySet[Campaign]:
    """Campaigns whose vote the user runs (campaign office role)."""
    return Campaign.objects.filter(id__in=office_campaign_ids(user, {Role.CAMPAIGN_OFFICE}))


def campaign_for_office(user: User, code: str) -> Campaign | None:
    """The campaign with ``code`` if the user is its office, else None (views answer 404)."""
    return office_campaigns(user).filter(code=code).first()


def vote_of(campaign: Campaign) -> PublicVote | None:
    """The campaign's public vote in any state, or None."""
    return PublicVote.objects.filter(campaign=campaign).select_related("campaign").first()


def candidates_of(vote: PublicVote) -> list[Candidate]:
    """The vote's candidates in the voting form's order, with their nominations."""
    return list(vote.candidates.select_related("nomination").order_by("position"))


def invalidations_of(vote: PublicVote) -> list[Invalidation]:
    """The vote's invalidations, newest first, with their reviewers."""
    return list(vote.invalidations.select_related("reviewer").order_by("-created_at", "-id"))


@dataclass
class AnomalyReport:
    """Signals of vote stuffing for the office (issue 5).

    * ``buckets``: per candidate name, votes per 5-minute bucket (Asia/Shanghai), the
      busiest first;
    * ``subnets``: the top /24 (IPv4) or /64 (IPv6) networks with their vote count and
      share of all votes;
    * ``code_requests``, ``votes``, ``ratio``: codes requested, votes cast, codes per vote
      (a ratio far above 1 hints at number farms);
    * ``night``: votes per candidate cast 00:00–06:00.
    """

    total: int = 0
    buckets: list[tuple[str, str, int]] = field(default_factory=list)
    subnets: list[tuple[str, int, float]] = field(default_factory=list)
    code_requests: int = 0
    ratio: float | None = None
    night: list[tuple[str, int]] = field(default_factory=list)
    devices: list[tuple[str, int]] = field(default_factory=list)


def subnet_of(ip: str | None) -> str:
    """The /24 (IPv4) or /64 (IPv6) network of an address, ``""`` when unknown."""
    if not ip:
        return ""
    address = ipaddress.ip_address(ip)
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def anomaly_report(vote: PublicVote, *, top: int = 10) -> AnomalyReport:
    """The anomaly report over all valid votes of ``vote`` (see :class:`AnomalyReport`)."""
    names = {c.pk: c.published.get("name", "") for c in vote.candidates.all()}
    rows = Vote.objects.filter(public_vote=vote, invalidation__isnull=True).values_list(
        "candidate_id", "created_at", "ip", "device_hash"
    )
    buckets: Counter[tuple[int, dt.datetime]] = Counter()
    subnets: Counter[str] = Counter()
    devices: Counter[str] = Counter()
    night: Counter[int] = Counter()
    total = 0
    for candidate_id, created_at, ip, device in rows.iterator():
        total += 1
        local = timezone.localtime(created_at)
        start = local.replace(minute=local.minute - local.minute % 5, second=0, microsecond=0)
        buckets[(candidate_id, start)] += 1
        subnets[subnet_of(ip)] += 1
        if device:
            devices[device] += 1
        if local.hour in NIGHT_HOURS:
            night[candidate_id] += 1
    codes = VerificationCode.objects.filter(public_vote=vote).count()
    return AnomalyReport(
        total=total,
        buckets=[
            (names[c], start.strftime("%Y-%m-%d %H:%M"), n)
            for (c, start), n in buckets.most_common(top)
        ],
        subnets=[(net or "—", n, n / total) for net, n in subnets.most_common(top)],
        code_requests=codes,
        ratio=codes / total if total else None,
        night=[(names[c], n) for c, n in night.most_common()],
        devices=[(d[:12], n) for d, n in devices.most_common(top)],
    )


def votes_matching(
    vote: PublicVote,
    *,
    subnet: str = "",
    device_hash: str = "",
    vote_ids: list[int] | None = None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> list[int]:
    """Ids of the still-valid votes of ``vote`` matching every criterion given: an IP
    network (``1.2.3.0/24``), a device hash prefix, a list of ids, a time range."""
    votes = Vote.objects.filter(public_vote=vote, invalidation__isnull=True)
    if vote_ids is not None:
        votes = votes.filter(pk__in=vote_ids)
    if starts_at is not None:
        votes = votes.filter(created_at__gte=starts_at)
    if ends_at is not None:
        votes = votes.filter(created_at__lt=ends_at)
    if device_hash:
        votes = votes.filter(device_hash__startswith=device_hash)
    if not subnet:
        return list(votes.values_list("id", flat=True))
    network = ipaddress.ip_network(subnet, strict=False)
    return [
        pk
        for pk, ip in votes.exclude(Q(ip__isnull=True)).values_list("id", "ip").iterator()
        if ip is not None and ipaddress.ip_address(ip) in network
    ]


def vote_for_campaign_code(code: str) -> PublicVote | None:
    """The public vote of the campaign ``code`` in any state (commands), or None."""
    return PublicVote.objects.filter(campaign__code=code).select_related("campaign").first()


def vote_step_done(campaign: Campaign, key: str) -> bool:
    """The public vote step is done when the campaign's vote is closed (seed 003 二(二)3;
    campaigns.steps)."""
    return PublicVote.objects.filter(campaign=campaign, state=VoteState.CLOSED).exists()
