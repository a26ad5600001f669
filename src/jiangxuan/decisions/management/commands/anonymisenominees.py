"""``jiangxuan anonymisenominees [--dry-run]``: the retention job for nominees who were not
awarded (decisions.retention; PIPL). Run it daily from cron; ``--dry-run`` prints what it
would remove and changes nothing."""

from django.core.management.base import BaseCommand

from jiangxuan.decisions.retention import anonymise_non_awardees


class Command(BaseCommand):
    help = "删除保留期已满的未获表彰者的个人信息（按各活动规范的 privacy.retention_days）"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将删除的数量，不做改动")

    def handle(self, *args, dry_run: bool, **options):
        report = anonymise_non_awardees(dry_run=dry_run)
        verb = "将删除" if dry_run else "已删除"
        for code, count in report.campaigns.items():
            self.stdout.write(f"{code}：{verb} {count} 名未获表彰者的个人信息")
        self.stdout.write(
            f"合计：{report.nominations} 名推荐对象，{report.files} 个上传文件"
            + ("（试运行，未做改动）" if dry_run else "")
        )
