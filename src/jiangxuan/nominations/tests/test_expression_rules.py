"""Eligibility rules written as expressions (issue 12.1): checked with the specification,
evaluated on the nominee's form, derived facts, unit, honours and the laureate registry.

Each test adds fields and ``expr`` rules to seed 000's text, the way an organizer edits a
specification, and evaluates them through ``evaluate_rules``, the engine the eligibility
panel and the submission checks call.
"""

import pytest

from jiangxuan.campaigns.models import PastAwardee
from jiangxuan.campaigns.spec import SpecError, parse_spec
from jiangxuan.conftest import seed_spec_path
from jiangxuan.core.crypto import blind_index
from jiangxuan.nominations.eligibility import evaluate_rules
from jiangxuan.nominations.tests.conftest import make_id_number

SOURCE = "specs/x.yaml"
FIELDS_AFTER = "        - {key: id_number, label: 身份证号码, required: true}\n"
RULES_AFTER = "        rule: not_previous_awardee\n"
#: The example the specification guide shows (docs/user/campaign-spec.md 规则表达式).
GUIDE_EXAMPLE = (
    "age_on(date('2023-02-16')) < retirement_age(sex, post_kind) && "
    "!(form.post_category in ['财务','行政','管理','营销','人力资源'])"
)
EXTRA_FIELDS = """\
        - key: post_category
          label: 所在部门类别
          type: choice
          choices: [生产, 研发, 财务, 行政, 管理, 营销, 人力资源]
        - key: referees
          label: 推荐专家
          type: table
          columns: [{key: name, label: 姓名}, {key: title, label: 职称}]
"""


def _spec_text(rules: dict[str, str]) -> str:
    text = seed_spec_path("000").read_text(encoding="utf-8")
    text = text.replace(FIELDS_AFTER, FIELDS_AFTER + EXTRA_FIELDS, 1)
    added = "".join(
        f"      - code: {code}\n        label: {code}\n        source: 一\n        rule: expr\n"
        f'        expr: "{expr}"\n        message: 不符合{code}\n'
        for code, expr in rules.items()
    )
    return text.replace(RULES_AFTER, RULES_AFTER + added, 1)


def _verdicts(spec_rules: dict[str, str], nomination) -> dict[str, str]:
    spec = parse_spec(_spec_text(spec_rules), SOURCE)
    _status, results = evaluate_rules(nomination, spec, spec.award("jilin-gongjiang"))
    return {r.code: r.status for r in results if r.code in spec_rules}


@pytest.fixture
def draft(seed_campaign, make_user, nominate):
    """A seed-000 draft of a man born 1985 whose campaign fields the test sets."""

    def make(**extra):
        campaign = seed_campaign("000")
        return nominate(campaign, "jilin-gongjiang", make_user("cc-union"), extra=extra)

    return make


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "id_number", "expected"),
    [
        ({"post_kind": "生产操作岗位", "post_category": "生产"}, None, "passed"),
        ({"post_kind": "生产操作岗位", "post_category": "财务"}, None, "failed"),
        # A woman of 53 on 2023-02-16: past the age of women workers, not of managers.
        (
            {"post_kind": "生产操作岗位", "post_category": "生产"},
            make_id_number("110101", "19700101", male=False),
            "failed",
        ),
        (
            {"post_kind": "技术研发岗位", "post_category": "研发"},
            make_id_number("110101", "19700101", male=False),
            "passed",
        ),
        ({"post_kind": "生产操作岗位"}, None, "needs_evidence"),
    ],
)
def test_guide_example_reads_age_sex_post_kind_and_a_choice(draft, extra, id_number, expected):
    nomination = draft(**extra)
    if id_number:
        nomination.id_number = id_number

    assert _verdicts({"example": GUIDE_EXAMPLE}, nomination) == {"example": expected}


@pytest.mark.django_db
def test_context_has_tables_honours_channel_unit_and_registry(draft):
    rules = {
        "two-referees": "size(form.referees) >= 2",
        "provincial-honour": (
            "honours.exists(h, h.level_rank >= level_rank_of('provincial') && h.year >= 2015)"
        ),
        "unit-channel": "channel_kind == 'unit' && unit.category != '' && size(unit.ancestors) > 0",
        "new-laureate": "!past_awards.exists(p, p.series == 'jilin-gongjiang')",
    }
    one_referee = draft(referees=[{"name": "李工", "title": "正高级工程师"}])
    one_referee.honours = [{"code": "jilin_jishu_nengshou", "name": "吉林省技术能手", "year": 2019}]
    two_referees = draft(referees=[{"name": "李工"}, {"name": "赵工"}])
    two_referees.honours = [
        {"code": "jilin_jishu_nengshou", "name": "吉林省技术能手", "year": 2012}
    ]
    PastAwardee.objects.create(
        series="jilin-gongjiang",
        title="吉林工匠",
        name="王建国",
        id_index=blind_index(two_referees.id_number),
        year=2019,
    )

    assert _verdicts(rules, one_referee) == {
        "two-referees": "failed",
        "provincial-honour": "passed",
        "unit-channel": "passed",
        "new-laureate": "passed",
    }
    assert _verdicts(rules, two_referees) == {
        "two-referees": "passed",
        "provincial-honour": "failed",
        "unit-channel": "passed",
        "new-laureate": "failed",
    }


@pytest.mark.django_db
def test_missing_fact_needs_evidence_naming_the_field(draft):
    spec = parse_spec(_spec_text({"category": GUIDE_EXAMPLE}), SOURCE)
    nomination = draft(post_kind="生产操作岗位")

    _status, results = evaluate_rules(nomination, spec, spec.award("jilin-gongjiang"))

    (result,) = [r for r in results if r.code == "category"]
    assert (result.status, result.reason) == ("needs_evidence", "未填写“所在部门类别”，无法判断。")


def _located(rules: dict[str, str]) -> list[str]:
    with pytest.raises(SpecError) as excinfo:
        parse_spec(_spec_text(rules), SOURCE)
    return excinfo.value.located()


def test_unknown_field_is_refused_with_file_line_and_a_suggestion():
    text = _spec_text({"typo": "form.post_categry == '财务'"})
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "post_categry" in row)

    assert _located({"typo": "form.post_categry == '财务'"}) == [
        f"{SOURCE}: 第 {line} 行 awards[0].eligibility[2].expr：规则 typo 的表达式第 1 行第 5 列："
        "表单中没有字段 post_categry；是否想写 form.post_category、form.post、form.post_kind？"
    ]


@pytest.mark.parametrize(
    ("expr", "problem"),
    [
        (
            "form.referees > 2",
            "第 1 行第 15 列：> 不能用于这些类型的值：list(map(string, dyn)), int",
        ),
        ("age_on(date('2019-02-30')) < 60", "第 1 行：date('2019-02-30') 中的日期不存在"),
        ("skill_rank >= skill_rank_of('大师')", "第 1 行：skill_rank_of('大师') 中的等级不存在"),
        ("size(form.referees)", "的结果应为真或假（bool），现为 int"),
        ("rank > 1", "第 1 行第 1 列：未定义的名称 rank（可用的名称见填写指南“规则表达式”一节）"),
    ],
)
def test_bad_expressions_are_refused_when_the_spec_is_checked(expr, problem):
    (message,) = _located({"bad": expr})

    assert message.endswith(f"awards[0].eligibility[2].expr：规则 bad 的表达式{problem}")


def test_post_kind_offers_only_the_known_post_kinds():
    text = _spec_text({}).replace(
        "choices: [生产操作岗位, 技术研发岗位, 管理岗位]", "choices: [一线]"
    )

    with pytest.raises(SpecError) as excinfo:
        parse_spec(text, SOURCE)

    assert excinfo.value.messages[0].endswith(
        "岗位类别（post_kind）须为 choice，选项只能是 生产操作岗位、技术研发岗位、管理岗位"
        "（不认识：一线）"
    )
