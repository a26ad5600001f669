"""``jiangxuan workdays START COUNT``: the ISO date on which a notice of COUNT working days
starting on START ends (the start day counts when it is a working day)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiangxuan.core.calendar import UnknownHolidayYear, add_working_days


class Command(BaseCommand):
    help = "打印从 START 起 COUNT 个工作日的最后一天（ISO 日期）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("start", help="开始日期，YYYY-MM-DD")
        parser.add_argument("count", type=int, help="工作日数")

    def handle(self, *args, start: str, count: int, **options) -> None:
        try:
            day = dt.date.fromisoformat(start)
        except ValueError as exc:
            raise CommandError(f"开始日期应为 YYYY-MM-DD：{start}") from exc
        if count < 1:
            raise CommandError("工作日数至少为 1。")
        try:
            self.stdout.write(add_working_days(day, count).isoformat())
        except UnknownHolidayYear as exc:
            raise CommandError(exc.message) from exc
