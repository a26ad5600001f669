"""Arguments shared by ``grantrole`` and ``revokerole``."""

from django.core.management.base import CommandError, CommandParser

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.grants import GrantError, operator_for
from jiangxuan.accounts.models import Membership, OrgUnit, User


def add_grant_arguments(parser: CommandParser) -> None:
    parser.add_argument("username", help="被授予（撤销）角色的用户名")
    parser.add_argument("role", choices=Role.values, help="角色")
    parser.add_argument("org", help="组织代码")
    parser.add_argument("--campaign", default=None, help="限定的评选活动代码（不填则不限）")
    parser.add_argument("--by", required=True, help="提出此项操作的平台管理员用户名")
    parser.add_argument("--reason", required=True, help="理由，如任命文件文号")


def resolve(options: dict):
    """(user, org_unit, campaign, operator) from the command's options, or CommandError."""
    # The campaign model as the membership refers to it: accounts sits below campaigns.
    Campaign = Membership._meta.get_field("campaign").related_model

    user = User.objects.filter(username=options["username"]).first()
    if user is None:
        raise CommandError(f"没有名为 {options['username']} 的用户。")
    org_unit = OrgUnit.objects.filter(code=options["org"]).first()
    if org_unit is None:
        raise CommandError(f"没有代码为 {options['org']} 的组织。")
    campaign = None
    if options["campaign"]:
        campaign = Campaign._default_manager.filter(code=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"没有代码为 {options['campaign']} 的评选活动。")
    try:
        operator = operator_for(options["by"])
    except GrantError as exc:
        raise CommandError(exc.message) from exc
    return user, org_unit, campaign, operator
