"""``jiangxuan demo [--no-serve] [--seed N] [--addr HOST:PORT] [--through decision]
[--campaign CODE …]``: load the demo and serve it.

Migrates the database (so it works alone on a fresh SQLite file), runs
:func:`jiangxuan.demo.build.build_demo`, prints the demo accounts with their shared password
and the address, then starts the development server unless ``--no-serve``.

With ``--through decision`` the five seed campaigns (or those named by ``--campaign``) go on
to their published commendation decisions, and the command first prints one line per
award: ``campaign code<TAB>award name<TAB>number of awardees``.
"""

import unicodedata

from django.core.management import call_command
from django.core.management.base import BaseCommand

from jiangxuan.demo.build import THROUGH_STAGES, DemoSummary, build_demo
from jiangxuan.demo.decision import award_lines

WINDOW_LABELS = {"open": "受理中", "early": "未开始", "closed": "已截止"}


def _width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """Lines of a plain-text table aligned for CJK text."""
    widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return lines


class Command(BaseCommand):
    help = "载入演示数据（五个种子活动、一个练习活动、演示账号和示例推荐）并启动开发服务器"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只载入数据，不启动服务器")
        parser.add_argument("--seed", type=int, default=2026, help="示例数据的随机种子")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="服务器地址（主机:端口）")
        parser.add_argument(
            "--through",
            choices=THROUGH_STAGES,
            default="chain",
            help="演示进行到哪一步：chain（逐级审核报送，默认）或 decision（直至发布表彰决定）",
        )
        parser.add_argument(
            "--campaign",
            action="append",
            default=[],
            metavar="CODE",
            help="与 --through decision 同用：只推进这些活动（可重复；默认五个种子活动）",
        )

    def handle(
        self,
        *args,
        no_serve: bool,
        seed: int,
        addr: str,
        through: str,
        campaign: list[str],
        **options,
    ):
        self.stdout.write("正在迁移数据库……")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("正在载入演示数据……")
        summary = build_demo(seed=seed, stdout=self.stdout, through=through, only=campaign)
        if through == "decision":
            self.stdout.write("")
            for line in award_lines(summary.decisions):
                self.stdout.write(line)
        self._report(summary, addr)
        if not no_serve:
            call_command("runserver", addr, use_reloader=False)

    def _report(self, summary: DemoSummary, addr: str) -> None:
        out = self.stdout.write
        out("")
        out("评选活动：")
        rows = [
            [code, title, WINDOW_LABELS.get(state, state)]
            for code, title, state in summary.campaigns
        ]
        for line in format_table(["代码", "名称", "申报"], rows):
            out("  " + line)
        out("")
        out(
            f"示例推荐：新建 {summary.nominations_created} 条，其中已提交 "
            f"{summary.nominations_submitted} 条（已逐级审核并排序报送 "
            f"{summary.lists_forwarded} 批，停在下一级待审核）。"
        )
        for note in summary.notes:
            out("  · " + note)
        if summary.refusals:
            out("")
            out("平台按通知拒绝的操作（演示时有意尝试）：")
            for line in summary.refusals:
                out("  · " + line)
        out("")
        out(f"演示账号（本次新建 {summary.users_created} 个）：")
        rows = [[a.username, a.role, a.unit, a.campaign] for a in summary.accounts]
        for line in format_table(["用户名", "角色", "单位", "评选活动"], rows):
            out("  " + line)
        out("")
        out(self.style.WARNING(f"所有演示账号的密码均为：{summary.password}"))
        out("（这是公开的演示密码，仅用于本机演示，切勿用于正式环境。）")
        out(f"登录地址：http://{addr}/accounts/login/    后台管理：http://{addr}/admin/")
