"""The aggregation formulas on hand-worked examples (issue 4: trimmed mean and z-scores)."""

import math

import pytest

from jiangxuan.experts import aggregation as agg

# Four experts A-D score two nominations P and Q (totals out of 100).
TOTALS = {
    ("A", "P"): 70,
    ("A", "Q"): 60,
    ("B", "P"): 90,
    ("B", "Q"): 75,
    ("C", "P"): 85,
    ("C", "Q"): 90,
    ("D", "P"): 85,
    ("D", "Q"): 85,
}


def test_aggregate_hand_worked_example():
    """Worked by hand.

    Raw totals: P = 70, 90, 85, 85; Q = 60, 75, 90, 85.
      P: mean 330/4 = 82.5; median (85+85)/2 = 85; trimmed: drop 90 and 70 → (85+85)/2 = 85;
         range 90-70 = 20; sd √((12.5²+7.5²+2.5²+2.5²)/4) = √(225/4) = 7.5.
      Q: mean 310/4 = 77.5; median (75+85)/2 = 80; trimmed: drop 90 and 60 → (75+85)/2 = 80;
         range 30; sd √((17.5²+2.5²+12.5²+7.5²)/4) = √131.25 ≈ 11.456.
    Per-expert z (population sd over the expert's own two totals):
      A: mean 65, sd 5   → z(P) = +1, z(Q) = -1
      B: mean 82.5, sd 7.5 → z(P) = +1, z(Q) = -1
      C: mean 87.5, sd 2.5 → z(P) = -1, z(Q) = +1
      D: 85, 85, sd 0    → z = 0 for both
    All eight totals: mean M = 640/8 = 80; deviations -10,-20,10,-5,5,10,5,5, squares sum
    100+400+100+25+25+100+25+25 = 800, so S = √(800/8) = 10.
    Rescaled r = M + z·S: A: P 90, Q 70; B: P 90, Q 70; C: P 70, Q 90; D: 80, 80.
      P normalised = (90+90+70+80)/4 = 82.5; Q normalised = (70+70+90+80)/4 = 77.5.
    """
    result = agg.aggregate(TOTALS, maximum=100)
    p, q = result["P"], result["Q"]
    assert (p.count, p.mean, p.median, p.trimmed_mean, p.trimmed) == (4, 82.5, 85, 85, True)
    assert (p.range, p.sd) == (20, 7.5)
    assert (q.mean, q.median, q.trimmed_mean, q.range) == (77.5, 80, 80, 30)
    assert q.sd == pytest.approx(math.sqrt(131.25))
    assert p.normalised == pytest.approx(82.5)
    assert q.normalised == pytest.approx(77.5)
    rescaled = agg.normalise(TOTALS, maximum=100)
    assert rescaled[("A", "P")] == pytest.approx(90)
    assert rescaled[("C", "P")] == pytest.approx(70)
    assert rescaled[("D", "Q")] == pytest.approx(80)
    assert p.value("trimmed_mean") == 85


def test_normalise_harsh_and_lenient_experts_rescale_alike():
    """A's best (70) and B's best (90) both become 90: leniency is removed."""
    rescaled = agg.normalise(TOTALS, maximum=100)
    assert rescaled[("A", "P")] == pytest.approx(rescaled[("B", "P")])


def test_normalise_clips_to_the_rubric_scale():
    """E1: 10, 0 (z +1, -1); E2: 10, 9 (z +1, -1). All four: M = 29/4 = 7.25,
    S = √((2.75²+7.25²+2.75²+1.75²)/4) = √17.6875 ≈ 4.2057.
    P: 7.25 + 4.2057 = 11.46 > max 10 → clipped to 10; Q: 7.25 - 4.2057 ≈ 3.044."""
    totals = {("E1", "P"): 10, ("E1", "Q"): 0, ("E2", "P"): 10, ("E2", "Q"): 9}
    rescaled = agg.normalise(totals, maximum=10)
    assert rescaled[("E1", "P")] == 10
    assert rescaled[("E2", "P")] == 10
    assert rescaled[("E1", "Q")] == pytest.approx(7.25 - math.sqrt(17.6875))


def test_trimmed_mean_fewer_than_three_falls_back_to_mean():
    assert agg.trimmed_mean([80, 90]) == (85, False)
    assert agg.trimmed_mean([60, 80, 100]) == (80, True)
    assert agg.trimmed_mean([50, 50, 90, 100, 100]) == (pytest.approx(80), True)


def test_statistics_of_nothing_raise():
    with pytest.raises(ValueError, match="mean of no values"):
        agg.mean([])
    with pytest.raises(ValueError, match="median of no values"):
        agg.median([])
    assert agg.normalise({}, maximum=100) == {}


def test_rank_ties_share_a_rank():
    assert agg.rank({"a": 90, "b": 95, "c": 90, "d": 80}) == [
        (1, "b", 95),
        (2, "a", 90),
        (2, "c", 90),
        (4, "d", 80),
    ]


def test_blend_weighted_sum_of_shares_and_formula():
    """Score 85/100 = 0.85, public votes 300/400 = 0.75: 0.8×0.85 + 0.2×0.75 = 0.83."""
    shares = agg.blend_shares(score=85, score_max=100, public_votes=300, public_votes_max=400)
    assert shares == {"score": 0.85, "public_vote": 0.75}
    weights = {"score": 0.8, "public_vote": 0.2}
    assert agg.blend(shares, weights) == pytest.approx(0.83)
    assert agg.blend({"score": 0.5}, weights) == pytest.approx(0.4)
    assert agg.blend_formula(weights) == "0.8×专家评分÷满分 + 0.2×网络投票得票÷最高得票"
    assert agg.blend_shares(ballot_votes=4, panel_size=5) == {"ballot": 0.8}


def test_elect_tie_at_the_cut_line_returns_exactly_the_tied():
    votes = {"a": 5, "b": 4, "c": 3, "d": 3, "e": 3, "f": 1}
    outcome = agg.elect(votes, candidates="abcdef", seats=3, needed=3)
    assert outcome.elected == ["a", "b"]
    assert sorted(outcome.tied) == ["c", "d", "e"]
    assert outcome.passing == ["a", "b", "c", "d", "e"]


def test_elect_threshold_and_tie_that_fits():
    votes = {"a": 5, "b": 3, "c": 3, "d": 2}
    outcome = agg.elect(votes, candidates="abcd", seats=3, needed=3)
    assert (outcome.elected, outcome.tied) == (["a", "b", "c"], [])
    short = agg.elect(votes, candidates="abcd", seats=3, needed=4)
    assert (short.elected, short.tied) == (["a"], [])
