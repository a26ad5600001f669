"""``jiangxuan sendreminders [--date YYYY-MM-DD]``: the daily reminders, for cron.

Deadline reminders (7, 3 and 1 days ahead) to the clerks of units with unsubmitted
nominations, and notice-closing reminders to the campaign offices. Safe to run more than
once a day: a reminder already given is not repeated.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiangxuan.core.calendar import UnknownHolidayYear
from jiangxuan.notifications import services


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Send deadline and notice-closing reminders (idempotent per day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=_date, default=None, help="run as of this day (default: today)"
        )

    def handle(self, *args, **options) -> None:
        today = options["date"] or timezone.localdate()
        deadlines = services.send_deadline_reminders(today=today)
        self.stdout.write(f"{today.isoformat()}: {len(deadlines)} deadline reminder(s)")
        try:
            closing = services.send_notice_closing_reminders(today=today)
        except UnknownHolidayYear as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{today.isoformat()}: {len(closing)} notice-closing reminder(s)")
