"""The nomination form built from a campaign specification."""

import pytest

from jiangxuan.nominations.forms import NominationForm

from .conftest import make_id_number

pytestmark = pytest.mark.django_db


def form_for(campaign, award_code, data):
    form = NominationForm(campaign, campaign.awards.get(code=award_code), data)
    form.is_valid()
    return form


def test_invalid_fields_are_reported_and_valid_ones_kept(seed_campaign):
    campaign = seed_campaign("001")
    form = form_for(
        campaign,
        "jishu-nengshou",
        {"name": "李秀英", "id_number": "220104198503151234", "phone": "1391234567"},
    )

    core, _extra = form.nomination_values()

    assert "校验位" in form.errors["id_number"][0]
    assert "11位" in form.errors["phone"][0]
    assert core["name"] == "李秀英"
    assert "id_number" not in core


def test_id_number_is_normalised(seed_campaign):
    campaign = seed_campaign("001")
    number = make_id_number(birth="19850612", male=False)
    core, _ = form_for(
        campaign, "jishu-nengshou", {"id_number": f" {number.lower()} "}
    ).nomination_values()
    assert core["id_number"] == number


def test_character_limit_counts_chinese_characters(seed_campaign):
    """seed 000 附件2: 事迹简介（300字）."""
    campaign = seed_campaign("000")
    key = next(f.key for f in campaign.specification.form.all_fields() if f.max_chars == 300)
    form = form_for(campaign, "jilin-gongjiang", {key: "精" * 301})
    assert "当前301字，请删减1字" in form.errors[key][0]
    assert form_for(campaign, "jilin-gongjiang", {key: "精" * 300 + "\n  "}).errors == {}


def test_structured_rows_are_collected(seed_campaign):
    campaign = seed_campaign("004")
    data = {
        "contests__0__name": "黑龙江省焊工技能大赛",
        "contests__0__level": "provincial_class1",
        "contests__0__rank": "2",
        "contests__1__name": "",
    }
    core, _ = form_for(campaign, "harbin-dagongjiang", data).nomination_values()
    assert core["contests"] == [
        {
            "name": "黑龙江省焊工技能大赛",
            "level": "provincial_class1",
            "rank": 2,
            "medal": "",
            "year": None,
        }
    ]


def test_judged_conditions_can_be_claimed_where_the_form_has_no_row(seed_campaign):
    """seed 000 三2/三5 are judged: the nominee claims them on the platform's own section."""
    campaign = seed_campaign("000")
    form = form_for(campaign, "jilin-gongjiang", {"claimed_conditions": ["patents-innovation"]})

    sections = [title for title, _items in form.layout()]
    core, _ = form.nomination_values()

    assert sections[-1] == "申报依据"
    assert core["claimed_conditions"] == ["patents-innovation"]


def test_evidence_names_give_every_kind_a_chinese_name(seed_campaign):
    """Issue 15.9: the photo and video kinds by their form labels, the checklist by name,
    ``other`` as 其他佐证材料; seed 003's two photo fields are both named."""
    from jiangxuan.nominations.selectors import evidence_names

    names = evidence_names(seed_campaign("003").specification)

    assert names["photo"] == "工作照、证件照"
    assert names["video"] == "5分钟左右的事迹介绍视频"
    assert names["other"] == "其他佐证材料"
    assert all(not code.isascii() for code in names.values())
