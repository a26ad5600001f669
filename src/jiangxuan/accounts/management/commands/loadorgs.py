"""``jiangxuan loadorgs FILE...``: load organization trees from YAML files (idempotent)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jiangxuan.accounts.services import OrgTreeError, load_org_tree


class Command(BaseCommand):
    help = "从 YAML 文件导入组织树（按代码更新，可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="specs/orgs/*.yaml")

    def handle(self, *args, files: list[str], **options):
        for name in files:
            try:
                count = load_org_tree(name)
            except OrgTreeError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                _("已导入 %(file)s：%(count)d 个单位") % {"file": name, "count": count}
            )
