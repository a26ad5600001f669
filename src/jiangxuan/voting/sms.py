"""Sending SMS: a backend chosen by the dotted-path setting ``JX_SMS_BACKEND``, as Django
does for e-mail. A real provider plugs in as a subclass of :class:`BaseSMSBackend`.

* :class:`ConsoleBackend`: development; writes each message to stdout (never to logging,
  whose handlers may ship it elsewhere).
* :class:`FileBackend`: one file per message in ``JX_SMS_FILE_PATH``, named
  ``<phone>-<time_ns>.txt`` so a test or a load script reads the newest code for a phone
  with :func:`latest_file_message`. Files are 0600 in a 0700 folder and purged once the
  codes they hold have expired.
* :class:`LocmemBackend`: keeps messages in :data:`outbox` (tests).
* :class:`DisabledBackend`: production's default until a provider is configured; every
  send fails with :class:`SMSUnavailable`.

Production (``DEBUG`` off) refuses to start with the console or file backend, which put
phone numbers and valid codes where other people can read them, unless
``JX_SMS_FILE_ALLOWED`` is set for a drill or a benchmark (voting.checks; issue 16.7).
"""

from __future__ import annotations

import os
import sys
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SMSMessage:
    """One text message to a mainland mobile number."""

    phone: str
    text: str


class SMSUnavailable(Exception):
    """The message could not be sent; the voter is told to try again later."""


class BaseSMSBackend(ABC):
    """Interface of an SMS gateway: ``send`` delivers one message or raises."""

    @abstractmethod
    def send(self, message: SMSMessage) -> None:
        """Deliver ``message``; raise :class:`SMSUnavailable` on failure (the caller
        reports it to the voter)."""


class DisabledBackend(BaseSMSBackend):
    """No gateway configured: every message fails with :class:`SMSUnavailable`."""

    def send(self, message: SMSMessage) -> None:
        raise SMSUnavailable("no SMS gateway is configured (JX_SMS_BACKEND)")


class ConsoleBackend(BaseSMSBackend):
    """Writes the message to stdout (development and demo only)."""

    def send(self, message: SMSMessage) -> None:
        sys.stdout.write(f"[SMS] {message.phone}: {message.text}\n")
        sys.stdout.flush()


class FileBackend(BaseSMSBackend):
    """Writes each message to ``JX_SMS_FILE_PATH/<phone>-<time_ns>.txt``, readable by the
    server's user only, and removes the messages whose codes have expired."""

    def send(self, message: SMSMessage) -> None:
        folder = Path(settings.JX_SMS_FILE_PATH)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
        path = folder / f"{message.phone}-{time.time_ns()}.txt"
        # Created 0600 from the start: no moment at which another user could open it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(message.text)
        purge_file_messages(folder)


def purge_file_messages(folder: Path | str, *, older_than: float | None = None) -> int:
    """Delete the file backend's messages older than ``older_than`` seconds (default: the
    code lifetime ``JX_VOTE_CODE_TTL``, after which a code is useless); returns how many."""
    age = settings.JX_VOTE_CODE_TTL if older_than is None else older_than
    cutoff = time.time_ns() - int(age * 1e9)
    removed = 0
    for path in Path(folder).glob("*-*.txt"):
        stamp = path.stem.rsplit("-", 1)[1]
        if stamp.isdigit() and int(stamp) < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


#: Messages sent through :class:`LocmemBackend`, oldest first.
outbox: list[SMSMessage] = []


class LocmemBackend(BaseSMSBackend):
    """Appends to :data:`outbox` (tests clear it)."""

    def send(self, message: SMSMessage) -> None:
        outbox.append(message)


def get_backend() -> BaseSMSBackend:
    """An instance of the configured ``JX_SMS_BACKEND``."""
    return import_string(settings.JX_SMS_BACKEND)()


def send_sms(phone: str, text: str) -> None:
    """Send ``text`` to ``phone`` through the configured backend."""
    get_backend().send(SMSMessage(phone=phone, text=text))


def latest_file_message(phone: str, folder: Path | str | None = None) -> str | None:
    """The newest message :class:`FileBackend` wrote for ``phone``, or None."""
    path = Path(folder or settings.JX_SMS_FILE_PATH)
    files = sorted(path.glob(f"{phone}-*.txt"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return files[-1].read_text("utf-8") if files else None
