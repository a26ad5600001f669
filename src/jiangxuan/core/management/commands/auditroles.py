"""``jiangxuan auditroles``: keep the application's database role from altering the audit
trail (PostgreSQL; issue 16.1; docs/admin/install.md, "Database").

- ``--app-role NAME``: print the grants that let NAME use every table but only append to
  the audit tables; with ``--apply`` run them. Run as the owner (the role that runs
  ``migrate``) after every ``migrate``.
- ``--check``: run with the application's own ``DATABASE_URL``; fails (non-zero exit) when
  the connected role could delete, update or truncate audit entries, drop or disable the
  trigger, or move the chain's base.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jiangxuan.core.audit_roles import (
    AuditRolesError,
    app_role_grants,
    apply_app_role_grants,
    connected_role_can_alter_audit,
)


class Command(BaseCommand):
    help = "为应用的数据库角色授权（审计表只能追加），或检查当前角色能否改动审计记录。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", help="应用连接数据库所用的角色名")
        parser.add_argument(
            "--apply", action="store_true", help="以所有者身份执行授权（默认只打印 SQL）"
        )
        parser.add_argument(
            "--check", action="store_true", help="检查当前连接的角色是否只能追加审计记录"
        )

    def handle(self, *args, **options) -> None:
        try:
            if options["check"]:
                self._check()
            elif not options["app_role"]:
                raise CommandError(_("请给出 --app-role 或 --check。"))
            elif options["apply"]:
                apply_app_role_grants(options["app_role"])
                self.stdout.write(
                    self.style.SUCCESS(
                        _("已授权：%(role)s 对审计表只能追加。") % {"role": options["app_role"]}
                    )
                )
            else:
                for statement in app_role_grants(options["app_role"]):
                    self.stdout.write(statement + ";")
        except AuditRolesError as exc:
            raise CommandError(exc.message) from exc

    def _check(self) -> None:
        powers = connected_role_can_alter_audit()
        if powers:
            raise CommandError(
                _(
                    "当前数据库角色可以改动审计记录：%(powers)s。请按安装说明改用只能追加的应用角色。"
                )
                % {"powers": "；".join(powers)}
            )
        self.stdout.write(self.style.SUCCESS(_("当前数据库角色对审计表只能追加。")))
