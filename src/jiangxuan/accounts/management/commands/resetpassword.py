"""``jiangxuan resetpassword USERNAME --by ADMIN --reason TEXT``: give a user a random
temporary password, printed once, and end their sessions (issue 16.3: the admin sets no
one's password). Audited as ``account.password_reset``, without the password."""

from django.core.management.base import BaseCommand, CommandError

from jiangxuan.accounts.grants import GrantError, operator_for, reset_password
from jiangxuan.accounts.models import User


class Command(BaseCommand):
    help = "为用户生成临时密码并打印（只显示这一次），结束其全部登录，记入审计"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--by", required=True, help="提出此项操作的平台管理员用户名")
        parser.add_argument("--reason", required=True, help="理由，如本人来电申请")

    def handle(self, *args, username: str, by: str, reason: str, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {username} 的有效用户。")
        try:
            password = reset_password(user, operator=operator_for(by), reason=reason)
        except GrantError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(password)
