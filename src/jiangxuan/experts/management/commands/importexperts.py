"""``jiangxuan importexperts FILE``: import the expert pool from a YAML file (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

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
            f"OK {file}: created {result.created}, updated {result.updated}, "
            f"relationships {result.relationships}"
        )
