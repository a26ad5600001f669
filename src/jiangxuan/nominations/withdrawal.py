"""A nominee stopped after approval leaves the approval lists (issue 13): the port
``nominations`` owns and ``decisions`` provides.

A department's adverse opinion (seed 003 二(二)2 背景审查; seed 000 四1 公安部门意见) or an
objection upheld (seed 000 四1; seed 001 三(二)4) takes effect at any stage. Before
approval the chain's own states stop the nomination; once it is on an approval list, or
in the published decision, the list must change too. ``notices`` records the opinions
and objections and sits below ``decisions`` in the app order, so it calls
:func:`withdraw_from_lists`, which ``decisions`` provides at start-up
(``DecisionsConfig.ready``). This is a rule, not a side effect: without a provider the
call raises ImproperlyConfigured rather than leave the nominee on a list.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from jiangxuan.accounts.models import User

from .models import Nomination

#: (nomination, reason, actor) → Chinese sentences saying which lists changed.
ListWithdrawal = Callable[[Nomination, str, User], list[str]]

_provider: list[ListWithdrawal] = []


def provide_list_withdrawal(withdraw: ListWithdrawal) -> None:
    """Install the list withdrawal (called once, by the app that keeps the lists)."""
    _provider[:] = [withdraw]


def withdraw_from_lists(nomination: Nomination, *, reason: str, actor: User) -> list[str]:
    """Take ``nomination`` off every current approval list (and the published decision),
    with ``reason``; returns what changed, in Chinese (empty when it was on no list).

    Raises:
        ImproperlyConfigured: no app provides the withdrawal.
    """
    if not _provider:
        raise ImproperlyConfigured("No app provides the list withdrawal (nominations.withdrawal).")
    return _provider[0](nomination, reason, actor)
