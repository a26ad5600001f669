"""The built-in rule kinds as functions of the rule language (issue 12: named macros).

Every kind that reads a fact is also a function of the same name; written as a function
in an ``expr`` rule it must judge every nominee as the YAML kind does. The first test
rewrites each such rule of the five seed specifications as a function and compares the
two on a range of nominees; the others combine functions with ``&&``, ``||`` and ``!``,
check refusals when a specification is checked, and count the queries of the batch
evaluation behind the campaign's screening (issue 12 "Speed").
"""

import itertools
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiangxuan.campaigns import spec as s
from jiangxuan.campaigns.models import PastAwardee
from jiangxuan.campaigns.spec import SpecError, load_spec_file, parse_spec
from jiangxuan.conftest import seed_spec_path
from jiangxuan.core.crypto import blind_index
from jiangxuan.nominations import selectors, services
from jiangxuan.nominations.eligibility import evaluate_rules
from jiangxuan.nominations.models import Nomination
from jiangxuan.nominations.tests.conftest import make_id_number

SPECS = sorted((Path(__file__).resolve().parents[4] / "specs").glob("0*.yaml"))
SOURCE = "specs/x.yaml"
#: One who holds an honour of the registry's series (seed 001 大匠) and of every seed.
LAUREATE = make_id_number("220104", "19860101")


def _quoted(values) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def as_function(rule) -> str | None:
    """The expression that writes ``rule`` with the function of its kind."""
    match rule:
        case s.MinSkillLevel():
            return f"min_skill_level('{rule.level}')"
        case s.MinProfessionalTitle():
            extra = f", {_quoted(rule.categories)}" if rule.categories else ""
            return f"min_professional_title('{rule.level}'{extra})"
        case s.HonoursAnyOf():
            refs = [f"{h.code}:{h.min_level}" if h.min_level else h.code for h in rule.honours]
            return f"honours_any_of({_quoted(refs)}, {rule.min_count})"
        case s.HonourMinLevel():
            extra = f", {_quoted(rule.categories)}" if rule.categories else ""
            return f"honour_min_level('{rule.level}'{extra})"
        case s.ContestRank():
            calls = [
                f"contest_rank('{p.level}', {p.max_rank})" if p.max_rank else ""
                for p in rule.placings
            ] + [
                f"contest_rank('{p.level}', '{p.min_medal}')" if p.min_medal else ""
                for p in rule.placings
            ]
            return " || ".join(c for c in calls if c)
        case s.NotRetired():
            return "not_retired()"
        case s.NotUnitLeader():
            return "not_unit_leader()"
        case s.NotPreviousAwardee():
            return (
                f"not_previous_awardee('{rule.series}')"
                if rule.series
                else ("not_previous_awardee()")
            )
        case s.NativeOrYearsInRegion():
            return (
                f"native_or_years_in_region('{rule.region_name}', '{rule.division_prefix}', "
                f"{rule.years})"
            )
    return None


def fact_rules(rules):
    for rule in rules:
        if isinstance(rule, s.AnyOf | s.AllOf):
            yield from fact_rules(rule.items)
        elif as_function(rule):
            yield rule


def nominees(spec: s.CampaignSpec):
    """Nominees (unsaved) that pass, fail and leave open each kind of rule."""
    honours = [
        [],
        [{"code": h.code, "name": h.name, "year": 2019} for h in spec.honours[:3]],
        [{"code": h.code, "name": h.name, "level": "county"} for h in spec.honours],
    ]
    contests = [
        [],
        [{"name": "全国职业技能大赛", "level": "national_games", "medal": "silver"}],
        [{"name": "省赛", "level": "provincial_class1", "rank": 2}],
    ]
    people: list[dict[str, Any]] = [
        {"skill_level": "", "is_retired": None, "is_unit_leader": None, "native_place": ""},
        {
            "skill_level": "senior",
            "professional_title": "intermediate",
            "professional_title_category": "乡村振兴",
            "is_retired": False,
            "is_unit_leader": True,
            "native_place": "山东潍坊",
            "years_in_region": 1,
            "id_number": LAUREATE,
        },
        {
            "skill_level": "senior_technician",
            "professional_title": "senior",
            "professional_title_category": "工程",
            "is_retired": True,
            "is_unit_leader": False,
            "native_place": "吉林长春",
            "id_number": make_id_number("370702", "19900101"),
        },
        {"skill_level": "junior", "native_place": "", "years_in_region": 9},
    ]
    for person, honour, contest in itertools.product(people, honours, contests):
        id_number = person.get("id_number", "")
        fields = {k: v for k, v in person.items() if k != "id_number"}
        nomination = Nomination(name="王建国", honours=honour, contests=contest, **fields)
        nomination.id_number = id_number
        yield nomination


@pytest.mark.django_db
@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem[:3])
def test_every_kind_written_as_its_function_judges_as_the_kind(path):
    spec = load_spec_file(path)
    for award in spec.awards:
        PastAwardee.objects.create(
            series=award.series, title="往届", name="王建国",
            id_index=blind_index(LAUREATE), year=2020,
        )  # fmt: skip
    compared = 0
    for award in spec.awards:
        kinds = list(fact_rules(award.eligibility))
        twins = [
            s.ExprRule(
                code=f"{rule.code}-fn", label=rule.label, source=rule.source, rule="expr",
                expr=as_function(rule), message="不符合",
            )
            for rule in kinds
        ]  # fmt: skip
        both = award.model_copy(update={"eligibility": kinds + twins})
        for nomination in nominees(spec):
            _status, results = evaluate_rules(nomination, spec, both)
            by_code = {r.code: r for r in results}
            for rule in kinds:
                kind, function = by_code[rule.code], by_code[f"{rule.code}-fn"]
                assert function.status == kind.status, (rule.code, function.reason, kind.reason)
                if kind.status == "needs_evidence" and rule.rule not in (
                    "not_retired",
                    "not_unit_leader",
                ):
                    assert function.reason == kind.reason
                compared += 1
    assert compared > 0


def _spec_with(expr: str, *, kind: str = "hard") -> str:
    text = seed_spec_path("001").read_text(encoding="utf-8")
    rule = (
        "      - code: combined\n        label: 组合条件\n        source: 二(一)\n"
        f'        rule: expr\n        expr: "{expr}"\n        message: 不符合组合条件\n'
        f"        kind: {kind}\n"
    )
    anchor = "        rule: not_previous_awardee\n"
    return text.replace(anchor, anchor + rule, 1)


def _verdict(expr: str, nomination) -> tuple[str, str]:
    spec = parse_spec(_spec_with(expr), SOURCE)
    _status, results = evaluate_rules(nomination, spec, spec.award("jineng-dajiang"))
    (result,) = [r for r in results if r.code == "combined"]
    return result.status, result.reason


def _person(**fields) -> Nomination:
    nomination = Nomination(name="李强", **fields)
    nomination.id_number = fields.pop("id_number", "") if "id_number" in fields else ""
    return nomination


@pytest.mark.django_db
def test_functions_combine_with_and_or_not():
    expr = (
        "min_skill_level('高级技师') && !not_unit_leader() == false "
        "&& (honours_any_of(['model_worker:市级']) || contest_rank('national_games', '铜牌'))"
    )
    worker = _person(skill_level="senior_technician", is_unit_leader=False)
    worker.contests = [{"name": "全国职业技能大赛", "level": "national_games", "medal": "gold"}]
    leader = _person(skill_level="senior_technician", is_unit_leader=True)
    leader.honours = [{"code": "model_worker", "name": "市劳模", "level": "city"}]

    assert _verdict(expr, worker) == ("passed", "符合。")
    assert _verdict(expr, leader) == ("failed", "不符合组合条件")


#: The example of docs/user/campaign-spec.md 规则函数: seed 001 技术能手's skill-or-title.
GUIDE_EXAMPLE = (
    "min_skill_level('高级工') "
    "|| min_professional_title('中级职称', ['乡村振兴', '新职业（新业态）'])"
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"skill_level": "senior"}, "passed"),
        ({"skill_level": "junior", "professional_title": "intermediate",
          "professional_title_category": "乡村振兴"}, "passed"),
        ({"skill_level": "junior", "professional_title": "senior",
          "professional_title_category": "工程"}, "failed"),
        ({"skill_level": "junior"}, "needs_evidence"),
        ({}, "needs_evidence"),
    ],
)  # fmt: skip
def test_guide_example_judges_as_the_seed_any_of(fields, expected):
    spec = parse_spec(_spec_with(GUIDE_EXAMPLE), SOURCE)
    nominee = _person(**fields)

    _status, written = evaluate_rules(nominee, spec, spec.award("jineng-dajiang"))
    _status, seed = evaluate_rules(nominee, spec, spec.award("jishu-nengshou"))

    (example,) = [r.status for r in written if r.code == "combined"]
    (any_of,) = [r.status for r in seed if r.code == "skill-or-title"]
    assert example == any_of == expected


@pytest.mark.django_db
def test_a_function_missing_its_fact_needs_evidence_unless_the_other_side_decides():
    no_level = _person(honours=[{"code": "model_worker", "name": "市劳模", "level": "city"}])

    assert _verdict("min_skill_level('高级技师')", no_level) == (
        "needs_evidence",
        "未填写技能等级；须达到高级技师（一级）及以上。",
    )
    assert (
        _verdict("min_skill_level('高级技师') || honours_any_of(['model_worker'])", no_level)[0]
        == "passed"
    )
    assert (
        _verdict("min_skill_level('高级技师') && honours_any_of(['labour_medal'])", no_level)[0]
        == "failed"
    )


@pytest.mark.django_db
def test_previous_awardee_function_reads_the_registry_of_the_award_or_a_named_series():
    nominee = _person(id_number=LAUREATE)
    PastAwardee.objects.create(
        series="changchun-jishu-nengshou", title="长春市技术能手", name="李强",
        id_index=blind_index(LAUREATE), year=2018,
    )  # fmt: skip

    assert _verdict("not_previous_awardee()", nominee)[0] == "passed"
    assert _verdict("!not_previous_awardee('changchun-jishu-nengshou')", nominee)[0] == "passed"


def _refused(expr: str) -> str:
    with pytest.raises(SpecError) as excinfo:
        parse_spec(_spec_with(expr), SOURCE)
    (message,) = excinfo.value.messages
    return message.split("规则 combined 的表达式", 1)[1]


@pytest.mark.parametrize(
    ("expr", "start"),
    [
        ("min_skil_level('高级技师')", "第 1 行第 15 列：没有函数 min_skil_level；是否想写"),
        ("min_skill_level(5)", "第 1 行第 16 列：函数 min_skill_level 的参数个数或类型不对"),
        ("not_retired(true)", "第 1 行第 12 列：函数 not_retired 的参数个数不对，应为"),
    ],
)  # fmt: skip
def test_unknown_functions_and_wrong_arguments_are_refused_listing_the_functions(expr, start):
    message = _refused(expr)

    assert message.startswith(start)
    assert (
        "可用的函数：min_skill_level(技能等级)、min_professional_title(职称[, 职称系列列表])"
        in (message)
    )
    assert "native_or_years_in_region(地区名称, 行政区划代码前缀, 年限)" in message


@pytest.mark.parametrize(
    ("expr", "problem"),
    [
        ("min_skill_level('大师')", "第 1 行：min_skill_level(…) 中的技能等级“大师”不存在，可选："),
        (
            "honours_any_of(['no_such_honour'])",
            "第 1 行：honours_any_of(…) 中的荣誉代码“no_such_honour”不在本活动的荣誉目录",
        ),
        ("contest_rank('national_games', '木牌')", "第 1 行：contest_rank(…) 中的奖牌“木牌”不存在"),
    ],
)  # fmt: skip
def test_choices_written_in_function_arguments_are_checked(expr, problem):
    assert _refused(expr).startswith(problem)


# --------------------------------------------------------------------------- the batch


@pytest.fixture
def many(seed_campaign, make_user, nominate):
    """``many(n)``: seed 001's campaign with ``n`` drafts of 大匠 and a registry entry."""

    def make(count: int):
        campaign = seed_campaign("001")
        clerk = make_user("cc-chaoyang-hrss")
        made = []
        for i in range(count):
            made.append(
                nominate(
                    campaign, "jineng-dajiang", clerk,
                    id_number=make_id_number("220104", f"1986{1 + i // 28:02d}{1 + i % 28:02d}"),
                    extra={"post_kind": "生产操作岗位"},
                )
            )  # fmt: skip
        PastAwardee.objects.create(
            series="changchun-jineng-dajiang", title="长春市技能大匠", name="王",
            id_index=blind_index(made[0].id_number), year=2020,
        )  # fmt: skip
        return campaign, made

    return make


@pytest.mark.django_db
def test_screening_many_nominations_costs_the_same_queries_for_3_and_30(
    many, django_assert_num_queries
):
    campaign, made = many(30)
    with CaptureQueriesContext(connection) as captured:
        assert len(selectors.screen_nominations(campaign)) == 30
    counted = len(captured)

    for nomination in made[3:]:
        nomination.delete()
    with django_assert_num_queries(counted):
        screened = selectors.screen_nominations(campaign)

    assert len(screened) == 3
    first = screened[made[0].pk]
    assert first[0] == "failed"
    rule = next(r for r in first[1] if r.code == "not-previous-awardee")
    assert (rule.status, rule.reason) == (
        "failed",
        "已于2020年获得“长春市技能大匠”称号，不再重复参评。",
    )
    assert counted <= 5  # nominations, overrides, registry, tree (two)


@pytest.mark.django_db
def test_screening_gives_what_each_nomination_stores(many):
    campaign, made = many(3)
    for nomination in made:
        nomination.refresh_from_db()

    screened = selectors.screen_nominations(campaign)

    for nomination in made:
        status = services.evaluate_eligibility(nomination, save=False)
        assert screened[nomination.pk][0] == status
        assert [r.as_dict() for r in screened[nomination.pk][1]] == nomination.eligibility


# --------------------------------------------------------------------------- one nominee


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("seed", "award", "clerk", "entries"),
    [
        ("002", "jiaozuo-gongjiang", "jz-jiefang-union", 0),  # 2 rules, no registry
        ("001", "jineng-dajiang", "cc-chaoyang-hrss", 40),  # 6 rules, 40 entries
    ],
    ids=["few", "many"],
)
def test_one_nominees_check_is_one_query_whatever_its_rules_and_registry(
    seed, award, clerk, entries, seed_campaign, make_user, nominate, django_assert_num_queries
):
    """Issue 12 "Speed": the check a clerk's save or the eligibility panel makes for one
    nomination reads its overrides and its registry rows in one query, whatever the number
    of rules (2 or 6) and of registry entries (none, or 40 of other people and series
    besides its own), with the campaign and award read along with the nomination."""
    campaign = seed_campaign(seed)
    nomination = nominate(
        campaign, award, make_user(clerk),
        id_number=make_id_number("220104", "19860101"), extra={"post_kind": "生产操作岗位"},
    )  # fmt: skip
    series = nomination.award.series
    for i in range(entries):
        PastAwardee.objects.create(
            series=series if i % 2 else "another-series", title="往届", name=f"他人{i}",
            id_index=blind_index(f"someone-else-{i}"), year=2019,
        )  # fmt: skip
    if entries:
        for other in ("another-series", series):
            PastAwardee.objects.create(
                series=other, title=f"{other}称号", name="本人",
                id_index=nomination.id_index, year=2020,
            )  # fmt: skip
    loaded = Nomination.objects.select_related("campaign", "award").get(pk=nomination.pk)

    with django_assert_num_queries(1):
        status = services.evaluate_eligibility(loaded, save=False)

    assert len(loaded.eligibility) == (2 if seed == "002" else 6)
    registry = next((r for r in loaded.eligibility if r["code"] == "not-previous-awardee"), {})
    if entries:
        assert status == "failed"
        assert registry["status"] == "failed"
        assert registry["reason"] == f"已于2020年获得“{series}称号”称号，不再重复参评。"
    else:
        assert registry == {}  # seed 002 has no such rule


@pytest.mark.django_db
def test_one_nominees_check_reads_its_overrides_with_its_registry(
    seed_campaign, make_user, nominate
):
    """The overrides and the registry read in one query: an overridden failed rule
    counts as passed, and the check agrees with the batch's (``screen_nominations``)."""
    from jiangxuan.accounts.enums import Role
    from jiangxuan.nominations.models import EligibilityOverride

    campaign = seed_campaign("001")
    nomination = nominate(
        campaign, "jineng-dajiang", make_user("cc-chaoyang-hrss"),
        id_number=make_id_number("220104", "19860101"), extra={"post_kind": "生产操作岗位"},
    )  # fmt: skip
    PastAwardee.objects.create(
        series=nomination.award.series, title="长春市技能大匠", name="本人",
        id_index=nomination.id_index, year=2020,
    )  # fmt: skip
    assert services.evaluate_eligibility(nomination) == "failed"
    failed = {r["code"] for r in nomination.eligibility if r["status"] == "failed"}
    office = make_user("cc-union", Role.CAMPAIGN_OFFICE, campaign=campaign)
    for code in failed:
        EligibilityOverride.objects.create(
            nomination=nomination, rule_code=code, reason="特批", decided_by=office
        )

    status = services.evaluate_eligibility(nomination, save=False)

    assert status != "failed"
    assert {r["code"] for r in nomination.eligibility if r["overridden"]} == failed
    screened = selectors.screen_nominations(campaign)[nomination.pk]
    assert screened[0] == status
    assert [r.as_dict() for r in screened[1]] == nomination.eligibility


def test_a_results_dict_is_what_dataclasses_asdict_gives():
    """``RuleResult.as_dict`` (written out for speed) stores what ``asdict`` did."""
    import dataclasses

    from jiangxuan.nominations.eligibility import RuleResult

    inner = RuleResult("a", "甲", "一", "failed", "不符合", alternative=True)
    outer = RuleResult("b", "乙", "二", "passed", "符合", overridden=True, items=[inner])

    assert outer.as_dict() == dataclasses.asdict(outer)
    assert list(outer.as_dict()) == list(dataclasses.asdict(outer))
