"""``jiangxuan apitoken USERNAME [--name N] [--days D] [--scope read|read_write] [--otp CODE]``:
issue an API token and print it (issue 16.13: every token expires and has a scope; a
privileged user's token needs the authenticator's current code)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from jiangxuan.accounts.enums import TokenScope
from jiangxuan.accounts.tokens import TokenError, issue_api_token


class Command(BaseCommand):
    help = "为用户签发 API 令牌并打印（令牌只显示这一次）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="cli", help="令牌名称（用途），默认 cli")
        parser.add_argument(
            "--days", type=int, default=None, help="有效天数；不填则按 JX_API_TOKEN_DEFAULT_DAYS"
        )
        parser.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.READ,
            help="权限范围：read（只读，默认）或 read_write（读写）",
        )
        parser.add_argument(
            "--otp", default=None, help="该用户验证器当前显示的 6 位验证码（特权角色必填）"
        )

    def handle(self, *args, username: str, name: str, days, scope: str, otp, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {username} 的有效用户。")
        try:
            key = issue_api_token(user, name=name, days=days, scope=scope, otp_token=otp)
        except ValueError as exc:
            raise CommandError("令牌名称须为1至60个字符，有效天数须为正整数。") from exc
        except TokenError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(key)
