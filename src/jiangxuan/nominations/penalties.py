"""Penalties that bind nominating (seed 001 三(二)4): the reads nominations needs, and who
provides them.

An objection found to be falsification is penalised: the revoked nominee may not be
replaced or renominated (撤销推荐对象资格，不得递补或重报), and the nominating unit may
lose the next edition (取消推荐单位参加下一届评选的资格) or places of its quota (扣减相应
推荐名额). ``services.create_nomination``, ``services.save_nomination`` and
``review.forward_nominations`` apply these penalties; ``notices`` records them, and sits
above ``nominations`` in the app order (its notices list nominations). So nominations
declares here the three reads it needs, and notices provides them at start-up
(``NoticesConfig.ready`` passes its selectors to :func:`provide_penalties`).

These are rules, not side effects: without a provider the first read raises
ImproperlyConfigured rather than skip a penalty.
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from jiangxuan.accounts.models import OrgUnit
from jiangxuan.campaigns.models import Campaign

from .models import Nomination


class PenaltyReads(Protocol):
    """The penalties recorded against nominating units and nominees."""

    def unit_barred(
        self, unit: OrgUnit, series: str, *, for_campaign: Campaign | None = None
    ) -> bool:
        """Whether ``unit`` lost its right to nominate in ``series``; with
        ``for_campaign``, by the penalties of the edition before that campaign."""
        ...

    def penalty_quota_reduction(
        self, unit: OrgUnit, series: str, *, for_campaign: Campaign | None = None
    ) -> int | None:
        """The places ``unit``'s quota loses in ``series`` (None: no such penalty)."""
        ...

    def no_substitute_nominations(self, campaign: Campaign) -> QuerySet[Nomination]:
        """Revoked nominations of ``campaign`` whose place may not be filled again."""
        ...


_provider: list[PenaltyReads] = []


def provide_penalties(reads: PenaltyReads) -> None:
    """Install the reads (called once, by the app that records penalties)."""
    _provider[:] = [reads]


def penalties() -> PenaltyReads:
    """The installed reads. Raises ImproperlyConfigured when no app provided them."""
    if not _provider:
        raise ImproperlyConfigured("No app provides the penalty reads (nominations.penalties).")
    return _provider[0]
