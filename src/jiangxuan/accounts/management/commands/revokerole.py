"""``jiangxuan revokerole USERNAME ROLE ORG [--campaign C] --by ADMIN --reason TEXT``: end a
role (issue 16.3; the admin refuses privileged ones). Audited as ``account.role_revoke``."""

from django.core.management.base import BaseCommand, CommandError

from jiangxuan.accounts.grants import GrantError, revoke_role

from ._grant_args import add_grant_arguments, resolve


class Command(BaseCommand):
    help = "撤销用户角色（领导小组办公室、审计员、平台管理员只能用本命令撤销），记入审计"

    def add_arguments(self, parser):
        add_grant_arguments(parser)

    def handle(self, *args, **options):
        user, org_unit, campaign, operator = resolve(options)
        try:
            revoke_role(
                user,
                role=options["role"],
                org_unit=org_unit,
                campaign=campaign,
                operator=operator,
                reason=options["reason"],
            )
        except GrantError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已撤销 {user} 的角色 {options['role']}。"))
