"""Reads of scoring and ballots: the rubric, progress, the aggregation table and ballots.

Sources: issue 4 "Scoring" and "Blending"; seed 002 四(三) (综合考察政治素质、技能、
主要工作业绩、职工群众评价，投票评选); seed 004 三(三)2 (综合打分评审); seed 003 二(二)3
(投票结果作为专家评审参考).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from jiangxuan.accounts.models import User
from jiangxuan.campaigns.enums import StepKind
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.spec import Criterion, Step
from jiangxuan.nominations.models import Evidence, Nomination
from jiangxuan.nominations.selectors import evidence_names, nomination_for

from . import aggregation
from .enums import BallotState, MemberRole
from .models import Assignment, Ballot, BallotVote, Panel, PanelMember, ScoreSheet
from .selectors import assignments_for_expert

#: Form fields a blind panel does not show (issue 4: blind mode hides names and workplaces).
BLIND_KEYS = frozenset(
    {
        "name",
        "photo",
        "workplace_name",
        "nominating_unit_name",
        "workplace_contact",
        "workplace_contact_phone",
        "address",
        "email",
    }
)


def blind_terms(nomination: Nomination) -> list[str]:
    """What a blind panel must not read anywhere in a nomination (issue 13: blind review
    hides the nominee in the 事迹 text too, not only in the name fields): the nominee's
    name (and, for names of three or more characters, the given name used alone), ID
    number, phones, e-mail, and the names of the workplace and the nominating unit. Every
    text the panel sees passes through :func:`core.masking.redact` with these terms."""
    name = (nomination.name or "").strip()
    terms = [name]
    if len(name) >= 3:
        terms.append(name[1:])
    terms += [
        nomination.id_number,
        nomination.phone,
        nomination.landline,
        nomination.email,
        nomination.workplace_name,
        nomination.workplace_contact,
        nomination.workplace_contact_phone,
        nomination.address,
    ]
    for unit in (nomination.workplace, nomination.nominating_unit):
        if unit is not None:
            terms += [unit.name, unit.short_name]
    return [t for t in terms if t]


def review_step(campaign: Campaign) -> Step | None:
    """The campaign's expert-review step (专家评审) from its specification, or None."""
    steps = campaign.specification.review_chain.steps
    return next((s for s in steps if s.kind == StepKind.EXPERT_REVIEW), None)


def rubric_of(panel: Panel) -> list[Criterion]:
    """The rubric experts of ``panel`` score by (empty when the specification has none)."""
    step = review_step(panel.campaign)
    return list(step.rubric) if step else []


def rubric_maximum(rubric: list[Criterion]) -> float:
    """The highest possible total: Σ max × weight."""
    return sum(c.max * c.weight for c in rubric)


def assignment_for_expert(user: User, pk: int) -> Assignment | None:
    """One of the expert's own active, confidentiality-gated assignments, else None."""
    return assignments_for_expert(user).filter(pk=pk).first()


def sheet_of(assignment: Assignment) -> ScoreSheet | None:
    """The assignment's score sheet, or None before the expert scored."""
    return ScoreSheet.objects.filter(assignment=assignment).first()


def voting_members(panel: Panel) -> QuerySet[PanelMember]:
    """The panel's active members: members and the chair, and reserves who took a
    recused member's place (they hold an active assignment). A majority threshold counts
    these (issue 4: more than half of the panel)."""
    return (
        PanelMember.objects.filter(panel=panel)
        .filter(
            Q(role__in=[MemberRole.MEMBER, MemberRole.CHAIR])
            | Q(role=MemberRole.RESERVE, assignments__active=True)
        )
        .distinct()
        .select_related("expert")
        .order_by("position")
    )


@dataclass(frozen=True)
class Progress[S: (PanelMember, Nomination)]:
    """Scored and assigned counts of one member or one nomination."""

    subject: S
    assigned: int
    scored: int

    @property
    def done(self) -> bool:
        return self.scored >= self.assigned


def _active_assignments(panel: Panel) -> QuerySet[Assignment]:
    return Assignment.objects.filter(member__panel=panel, active=True).select_related(
        "member__expert", "nomination", "sheet"
    )


def _scored(assignment: Assignment) -> bool:
    sheet = getattr(assignment, "sheet", None)
    return sheet is not None and sheet.submitted_at is not None


def progress_by_expert(panel: Panel) -> list[Progress[PanelMember]]:
    """Per member with active assignments: how many they scored, in draw order."""
    rows: dict[int, list] = {}
    for a in _active_assignments(panel).order_by("member__position"):
        row = rows.setdefault(a.member_id, [a.member, 0, 0])
        row[1] += 1
        row[2] += _scored(a)
    return [Progress(*row) for row in rows.values()]


def progress_by_nomination(panel: Panel) -> list[Progress[Nomination]]:
    """Per nomination: how many of its active assignments are scored, by nomination id."""
    rows: dict[int, list] = {}
    for a in _active_assignments(panel).order_by("nomination_id"):
        row = rows.setdefault(a.nomination_id, [a.nomination, 0, 0])
        row[1] += 1
        row[2] += _scored(a)
    return [Progress(*row) for row in rows.values()]


def unscored_members(panel: Panel) -> list[PanelMember]:
    """Members who still have an active assignment without a submitted sheet."""
    return [p.subject for p in progress_by_expert(panel) if not p.done]


def panel_totals(panel: Panel) -> dict[tuple[int, int], float]:
    """{(member id, nomination id): total} of the submitted sheets of active assignments."""
    sheets = ScoreSheet.objects.filter(
        assignment__member__panel=panel, assignment__active=True, submitted_at__isnull=False
    ).values_list("assignment__member_id", "assignment__nomination_id", "total")
    return {(m, n): float(total) for m, n, total in sheets if total is not None}


@dataclass(frozen=True)
class RankingRow:
    rank: int
    nomination: Nomination
    stats: aggregation.Aggregate
    value: float
    shares: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RankingTable:
    """The office's aggregation table: rows ranked by ``ranking`` (or by the blend),
    with the formula shown on the page (issue 4: every ranking page shows its formula)."""

    ranking: str
    formula: str
    blend_formula: str
    maximum: float
    rows: list[RankingRow]


def latest_ballot_votes(panel: Panel) -> dict[int, int]:
    """Votes per nomination in the panel's latest counted first-round ballot (not a runoff)."""
    ballot = (
        Ballot.objects.filter(panel=panel, runoff_of__isnull=True)
        .exclude(state=BallotState.OPEN)
        .order_by("-closed_at", "-id")
        .first()
    )
    if ballot is None:
        return {}
    return {int(k): v for k, v in ballot.result.get("votes", {}).items()}


def ranking_table(panel: Panel, *, public_votes: Mapping[int, int] | None = None) -> RankingTable:
    """The aggregation of the panel's scores per nomination, ranked.

    Args:
        panel: the panel.
        public_votes: the public vote's result {nomination id: votes} (seed 003 二(二)3),
            used only when the specification's blend weights it.
    Returns:
        Rows ranked by the specification's ``ranking`` statistic, or by the blend
        (Σ weight × share, see :mod:`aggregation`) when the step has a ``blend``.
    """
    step = review_step(panel.campaign)
    ranking = step.ranking if step else "trimmed_mean"
    weights = step.blend_weights() if step and step.blend else {}
    maximum = rubric_maximum(list(step.rubric)) if step else 0.0
    stats = aggregation.aggregate(panel_totals(panel), maximum=maximum or 100.0)
    nominations = Nomination.objects.in_bulk(list(stats))
    ballot = latest_ballot_votes(panel) if "ballot" in weights else {}
    size = voting_members(panel).count()
    public = dict(public_votes or {})
    public_max = max(public.values(), default=0)
    values: dict[int, float] = {}
    shares_of: dict[int, dict[str, float]] = {}
    for pk, aggregate in stats.items():
        if weights:
            shares_of[pk] = aggregation.blend_shares(
                score=aggregate.value(ranking),
                score_max=maximum,
                ballot_votes=ballot.get(pk, 0) if "ballot" in weights else None,
                panel_size=size,
                public_votes=public.get(pk, 0) if "public_vote" in weights else None,
                public_votes_max=public_max,
            )
            values[pk] = aggregation.blend(shares_of[pk], weights)
        else:
            values[pk] = aggregate.value(ranking)
    rows = [
        RankingRow(position, nominations[pk], stats[pk], value, shares_of.get(pk, {}))
        for position, pk, value in aggregation.rank(values)
    ]
    return RankingTable(
        ranking=ranking,
        formula=aggregation.RANKING_FORMULAS[ranking],
        blend_formula=aggregation.blend_formula(weights) if weights else "",
        maximum=maximum,
        rows=rows,
    )


def ballots_of(panel: Panel) -> list[Ballot]:
    """The panel's ballots, oldest first (a runoff follows the ballot it decides)."""
    return list(Ballot.objects.filter(panel=panel).order_by("id"))


def member_for_ballot(user: User, ballot: Ballot) -> PanelMember | None:
    """The signed-in expert's membership on the ballot's panel, if confidentiality is
    confirmed (before that the expert sees nothing), else None."""
    if not user.is_authenticated:
        return None
    return (
        PanelMember.objects.filter(
            panel_id=ballot.panel_id,
            expert__user=user,
            confidentiality_confirmed_at__isnull=False,
        )
        .select_related("expert", "panel")
        .first()
    )


def ballots_for_expert(user: User) -> list[Ballot]:
    """Ballots on panels where the signed-in expert confirmed confidentiality, newest first."""
    if not user.is_authenticated:
        return []
    return list(
        Ballot.objects.filter(
            panel__members__expert__user=user,
            panel__members__confidentiality_confirmed_at__isnull=False,
        )
        .select_related("panel__campaign")
        .distinct()
        .order_by("-id")
    )


def ballot_for_expert(user: User, pk: int) -> Ballot | None:
    """One ballot the signed-in expert may see, else None."""
    return next((b for b in ballots_for_expert(user) if b.pk == pk), None)


def has_voted(ballot: Ballot, member: PanelMember) -> bool:
    """Whether ``member`` already cast a vote in ``ballot``."""
    return BallotVote.objects.filter(ballot=ballot, member=member).exists()


def ballot_for_office(user: User, pk: int) -> Ballot | None:
    """A ballot of one of the user's campaigns (as its office), else None."""
    ballot = Ballot.objects.filter(pk=pk).select_related("panel__campaign").first()
    if ballot is None or not user.has_perm("experts.manage_panel", ballot.panel):
        return None
    return ballot


def ballot_rows(ballot: Ballot) -> list[dict]:
    """The counted result for display: one row per candidate, most votes first, with
    whether they passed the threshold, were elected or are tied at the cut line."""
    result = ballot.result or {}
    votes = {int(k): v for k, v in result.get("votes", {}).items()}
    candidates = list(ballot.candidates.select_related("award").order_by("id"))
    rows = [
        {
            "nomination": n,
            "votes": votes.get(n.pk, 0),
            "passing": n.pk in result.get("passing", []),
            "elected": n.pk in result.get("elected", []),
            "tied": n.pk in result.get("tied", []),
        }
        for n in candidates
    ]
    return sorted(rows, key=lambda r: (-r["votes"], r["nomination"].pk))


def chair_of(panel: Panel, user: User) -> PanelMember | None:
    """The user's chair membership of ``panel``, else None."""
    if not user.is_authenticated:
        return None
    return PanelMember.objects.filter(panel=panel, role=MemberRole.CHAIR, expert__user=user).first()


def evidence_of(nomination: Nomination) -> list[tuple[Any, str]]:
    """The nomination's evidence files in material order, each with its material's name
    from the specification (the photo and video by their form labels; a kind the
    specification no longer names as 其他佐证材料, never its code)."""
    names = evidence_names(nomination.campaign.specification)
    return [
        (e, names.get(e.material, names["other"]))
        for e in nomination.evidence.order_by("material", "id")
    ]


def may_download_evidence(user: User, nomination: Nomination) -> bool:
    """Whether the nominations app already lets ``user`` open the nomination (and so its
    evidence downloads); expert review does not widen that permission."""
    return nomination_for(user, nomination.pk) is not None


def evidence_for_review(assignment: Assignment, evidence_id: int) -> Evidence | None:
    """One evidence file of the assignment's nomination, else None (another nomination's
    file answers as a missing one)."""
    return Evidence.objects.filter(nomination_id=assignment.nomination_id, pk=evidence_id).first()


# ---------------------------------------------------------------------------- the home page


@dataclass(frozen=True)
class PanelWork:
    """One of an expert's panel seats and what is left to score there: active
    assignments, those with a submitted score sheet, and the last day of the expert-review
    step's phase (``timeline.phases``, the scoring deadline) when the specification dates
    it."""

    member: PanelMember
    assigned: int
    scored: int
    deadline: dt.date | None

    @property
    def left(self) -> int:
        return self.assigned - self.scored


def panel_work_of(user: User) -> list[PanelWork]:
    """The signed-in expert's panel seats (newest panel first), each with the counts of
    :class:`PanelWork`; one query whatever the number of panels and assignments."""
    if not user.is_authenticated:
        return []
    active = Q(assignments__active=True)
    members = (
        PanelMember.objects.filter(expert__user=user)
        .select_related("panel__campaign", "panel__award")
        .annotate(
            assigned=Count("assignments", filter=active),
            scored=Count(
                "assignments",
                filter=active & Q(assignments__sheet__submitted_at__isnull=False),
            ),
        )
        .order_by("-panel_id")
    )
    work = []
    for member in members:
        step = review_step(member.panel.campaign)
        phases = {p.code: p for p in member.panel.campaign.specification.timeline.phases}
        phase = phases.get(step.phase) if step is not None and step.phase else None
        deadline = phase.ends_on if phase is not None else None
        work.append(PanelWork(member, member.assigned, member.scored, deadline))
    return work
