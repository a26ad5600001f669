"""Helpers for the review tests and the review browser test: approve-and-forward one
level, seed 003's honours, and a minimal MP4 (seed 003 requires a video)."""

from jiangxuan.nominations import review
from jiangxuan.nominations.models import Decision

from .conftest import clear_level

#: The smallest file python-filetype takes for an MP4 (seed 003 requires a video).
MP4_BYTES = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
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
