"""The ``vote`` rules of a public-vote step (campaigns/spec.py PublicVoteRule)."""

import datetime as dt

import pytest
from pydantic import ValidationError

from jiangxuan.campaigns.spec import PublicVoteRule, Step


def test_rule_reads_beijing_times_and_defaults():
    rule = PublicVoteRule.model_validate(
        {"opens_at": "2023-07-10 09:00", "closes_at": "2023-07-17 18:00"}
    )
    assert rule.opens_at.utcoffset() == dt.timedelta(hours=8)
    assert (rule.per_candidate_per_day, rule.min_choices, rule.tally) == (1, 1, "live")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"opens_at": "2023-07-10 09:00", "closes_at": "2023-07-10 09:00"}, "opens_at 须早于"),
        ({"min_choices": 3, "max_choices": 2}, "max_choices 不得小于 min_choices"),
        ({"tally": "scheduled"}, "须给出 publish_times"),
        ({"publish_times": ["18:00"]}, "publish_times 仅用于"),
        ({"per_candidate": 1}, "只能给一个"),
        ({"max_choices": 5, "per_day": 3}, "per_day、per_campaign 不得小于 max_choices"),
    ],
)
def test_inconsistent_rules_are_refused(data, message):
    with pytest.raises(ValidationError) as excinfo:
        PublicVoteRule.model_validate(data)
    assert message in str(excinfo.value)


def test_vote_rules_only_on_a_public_vote_step():
    with pytest.raises(ValidationError) as excinfo:
        Step.model_validate({"kind": "expert_review", "name": "专家评审", "vote": {}})
    assert "只能用于 kind: public_vote" in str(excinfo.value)
    step = Step.model_validate({"kind": "public_vote", "name": "网络投票", "vote": {}})
    assert step.vote == PublicVoteRule()
