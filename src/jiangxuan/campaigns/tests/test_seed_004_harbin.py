"""Seed 004: 2021 哈尔滨大工匠 (哈工联发〔2021〕8号)."""

import datetime as dt

import pytest

from jiangxuan.campaigns.spec import SHANGHAI

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(seed_campaign):
    return seed_campaign("004")


def test_seed_004_award(campaign, orgs):
    assert campaign.organizer_unit == orgs["hrb-union"]
    (award,) = campaign.awards.all()
    assert (award.name, award.count, award.prize_yuan) == ("哈尔滨大工匠", 50, None)
    assert award.spec.given == ["title", "certificate", "trophy", "cash"]
    spec = campaign.specification
    assert (spec.source.number, spec.source.date) == ("哈工联发〔2021〕8号", dt.date(2021, 7, 16))


def test_seed_004_six_indicators(campaign):
    rules = campaign.specification.award("harbin-dagongjiang").eligibility
    assert [(r.rule, r.source) for r in rules] == [
        ("expr", "二"),
        ("expr", "二"),
        ("any_of", "二"),
    ]
    items = rules[2].items
    assert [(i.rule, i.source) for i in items] == [
        ("judged", "二(一)"),
        ("judged", "二(二)"),
        ("judged", "二(三)"),
        ("judged", "二(四)"),
        ("contest_rank", "二(五)"),
        ("honours_any_of", "二(六)"),
    ]
    assert [(p.level, p.max_rank) for p in items[4].placings] == [
        ("national_class1", 3),
        ("provincial_class1", 2),
        ("city", 1),
    ]
    assert [h.code for h in items[5].honours] == [
        "zhonghua_jineng_dajiang",
        "national_jishu_nengshou",
        "longjiang_jineng_dajiang",
        "state_council_allowance",
        "provincial_allowance",
    ]


def test_seed_004_five_dated_phases(campaign):
    timeline = campaign.specification.timeline
    assert [(p.name, p.starts_on, p.ends_on) for p in timeline.phases] == [
        ("动员部署阶段", dt.date(2021, 8, 1), dt.date(2021, 8, 15)),
        ("申报推荐阶段", dt.date(2021, 8, 16), dt.date(2021, 9, 10)),
        ("评审考察阶段", dt.date(2021, 9, 11), dt.date(2021, 10, 30)),
        ("审定公示阶段", dt.date(2021, 11, 1), dt.date(2021, 11, 20)),
        ("表彰宣传阶段", dt.date(2021, 11, 21), dt.date(2021, 12, 20)),
    ]
    assert campaign.submission_opens_at == dt.datetime(2021, 8, 16, 0, 0, tzinfo=SHANGHAI)
    assert campaign.submission_closes_at == dt.datetime(2021, 9, 10, 23, 59, 59, tzinfo=SHANGHAI)


def test_seed_004_chain_inspection_and_two_notices(campaign):
    chain = campaign.specification.review_chain
    assert [lv.seal_labels for lv in chain.levels] == [
        ["所在单位工会意见"],
        ["主管工会推荐意见"],
        ["市总工会审批意见"],
    ]
    assert [s.kind for s in chain.steps] == [
        "qualification_review",
        "expert_review",
        "site_inspection",
        "leading_group_approval",
        "social_notice",
        "social_notice",
        "decision",
    ]
    assert chain.steps[1].method == "scoring"
    assert [s.notice.where for s in chain.steps if s.notice] == [
        "候选人所在基层单位",
        "哈工网、哈尔滨日报等媒体",
    ]


def test_seed_004_indicator_groups_on_the_form(campaign):
    form = campaign.specification.form
    fields = {f.key: f for f in form.all_fields()}
    assert [f.key for f in form.sections[1].fields][:6] == [
        "craft_specialty",
        "superb_skill",
        "leadership",
        "contribution",
        "contests",
        "other_honours",
    ]
    assert [f.label for f in fields["craft_specialty"].fields] == [
        "一技之长",
        "绝技高招",
        "技术专长",
        "其 他",
    ]
    assert fields["superb_skill"].fields[0].choices == ["国际领先", "国内先进", "国内领先"]
    assert fields["other_honours"].fields[0].choices == [
        "中华技能大奖",
        "全国技术能手",
        "龙江技能大奖",
        "国务院特殊津贴获得者",
        "省政府特殊津贴获得者",
        "其他",
    ]
    assert fields["achievement_summary"].approx_chars == 300
    assert fields["provincial_model_worker"].effective_type == "boolean"
    assert (form.copies, form.paper) == (2, "A4")


def test_seed_004_leading_group_and_contact(campaign):
    spec = campaign.specification
    assert [m.name for m in spec.leading_group if m.role == "leader"] == ["黄玉生"]
    assert [m.name for m in spec.leading_group if m.role == "deputy"] == [
        "邓宏图",
        "杨春平",
        "于兰香",
    ]
    assert (spec.contact.postal_code, spec.contact.email) == ("150020", "jsxh88@163.com")
