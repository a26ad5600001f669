"""A specification cannot be wrong silently (issue 12.5): cross-checks, impossible dates,
encodings and unknown values give one Chinese line per problem with file, line and field."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.campaigns.spec import SAVE_AS_UTF8, SpecError, load_spec_file, parse_spec
from jiangxuan.conftest import seed_spec_path

SOURCE = "specs/x.yaml"


def _text(number: str) -> str:
    return seed_spec_path(number).read_text(encoding="utf-8")


def _line(text: str, needle: str) -> int:
    """1-based line of the first line of ``text`` containing ``needle``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _located(text: str) -> list[str]:
    with pytest.raises(SpecError) as excinfo:
        parse_spec(text, SOURCE)
    return excinfo.value.located()


def test_unit_quota_larger_than_the_award_count_is_refused():
    text = _text("001").replace(
        "{category: county-hrss, award: jineng-dajiang, max: 3,",
        "{category: county-hrss, award: jineng-dajiang, max: 11,",
    )
    line = _line(text, "max: 11")
    assert _located(text) == [
        f"{SOURCE}: 第 {line} 行 quotas[0].max："
        "每个单位的名额 11 大于奖项“长春技能大奖”（jineng-dajiang）的表彰名额 10"
    ]


def test_quota_over_all_awards_is_checked_against_the_sum_of_counts():
    text = _text("000").replace(
        "{category: areas, min: 5, max: 10, source: 四}",
        "{category: areas, min: 31, max: 40, source: 四}",
    )
    assert [m.split(" ", 4)[4] for m in _located(text)] == [
        "quotas[0].min：每个单位的名额 31 大于各奖项表彰名额之和 30",
        "quotas[0].max：每个单位的名额 40 大于各奖项表彰名额之和 30",
    ]


def test_phases_out_of_order_are_refused():
    text = _text("004").replace(
        "{code: review, name: 评审考察阶段, starts_on: 2021-09-11,",
        "{code: review, name: 评审考察阶段, starts_on: 2021-08-11,",
    )
    line = _line(text, "code: review, name: 评审考察阶段")
    assert _located(text) == [
        f"{SOURCE}: 第 {line} 行 timeline.phases[2].starts_on：阶段“评审考察阶段”排在阶段"
        "“申报推荐阶段”（timeline.phases[1]）之后，日期 2021-08-11 却早于其 2021-08-16；"
        "请按时间顺序排列"
    ]


def test_phase_ending_before_it_starts_is_refused():
    text = _text("004").replace(
        "starts_on: 2021-08-01, ends_on: 2021-08-15", "starts_on: 2021-08-01, ends_on: 2021-07-15"
    )
    (message,) = _located(text)
    assert (
        "timeline.phases[0].ends_on："
        "阶段“动员部署阶段”的结束日期 2021-07-15 早于开始日期 2021-08-01" in message
    )


def test_duplicate_rule_codes_are_refused_with_both_places():
    text = _text("000").replace("- code: leadership-honour", "- code: skill-honour")
    rows = text.splitlines()
    line = [i for i, row in enumerate(rows, 1) if "- code: skill-honour" in row][1]
    assert _located(text) == [
        f"{SOURCE}: 第 {line} 行 awards[0].eligibility[4].code：规则代码 skill-honour 重复"
        "（已用于 awards[0].eligibility[3]）"
    ]


def test_impossible_date_names_file_line_and_field():
    text = _text("000").replace("date: 2021-11-25", "date: 2019-02-30")
    line = _line(text, "date: 2019-02-30")
    assert _located(text) == [
        f"{SOURCE}: 第 {line} 行 source.date：日期 2019-02-30 不存在（请核对年、月、日）"
    ]


def test_impossible_datetime_names_its_field():
    text = _text("000").replace("closes_at: 2021-12-03 16:00:00", "closes_at: 2021-02-30 16:00:00")
    (message,) = _located(text)
    assert "timeline.internal_deadlines[0].closes_at：日期 2021-02-30 16:00:00 不存在" in message


def test_unknown_rule_kind_lists_the_allowed_values():
    text = _text("001").replace("rule: min_skill_level", "rule: min_skil_level", 1)
    (message,) = _located(text)
    assert f"第 {_line(text, 'code: senior-technician')} 行" in message
    assert "rule 取值 min_skil_level 不在允许范围内，可选：min_skill_level、" in message
    assert "、any_of、all_of" in message


def test_gb18030_file_is_read(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes(_text("002").encode("gb18030"))
    assert load_spec_file(path).title == parse_spec(_text("002")).title


def test_file_in_neither_encoding_says_how_to_save_as_utf8(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"code: x\ntitle: \xff\xff\n")
    with pytest.raises(SpecError) as excinfo:
        load_spec_file(path)
    assert excinfo.value.located() == [f"{path}: 第 2 行 {SAVE_AS_UTF8}"]


def _check(*args) -> tuple[int | str | None, str, str]:
    out, err = StringIO(), StringIO()
    code: int | str | None = 0
    try:
        call_command("checkcampaign", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_checkcampaign_reads_gbk_and_goes_on_after_a_bad_file(tmp_path):
    gbk, bad = tmp_path / "gbk.yaml", tmp_path / "bad.yaml"
    gbk.write_bytes(_text("002").encode("gbk"))
    bad.write_bytes(b"code: \xff\n")
    good = str(seed_spec_path("004"))
    code, out, err = _check(str(gbk), str(bad), good)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"检查通过 {gbk}：")
    assert "GB 18030" in lines[0]
    assert lines[1].startswith(f"检查通过 {good}：")
    assert err.splitlines() == [f"{bad}: 第 1 行 {SAVE_AS_UTF8}"]


def test_checkcampaign_reports_impossible_date_without_traceback(tmp_path):
    path = tmp_path / "x.yaml"
    text = _text("003").replace("date: 2023-", "date: 2019-02-30\n  # ", 1)
    path.write_text(text, encoding="utf-8")
    code, _out, err = _check(str(path))
    assert code == 1
    assert err.splitlines() == [
        f"{path}: 第 {_line(text, '2019-02-30')} 行 source.date："
        "日期 2019-02-30 不存在（请核对年、月、日）"
    ]


def _unknown_within(tmp_path):
    path = tmp_path / "x.yaml"
    text = _text("000").replace("within: [jilin]", "within: [jilln]")
    path.write_text(text, encoding="utf-8")
    return path, _line(text, "within: [jilln]")


def test_checkcampaign_without_db_does_not_read_the_org_tree(tmp_path):
    path, _line_no = _unknown_within(tmp_path)
    assert _check(str(path))[0] == 0


@pytest.mark.django_db
def test_checkcampaign_db_and_loadcampaign_agree_on_unknown_within_code(orgs, tmp_path):
    path, line = _unknown_within(tmp_path)
    expected = (
        f"{path}: 第 {line} 行 unit_categories[0].match.within：组织树中没有代码为 jilln 的单位"
    )
    code, _out, err = _check("--db", str(path))
    assert (code, err.splitlines()) == (1, [expected])
    with pytest.raises(CommandError) as excinfo:
        call_command("loadcampaign", str(path), stdout=StringIO())
    assert str(excinfo.value).splitlines()[0] == expected


@pytest.mark.django_db
def test_loadcampaign_loads_nothing_when_one_file_is_wrong(orgs, tmp_path):
    path, _line_no = _unknown_within(tmp_path)
    with pytest.raises(CommandError) as excinfo:
        call_command("loadcampaign", str(seed_spec_path("001")), str(path), stdout=StringIO())
    assert str(excinfo.value).splitlines()[-1] == "有错误，未导入任何文件。"
    assert not Campaign.objects.exists()


@pytest.mark.django_db
def test_load_campaign_refuses_unknown_within_code(orgs):
    text = _text("000").replace("within: [jilin]", "within: [jilln]")
    with pytest.raises(SpecError) as excinfo:
        load_campaign(text, source="x.yaml")
    assert excinfo.value.messages == [
        "unit_categories[0].match.within：组织树中没有代码为 jilln 的单位"
    ]
    assert not Campaign.objects.exists()


def test_level_deadlines_name_a_forwarding_level_and_known_categories():
    block = (
        "  level_deadlines:\n"
        "    - {level: county, closes_at: 2022-11-15 17:00:00}\n"
        "    - {level: city, closes_at: 2022-11-20 17:00:00}\n"
        "    - {level: nominating-unit, categories: [streets], closes_at: 2022-11-15 17:00:00}\n"
    )
    text = _text("001").replace("timeline:\n", "timeline:\n" + block, 1)
    assert [m.split(" ", 4)[4] for m in _located(text)] == [
        "timeline.level_deadlines[0].level：没有审核层级 county"
        "（可选：workplace、nominating-unit、city）",
        "timeline.level_deadlines[1].level：city 是最后一级，其报送即审定，不能设报送截止时间",
        "timeline.level_deadlines[2].categories：没有推荐单位类别 streets"
        "（可选：city-departments、county-hrss、schools、soes）",
    ]
