"""Reads for the public portal: which campaigns the public may see, and what each shows.

Everything here is already public by the campaign's own notice (the specification) or by
a published public notice or commendation decision; nothing reads a nominee's personal
data. ``portal`` sits last in the app order, so it reads the selectors and models of the
apps below it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.selectors import awards_of, window_state
from jiangxuan.campaigns.spec import Step
from jiangxuan.decisions.models import CommendationDecision
from jiangxuan.notices.enums import NoticePhase, NoticeState
from jiangxuan.notices.models import PublicNotice
from jiangxuan.notices.selectors import notice_phase
from jiangxuan.voting import selectors as voting_selectors

#: Campaign states whose specification is public (a draft is not).
PUBLIC_STATES = (CampaignState.PUBLISHED, CampaignState.CLOSED)


@dataclass(frozen=True)
class PublicVoteInfo:
    """A campaign's public vote as the portal shows it: the specification's step, the
    link to the vote page, ``state`` at server time (``unscheduled`` until the office
    opens the vote, then ``upcoming``, ``open`` or ``closed``) and the window the office
    set (aware datetimes, or None)."""

    step: Step
    url: str
    state: str
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None


@dataclass(frozen=True)
class PublicCampaign:
    """One campaign on the portal. Dates are aware datetimes (shown in Asia/Shanghai).

    ``window`` is ``early``, ``open`` or ``closed`` (nominations, at server time; a closed
    campaign is ``closed``); ``notices`` are its published notices (running first);
    ``decision`` is the published commendation decision or None; ``notice_phases`` pairs
    each notice with its phase today (upcoming / open / ended), ``running_notices`` are
    those open today (objections taken).
    """

    campaign: Campaign
    organizers: list[str]
    level: str
    window: str
    notices: list[PublicNotice]
    vote: PublicVoteInfo | None
    decision: CommendationDecision | None
    running_notices: list[PublicNotice] = field(default_factory=list)
    notice_phases: list[tuple[PublicNotice, NoticePhase]] = field(default_factory=list)

    @property
    def has_public_activity(self) -> bool:
        """Whether the public has anything to do or read here beyond the notice text."""
        return bool(self.window == "open" or self.notices or self.vote or self.decision is not None)


def _public_campaigns():
    published_notices = Prefetch(
        "public_notices",
        queryset=PublicNotice.objects.filter(state__in=NoticeState.PUBLISHED)
        .select_related("body")
        .order_by("-starts_on", "-id"),
        to_attr="portal_notices",
    )
    return (
        Campaign.objects.filter(state__in=PUBLIC_STATES)
        .select_related("organizer_unit", "commendation_decision")
        .prefetch_related(published_notices)
    )


#: ``voting.selectors.window_state`` values as the portal names them.
VOTE_STATES = {"before": "upcoming", "open": "open", "after": "closed"}


def public_vote(campaign: Campaign, now: dt.datetime) -> PublicVoteInfo | None:
    """The campaign's public vote (网络投票, seed 003 二(二)3) for the portal, or None when
    its specification has no public-vote step. Reads the voting app's cached public view
    (no query while it is cached)."""
    step = voting_selectors.vote_step(campaign)
    if step is None:
        return None
    url = reverse("voting:vote", args=[campaign.code])
    view = voting_selectors.public_view(campaign.code)
    if view is None:
        return PublicVoteInfo(step=step, url=url, state="unscheduled")
    vote = view.vote
    state = VOTE_STATES.get(voting_selectors.window_state(vote, now), "unscheduled")
    return PublicVoteInfo(
        step=step, url=url, state=state, opens_at=vote.opens_at, closes_at=vote.closes_at
    )


def _summary(campaign: Campaign, now: dt.datetime) -> PublicCampaign:
    spec = campaign.specification
    today = timezone.localdate(now)
    # Running notices first; the sort is stable, so each group stays newest first.
    # portal_notices is the Prefetch(to_attr=...) of public_campaigns, unknown to the stubs.
    prefetched: list[PublicNotice] = campaign.portal_notices  # type: ignore[attr-defined]
    notices = sorted(prefetched, key=lambda n: n.state != NoticeState.RUNNING)
    phases = [(n, notice_phase(n, today)) for n in notices]
    vote = public_vote(campaign, now)
    try:
        decision = campaign.commendation_decision
    except CommendationDecision.DoesNotExist:
        decision = None
    if decision is not None and decision.published_at is None:
        decision = None
    unit = campaign.organizer_unit
    window = (
        window_state(campaign, None, now) if campaign.state == CampaignState.PUBLISHED else "closed"
    )
    return PublicCampaign(
        campaign=campaign,
        organizers=[o.name for o in spec.organizers],
        level=unit.get_level_display() if unit is not None else "",
        window=window,
        notices=notices,
        vote=vote,
        decision=decision,
        running_notices=[n for n, phase in phases if phase == NoticePhase.OPEN],
        notice_phases=phases,
    )


def open_campaigns(now: dt.datetime | None = None) -> list[PublicCampaign]:
    """Campaigns for the portal index: published (or closed) specifications with anything
    public: the nomination window open, a published public notice, a public vote or a
    published decision. Newest year first. Two queries whatever the number of campaigns
    (campaigns with organizer and decision, notices), plus one per public vote whose
    voting-app copy is not cached."""
    now = now or timezone.now()
    summaries = [_summary(c, now) for c in _public_campaigns().order_by("-year", "title")]
    return [s for s in summaries if s.has_public_activity]


def public_campaign(code: str, now: dt.datetime | None = None) -> PublicCampaign | None:
    """The campaign with ``code`` if its specification is public (published or closed),
    else None (the view answers 404)."""
    campaign = _public_campaigns().filter(code=code).first()
    return _summary(campaign, now or timezone.now()) if campaign is not None else None


def awards_with_rules(campaign: Campaign) -> list[dict]:
    """Each award with its specification part: ``{"award", "spec"}`` in award order (count,
    prize, eligibility rules and qualities, as the notice states them)."""
    spec = campaign.specification
    return [{"award": award, "spec": spec.award(award.code)} for award in awards_of(campaign)]


def public_version(code: str | None = None) -> str | None:
    """A short token that changes whenever what the portal shows may change: a campaign
    published, closed or edited, a public notice opened, published or closed, a public
    vote prepared, opened or closed, a decision published. For the index (``code`` None)
    over all public campaigns; for one campaign None when it is not public. One query.

    Time-driven changes (a window opening or closing at its set time) are not in it: the
    cached pages live only ``core.caching.PUBLIC_MAX_AGE`` seconds.
    """
    campaigns = Campaign.objects.filter(state__in=PUBLIC_STATES)
    if code is not None:
        campaigns = campaigns.filter(code=code)
    row = campaigns.aggregate(
        campaigns=Count("id", distinct=True),
        edited=Max("updated_at"),
        notices=Count("public_notices", distinct=True),
        published=Count(
            "public_notices",
            filter=Q(public_notices__state__in=NoticeState.PUBLISHED),
            distinct=True,
        ),
        notice_edited=Max("public_notices__updated_at"),
        decision=Max("commendation_decision__published_at"),
        vote=Max("public_vote__updated_at"),
        vote_state=Max("public_vote__state"),
    )
    if code is not None and not row["campaigns"]:
        return None
    raw = "|".join(str(row[k]) for k in sorted(row))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]
