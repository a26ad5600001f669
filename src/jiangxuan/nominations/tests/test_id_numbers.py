"""A real ID number is never refused (issue 16, "What to build" 3): GB 11643's check digit,
birth date and province are checked; a county code retired or created since the birth year
is a warning the reviewer sees, not an error."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from jiangxuan.nominations.validators import id_area_warning, validate_id_number


def number(area: str, birth: str, seq: str = "123") -> str:
    body = f"{area}{birth}{seq}"
    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize(
    ("value", "warns"),
    [
        (number("110101", "19900307"), False),  # 北京市东城区, a code in use
        (number("110221", "19850101"), False),  # 昌平县, listed for 1982-1999
        (number("110221", "20050101"), True),  # 昌平县 after it became a district
        (number("469001", "19900101"), None),  # 海南 五指山市: listed or not, never refused
        (number("230199", "19700101"), True),  # a county code in no table
        # 长春市南关区 born in 1980: real cards carry 220102, python-stdnum's table starts the
        # code later, and the old validator refused the number.
        (number("220102", "19800101"), True),
    ],
)
def test_real_shapes_are_accepted_and_unknown_counties_warn(value, warns):
    assert validate_id_number(value) == value
    if warns is not None:
        assert bool(id_area_warning(value)) is warns
    if warns:
        assert value[:6] in id_area_warning(value)


def test_lower_case_x_and_spaces_are_accepted():
    value = "11010519491231002X"
    assert validate_id_number(" 110105 19491231 002x ") == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010119900307", "应为18位"),
        (number("110101", "19900307")[:-1] + "0", "校验位不正确"),
        (number("110101", "19900230"), "出生日期（第7至14位）无效"),
        (
            number("110101", (dt.date.today() + dt.timedelta(days=400)).strftime("%Y%m%d")),
            "晚于今天",
        ),
        (number("990101", "19900307"), "省级行政区划代码"),
        ("11010119900307123A", "17位数字加1位数字或X"),
    ],
)
def test_what_is_wrong_is_refused_with_what_to_fix(value, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(value)
    assert message in excinfo.value.messages[0]


@pytest.mark.django_db
def test_the_nomination_page_shows_the_area_warning(seed_campaign, make_user, nominate, client):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss")
    listed = nominate(campaign, "jineng-dajiang", clerk, id_number=number("220102", "19900101"))
    unlisted_number = number("220102", "19800101")
    unlisted = nominate(campaign, "jineng-dajiang", clerk, id_number=unlisted_number)
    client.force_login(clerk)

    listed_html = client.get(f"/nominations/{listed.pk}/").content.decode()
    unlisted_html = client.get(f"/nominations/{unlisted.pk}/").content.decode()

    assert 'id="id-area-warning"' not in listed_html
    assert 'id="id-area-warning"' in unlisted_html
    assert "220102" in unlisted_html
    assert unlisted_number not in unlisted_html  # the number itself stays masked
