"""``jiangxuan grantrole USERNAME ROLE ORG [--campaign C] --by ADMIN --reason TEXT``: grant a
role, the only way to grant the campaign office, auditor and platform administrator roles
(issue 16.3; the admin refuses them). Audited as ``account.role_grant``."""

from django.core.management.base import BaseCommand, CommandError

from jiangxuan.accounts.grants import GrantError, grant_role

from ._grant_args import add_grant_arguments, resolve


class Command(BaseCommand):
    help = "授予用户角色（领导小组办公室、审计员、平台管理员只能用本命令授予），记入审计"

    def add_arguments(self, parser):
        add_grant_arguments(parser)

    def handle(self, *args, **options):
        user, org_unit, campaign, operator = resolve(options)
        try:
            membership = grant_role(
                user,
                role=options["role"],
                org_unit=org_unit,
                campaign=campaign,
                operator=operator,
                reason=options["reason"],
            )
        except GrantError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已授予：{membership}"))
