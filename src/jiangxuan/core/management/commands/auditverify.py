"""``jiangxuan auditverify``: re-compute the audit chain and report the first break.

Exit status 0 with "审计链完整（N 条）" when every entry verifies; otherwise a CommandError
(non-zero exit) naming the first bad entry's id and the reason (等保 安全审计 c; docs/security.md
check 23). Entry id 0 means the chain head no longer matches the last entry.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jiangxuan.core.audit import verify_audit_chain
from jiangxuan.core.models import AuditEntry


class Command(BaseCommand):
    help = "校验审计记录的 HMAC-SM3 哈希链，报告第一条被改动或删除的记录。"

    def handle(self, *args, **options) -> None:
        chain_break = verify_audit_chain()
        if chain_break is not None:
            raise CommandError(
                _("审计链校验失败：记录 #%(id)d：%(reason)s")
                % {"id": chain_break.entry_id, "reason": chain_break.reason}
            )
        count = AuditEntry.objects.count()
        self.stdout.write(self.style.SUCCESS(_("审计链完整（%(n)d 条）") % {"n": count}))
