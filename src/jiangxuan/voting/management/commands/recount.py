"""``jiangxuan recount CAMPAIGN_CODE``: recompute a public vote's tally from the vote log.

Prints per candidate the valid and invalid votes found in the log, the database tally and
the stored final tally, then ``一致`` or the mismatch; exits with status 1 on a mismatch
(docs/security.md check 27).
"""

from django.core.management.base import BaseCommand, CommandError

from jiangxuan.voting import selectors


class Command(BaseCommand):
    help = "根据投票记录重新计票，并与计票结果核对（不一致时退出码为 1）"

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="评选活动代码，例如 weihai-gongjiang-2023")

    def handle(self, *args, campaign: str, **options):
        vote = selectors.vote_for_campaign_code(campaign)
        if vote is None:
            raise CommandError(f"活动 {campaign} 没有网络投票。")
        rows = selectors.recount(vote)
        self.stdout.write(f"{vote.title}：重新计票（有效/作废/计票/存档）")
        for row in rows:
            stored = "—" if row.stored is None else str(row.stored)
            verdict = "一致" if row.matches else "不一致"
            self.stdout.write(
                f"{row.candidate.position:>3}. {row.candidate.published.get('name', '')}"
                f"  有效 {row.valid}  作废 {row.invalid}  计票 {row.tallied}  存档 {stored}"
                f"  {verdict}"
            )
        bad = [r for r in rows if not r.matches]
        if bad:
            raise CommandError(f"计票不一致：{len(bad)} 名候选对象的票数与投票记录不符。")
        self.stdout.write(self.style.SUCCESS(f"一致：{sum(r.valid for r in rows)} 张有效票。"))
