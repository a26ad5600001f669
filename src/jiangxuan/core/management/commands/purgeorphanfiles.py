"""``jiangxuan purgeorphanfiles [--dry-run]``: remove uploaded files that no row refers
to and that are older than ``JX_ORPHAN_FILE_GRACE_HOURS`` (issue 16.8): uploads whose
transaction failed or was interrupted. Run it daily (cron or a systemd timer), or queue
the ``jiangxuan.core.tasks.purge_orphan_files`` task; audited (``files.purge_orphans``)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from jiangxuan.core.stored_files import purge_orphan_files


class Command(BaseCommand):
    help = "清理没有任何记录引用、且超过保留时限的上传文件（中断或失败的上传），结果记入审计。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只列出将清理的文件，不删除")

    def handle(self, *args, dry_run: bool, **options) -> None:
        report = purge_orphan_files(dry_run=dry_run)
        if dry_run or options["verbosity"] > 1:
            for name in report.removed:
                self.stdout.write(name)
        counts = {
            "n": len(report.removed),
            "mb": report.removed_bytes / 1048576,
            "young": report.young,
            "hours": settings.JX_ORPHAN_FILE_GRACE_HOURS,
        }
        if dry_run:
            message = _(
                "将清理 %(n)d 个无引用文件（%(mb).1f MB）；%(young)d 个未满 %(hours)d 小时，保留。"
            )
        else:
            message = _(
                "已清理 %(n)d 个无引用文件（%(mb).1f MB）；%(young)d 个未满 %(hours)d 小时，保留。"
            )
        self.stdout.write(self.style.SUCCESS(message % counts))
