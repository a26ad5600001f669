"""Background tasks (django.tasks): they take ids or ISO dates only and call a service.

The outbox's ``send_outbox_message`` is in :mod:`.delivery`, below the services that
enqueue it."""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

from . import services


@task
def send_reminders(day: str = "") -> int:
    """The daily reminders (deadline in 7/3/1 days; notices closing) for ``day`` (ISO
    date; default today, Asia/Shanghai), for a periodic scheduler. Returns how many
    notifications were created; safe to run more than once a day."""
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    created = services.send_deadline_reminders(today=today)
    created += services.send_notice_closing_reminders(today=today)
    return len(created)
