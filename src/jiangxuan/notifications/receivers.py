"""Receivers of :mod:`jiangxuan.core.events`, and of sign-in.

Each event receiver defers its notification until the sender's transaction commits
(nothing is announced for a rolled-back change) and runs it robustly (a failing
notification never undoes or breaks the committed action).
"""

from __future__ import annotations

import logging
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver

from jiangxuan.accounts.models import User
from jiangxuan.core import events
from jiangxuan.nominations.models import Nomination
from jiangxuan.notices.models import Objection

from . import selectors, services


def _returned(nomination_id: int, opinion: str, actor_id: int | None) -> None:
    nomination = Nomination.objects.select_related("campaign", "created_by").get(pk=nomination_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    services.notify_returned(nomination, opinion=opinion, actor=actor)


def _forwarded(nomination_ids: list[int], level: str) -> None:
    nominations = list(
        Nomination.objects.filter(pk__in=nomination_ids)
        .select_related("campaign", "nominating_unit", "workplace")
        .order_by("rank", "id")
    )
    services.notify_forwarded(nominations, level=level)


def _withdrawn(nomination_id: int, reason: str, changes: list[str]) -> None:
    nomination = Nomination.objects.select_related("campaign", "created_by").get(pk=nomination_id)
    services.notify_withdrawn(nomination, reason=reason, changes=changes)


def _objection(objection_id: int) -> None:
    objection = Objection.objects.select_related(
        "notice__campaign__organizer_unit", "nomination"
    ).get(pk=objection_id)
    services.notify_objection(objection)


def _submitted(nomination_id: int) -> None:
    nomination = Nomination.objects.select_related(
        "campaign", "award", "nominating_unit", "workplace"
    ).get(pk=nomination_id)
    services.draft_nominee_notice(nomination)


@receiver(events.nomination_submitted, dispatch_uid="notifications.submitted")
def on_nomination_submitted(sender: Any, *, nomination: Nomination, **kwargs: Any) -> None:
    """Draft the nominee's e-mail for the office's review after commit."""
    pk = nomination.pk
    transaction.on_commit(lambda: _submitted(pk), robust=True)


@receiver(events.nomination_returned, dispatch_uid="notifications.returned")
def on_nomination_returned(
    sender: Any, *, nomination: Nomination, opinion: str, actor: User | None, **kwargs: Any
) -> None:
    """Notify the clerks after commit."""
    pk, actor_id = nomination.pk, getattr(actor, "pk", None)
    transaction.on_commit(lambda: _returned(pk, opinion, actor_id), robust=True)


@receiver(events.nominations_forwarded, dispatch_uid="notifications.forwarded")
def on_nominations_forwarded(
    sender: Any, *, nominations: list[Nomination], level: str, **kwargs: Any
) -> None:
    """Notify the next level's bodies after commit."""
    ids = [n.pk for n in nominations]
    transaction.on_commit(lambda: _forwarded(ids, level), robust=True)


@receiver(events.nominee_withdrawn, dispatch_uid="notifications.withdrawn")
def on_nominee_withdrawn(
    sender: Any, *, nomination: Nomination, reason: str, changes: list[str], **kwargs: Any
) -> None:
    """Tell the clerks and the office after commit."""
    pk = nomination.pk
    transaction.on_commit(lambda: _withdrawn(pk, reason, changes), robust=True)


@receiver(events.objection_filed, dispatch_uid="notifications.objection")
def on_objection_filed(sender: Any, *, objection: Objection, **kwargs: Any) -> None:
    """Notify the campaign office after commit."""
    pk = objection.pk
    transaction.on_commit(lambda: _objection(pk), robust=True)


@receiver(user_logged_in, dispatch_uid="notifications.prime_unread")
def prime_unread_count(sender: Any, *, user: User, **kwargs: Any) -> None:
    """Count the user's unread notifications once at sign-in, so that the pages after it
    take the nav's count from the cache."""
    selectors.unread_count(user)


logger = logging.getLogger(__name__)


@receiver(user_locked_out, dispatch_uid="notifications.unlock_link")
def send_unlock_link_on_lock(sender: Any, *, username: str | None = None, **kwargs: Any) -> None:
    """Mail the owner of a just-locked account the one-time unlock link (issue 16.12). A
    failure is logged, never shown to whoever was typing (who may not be the owner)."""
    user = User.objects.filter(username=username or "", is_active=True).first()
    if user is None:
        return
    try:
        services.send_unlock_link(user)
    except Exception:
        logger.exception("unlock link for user %s not queued", user.pk)
