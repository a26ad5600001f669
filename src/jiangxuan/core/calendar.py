"""Working days by the State Council's holiday schedule, make-up workdays (调休) included.

The ``chinesecalendar`` package holds the official schedule for the years it knows and
raises for others; the admin-editable tables ``HolidayYear`` and ``WorkdayOverride`` cover
years it does not know yet (the schedule is usually published in November) and correct
single days. A date in a year known to neither is an error that tells the admin what to
enter: never a silent Monday-to-Friday guess (docs/admin/install.md, Holidays).
"""

import datetime as dt

import chinese_calendar
from django.utils.translation import gettext as _

from .errors import DomainError
from .models import HolidayYear, WorkdayOverride


class UnknownHolidayYear(DomainError):
    """The holiday schedule of ``year`` is unknown; ``message`` says what to enter."""

    code = "calendar"

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "系统尚未收录%(year)d年的法定节假日和调休安排。请平台管理员在“工作日调整”中"
                "登记%(year)d年（依据国务院办公厅当年的放假通知），并录入该年所有放假的工作日和"
                "调休上班的周末；或升级 chinesecalendar 软件包。"
            )
            % {"year": year}
        )


def is_workday(day: dt.date) -> bool:
    """Whether ``day`` is a working day in mainland China.

    Raises:
        UnknownHolidayYear: neither the package nor the admin tables know ``day.year``.
    """
    override = WorkdayOverride.objects.filter(day=day).values_list("is_workday", flat=True).first()
    if override is not None:
        return override
    official = _package_workday(day)
    if official is not None:
        return official
    if HolidayYear.objects.filter(year=day.year).exists():
        return day.weekday() < 5
    raise UnknownHolidayYear(day.year)


def unknown_years(today: dt.date) -> list[int]:
    """The years among ``today``'s and, from 1 November on, the next one (the State Council
    usually publishes the next year's schedule in November) whose holiday schedule neither
    the ``chinesecalendar`` package nor the admin's tables (:class:`HolidayYear`) hold, in
    ascending order: a period of working days reaching into one of them is refused
    (:class:`UnknownHolidayYear`) until the admin enters it. One query."""
    years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    registered = set(HolidayYear.objects.filter(year__in=years).values_list("year", flat=True))
    return [
        year
        for year in years
        if year not in registered and _package_workday(dt.date(year, 1, 1)) is None
    ]


def _package_workday(day: dt.date) -> bool | None:
    """Whether ``day`` is a working day by the ``chinesecalendar`` package, or None for a
    year outside its data (the package raises NotImplementedError then)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The last day of a period of ``count`` working days beginning on ``start``.

    ``start`` counts when it is a working day (a 5-working-day notice starting on
    2021-09-30 ends on 2021-10-12).

    Raises:
        ValueError: ``count`` < 1.
        UnknownHolidayYear: a day in the period lies in an unknown year.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    day = start
    remaining = count
    while True:
        if is_workday(day):
            remaining -= 1
            if remaining == 0:
                return day
        day += dt.timedelta(days=1)


def add_calendar_days(start: dt.date, count: int) -> dt.date:
    """The last day of a period of ``count`` calendar days beginning on ``start``."""
    if count < 1:
        raise ValueError("count must be at least 1")
    return start + dt.timedelta(days=count - 1)
