"""Specification errors name the file and the field's path and say in Chinese what is wrong."""

import copy
import functools
import re

import pytest
import yaml

from jiangxuan.campaigns.spec import SpecError, load_spec_file, parse_spec
from jiangxuan.conftest import SEED_NUMBERS, seed_spec_path

SOURCE = "specs/broken.yaml"


@functools.cache
def _base() -> dict:
    return yaml.safe_load(seed_spec_path("003").read_text(encoding="utf-8"))


def _errors(mutate) -> list[str]:
    data = copy.deepcopy(_base())
    mutate(data)
    with pytest.raises(SpecError) as excinfo:
        parse_spec(yaml.safe_dump(data, allow_unicode=True), SOURCE)
    assert excinfo.value.source == SOURCE
    assert all(line.startswith(f"{SOURCE}: ") for line in str(excinfo.value).splitlines())
    return excinfo.value.messages


@pytest.mark.parametrize("number", SEED_NUMBERS)
def test_seed_spec_files_validate(number):
    spec = load_spec_file(seed_spec_path(number))
    assert spec.code.endswith(("-2018", "-2021", "-2022", "-2023"))
    assert str(spec.year) in spec.code


def test_spec_unknown_key_is_named():
    assert _errors(lambda d: d["awards"][0].update(colour="red")) == [
        "awards[0].colour：不认识的字段（拼写错误？）"
    ]


def test_spec_missing_field_is_named():
    assert _errors(lambda d: d.pop("title")) == ["title：缺少必填项"]


def test_spec_missing_nested_field_is_named():
    assert _errors(lambda d: d["review_chain"]["levels"][1].pop("signers")) == [
        "review_chain.levels[1].signers：缺少必填项"
    ]


def test_spec_bad_date_is_named():
    assert _errors(lambda d: d["source"].update(date="2023-13-45")) == [
        "source.date：日期 2023-13-45 不存在（请核对年、月、日）"
    ]


def test_spec_bad_datetime_is_named():
    assert _errors(lambda d: d["timeline"]["submission"].update(closes_at="6月29日")) == [
        "timeline.submission.closes_at：应为日期时间（YYYY-MM-DD HH:MM）"
    ]


def test_spec_bad_rule_type_is_named():
    assert _errors(lambda d: d["awards"][0]["eligibility"][0].update(rule="magic")) == [
        "awards[0].eligibility[0]：rule 取值 magic 不在允许范围内，可选：min_skill_level、"
        "min_professional_title、honours_any_of、honour_min_level、contest_rank、not_retired、"
        "not_unit_leader、not_previous_awardee、not_previous_winner、native_or_years_in_region、"
        "judged、expr、any_of、all_of"
    ]


def test_spec_document_format_without_a_renderer_is_refused():
    messages = _errors(lambda d: d["documents"][0].update(formats=["docx", "odt"]))
    assert messages == ["documents[0].formats[1]：取值不在允许范围内，可选：docx、pdf、xlsx、ofd"]


def test_spec_ofd_only_where_it_is_drawn():
    # The nomination form's OFD is drawn from its PDF; a summary sheet has no PDF to draw from.
    def offer_ofd(spec: dict) -> None:
        for document in spec["documents"]:
            document["formats"] = [*document["formats"], "ofd"]

    messages = _errors(offer_ofd)
    assert messages == [
        "documents[1]：只有推荐表和带版式（layout）的表格类文书提供 ofd 格式",
    ]


def test_spec_undefined_honour_reference_names_its_path():
    nested = {
        "code": "extra",
        "label": "任一",
        "source": "一",
        "rule": "any_of",
        "items": [
            {
                "code": "inner",
                "label": "荣誉",
                "source": "一",
                "rule": "honours_any_of",
                "honours": [{"code": "no_such_honour"}],
            }
        ],
    }
    assert _errors(lambda d: d["awards"][0]["eligibility"].append(nested)) == [
        "awards[0].eligibility[4].items[0].honours[0].code："
        "奖项 weihai-gongjiang 的规则引用了未定义的荣誉 no_such_honour"
    ]


def test_spec_quota_min_above_max_is_refused():
    quota = {"category": "districts", "min": 3, "max": 1}
    assert _errors(lambda d: d["quotas"].append(quota)) == ["quotas[0]：min 不得大于 max"]


def test_spec_quota_with_unknown_category_is_refused():
    assert _errors(lambda d: d["quotas"].append({"category": "nowhere"})) == [
        "quotas[0].category：名额引用了未定义的推荐单位类别 nowhere"
    ]


def test_spec_reports_every_problem_at_once():
    def mutate(data):
        data["awards"][0].update(colour="red")
        data.pop("scope")

    assert sorted(_errors(mutate)) == sorted(
        ["awards[0].colour：不认识的字段（拼写错误？）", "scope：缺少必填项"]
    )


def test_spec_window_must_open_before_it_closes():
    def mutate(data):
        data["timeline"]["submission"]["opens_at"] = data["timeline"]["submission"]["closes_at"]

    assert _errors(mutate) == ["timeline.submission：opens_at 须早于 closes_at"]


def test_spec_yaml_syntax_error_gives_line_and_column():
    with pytest.raises(SpecError) as excinfo:
        parse_spec("code: x\ntitle: [未闭合\n", SOURCE)
    (message,) = excinfo.value.messages
    assert message.startswith("YAML 语法错误 第 3 行第 1 列")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("code: x\ntitle: 名称: 第二届\n", "冒号后是否有空格"),
        ("code: x\ntitle:\n\tname: y\n", "Tab"),
        ("code: x\ntitle:\n  a: 1\n b: 2\n", "缩进没有对齐"),
        ('code: x\ntitle: "未闭合\n', "没有闭合"),
        ("code: x\nawards:\n  - a\n  b: 1\n", "以“-”开头"),
        ("code: x\ntitle: !!python/name:os.system\n", "不符合 YAML 的写法"),
    ],
)
def test_spec_yaml_syntax_error_says_what_to_fix_in_chinese(text, says):
    with pytest.raises(SpecError) as excinfo:
        parse_spec(text, SOURCE)
    (message,) = excinfo.value.messages
    assert says in message
    # No English from the YAML library reaches the page (only the name "YAML" itself).
    assert not re.search(r"[A-Za-z]{2,}", message.replace("YAML", "").replace("Tab", ""))


def test_spec_file_that_cannot_be_read(tmp_path):
    missing = tmp_path / "none.yaml"
    with pytest.raises(SpecError) as excinfo:
        load_spec_file(missing)
    assert excinfo.value.source == str(missing)
    assert excinfo.value.messages[0].startswith("无法读取文件")


def test_spec_core_field_type_cannot_change():
    def mutate(data):
        data["form"]["sections"][0]["fields"][0]["type"] = "integer"

    assert _errors(mutate) == ["form.sections[0].fields[0]：核心字段 name 的类型固定为 text"]


def _expert_step(data: dict) -> dict:
    return next(s for s in data["review_chain"]["steps"] if s["kind"] == "expert_review")


def test_blend_old_source_key_still_loads_with_a_deprecation_warning(caplog):
    """Issue 11.4: a blend entry's ``source`` is now ``component``; the old key is read
    for one release and logged as deprecated."""
    data = copy.deepcopy(_base())
    blend = _expert_step(data)["blend"]
    assert blend, "seed 003 blends the score with the public vote"
    for entry in blend:
        entry["source"] = entry.pop("component")
    spec = parse_spec(yaml.safe_dump(data, allow_unicode=True), SOURCE)
    expert_step = next(s for s in spec.review_chain.steps if s.kind == "expert_review")
    assert expert_step.blend_weights() == {"score": 0.8, "public_vote": 0.2}
    assert "blend: the key `source` is deprecated; write `component: score`" in caplog.text


def test_blend_component_must_be_known():
    def mutate(d: dict) -> None:
        _expert_step(d)["blend"][0]["component"] = "likes"

    messages = _errors(mutate)
    assert len(messages) == 1
    assert "blend[0].component" in messages[0]
