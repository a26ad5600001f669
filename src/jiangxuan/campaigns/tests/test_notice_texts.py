"""The office edits its notices' texts through a form instead of YAML (issue 15.4): only
the texts change in the specification, kept as a version with the reason; a placeholder a
text cannot use is refused in Chinese, naming it."""

import difflib

import pytest

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.models import Campaign, SpecVersion
from jiangxuan.campaigns.services import SpecChangeError, edit_notice_texts
from jiangxuan.campaigns.spec import DECISION_KEYS, parse_spec, set_text_scalar
from jiangxuan.campaigns.texts import notice_texts
from jiangxuan.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def changchun(seed_campaign):
    return seed_campaign("001")


@pytest.fixture
def office(role_user):
    return role_user("cc-hrss", Role.CAMPAIGN_OFFICE)


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]


def test_notice_texts_of_seed_001_list_each_notice_and_the_decision(changchun):
    items = {item.key: item for item in notice_texts(changchun.specification)}

    assert items["review_chain.steps[1].notice.name"].value == "市级公示"
    assert items["review_chain.steps[1].notice.name"].group == "公示：市级公示"
    assert items["decision.body[1]"].value == "{list}"
    assert set(items["decision.body[0]"].placeholders) == DECISION_KEYS
    assert set(items["certificate.text"].placeholders) == {"name", "award", "campaign"}
    assert items["review_chain.levels[0].notice.where"].placeholders == {}


def test_office_edits_a_paragraph_and_only_that_line_changes(changchun, office):
    before = changchun.spec_yaml
    new = "经单位推荐、专家评审和社会公示，决定授予{first_name}等{count}名同志“{awards}”称号。"

    edit_notice_texts(
        changchun,
        texts={"decision.body[0]": new},
        reason="市人社局审定意见：正文精简",
        actor=office,
    )

    changchun = Campaign.objects.get(pk=changchun.pk)
    assert changchun.specification.decision.body[0] == new
    assert _changed_lines(before, changchun.spec_yaml) == [
        "-    - 为深入实施人才强市战略，大力弘扬劳模精神、劳动精神、工匠精神，经单位推荐、专家评审"
        "和社会公示，决定授予{first_name}等{count}名同志“{awards}”称号。",
        f"+    - {new}",
    ]
    version = SpecVersion.objects.filter(campaign=changchun).order_by("-number").first()
    assert (version.reason, version.actor) == ("市人社局审定意见：正文精简", office)
    entry = AuditEntry.objects.filter(action="campaign.update_spec").last()
    assert entry.after["reason"] == "市人社局审定意见：正文精简"


def test_a_text_left_to_its_default_is_added_to_the_specification(changchun, office):
    text = "{name}同志：\n被授予“{award}”称号，特发此证。"

    edit_notice_texts(
        changchun,
        texts={"certificate.text": text, "review_chain.steps[1].notice.where": "长春日报"},
        reason="证书文字",
        actor=office,
    )

    spec = Campaign.objects.get(pk=changchun.pk).specification
    assert spec.certificate.text == text
    assert spec.review_chain.steps[1].notice.where == "长春日报"
    # The prefix, the award prefixes and the rest of the certificate stay as they were.
    assert spec.certificate.prefix == "长技能大奖"


def test_an_unknown_placeholder_is_refused_naming_it(changchun, office):
    before = changchun.spec_yaml

    with pytest.raises(SpecChangeError) as refused:
        edit_notice_texts(
            changchun,
            texts={"decision.body[0]": "决定授予{frist_name}等{count}名同志称号。"},
            reason="试",
            actor=office,
        )

    assert refused.value.field == "decision.body[0]"
    assert "不认识的占位 {frist_name}" in refused.value.message
    assert "{first_name}" in refused.value.message
    changchun.refresh_from_db()
    assert changchun.spec_yaml == before


@pytest.mark.parametrize(
    ("texts", "reason", "field"),
    [
        ({"decision.cc": "x"}, " ", "reason"),
        ({"decision.nope": "x"}, "试", "texts"),
        ({"certificate.text": "  "}, "试", "certificate.text"),
        ({"certificate.text": "{name 同志"}, "试", "certificate.text"),
        ({"decision.cc": "长春市总工会"}, "试", None),
    ],
)
def test_refusals_say_which_input(changchun, office, texts, reason, field):
    with pytest.raises(SpecChangeError) as refused:
        edit_notice_texts(changchun, texts=texts, reason=reason, actor=office)

    assert refused.value.field == field
    assert SpecVersion.objects.filter(campaign=changchun).count() == 1


def test_set_text_scalar_quotes_only_what_yaml_would_misread():
    text = "code: x\nlist: [a, b]\nm: {name: 甲, days: 5}\n# 注释\nd:\n  t: 旧 # 保留\n"

    assert set_text_scalar(text, ("d", "t"), "新") == text.replace("旧 #", "新 #")
    assert set_text_scalar(text, ("d", "t"), "a: b") == text.replace("旧 #", '"a: b" #')
    assert set_text_scalar(text, ("m", "where"), "报社") == text.replace(
        "甲, days", "甲, where: 报社, days"
    )
    assert set_text_scalar(text, ("d", "u"), "") == text.replace(
        "旧 # 保留\n", '旧 # 保留\n  u: ""\n'
    )
    with pytest.raises(KeyError):
        set_text_scalar(text, ("list", 5), "c")


def test_every_seed_keeps_its_texts_after_a_round_trip(all_seed_campaigns):
    """Setting each text to what it is leaves every seed's text unchanged."""
    for campaign in all_seed_campaigns.values():
        text = campaign.spec_yaml
        for item in notice_texts(campaign.specification):
            if item.path[:2] == ("decision", "body") and "body:" not in text:
                continue
            text = set_text_scalar(text, item.path, item.value)
        assert parse_spec(text) == campaign.specification
