"""Sending SMS: a backend chosen by the dotted-path setting ``JX_SMS_BACKEND``, as Django
does for e-mail. A real provider plugs in as a subclass of :class:`BaseSMSBackend`.

* :class:`ConsoleBackend`: development; writes each message to stdout (never to logging,
  whose handlers may ship it elsewhere).
* :class:`FileBackend`: one file per message in ``JX_SMS_FILE_PATH``, named
  ``<phone>-<time_ns>.txt`` so a test or a load script reads the newest code for a phone
  with :func:`latest_file_message`.
* :class:`LocmemBackend`: keeps messages in :data:`outbox` (tests).
"""

from __future__ import annotations

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


class BaseSMSBackend(ABC):
    """Interface of an SMS gateway: ``send`` delivers one message or raises."""

    @abstractmethod
    def send(self, message: SMSMessage) -> None:
        """Deliver ``message``; raise on failure (the caller reports it to the voter)."""


class ConsoleBackend(BaseSMSBackend):
    """Writes the message to stdout (development and demo only)."""

    def send(self, message: SMSMessage) -> None:
        sys.stdout.write(f"[SMS] {message.phone}: {message.text}\n")
        sys.stdout.flush()


class FileBackend(BaseSMSBackend):
    """Writes each message to ``JX_SMS_FILE_PATH/<phone>-<time_ns>.txt``."""

    def send(self, message: SMSMessage) -> None:
        folder = Path(settings.JX_SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{message.phone}-{time.time_ns()}.txt").write_text(message.text, "utf-8")


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
