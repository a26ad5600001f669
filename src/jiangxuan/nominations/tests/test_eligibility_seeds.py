"""Each notice's hard rules, with nominees that pass and nominees that fail them.

The nominee starts from a plausible person (conftest.person) and each case changes what
the rule looks at; the expected status of the named rule and the overall status follow
the notice's clause.
"""

from typing import Any

import pytest

from jiangxuan.campaigns.models import PastAwardee
from jiangxuan.core.crypto import blind_index
from jiangxuan.nominations.tests.conftest import make_id_number

pytestmark = pytest.mark.django_db

JILIN_A = {"code": "jilin_jishu_nengshou", "name": "吉林省技术能手"}
JILIN_B = {"code": "labour_medal", "name": "长春市五一劳动奖章", "level": "city"}
#: An employee in service on a production post (seeds 000 一, 004 二).
SERVING = {"employment_status": "在职", "post_kind": "生产操作岗位"}
#: A woman aged 51 on the notices' dates: past the age of women workers (50), not of
#: women on technical or management posts (55).
WOMAN_51 = make_id_number("110101", "19700101", male=False)


def rule(nomination, code, items=None):
    """The result for ``code`` (searching nested any_of/all_of items)."""
    results = items if items is not None else nomination.eligibility
    for result in results:
        if result["code"] == code:
            return result
        found = rule(nomination, code, result["items"]) if result["items"] else None
        if found:
            return found
    return None


CASES: dict[str, tuple[str, str, list[tuple[str, dict[str, Any], str]]]] = {
    # seed 000 吉林工匠: 一 (non-natives: 2 years in Jilin), 三3 (list A), 三4 (list B)
    "000": (
        "cc-union",
        "jilin-gongjiang",
        [
            ("skill-honour", {"honours": [JILIN_A, JILIN_B]}, "passed"),
            ("skill-honour", {"honours": [JILIN_B]}, "failed"),
            ("leadership-honour", {"honours": [JILIN_A, JILIN_B]}, "passed"),
            (
                "leadership-honour",
                {"honours": [JILIN_A, {**JILIN_B, "level": "county"}]},
                "failed",
            ),
            # 一 在职职工: 退休、退休返聘 and those past the statutory age on 2021-11-25 fail
            ("in-service", {"extra": SERVING}, "passed"),
            ("in-service", {"extra": {**SERVING, "employment_status": "退休返聘"}}, "failed"),
            (
                "in-service",
                {"extra": SERVING, "id_number": make_id_number("110101", "19580101")},
                "failed",
            ),
            ("in-service", {"extra": SERVING, "id_number": WOMAN_51}, "failed"),
            (
                "in-service",
                {"extra": {**SERVING, "post_kind": "管理岗位"}, "id_number": WOMAN_51},
                "passed",
            ),
            ("in-service", {"extra": {"post_kind": "生产操作岗位"}}, "needs_evidence"),
            ("native-or-two-years", {"native_place": "吉林长春"}, "passed"),
            (
                "native-or-two-years",
                {"native_place": "山东潍坊", "years_in_region": 3},
                "passed",
            ),
            (
                "native-or-two-years",
                {"native_place": "山东潍坊", "years_in_region": 1},
                "failed",
            ),
            (
                "native-or-two-years",
                {"native_place": "", "id_number": make_id_number("370702")},
                "needs_evidence",
            ),
        ],
    ),
    # seed 001 长春技能大奖: 一(一) exclusions, 二(一) 高级技师 + one of five
    "001": (
        "cc-chaoyang-hrss",
        "jineng-dajiang",
        [
            ("senior-technician", {"skill_level": "senior_technician"}, "passed"),
            ("senior-technician", {"skill_level": "technician"}, "failed"),
            ("not-retired", {"is_retired": True}, "failed"),
            # 一(一) 退休人员不得参加: a 63-year-old is retired whatever the clerk answers
            ("not-retired", {"extra": {"post_kind": "生产操作岗位"}}, "passed"),
            (
                "not-retired",
                {
                    "extra": {"post_kind": "生产操作岗位"},
                    "id_number": make_id_number("110101", "19590301"),
                },
                "failed",
            ),
            (
                "not-retired",
                {"extra": {"post_kind": "生产操作岗位"}, "id_number": WOMAN_51},
                "failed",
            ),
            # 一(一) 生产服务一线技能岗位人员
            ("front-line", {"extra": {"post_kind": "生产操作岗位"}}, "passed"),
            ("front-line", {"extra": {"post_kind": "管理岗位"}}, "failed"),
            ("front-line", {}, "needs_evidence"),
            ("not-unit-leader", {"is_unit_leader": True}, "failed"),
            (
                "one-of-five",
                {
                    "claimed_conditions": [],
                    "honours": [
                        {"code": "model_worker", "name": "长春市劳动模范", "level": "city"}
                    ],
                },
                "passed",
            ),
            (
                "one-of-five",
                {
                    "claimed_conditions": [],
                    "contests": [
                        {"name": "第一届全国技能大赛", "level": "national_games", "medal": "bronze"}
                    ],
                },
                "passed",
            ),
            ("one-of-five", {"claimed_conditions": ["innovation"]}, "needs_evidence"),
            ("one-of-five", {"claimed_conditions": []}, "failed"),
        ],
    ),
    # seed 002 焦作工匠: 二 一般应具有高级工以上
    "002": (
        "jz-jiefang-union",
        "jiaozuo-gongjiang",
        [
            ("senior-worker", {"skill_level": "senior"}, "passed"),
            ("senior-worker", {"skill_level": "intermediate"}, "failed"),
            # 一 面向基层一线的生产操作岗位
            ("front-line", {"extra": {"post_kind": "生产操作岗位"}}, "passed"),
            ("front-line", {"extra": {"post_kind": "管理岗位"}}, "failed"),
        ],
    ),
    # seed 003 威海工匠: 一(一) 高技能职工, 一(二)5 市级及以上技能类奖项
    "003": (
        "wh-huancui-union",
        "weihai-gongjiang",
        [
            # 一(一) 从事岗位操作
            ("front-line", {"extra": {"post_kind": "生产操作岗位"}}, "passed"),
            ("front-line", {"extra": {"post_kind": "技术研发岗位"}}, "failed"),
            (
                "city-skill-honour",
                {"honours": [{"code": "weihai_jishu_nengshou", "name": "威海市技术能手"}]},
                "passed",
            ),
            (
                "city-skill-honour",
                {"honours": [{"code": "other", "name": "公司技术标兵", "level": "enterprise"}]},
                "failed",
            ),
            ("high-skilled", {"skill_level": "technician"}, "passed"),
            ("high-skilled", {"skill_level": "junior"}, "failed"),
        ],
    ),
    # seed 004 哈尔滨大工匠: 二 退休职工原则上不参与; 六项指标之一
    "004": (
        "hrb-daoli-union",
        "harbin-dagongjiang",
        [
            ("not-retired", {"is_retired": True}, "failed"),
            ("not-retired", {"extra": SERVING}, "passed"),
            (
                "not-retired",
                {"extra": SERVING, "id_number": make_id_number("110101", "19600101")},
                "failed",
            ),
            ("front-line", {"extra": {"post_kind": "技术研发岗位"}}, "passed"),
            ("front-line", {"extra": {"post_kind": "管理岗位"}}, "failed"),
            (
                "one-of-six",
                {
                    "claimed_conditions": [],
                    "contests": [
                        {"name": "黑龙江省焊工大赛", "level": "provincial_class1", "rank": 2}
                    ],
                },
                "passed",
            ),
            (
                "one-of-six",
                {
                    "claimed_conditions": [],
                    "contests": [
                        {"name": "黑龙江省焊工大赛", "level": "provincial_class1", "rank": 3}
                    ],
                },
                "failed",
            ),
            (
                "one-of-six",
                {
                    "claimed_conditions": [],
                    "honours": [{"code": "longjiang_jineng_dajiang", "name": "龙江技能大奖"}],
                },
                "passed",
            ),
            ("one-of-six", {"claimed_conditions": ["craft-specialty"]}, "needs_evidence"),
        ],
    ),
}

PARAMS = [
    pytest.param(seed, unit, award, code, values, expected, id=f"{seed}-{code}-{i}")
    for seed, (unit, award, cases) in CASES.items()
    for i, (code, values, expected) in enumerate(cases)
]


@pytest.mark.parametrize(("seed", "unit", "award", "code", "values", "expected"), PARAMS)
def test_seed_rule(seed_campaign, make_user, nominate, seed, unit, award, code, values, expected):
    campaign = seed_campaign(seed)
    nomination = nominate(campaign, award, make_user(unit), **values)

    result = rule(nomination, code)

    assert result is not None, f"rule {code} missing from {campaign.code}"
    assert result["status"] == expected, result["reason"]
    assert result["source"]
    if expected == "failed":
        assert nomination.eligibility_status == "failed"


@pytest.mark.parametrize(
    ("seed", "unit", "award"),
    [("000", "cc-union", "jilin-gongjiang"), ("003", "wh-huancui-union", "weihai-gongjiang")],
)
def test_previous_winner_of_same_award_is_excluded(
    seed_campaign, make_user, nominate, seed, unit, award
):
    """seed 000 二 / seed 003 一(一): 已获称号的不再重复表彰."""
    campaign = seed_campaign(seed)
    id_number = make_id_number()
    series = campaign.awards.get(code=award).series
    PastAwardee.objects.create(
        series=series, title="往届称号", name="王建国", id_index=blind_index(id_number), year=2019
    )

    winner = nominate(campaign, award, make_user(unit), id_number=id_number)
    newcomer = nominate(campaign, award, make_user(unit), id_number=make_id_number())

    assert rule(winner, "not-previous-awardee")["status"] == "failed"
    assert "2019" in rule(winner, "not-previous-awardee")["reason"]
    assert rule(newcomer, "not-previous-awardee")["status"] == "passed"


def test_failed_rule_blocks_until_the_office_overrides(
    seed_campaign, make_user, nominate, complete
):
    """A failed hard rule blocks submission unless the campaign office records a reason."""
    import time_machine

    from jiangxuan.accounts.enums import Role
    from jiangxuan.nominations import services
    from jiangxuan.nominations.workflow import NominationError

    campaign = seed_campaign("002")
    clerk = make_user("jz-jiefang-union")
    office = make_user("jz-union", Role.CAMPAIGN_OFFICE, campaign=campaign)
    nomination = complete(
        nominate(campaign, "jiaozuo-gongjiang", clerk, skill_level="intermediate"), clerk
    )
    with time_machine.travel("2018-07-10 10:00 +0800", tick=False):
        with pytest.raises(NominationError) as excinfo:
            services.submit_nomination(nomination, actor=clerk)
        assert "高级工" in excinfo.value.message

        services.override_eligibility(
            nomination,
            actor=office,
            rule_code="senior-worker",
            reason="行业特殊工种，经领导小组研究同意",
        )
        services.submit_nomination(nomination, actor=clerk)

    nomination.refresh_from_db()
    assert nomination.state == "submitted"
    assert rule(nomination, "senior-worker")["overridden"] is True


def test_an_any_of_met_by_one_branch_shows_the_others_neutrally(
    seed_campaign, make_user, nominate, client
):
    """Issue 15.10: seed 001 二(一) "具备以下条件之一" met by a city model worker: the four
    unchosen branches are alternatives, shown as 其他可选条件, not in red as 不符合."""
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss")
    honour = {"code": "model_worker", "name": "长春市劳动模范", "level": "city"}
    nomination = nominate(
        campaign, "jineng-dajiang", clerk, claimed_conditions=[], honours=[honour]
    )

    result = rule(nomination, "one-of-five")
    by_code = {item["code"]: item for item in result["items"]}
    assert result["status"] == "passed"
    assert by_code["model-worker-or-medal"]["alternative"] is False
    assert {code for code, item in by_code.items() if item["alternative"]} == set(by_code) - {
        "model-worker-or-medal"
    }

    client.force_login(clerk)
    html = client.get(f"/nominations/{nomination.pk}/").content.decode()
    panel = html[html.index('id="eligibility-panel"') :]
    panel = panel[: panel.index("</section>")]
    branch = panel[panel.index("在推广应用先进技术等方面作出突出贡献") - 400 :]
    assert "其他可选条件" in panel
    assert "rule-alternative" in branch[:500]
    assert "不符合" not in panel


def test_an_any_of_that_nobody_meets_still_shows_every_branch_failing(
    seed_campaign, make_user, nominate
):
    campaign = seed_campaign("001")
    nomination = nominate(
        campaign, "jineng-dajiang", make_user("cc-chaoyang-hrss"), claimed_conditions=[]
    )
    result = rule(nomination, "one-of-five")
    assert result["status"] == "failed"
    assert not any(item["alternative"] for item in result["items"])
