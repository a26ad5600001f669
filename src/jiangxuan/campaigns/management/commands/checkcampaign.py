"""``jiangxuan checkcampaign FILE...``: validate specification files without loading them.

Prints ``OK <file>: <title>`` per valid file, or one line per problem prefixed with the
file; exits 1 if any file has a problem.
"""

import sys

from django.core.management.base import BaseCommand

from jiangxuan.campaigns.spec import SpecError, load_spec_file


class Command(BaseCommand):
    help = "检查活动规范文件（不写入数据库）"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="specs/*.yaml")

    def handle(self, *args, files: list[str], **options):
        failed = False
        for name in files:
            try:
                spec = load_spec_file(name)
            except SpecError as exc:
                failed = True
                for message in exc.messages:
                    self.stderr.write(f"{name}: {message}")
                continue
            self.stdout.write(f"OK {name}: {spec.title}")
        if failed:
            sys.exit(1)
