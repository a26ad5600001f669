"""``jiangxuan apitoken USERNAME [--name N] [--days D]``: issue an API token and print it."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from jiangxuan.accounts.tokens import issue_api_token


class Command(BaseCommand):
    help = "为用户签发 API 令牌并打印（令牌只显示这一次）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="cli", help="令牌名称（用途），默认 cli")
        parser.add_argument("--days", type=int, default=None, help="有效天数；不填则长期有效")

    def handle(self, *args, username: str, name: str, days: int | None, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {username} 的有效用户。")
        try:
            key = issue_api_token(user, name=name, days=days)
        except ValueError as exc:
            raise CommandError("令牌名称须为1至60个字符，有效天数须为正整数。") from exc
        self.stdout.write(key)
