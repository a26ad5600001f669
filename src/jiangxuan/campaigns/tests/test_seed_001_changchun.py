"""Seed 001: 第三届长春技能大奖和长春技术能手 (2022)."""

import datetime as dt

import pytest

from jiangxuan.campaigns.selectors import category_of, nominating_unit_for, window_state
from jiangxuan.campaigns.spec import SHANGHAI

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(seed_campaign):
    return seed_campaign("001")


def test_seed_001_awards_counts_and_prizes(campaign, orgs):
    assert campaign.organizer_unit == orgs["cc-hrss"]
    assert [(a.code, a.name, a.count, a.prize_yuan, a.position) for a in campaign.awards.all()] == [
        ("jineng-dajiang", "长春技能大奖", 10, 10000, 0),
        ("jishu-nengshou", "长春技术能手", 10, 5000, 1),
    ]
    assert campaign.specification.one_award_per_person is True


def test_seed_001_window_refuses_early_and_late(campaign, orgs):
    assert campaign.submission_opens_at == dt.datetime(2022, 10, 24, 0, 0, tzinfo=SHANGHAI)
    assert campaign.submission_closes_at == dt.datetime(2022, 10, 26, 23, 59, 59, tzinfo=SHANGHAI)
    unit = orgs["cc-chaoyang-hrss"]
    at = lambda *a: dt.datetime(*a, tzinfo=SHANGHAI)  # noqa: E731
    assert window_state(campaign, unit, at(2022, 10, 23, 23, 59, 59)) == "early"
    assert window_state(campaign, unit, at(2022, 10, 24, 0, 0, 0)) == "open"
    assert window_state(campaign, unit, at(2022, 10, 26, 23, 59, 59)) == "open"
    assert window_state(campaign, unit, at(2022, 10, 27, 0, 0, 0)) == "closed"


def test_seed_001_dajiang_rules(campaign):
    award = campaign.specification.award("jineng-dajiang")
    assert [(r.code, r.rule, r.source) for r in award.eligibility] == [
        ("not-previous-awardee", "not_previous_awardee", "一(一)"),
        ("not-unit-leader", "not_unit_leader", "一(一)"),
        ("not-retired", "expr", "一(一)"),
        ("front-line", "expr", "一(一)"),
        ("senior-technician", "min_skill_level", "二(一)"),
        ("one-of-five", "any_of", "二(一)"),
    ]
    assert award.eligibility[4].level == "senior_technician"
    items = award.eligibility[5].items
    assert [(i.rule, i.source) for i in items] == [
        ("honours_any_of", "二(一)1"),
        ("judged", "二(一)2"),
        ("judged", "二(一)3"),
        ("judged", "二(一)4"),
        ("contest_rank", "二(一)5"),
    ]
    assert [(h.code, h.min_level) for h in items[0].honours] == [
        ("model_worker", "city"),
        ("labour_medal", "city"),
    ]
    (placing,) = items[4].placings
    assert (placing.level, placing.min_medal, placing.max_rank) == (
        "national_games",
        "bronze",
        None,
    )


def test_seed_001_nengshou_rules(campaign):
    award = campaign.specification.award("jishu-nengshou")
    assert [r.code for r in award.eligibility[2:4]] == ["not-retired", "front-line"]
    skill_or_title = award.eligibility[4]
    assert skill_or_title.rule == "any_of"
    senior, title = skill_or_title.items
    assert (senior.rule, senior.level) == ("min_skill_level", "senior")
    assert (title.rule, title.level, title.categories) == (
        "min_professional_title",
        "intermediate",
        ["乡村振兴", "新职业（新业态）"],
    )
    conditions = award.eligibility[5]
    assert [(i.rule, i.source) for i in conditions.items] == [
        ("judged", "二(二)1"),
        ("judged", "二(二)2"),
        ("judged", "二(二)3"),
        ("judged", "二(二)4"),
    ]


def test_seed_001_quotas_per_category(campaign):
    spec = campaign.specification
    assert [(q.category, q.award, q.min, q.max) for q in spec.quotas] == [
        ("county-hrss", "jineng-dajiang", 0, 3),
        ("county-hrss", "jishu-nengshou", 0, 3),
        ("schools", "jineng-dajiang", 0, 2),
        ("schools", "jishu-nengshou", 0, 2),
        ("soes", "jineng-dajiang", 0, 2),
        ("soes", "jishu-nengshou", 0, 2),
        ("city-departments", "jineng-dajiang", 0, 2),
        ("city-departments", "jishu-nengshou", 0, 2),
    ]
    assert {c.code: c.direct for c in spec.unit_categories} == {
        "county-hrss": False,
        "schools": True,
        "soes": True,
        "city-departments": False,
    }


def test_seed_001_categories_match_the_org_tree(campaign, orgs):
    spec = campaign.specification
    assert category_of(orgs["cc-faw"], spec).code == "soes"
    assert category_of(orgs["cc-jixie-school"], spec).code == "schools"
    assert category_of(orgs["cc-transport"], spec).code == "city-departments"
    assert category_of(orgs["cc-chaoyang-hrss"], spec).code == "county-hrss"
    assert category_of(orgs["cc-chaoyang-union"], spec) is None
    assert nominating_unit_for(orgs["cc-huarui-machinery"], spec) == orgs["cc-chaoyang-hrss"]
    assert nominating_unit_for(orgs["cc-bus-group"], spec) == orgs["cc-transport"]
    assert nominating_unit_for(orgs["cc-faw"], spec) == orgs["cc-faw"]


def test_seed_001_review_chain_and_notices(campaign):
    chain = campaign.specification.review_chain
    assert [(lv.level, lv.signers, lv.seal_labels) for lv in chain.levels] == [
        ("workplace", ["workplace"], ["本人所在单位推荐意见"]),
        ("nominating_unit", ["nominating_unit"], ["县级人社部门推荐意见"]),
        ("city", ["hr_bureau"], ["市级人社部门推荐意见"]),
    ]
    assert [(lv.notice.days, lv.notice.day_unit) for lv in chain.levels[:2]] == [
        (5, "working"),
        (5, "working"),
    ]
    assert chain.levels[2].notice is None
    assert all(lv.ranks and lv.collective_decision for lv in chain.levels[:2])
    assert chain.levels[1].skipped_by_direct is True
    assert [s.kind for s in chain.steps] == [
        "expert_review",
        "social_notice",
        "government_approval",
        "decision",
    ]
    assert (chain.steps[1].notice.days, chain.steps[1].notice.day_unit) == (5, "working")
    assert chain.steps[2].by == "市委组织部人才办"


def test_seed_001_form_rows_in_official_order(campaign):
    form = campaign.specification.form
    keys = [f.key for f in form.all_fields()]
    assert keys[:3] == ["award_category", "name", "workplace_name"]
    assert keys.index("id_number") < keys.index("bank_account") < keys.index("address")
    assert keys[keys.index("work_history") + 1 :][:7] == [
        "patents",
        "science_awards",
        "technical_innovation",
        "unique_skills",
        "contests",
        "honours",
        "other_awards",
    ]
    fields = {f.key: f for f in form.all_fields()}
    assert fields["bank_account"].label == "吉林银行一类账户账号"
    assert fields["bank_account"].effective_type == "bank_account"
    assert [c.label for c in fields["work_history"].columns] == [
        "起止时间",
        "在何单位学习、工作",
        "证明人",
    ]
    assert [f.label for f in fields["technical_innovation"].fields] == ["内容", "证明人或证明材料"]
    assert fields["award_category"].choices == ["长春技能大奖", "长春技术能手"]
    assert fields["achievement_summary"].max_chars == 300
    assert [s.printed for s in form.sections] == [True, True, True, False]


def test_seed_001_summary_sheet_grouped_by_award(campaign):
    sheet = campaign.specification.summary_sheet
    assert sheet.group_by_award is True
    assert [c.key for c in sheet.columns] == [
        "award",
        "rank",
        "name",
        "sex",
        "workplace_name",
        "id_number",
        "occupation",
        "skill_level_label",
        "education",
        "achievement_summary",
        "bank_account",
        "phone",
    ]
    assert sheet.columns[1].label == "排序号"
    assert sheet.columns[9].max_chars == 300


def test_seed_001_materials_and_documents(campaign):
    spec = campaign.specification
    by_code = {m.code: m for m in spec.materials}
    assert (by_code["nomination-letter"].copies, by_code["nomination-letter"].per) == (1, "unit")
    assert (by_code["summary-sheet"].copies, by_code["summary-sheet"].electronic) == (2, True)
    assert by_code["dossier"].copies == 1
    assert [d.kind for d in spec.documents] == [
        "nomination_form",
        "summary_sheet",
        "quota_table",
        "dossier_cover",
        "nomination_letter",
    ]
    assert spec.contact.phone == "0431-88522559"
