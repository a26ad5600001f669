"""Delivery of the outbox: one approved message through the mailer, by a background task.

:func:`send_after_commit` is how the services (``notify_users``, ``approve_outbox_message``)
hand an approved message over: the ``send_outbox_message`` task is enqueued once their
transaction commits, and the worker runs :func:`deliver_outbox_message`. Delivery sits
below the services and the other tasks (``tasks.py``, which call the services), so the task
the services enqueue is defined here rather than there: no module of the app imports one
that imports it back (lint-imports, docs/architecture.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from jiangxuan.core.audit import record_audit
from jiangxuan.core.logging import redact

from .enums import OutboxState
from .models import OutboxMessage

MAX_ERROR_CHARS = 300


@transaction.atomic
def deliver_outbox_message(message_id: int) -> OutboxMessage | None:
    """Send one approved message through the default mailer (``MAILERS``) and record
    the outcome (sent, or failed with the error). Anything not approved is left alone
    (a message is sent once). Returns the message, or None when it no longer exists.
    """
    message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None or message.state != OutboxState.APPROVED:
        return message
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
    )
    fields: dict[str, Any]
    try:
        email.send()
    except Exception as exc:  # any backend failure is recorded on the message, not raised
        fields = {
            "state": OutboxState.FAILED,
            "error": redact(f"{type(exc).__name__}: {exc}")[:MAX_ERROR_CHARS],
        }
    else:
        fields = {"state": OutboxState.SENT, "sent_at": timezone.now(), "error": ""}
    for name, value in fields.items():
        setattr(message, name, value)
    message.save(update_fields=[*fields, "updated_at"])
    record_audit(
        actor=None,
        action=f"outbox.{message.state}",
        obj=message,
        before={"state": OutboxState.APPROVED},
        after={"state": message.state, "error": message.error},
    )
    return message


@task
def send_outbox_message(message_id: int) -> str:
    """Send one approved outbox message; returns its resulting state."""
    message = deliver_outbox_message(message_id)
    return message.state if message else ""


def send_after_commit(message: OutboxMessage) -> None:
    """Enqueue ``send_outbox_message`` for ``message`` once the caller's transaction
    commits (nothing is sent for a rolled-back change; a failing enqueue does not undo
    the committed one)."""
    message_id = message.pk
    transaction.on_commit(lambda: send_outbox_message.enqueue(message_id), robust=True)
