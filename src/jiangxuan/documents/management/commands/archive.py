"""``jiangxuan archive CODE --out DIR``: write the campaign's file (归档) — every document
as a folder tree with ``manifest.json`` (documents.archive)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiangxuan.campaigns.models import Campaign
from jiangxuan.documents.archive import write_archive


class Command(BaseCommand):
    help = "把一项评选活动的全部文书写入文件夹，附 manifest.json（档案归档）"

    def add_arguments(self, parser):
        parser.add_argument("code", help="活动代码，如 jilin-gongjiang-2021")
        parser.add_argument("--out", required=True, help="输出文件夹")

    def handle(self, *args, code: str, out: str, **options):
        campaign = Campaign.objects.filter(code=code).first()
        if campaign is None:
            raise CommandError(f"没有代码为 {code} 的评选活动。")
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{out} 不是文件夹。")
        entries = write_archive(campaign, folder)
        self.stdout.write(f"已写入 {len(entries)} 个文件和 manifest.json：{folder}")
