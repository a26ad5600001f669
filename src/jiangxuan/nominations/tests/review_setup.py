"""Helpers for the review tests and the review browser test: approve-and-forward one
level, seed 003's honours, and a small playable MP4 (seed 003 requires a video)."""

from jiangxuan.core.media import still_video
from jiangxuan.nominations import review
from jiangxuan.nominations.models import Decision

from .conftest import clear_level

#: A playable five-minute video (seed 003 四(三): 5分钟左右的事迹介绍视频).
MP4_BYTES = still_video(300)
WEIHAI_HONOURS = [
    {"code": "weihai_jishu_nengshou", "name": "威海市技术能手", "level": "city", "year": 2020}
]


def forward_level(nomination, actor, body, signers):
    """Approve ``nomination`` for ``signers`` at its level, clear it, forward it."""
    for signer in signers:
        review.sign_off(nomination, actor=actor, signer=signer, decision=Decision.APPROVE)
    clear_level(nomination)
    review.forward_nominations(
        nomination.campaign, level=nomination.level, body=body, actor=actor, order=[nomination.pk]
    )
    nomination.refresh_from_db()
