"""Seed 003: 威海工匠 (2023), with public voting and self-nomination."""

import datetime as dt

import pytest

from jiangxuan.campaigns.spec import SHANGHAI

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(seed_campaign):
    return seed_campaign("003")


def test_seed_003_award_and_rules(campaign, orgs):
    assert campaign.organizer_unit == orgs["wh-union"]
    (award,) = campaign.awards.all()
    assert (award.name, award.count, award.count_is_maximum, award.prize_yuan) == (
        "威海工匠",
        20,
        False,
        10000,
    )
    rules = award.spec.eligibility
    assert [(r.rule, r.source) for r in rules] == [
        ("not_previous_awardee", "一(一)"),
        ("min_skill_level", "一(一)"),
        ("expr", "一(一)"),
        ("honour_min_level", "一(二)5"),
    ]
    assert rules[1].level == "senior"
    assert rules[2].expr == "post_kind == '生产操作岗位'"
    assert (rules[3].level, rules[3].categories) == ("city", ["skill"])


def test_seed_003_window_and_date(campaign):
    assert campaign.specification.source.date == dt.date(2023, 6, 21)
    assert campaign.submission_opens_at == dt.datetime(2023, 6, 21, 0, 0, tzinfo=SHANGHAI)
    assert campaign.submission_closes_at == dt.datetime(2023, 6, 29, 23, 59, 59, tzinfo=SHANGHAI)
    assert campaign.specification.timeline.submission.refuse_early is False


def test_seed_003_channels_and_no_quotas(campaign):
    spec = campaign.specification
    assert [(c.code, c.kind) for c in spec.channels] == [
        ("unit", "unit"),
        ("social-org", "social_org"),
        ("self", "self"),
    ]
    assert spec.quotas == []
    assert "不做推荐名额分配" in spec.quota_note


def test_seed_003_procedure(campaign):
    chain = campaign.specification.review_chain
    assert [lv.seal_labels for lv in chain.levels] == [
        ["基层工会意见"],
        ["区（市）总工会、人社局（社会团体）意见"],
        ["市总工会、市人社局意见"],
    ]
    assert [s.kind for s in chain.steps] == [
        "qualification_review",
        "public_vote",
        "expert_review",
        "government_approval",
        "social_notice",
        "decision",
    ]
    check = chain.steps[0].background_check
    assert check.question == "是否存在违法违纪行为"
    assert chain.steps[1].weight_note == "投票结果作为专家评审参考"
    assert chain.steps[3].by == "市政府"
    notice = chain.steps[4].notice
    assert (notice.days, notice.day_unit, notice.where) == (5, "calendar", "威海日报")


def test_seed_003_form_sections(campaign):
    form = campaign.specification.form
    fields = {f.key: f for f in form.all_fields()}
    four = [
        "craftsman_spirit",
        "skills_and_techniques",
        "innovation_contribution",
        "leadership_role",
    ]
    assert [
        (fields[k].effective_type, fields[k].approx_chars, fields[k].max_chars) for k in four
    ] == [("textarea", 100, None)] * 4
    keys = [f.key for f in form.all_fields()]
    assert keys.index("work_history") < keys.index("craftsman_spirit")
    assert keys[keys.index("leadership_role") + 1] == "achievement_narrative"
    assert fields["achievement_narrative"].label == "个人自述"
    assert fields["video"].effective_type == "video"
    assert (fields["work_photo"].label, fields["photo"].label) == ("工作照", "证件照")
    assert form.copies == 2
