"""``jiangxuan auditverify [--anchors DIR] [--public-key HEX]``: re-compute the audit chain
and compare it with the signed chain-head anchors (docs/security.md check 23; issue 16.1).

Exit status 0 with "审计链完整（N 条）" when every entry verifies and the chain agrees with
every anchor; otherwise a CommandError (non-zero exit) naming the first bad entry's id and
the reason, or every disagreement with the anchors (a cut at the start or the end, a
rewritten chain). Entry id 0 means the chain head no longer matches the last entry.
Without anchors the command says that a cut cannot be seen, and still exits 0.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jiangxuan.core.audit import verify_audit_chain
from jiangxuan.core.audit_anchor import verify_anchors
from jiangxuan.core.models import AuditEntry


class Command(BaseCommand):
    help = "校验审计记录的 HMAC-SM3 哈希链，并与签名的链头锚点比对，报告改动、删除和截断。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchors",
            type=Path,
            default=None,
            help="链头锚点目录（审计员保存的副本）；默认 JX_AUDIT_ANCHOR_DIR",
        )
        parser.add_argument(
            "--public-key",
            default=None,
            help="审计员记录的锚点公钥（十六进制）；默认本系统的公钥",
        )

    def handle(self, *args, **options) -> None:
        chain_break = verify_audit_chain()
        if chain_break is not None:
            raise CommandError(
                _("审计链校验失败：记录 #%(id)d：%(reason)s")
                % {"id": chain_break.entry_id, "reason": chain_break.reason}
            )
        directory = options["anchors"] or settings.JX_AUDIT_ANCHOR_DIR
        try:
            report = verify_anchors(directory, public_key=options["public_key"])
        except ValueError as exc:
            raise CommandError(_("锚点公钥格式不正确：须为 64 个十六进制字符。")) from exc
        if report.problems:
            raise CommandError(
                _("审计链与链头锚点不符：")
                + "\n"
                + "\n".join(f"  {problem}" for problem in report.problems)
            )
        count = AuditEntry.objects.count()
        self.stdout.write(self.style.SUCCESS(_("审计链完整（%(n)d 条）") % {"n": count}))
        if report.latest is None:
            self.stdout.write(
                self.style.WARNING(
                    _("未找到链头锚点（%(dir)s）：无法发现审计链被截断。请定时运行 auditanchor。")
                    % {"dir": directory}
                )
            )
        else:
            self.stdout.write(
                _("与 %(n)d 个链头锚点一致（最新 #%(seq)d，%(at)s，至记录 #%(id)d）。")
                % {
                    "n": report.anchors,
                    "seq": report.latest.seq,
                    "at": report.latest.made_at,
                    "id": report.latest.last_id,
                }
            )
