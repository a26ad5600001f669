"""Aggregating expert scores and blending rankings: pure functions, no database.

Notation: a nomination *n* has the totals x_1 … x_k given by the k experts who scored it
(k ≥ 1). Every statistic below uses the population form (divide by k, not k − 1): the
panel is the whole population of judges, not a sample of it.

* mean            x̄ = Σ x_i / k
* median          the middle total, or the mean of the two middle totals when k is even
* trimmed mean    去掉一个最高分和一个最低分 (seed 004 三(三)2 综合打分评审; the usual
                  practice of Chinese panels): drop one highest and one lowest total and
                  take the mean of the rest; with k < 3 nothing can be dropped, so the
                  result falls back to the mean and ``trimmed`` is False
* spread          range = max − min, and sd = √(Σ (x_i − x̄)² / k)
* normalised      per-expert z-score rescaled to the rubric's scale (see :func:`normalise`)

Blending (seed 003 二(二)3 投票结果作为专家评审参考) combines components that are each first
rescaled to 0–1: the score divided by the rubric maximum, the ballot share = votes ÷ panel
size, the public-vote share = votes ÷ the largest vote count; the blend is Σ weight × share.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

#: How each ranking method is computed, shown on every ranking page.
RANKING_FORMULAS: dict[str, str] = {
    "mean": "平均分 = 各专家总分之和 ÷ 评分专家数",
    "median": "中位数 = 各专家总分排序后居中的分数（偶数个时取中间两个的平均）",
    "trimmed_mean": ("去掉一个最高分和一个最低分后的平均分（评分专家少于3人时不去分，取平均分）"),
    "normalised": (
        "标准化分 = 各专家评分先按本人打分的均值和标准差换算为 z 分，"
        "再按全体评分的均值和标准差还原到满分尺度（截取在 0 至满分之间），取平均"
    ),
}

#: Labels of blend components, used in the displayed formula.
BLEND_LABELS: dict[str, str] = {
    "score": "专家评分÷满分",
    "ballot": "专家投票得票÷评审组人数",
    "public_vote": "网络投票得票÷最高得票",
}


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean Σx/k; raises ValueError on an empty sequence."""
    if not values:
        raise ValueError("mean of no values")
    return math.fsum(values) / len(values)


def median(values: Sequence[float]) -> float:
    """The middle value (mean of the two middle ones when k is even); ValueError if empty."""
    if not values:
        raise ValueError("median of no values")
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def trimmed_mean(values: Sequence[float]) -> tuple[float, bool]:
    """去掉一个最高分和一个最低分 then the mean of the rest.

    Returns:
        (value, trimmed): ``trimmed`` is False when fewer than 3 values made trimming
        impossible and the plain mean was returned instead.
    Raises:
        ValueError: on an empty sequence.
    """
    if len(values) < 3:
        return mean(values), False
    ordered = sorted(values)
    return mean(ordered[1:-1]), True


def spread(values: Sequence[float]) -> tuple[float, float]:
    """(range, population sd): max − min and √(Σ(x − x̄)²/k); ValueError if empty."""
    centre = mean(values)
    sd = math.sqrt(math.fsum((x - centre) ** 2 for x in values) / len(values))
    return max(values) - min(values), sd


def normalise[E: Hashable, N: Hashable](
    totals: Mapping[tuple[E, N], float], *, maximum: float
) -> dict[tuple[E, N], float]:
    """Per-expert normalised scores, rescaled to the rubric's scale.

    Args:
        totals: {(expert, nomination): total} for every submitted score sheet.
        maximum: the rubric's maximum total (the clip's upper bound).
    Returns:
        {(expert, nomination): rescaled score}, where for expert e with totals x_{e,n}
        over the nominations e scored, m_e their mean and s_e their population sd:

            z_{e,n} = (x_{e,n} − m_e) / s_e      (z = 0 when s_e = 0)
            r_{e,n} = clip(M + z_{e,n} × S, 0, maximum)

        M and S are the mean and population sd of *all* totals of the panel. This removes
        each expert's own leniency and spread: a harsh expert's best nomination gets the
        same rescaled score as a lenient expert's best one.
    """
    if not totals:
        return {}
    all_values = list(totals.values())
    grand_mean = mean(all_values)
    _, grand_sd = spread(all_values)
    by_expert: dict[E, dict[N, float]] = defaultdict(dict)
    for (expert, nomination), total in totals.items():
        by_expert[expert][nomination] = total
    result: dict[tuple[E, N], float] = {}
    for expert, scored in by_expert.items():
        own = list(scored.values())
        own_mean = mean(own)
        _, own_sd = spread(own)
        for nomination, total in scored.items():
            z = (total - own_mean) / own_sd if own_sd > 0 else 0.0
            result[(expert, nomination)] = min(max(grand_mean + z * grand_sd, 0.0), maximum)
    return result


@dataclass(frozen=True)
class Aggregate:
    """The statistics of one nomination's totals; ``normalised`` is the mean of the
    experts' rescaled scores (:func:`normalise`)."""

    nomination: Hashable
    count: int
    mean: float
    median: float
    trimmed_mean: float
    trimmed: bool
    range: float
    sd: float
    normalised: float

    def value(self, ranking: str) -> float:
        """The statistic named by a specification's ``ranking``."""
        return float(getattr(self, ranking))


def aggregate[E: Hashable, N: Hashable](
    totals: Mapping[tuple[E, N], float], *, maximum: float
) -> dict[N, Aggregate]:
    """Per-nomination statistics of {(expert, nomination): total}; see the module doc."""
    rescaled = normalise(totals, maximum=maximum)
    raw: dict[N, list[float]] = defaultdict(list)
    scaled: dict[N, list[float]] = defaultdict(list)
    for key, total in totals.items():
        raw[key[1]].append(float(total))
        scaled[key[1]].append(rescaled[key])
    result: dict[N, Aggregate] = {}
    for nomination, values in raw.items():
        trimmed_value, trimmed = trimmed_mean(values)
        value_range, sd = spread(values)
        result[nomination] = Aggregate(
            nomination=nomination,
            count=len(values),
            mean=mean(values),
            median=median(values),
            trimmed_mean=trimmed_value,
            trimmed=trimmed,
            range=value_range,
            sd=sd,
            normalised=mean(scaled[nomination]),
        )
    return result


def rank[K: Hashable](values: Mapping[K, float]) -> list[tuple[int, K, float]]:
    """Competition ranking ("1224"), highest first: equal values share a rank.

    Returns:
        [(rank, key, value)], ordered by value descending then key ascending (stable for
        display; the tie itself is visible in the shared rank).
    """
    ordered = sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))
    ranked: list[tuple[int, K, float]] = []
    for i, (key, value) in enumerate(ordered):
        position = ranked[-1][0] if ranked and math.isclose(ranked[-1][2], value) else i + 1
        ranked.append((position, key, value))
    return ranked


def blend_shares(
    *,
    score: float | None = None,
    score_max: float | None = None,
    ballot_votes: int | None = None,
    panel_size: int | None = None,
    public_votes: int | None = None,
    public_votes_max: int | None = None,
) -> dict[str, float]:
    """Each available component rescaled to 0–1 (a missing input leaves its key out):
    score/score_max, ballot_votes/panel_size, public_votes/public_votes_max."""
    shares = {}
    if score is not None and score_max:
        shares["score"] = score / score_max
    if ballot_votes is not None and panel_size:
        shares["ballot"] = ballot_votes / panel_size
    if public_votes is not None and public_votes_max:
        shares["public_vote"] = public_votes / public_votes_max
    return shares


def blend(shares: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """Σ weight × share over the weighted components; a component without a share
    counts 0 (e.g. a nominee nobody voted for in the public vote). ``weights`` sum to 1."""
    return math.fsum(w * shares.get(source, 0.0) for source, w in weights.items())


def blend_formula(weights: Mapping[str, float]) -> str:
    """The blend as shown on ranking pages, e.g.
    ``0.8×专家评分÷满分 + 0.2×网络投票得票÷最高得票``."""
    return " + ".join(f"{w:g}×{BLEND_LABELS[source]}" for source, w in weights.items())


def tally[C: Hashable](choices: Iterable[Iterable[C]]) -> dict[C, int]:
    """Votes per candidate from each voter's set of choices."""
    counts: dict[C, int] = defaultdict(int)
    for chosen in choices:
        for candidate in set(chosen):
            counts[candidate] += 1
    return dict(counts)


@dataclass(frozen=True)
class BallotOutcome[C: Hashable]:
    """The result of counting a ballot (see :func:`elect`)."""

    votes: dict[C, int]
    passing: list[C]
    elected: list[C]
    tied: list[C]
    needed: int


def elect[C: Hashable](
    votes: Mapping[C, int], *, candidates: Iterable[C], seats: int, needed: int
) -> BallotOutcome[C]:
    """Elect up to ``seats`` candidates with at least ``needed`` votes, most votes first.

    A tie straddles the cut line when the candidates with the vote count of the last
    seat do not all fit: those above the tie are elected, the tied are returned in
    ``tied`` for a runoff among exactly them, and their seats stay open.

    Args:
        votes: votes per candidate (missing = 0).
        candidates: every candidate on the ballot.
        seats: seats to fill (seed 002 四(三): 20-30).
        needed: the threshold (e.g. more than half the panel, see services_ballots).
    """
    counts = {c: int(votes.get(c, 0)) for c in candidates}
    passing = sorted((c for c, v in counts.items() if v >= needed), key=lambda c: -counts[c])
    if len(passing) <= seats:
        return BallotOutcome(counts, passing, passing, [], needed)
    cut = counts[passing[seats - 1]]
    above = [c for c in passing if counts[c] > cut]
    at_cut = [c for c in passing if counts[c] == cut]
    if len(above) + len(at_cut) <= seats:
        return BallotOutcome(counts, passing, above + at_cut, [], needed)
    return BallotOutcome(counts, passing, above, at_cut, needed)
