"""Seed 000: 第四届吉林工匠 (吉人社联〔2021〕187号), forwarded by 省直机关工会."""

import datetime as dt

import pytest

from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.selectors import deadline_for
from jiangxuan.campaigns.spec import SHANGHAI

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(seed_campaign):
    return seed_campaign("000")


def test_seed_000_campaign_row(campaign, orgs):
    assert (campaign.code, campaign.series, campaign.edition, campaign.year) == (
        "jilin-gongjiang-2021",
        "jilin-gongjiang",
        "第四届",
        2021,
    )
    assert campaign.state == CampaignState.PUBLISHED
    assert campaign.organizer_unit == orgs["jl-union"]
    assert campaign.submission_opens_at is None
    assert campaign.submission_closes_at is None
    assert [(a.code, a.name, a.count, a.prize_yuan) for a in campaign.awards.all()] == [
        ("jilin-gongjiang", "吉林工匠", 30, None)
    ]


def test_seed_000_sources(campaign):
    spec = campaign.specification
    assert (spec.source.number, spec.source.date) == (
        "吉人社联〔2021〕187号",
        dt.date(2021, 11, 25),
    )
    assert [(f.issuer, f.date) for f in spec.forwarded_by] == [
        ("吉林省直属机关工会工作委员会", dt.date(2021, 11, 26))
    ]
    assert [o.org for o in spec.organizers] == ["jl-union", "jl-hrss"]


def test_seed_000_internal_deadline_of_provincial_organs_union(campaign, orgs):
    (deadline,) = campaign.specification.timeline.internal_deadlines
    assert deadline.org == "jl-szjg-union"
    assert deadline.closes_at == dt.datetime(2021, 12, 3, 16, 0, tzinfo=SHANGHAI)
    assert deadline_for(campaign, orgs["jl-szjg-union"]) == deadline.closes_at
    assert deadline_for(campaign, orgs["cc-union"]) is None


def test_seed_000_eligibility_rules(campaign):
    award = campaign.specification.award("jilin-gongjiang")
    assert award.given == ["title", "medal", "certificate", "cash"]
    rules = {r.code: r for r in award.eligibility}
    assert [(r.rule, r.source) for r in award.eligibility] == [
        ("native_or_years_in_region", "一"),
        ("not_previous_awardee", "二"),
        ("expr", "一"),
        ("honours_any_of", "三3"),
        ("honours_any_of", "三4"),
        ("judged", "三2"),
        ("judged", "三5"),
    ]
    native = rules["native-or-two-years"]
    assert (native.division_prefix, native.years, native.region_name) == ("22", 2, "吉林省")
    assert [h.code for h in rules["skill-honour"].honours] == [
        "zhonghua_jineng_dajiang",
        "national_sci_tech_progress",
        "national_jishu_nengshou",
        "jilin_jishu_nengshou",
    ]
    assert [(h.code, h.min_level) for h in rules["leadership-honour"].honours] == [
        ("labour_medal", "city"),
        ("model_worker", "city"),
        ("provincial_allowance", None),
        ("state_council_allowance", None),
    ]
    assert [q.source for q in award.qualities] == ["三1", "三2", "三3", "三4", "三5"]


def test_seed_000_quotas_five_to_ten(campaign):
    spec = campaign.specification
    assert [(q.category, q.min, q.max) for q in spec.quotas] == [
        ("areas", 5, 10),
        ("provincial-organs", 5, 10),
    ]
    assert spec.unit_categories[1].match.orgs == ["jl-szjg-union"]


def test_seed_000_review_chain(campaign):
    chain = campaign.specification.review_chain
    assert [(lv.code, lv.signers, lv.seal_labels) for lv in chain.levels] == [
        ("workplace", ["workplace", "workplace_union"], ["所在单位意见", "所在单位工会意见"]),
        ("city", ["hr_bureau", "union"], ["市州人社工会审核意见"]),
        ("province", ["hr_bureau", "union"], ["省人社厅省总工会审核意见"]),
    ]
    workplace = chain.levels[0]
    assert (workplace.notice.days, workplace.notice.day_unit, workplace.notice.at_least) == (
        5,
        "working",
        True,
    )
    assert workplace.background_check.department == "公安部门"
    assert workplace.collective_decision is True
    assert [s.kind for s in chain.steps] == [
        "qualification_review",
        "expert_review",
        "leading_group_approval",
        "social_notice",
        "government_approval",
        "decision",
    ]
    social = chain.steps[3].notice
    assert (social.days, social.day_unit, social.at_least) == (5, "working", False)
    assert chain.steps[4].by == "省委、省政府"


def test_seed_000_form(campaign):
    form = campaign.specification.form
    printed = [f for s in form.sections if s.printed for f in s.fields]
    assert [f.label for f in printed][:4] == ["姓  名", "性别", "出生年月", "照片"]
    assert [f.key for f in printed][-3:] == ["work_history", "honours", "achievement_summary"]
    fields = {f.key: f for f in form.all_fields()}
    assert fields["achievement_summary"].max_chars == 300
    assert fields["achievement_narrative"].max_chars == 3000
    assert fields["post"].help == "例：机加班长"
    assert form.copies == 5
    assert form.extra_opinion_boxes == ["各有关部门、单位意见", "省委审批意见", "省政府审批意见"]


def test_seed_000_materials_and_summary(campaign):
    spec = campaign.specification
    assert [m.code for m in spec.materials][:6] == [
        "nomination-report",
        "nomination-form",
        "achievement-narrative",
        "evidence",
        "workplace-notice",
        "summary-sheet",
    ]
    form_material = spec.materials[1]
    assert (form_material.copies, form_material.electronic) == (5, True)
    assert spec.materials[2].max_chars == 3000
    assert [c.label for c in spec.summary_sheet.columns] == [
        "序号",
        "姓  名",
        "性别",
        "年龄",
        "联系电话",
        "文化程度",
        "工  种",
        "技术等级",
        "工作单位",
        "企业性质",
    ]
    assert spec.summary_sheet.footer == ["经手人："]
    assert [d.kind for d in spec.documents] == [
        "nomination_form",
        "summary_sheet",
        "background_check_form",
        "materials_checklist",
    ]


def test_seed_000_leading_group(campaign):
    group = campaign.specification.leading_group
    assert [(m.name, m.role) for m in group if m.role in ("leader", "deputy")] == [
        ("李龙熙", "leader"),
        ("王冰", "deputy"),
        ("隋明利", "deputy"),
        ("赵春林", "deputy"),
    ]
    assert [m.name for m in group if m.role == "office_director"] == ["杨志强", "姜雪原"]
