"""``jiangxuan loadcampaign FILE... [--publish]``: create or update campaigns from specs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.campaigns.spec import SpecError


class Command(BaseCommand):
    help = "从活动规范文件创建或更新评选活动（按代码更新，可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="specs/*.yaml")
        parser.add_argument("--publish", action="store_true", help="导入后设为已发布")

    def handle(self, *args, files: list[str], publish: bool, **options):
        state = CampaignState.PUBLISHED if publish else None
        for name in files:
            try:
                campaign = load_campaign(Path(name), state=state)
            except SpecError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"OK {name}: {campaign.title} ({campaign.get_state_display()})")
