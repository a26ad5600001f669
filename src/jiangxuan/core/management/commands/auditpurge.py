"""``jiangxuan auditpurge [--days N]``: the audit retention job (docs/security.md check 24).

Removes audit entries older than N days (default ``JX_AUDIT_RETENTION_DAYS``, 365), never
fewer than 180, and audits the purge itself; the rest of the chain still verifies. Run it
from cron or a systemd timer, e.g. monthly, as the owner of the audit table: on PostgreSQL
the application's role may only append (``jiangxuan auditroles``), and is told so.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from jiangxuan.core.audit import AuditPurgeError, purge_audit
from jiangxuan.core.audit_roles import connected_role_can_alter_audit


class Command(BaseCommand):
    help = "清理超过保留期限的审计记录（至少保留 180 天），清理本身记入审计。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.JX_AUDIT_RETENTION_DAYS,
            help="保留天数（默认取 JX_AUDIT_RETENTION_DAYS，不少于 180）",
        )

    def handle(self, *args, **options) -> None:
        if connection.vendor == "postgresql" and not connected_role_can_alter_audit():
            raise CommandError(
                _("当前数据库角色只能追加审计记录：请以审计表所有者的身份运行 auditpurge。")
            )
        try:
            removed = purge_audit(days=options["days"])
        except AuditPurgeError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("已清理 %(n)d 条超过 %(days)d 天的审计记录。")
                % {"n": removed, "days": options["days"]}
            )
        )
