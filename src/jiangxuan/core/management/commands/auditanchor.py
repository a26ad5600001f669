"""``jiangxuan auditanchor [--dir DIR] [--public-key]``: sign the audit chain head and write
it as the next write-once anchor file (issue 16.1; docs/security.md check 23).

Run it from cron or a systemd timer, hourly: a cut made after the newest anchor is the only
one ``auditverify`` cannot see. The auditor copies the files off the host and records the
public key once (``--public-key`` prints it). A chain that no longer verifies is not
anchored: the command fails, which the scheduler reports.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jiangxuan.core.audit_anchor import AnchorError, anchor_public_key, make_anchor


class Command(BaseCommand):
    help = "为审计链头签名并写入只写一次的锚点文件，供 auditverify 发现截断。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir", type=Path, default=None, help="锚点目录；默认 JX_AUDIT_ANCHOR_DIR"
        )
        parser.add_argument(
            "--public-key",
            action="store_true",
            help="只打印验证锚点用的公钥（交审计员保存），不写锚点",
        )

    def handle(self, *args, **options) -> None:
        if options["public_key"]:
            self.stdout.write(anchor_public_key())
            return
        try:
            anchor = make_anchor(directory=options["dir"])
        except AnchorError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("已写锚点 #%(seq)d：%(n)d 条记录，至记录 #%(id)d。")
                % {"seq": anchor.seq, "n": anchor.count, "id": anchor.last_id}
            )
        )
