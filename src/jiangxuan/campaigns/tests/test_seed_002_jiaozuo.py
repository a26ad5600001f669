"""Seed 002: 首批焦作工匠 (焦工文[2018]33号)."""

import datetime as dt

import pytest

from jiangxuan.campaigns.selectors import category_of, nominating_unit_for
from jiangxuan.campaigns.spec import SHANGHAI

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(seed_campaign):
    return seed_campaign("002")


def test_seed_002_award_at_most_twenty_with_finalist_award(campaign, orgs):
    assert campaign.organizer_unit == orgs["jz-union"]
    (award,) = campaign.awards.all()
    assert (award.name, award.count, award.count_is_maximum, award.prize_yuan) == (
        "焦作工匠",
        20,
        True,
        10000,
    )
    spec = award.spec
    assert spec.finalist_award == "焦作工匠入围奖"
    assert spec.given == ["title", "certificate", "trophy", "cash"]
    rule, front_line = spec.eligibility
    assert (rule.rule, rule.level, rule.source) == ("min_skill_level", "senior", "二")
    assert "一般应" in rule.label
    assert (front_line.code, front_line.rule, front_line.source) == ("front-line", "expr", "一")
    assert [q.source for q in spec.qualities] == [
        "二",
        "二(一)",
        "二(二)",
        "二(三)",
        "二(四)",
        "二(五)",
    ]


def test_seed_002_deadline(campaign):
    spec = campaign.specification
    assert spec.source.number == "焦工文[2018]33号"
    assert spec.source.date is None
    assert campaign.submission_closes_at == dt.datetime(2018, 7, 20, 23, 59, 59, tzinfo=SHANGHAI)
    assert campaign.submission_opens_at is None


def test_seed_002_quotas(campaign, orgs):
    spec = campaign.specification
    assert [(q.category, q.min, q.max) for q in spec.quotas] == [
        ("counties", 0, 2),
        ("jiaomei", 0, 2),
        ("industry-unions", 0, 1),
        ("city-direct", 0, 1),
    ]
    assert category_of(orgs["jz-jiefang-union"], spec).code == "counties"
    assert category_of(orgs["jz-jiaomei-union"], spec).code == "jiaomei"
    assert category_of(orgs["jz-industry-machinery-union"], spec).code == "industry-unions"
    assert category_of(orgs["jz-peoples-hospital"], spec).code == "city-direct"
    assert nominating_unit_for(orgs["jz-jiaomei-zhaogu"], spec) == orgs["jz-jiaomei-union"]


def test_seed_002_review_and_ballot(campaign):
    chain = campaign.specification.review_chain
    assert [(lv.level, lv.signers) for lv in chain.levels] == [
        ("workplace", ["workplace_union"]),
        ("county", ["union", "hr_bureau"]),
        ("city", ["union"]),
    ]
    assert chain.levels[1].seal_labels == [
        "县（市）区总工会，省产业工会（公章）",
        "县（市）区人力资源和社会保障局（公章）",
    ]
    assert chain.levels[2].seal_labels == ["市总工会（公章）"]
    assert chain.levels[0].notice.where == "本单位"
    expert = chain.steps[1]
    assert (expert.kind, expert.method, expert.shortlist_min, expert.shortlist_max) == (
        "expert_review",
        "ballot",
        20,
        30,
    )
    assert expert.criteria == ["政治素质", "技能", "主要工作业绩", "职工群众评价"]
    media = chain.steps[3]
    assert (media.kind, media.notice.days, media.notice.day_unit) == ("social_notice", 5, "working")
    assert "《焦作日报》" in media.notice.where


def test_seed_002_form_materials_documents(campaign):
    spec = campaign.specification
    assert (spec.form.paper, spec.form.copies) == ("A3", 3)
    fields = {f.key: f for f in spec.form.all_fields()}
    assert fields["current_post_start"].label == "从事现岗位工作时间"
    assert fields["current_post_start"].effective_type == "year_month"
    assert [m.code for m in spec.materials] == [
        "nomination-form",
        "innovation-list",
        "innovation-certificates",
        "patent-list",
        "patent-certificates",
        "performance-sheet",
        "honour-certificates",
        "photo",
    ]
    assert (spec.materials[0].copies, spec.materials[0].electronic) == (3, True)
    assert [d.kind for d in spec.documents] == [
        "nomination_form",
        "summary_sheet",
        "innovation_list",
        "patent_list",
        "performance_sheet",
    ]
    assert [m.name for m in spec.leading_group if m.role != "member"] == [
        "张红卫",
        "杜劲松",
        "李水",
    ]
    assert spec.contact.email == "jzghscb@126.com"
