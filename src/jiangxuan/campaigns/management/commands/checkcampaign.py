"""``jiangxuan checkcampaign FILE... [--db]``: validate specification files without loading them.

Prints ``检查通过 <file>：<title>`` per valid file, or one line per problem naming the file,
the line and the field; goes on with the remaining files and exits 1 if any file has a
problem. With ``--db`` it also checks every org code against the organization tree in
the database, as ``loadcampaign`` does, so the two agree.
"""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jiangxuan.campaigns.services import unknown_org_codes
from jiangxuan.campaigns.spec import SpecError, located_error, parse_spec, read_spec_text


class Command(BaseCommand):
    help = "检查活动规范文件（不写入数据库）"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="specs/*.yaml")
        parser.add_argument(
            "--db", action="store_true", help="同时按数据库中的组织树核对单位代码（与导入时一致）"
        )

    def handle(self, *args, files: list[str], db: bool, **options):
        failed = False
        for name in files:
            try:
                text, note = read_spec_text(name)
                spec = parse_spec(text, name)
                missing = unknown_org_codes(spec) if db else []
                if missing:
                    raise located_error(name, text, missing)
            except SpecError as exc:
                failed = True
                for line in exc.located():
                    self.stderr.write(line)
                continue
            line = _("检查通过 %(file)s：%(title)s") % {"file": name, "title": spec.title}
            self.stdout.write(line + (f"（{note}）" if note else ""))
        if failed:
            sys.exit(1)
