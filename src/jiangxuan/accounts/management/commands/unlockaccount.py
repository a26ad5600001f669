"""``jiangxuan unlockaccount USERNAME --by ADMIN --reason TEXT``: lift the lock of an account
that too many refused passwords locked (issue 16.12), after the administrator or the
campaign office has checked who is asking (in person or by a known phone number). Audited as
``account.unlock``."""

from django.core.management.base import BaseCommand, CommandError

from jiangxuan.accounts.grants import GrantError, operator_for
from jiangxuan.accounts.models import User
from jiangxuan.accounts.security import unlock_account


class Command(BaseCommand):
    help = "解除因登录失败次数过多而锁定的账号，记入审计"

    def add_arguments(self, parser):
        parser.add_argument("username", help="被锁定的用户名")
        parser.add_argument("--by", required=True, help="办理解锁的平台管理员用户名")
        parser.add_argument("--reason", required=True, help="理由，如本人来电、已核实身份")

    def handle(self, *args, username: str, by: str, reason: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有名为 {username} 的用户。")
        try:
            removed = unlock_account(user, operator=operator_for(by), reason=reason)
        except GrantError as exc:
            raise CommandError(exc.message) from exc
        except ValueError as exc:
            raise CommandError("请写明解锁的理由（--reason）。") from exc
        self.stdout.write(
            self.style.SUCCESS(f"已解除 {username} 的锁定（清除 {removed} 条失败记录）。")
        )
