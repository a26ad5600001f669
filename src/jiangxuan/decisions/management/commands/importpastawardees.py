"""``jiangxuan importpastawardees CAMPAIGN AWARD FILE --source "文件名称和文号"``: add the
awardees of editions held before the platform to the laureate registry (decisions.registry),
so that "previous winners are excluded" works from the first edition on the platform.

The file (XLSX, or CSV in UTF-8 or GB 18030) has the columns 姓名, 身份证号码, 年度 and
optionally 称号. Nothing is imported when a row has a problem; each problem is printed.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiangxuan.campaigns.models import Campaign
from jiangxuan.decisions.registry import RegistryImportError, import_past_awardees


class Command(BaseCommand):
    help = "导入历届获得者（表彰决定或命名文件中的名单）"

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="评选活动代码")
        parser.add_argument("award", help="奖项代码（按其称号系列导入）")
        parser.add_argument("file", help="XLSX 或 CSV 文件：姓名、身份证号码、年度、称号（可选）")
        parser.add_argument("--source", required=True, help="依据文件的名称和文号")

    def handle(self, *args, campaign: str, award: str, file: str, source: str, **options):
        found = Campaign.objects.filter(code=campaign).first()
        if found is None:
            raise CommandError(f"没有代码为 {campaign} 的评选活动。")
        chosen = found.awards.filter(code=award).first()
        if chosen is None:
            codes = "、".join(found.awards.values_list("code", flat=True))
            raise CommandError(f"该活动没有代码为 {award} 的奖项（可选：{codes}）。")
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {file}：{exc.strerror}") from exc
        try:
            result = import_past_awardees(
                found, chosen, data=data, filename=path.name, source=source, actor=None
            )
        except RegistryImportError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError("未导入任何记录，请改正后重试。") from exc
        self.stdout.write(
            f"已导入 {result.added} 人；{result.present} 人已在历届获得者名单中"
            f"（称号系列 {chosen.series}）。"
        )
