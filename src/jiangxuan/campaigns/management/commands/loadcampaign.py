"""``jiangxuan loadcampaign FILE... [--publish]``: create or update campaigns from specs.

All files are loaded in one transaction: if any file has a problem, every problem of
every file is listed (file, line, field) and nothing is loaded.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.campaigns.spec import SpecError


class _Refused(Exception):
    pass


class Command(BaseCommand):
    help = "从活动规范文件创建或更新评选活动（按代码更新，可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="specs/*.yaml")
        parser.add_argument("--publish", action="store_true", help="导入后设为已发布")

    def handle(self, *args, files: list[str], publish: bool, **options):
        state = CampaignState.PUBLISHED if publish else None
        done: list[str] = []
        problems: list[str] = []
        try:
            with transaction.atomic():
                for name in files:
                    try:
                        campaign = load_campaign(Path(name), state=state)
                    except SpecError as exc:
                        problems += exc.located()
                        continue
                    done.append(
                        _("已导入 %(file)s：%(title)s（%(state)s）")
                        % {
                            "file": name,
                            "title": campaign.title,
                            "state": campaign.get_state_display(),
                        }
                    )
                if problems:
                    raise _Refused
        except _Refused:
            raise CommandError("\n".join([*problems, _("有错误，未导入任何文件。")])) from None
        for line in done:
            self.stdout.write(line)
