"""``jiangxuan redraw PANEL_ID``: re-run a panel's draw from its record alone and say
whether it gives the recorded result (exit status 1 when it does not)."""

from django.core.management.base import BaseCommand, CommandError

from jiangxuan.experts.models import Draw
from jiangxuan.experts.services import ExpertError, redraw


class Command(BaseCommand):
    help = "按抽取记录（专家库快照、随机种子、抽取条件）重新计算抽取结果并与记录比对"

    def add_arguments(self, parser):
        parser.add_argument("panel_id", type=int)

    def handle(self, *args, panel_id: int, **options):
        draw = Draw.objects.filter(panel_id=panel_id).first()
        if draw is None:
            raise CommandError(f"panel {panel_id} has no draw")
        try:
            again = redraw(draw)
        except ExpertError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"seed: {draw.seed}")
        self.stdout.write(f"recorded: {draw.result}")
        self.stdout.write(f"re-run:   {again}")
        if again != draw.result:
            raise CommandError("MISMATCH: the re-run differs from the record")
        self.stdout.write("MATCH")
