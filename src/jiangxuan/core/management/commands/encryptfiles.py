"""``jiangxuan encryptfiles [--dry-run]``: encrypt the uploads stored before encryption at
rest (issue 16.8) in place, each through a temporary file and an atomic rename; audited
(``files.encrypt``). Safe to run while the site serves: a file being written is skipped
and a second run picks it up. Run it once after upgrading, then until it reports nothing
left, and turn ``JX_FILES_PLAIN_READABLE`` off."""

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from jiangxuan.core.stored_files import encrypt_plain_files


class Command(BaseCommand):
    help = "将加密存储启用前上传的明文文件原地加密（SM4-GCM），结果记入审计。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只列出待加密的文件，不改动")

    def handle(self, *args, dry_run: bool, **options) -> None:
        report = encrypt_plain_files(dry_run=dry_run)
        if options["verbosity"] > 1:
            for name in report.encrypted:
                self.stdout.write(name)
        counts = {
            "n": len(report.encrypted),
            "already": report.already,
            "skipped": report.skipped,
        }
        if dry_run:
            message = _("待加密 %(n)d 个明文文件；已加密 %(already)d 个，跳过 %(skipped)d 个。")
        else:
            message = _("已加密 %(n)d 个明文文件；原已加密 %(already)d 个，跳过 %(skipped)d 个。")
        self.stdout.write(self.style.SUCCESS(message % counts))
