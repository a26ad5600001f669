"""``jiangxuan importexperts FILE``: import the expert pool from a YAML file (idempotent)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jiangxuan.experts.services import ExpertError, load_pool_file


class Command(BaseCommand):
    help = "从 YAML 文件导入评委专家库（按姓名和工作单位更新，可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="specs/experts/sample-pool.yaml")

    def handle(self, *args, file: str, **options):
        try:
            result = load_pool_file(file)
        except (ExpertError, OSError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        self.stdout.write(
            _(
                "已导入 %(file)s：新增专家 %(created)d 位，更新 %(updated)d 位，"
                "回避关系 %(relationships)d 条"
            )
            % {
                "file": file,
                "created": result.created,
                "updated": result.updated,
                "relationships": result.relationships,
            }
        )
