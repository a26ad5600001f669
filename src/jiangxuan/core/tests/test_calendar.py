"""Working days by the State Council schedule, and the `workdays` command."""

import datetime as dt

import holidays
import pytest
from django.core.management import CommandError, call_command

from jiangxuan.core.calendar import (
    UnknownHolidayYear,
    add_calendar_days,
    add_working_days,
    is_workday,
    unknown_years,
)
from jiangxuan.core.models import HolidayYear, WorkdayOverride

pytestmark = pytest.mark.django_db
D = dt.date


def test_notice_started_2021_09_30_ends_2021_10_12():
    """09-30, 10-08, 10-09 (make-up Saturday), 10-11, 10-12."""
    assert add_working_days(D(2021, 9, 30), 5) == D(2021, 10, 12)


def test_notice_started_2026_09_30_ends_2026_10_12():
    """2026: 10-01..07 off, 10-10 (Saturday) a make-up workday: 09-30, 10-08, 10-09, 10-10,
    10-12."""
    assert add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 12)


def test_start_on_a_holiday_does_not_count():
    assert add_working_days(D(2021, 10, 1), 1) == D(2021, 10, 8)


def test_calendar_days_count_the_start():
    """seed 003 二(二)6: 公示时间5天."""
    assert add_calendar_days(D(2023, 7, 10), 5) == D(2023, 7, 14)


def test_unknown_year_raises_a_clear_error():
    with pytest.raises(UnknownHolidayYear) as excinfo:
        is_workday(D(2027, 1, 4))
    assert "2027" in excinfo.value.message
    assert "工作日调整" in excinfo.value.message


def test_admin_entered_year_is_used():
    HolidayYear.objects.create(year=2027, source="国办发明电〔2026〕示例")
    WorkdayOverride.objects.create(day=D(2027, 1, 1), is_workday=False, note="元旦")
    WorkdayOverride.objects.create(day=D(2027, 2, 6), is_workday=True, note="春节调休（周六）")

    assert (is_workday(D(2027, 1, 1)), is_workday(D(2027, 1, 4))) == (False, True)
    assert is_workday(D(2027, 2, 6)) is True
    assert add_working_days(D(2026, 12, 31), 2) == D(2027, 1, 4)


def test_override_corrects_a_known_year():
    WorkdayOverride.objects.create(day=D(2025, 3, 3), is_workday=False, note="更正")
    assert is_workday(D(2025, 3, 3)) is False


def test_agrees_with_holidays_package_for_2021_to_2026():
    """Cross-check with the independent ``holidays`` package."""
    cn = holidays.China(years=range(2021, 2027))
    day = D(2021, 1, 1)
    disagreements = []
    while day <= D(2026, 12, 31):
        if is_workday(day) != cn.is_working_day(day):
            disagreements.append(day)
        day += dt.timedelta(days=1)
    assert disagreements == []


def test_workdays_command_prints_the_iso_date(capsys):
    call_command("workdays", "2021-09-30", "5")
    assert capsys.readouterr().out.strip() == "2021-10-12"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2027-01-04", "5"], "2027"),
        (["2021-13-01", "5"], "YYYY-MM-DD"),
        (["2021-09-30", "0"], "至少"),
    ],
)
def test_workdays_command_errors(args, message):
    with pytest.raises(CommandError) as excinfo:
        call_command("workdays", *args)
    assert message in str(excinfo.value)


def test_unknown_years_are_this_years_and_from_november_the_next_ones_nobody_holds():
    # chinesecalendar knows 2026; 2099 and 2100 are known to no release.
    assert unknown_years(dt.date(2026, 6, 1)) == []
    assert unknown_years(dt.date(2099, 10, 31)) == [2099]
    assert unknown_years(dt.date(2099, 11, 1)) == [2099, 2100]
    HolidayYear.objects.create(year=2100, source="国办发明电〔2099〕1号")
    assert unknown_years(dt.date(2099, 11, 1)) == [2099]
