"""The voter's proof of verification: a signed, expiring token (the API's
``X-Voter-Token`` header; the web pages keep the same payload in the session).

It names the vote, the voter and the verification time, so casting a vote needs no database
read to know who votes; it expires after ``JX_VOTER_TOKEN_MAX_AGE`` seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from .models import Voter

SALT = "jiangxuan.voting.voter"


@dataclass(frozen=True)
class VoterProof:
    """A verified voter of one vote and when the phone was verified."""

    vote_id: int
    voter_id: int
    verified_at: dt.datetime


def issue_voter_token(voter: Voter) -> str:
    """A token for ``voter`` (signed with SECRET_KEY, URL-safe)."""
    return signing.dumps(
        {"p": voter.public_vote_id, "v": voter.pk, "t": voter.verified_at.timestamp()},
        salt=SALT,
        compress=True,
    )


def read_voter_token(token: str, vote_id: int) -> VoterProof | None:
    """The proof in ``token`` if it is genuine, unexpired and for vote ``vote_id``."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.JX_VOTER_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("p") != vote_id:
        return None
    return VoterProof(data["p"], data["v"], dt.datetime.fromtimestamp(data["t"], dt.UTC))
