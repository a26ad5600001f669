"""Fault injection for the multi-step writes (docs/security.md check 30).

Two faults, injected right after the first row of a write is saved (Django's ``post_save``
of a model the write creates, so no service is patched):

- :func:`session_terminated`: the write's database session is ended with
  ``pg_terminate_backend`` from a second connection, as a failover, a restart or an
  operator would; the write's next statement fails.
- :func:`run_killed`: the write runs in a new Python process on the test database, which
  sends itself SIGKILL at that point (``fault_child``), so it ends with its transaction open
  and no Python code running after it.

The tests that use them are ``django_db(transaction=True)`` (the child process must see the
test's rows, and a terminated session must not be the test's own transaction) and
PostgreSQL only. After each fault they compare :func:`snapshot` with the one taken before,
check the audit chain (:func:`assert_audit_chain_verifies`) and sweep the uploads
(:func:`sweep_orphans`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.db.models.signals import post_save

import jiangxuan

#: The folder that holds the ``jiangxuan`` package under test (the work tree's ``src``).
SRC = Path(jiangxuan.__file__).resolve().parents[1]


def needs_postgres() -> None:
    """Skip on SQLite: it has no sessions to terminate and no concurrent writers."""
    if connection.vendor != "postgresql":
        pytest.skip("fault injection needs PostgreSQL (pg_terminate_backend, a second process)")


def storages_at(location: Path | str) -> dict[str, Any]:
    """The test settings' STORAGES with uploads in ``location`` (a test's own folder)."""
    return {
        "default": {
            "BACKEND": "jiangxuan.core.storage.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": "/media-not-served/"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def own_media(settings: Any, tmp_path: Path) -> Path:
    """Put uploads into the test's own folder, so the orphan sweep sees no other test's
    files (a shared demo database's files among them); for a test module's autouse
    ``media`` fixture, which must come before any fixture that stores a file."""
    folder = tmp_path / "media"
    folder.mkdir()
    settings.STORAGES = storages_at(folder)
    return folder


# ------------------------------------------------------------------ fault 1: session ended


def terminate_own_session() -> None:
    """End this process's database session from a second connection and wait until the
    server process is gone (``pg_terminate_backend(pid, timeout)``)."""
    pid = connection.connection.info.backend_pid
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
            (ended,) = cursor.fetchone()
    finally:
        other.close()
    assert ended, f"backend {pid} was not terminated"


@contextmanager
def after_first(model: type[Model], fault: Callable[[], None]) -> Iterator[list[bool]]:
    """Run ``fault`` once, right after the first row of ``model`` is saved; yields a list
    that holds ``True`` once the fault ran (so a test can show it did)."""
    fired: list[bool] = []

    def receiver(sender: type[Model], **kwargs: Any) -> None:
        if not fired:
            fired.append(True)
            fault()

    post_save.connect(receiver, sender=model, weak=False, dispatch_uid="jx-fault")
    try:
        yield fired
    finally:
        post_save.disconnect(sender=model, dispatch_uid="jx-fault")


@contextmanager
def session_terminated(model: type[Model]) -> Iterator[None]:
    """Run a write whose database session is terminated right after the first row of
    ``model`` is saved; the write must fail with the database's error (Django's
    ``OperationalError`` or ``InterfaceError``), and this process reconnects afterwards."""
    from django.db import InterfaceError, OperationalError

    with (
        after_first(model, terminate_own_session) as fired,
        pytest.raises((OperationalError, InterfaceError)),
    ):
        yield
    assert fired == [True], f"no {model.__name__} row was written: the fault never ran"
    # The write's transaction closed the broken connection; the next query reconnects.
    connection.close()


# ------------------------------------------------------------------ fault 2: process killed


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def run_killed(
    write: Callable[..., Any],
    *,
    model: type[Model] | None = None,
    patch: str | None = None,
    media: Path,
    at: datetime | None = None,
    **kwargs: Any,
) -> None:
    """Run ``write(**kwargs)`` (a module-level function taking JSON values) in a new Python
    process on this test's database, uploads in ``media``, at the frozen time ``at``; the
    process sends itself SIGKILL right after the first row of ``model`` is saved, or right
    after the first call of ``patch`` (``"module:Class.method"``) returns. Fails unless the
    process died by that signal."""
    job = {
        "write": f"{write.__module__}:{write.__qualname__}",
        "kwargs": kwargs,
        "model": model._meta.label if model else None,
        "patch": patch,
        "media": str(media),
        "at": at.isoformat() if at else None,
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jiangxuan.test_settings",
        "DATABASE_URL": _database_url(),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed module, JSON we wrote
        [sys.executable, "-m", "jiangxuan.core.tests.fault_child", json.dumps(job)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, (done.returncode, done.stdout, done.stderr)
    _wait_for_other_sessions()


def _wait_for_other_sessions() -> None:
    """Wait until the killed process's server session has ended (PostgreSQL notices the
    closed socket and rolls its transaction back), so no lock of it is left."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"
        )


# ------------------------------------------------------------------ what is checked after


def snapshot() -> dict[str, Any]:
    """What the multi-step writes touch, as plain values: every workflow row and counter,
    the audit trail's length and head. Equal before and after a fault means nothing was
    half-written."""
    from jiangxuan.campaigns.models import Campaign, PastAwardee
    from jiangxuan.core.models import AuditEntry, AuditHead
    from jiangxuan.decisions.models import ApprovalList, ApprovalMeeting, CommendationDecision
    from jiangxuan.documents.models import DocumentBundle
    from jiangxuan.nominations.models import Evidence, Forwarding, Nomination, SignOff
    from jiangxuan.voting.models import Receipt, Vote, Voter

    return {
        "nominations": list(
            Nomination.objects.order_by("pk").values_list(
                "pk", "state", "level", "level_ready", "rank"
            )
        ),
        "sign_offs": list(SignOff.objects.order_by("pk").values_list("pk", "scan")),
        "forwardings": list(Forwarding.objects.order_by("pk").values_list("pk", "nomination")),
        "evidence": list(Evidence.objects.order_by("pk").values_list("pk", "file")),
        "lists": list(ApprovalList.objects.order_by("pk").values_list("pk", "state")),
        "meetings": ApprovalMeeting.objects.count(),
        "decisions": list(
            CommendationDecision.objects.order_by("pk").values_list("pk", "number", "published_at")
        ),
        "decision_lists": CommendationDecision.approval_lists.through.objects.count(),
        "past_awardees": PastAwardee.objects.count(),
        "campaigns": list(Campaign.objects.order_by("pk").values_list("pk", "state", "decided_at")),
        "receipts": Receipt.objects.count(),
        "votes": Vote.objects.count(),
        "voters": list(Voter.objects.order_by("pk").values_list("pk", "day_votes", "total_votes")),
        "bundles": list(DocumentBundle.objects.order_by("pk").values_list("pk", "state", "file")),
        "audit": AuditEntry.objects.count(),
        "audit_head": AuditHead.objects.values_list("last_hash", flat=True).first(),
    }


def audit_actions(action: str) -> int:
    """How many audit entries record ``action``."""
    from jiangxuan.core.models import AuditEntry

    return AuditEntry.objects.filter(action=action).count()


def assert_audit_chain_verifies() -> None:
    """``jiangxuan auditverify``'s check of the chain: every entry re-computes."""
    from jiangxuan.core.audit import verify_audit_chain

    assert verify_audit_chain() is None


def stored_files(media: Path) -> set[str]:
    """The files under ``media``, as names relative to it."""
    return {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()}


def sweep_orphans(media: Path) -> list[str]:
    """Run the orphan sweep (``jiangxuan purgeorphanfiles``) as it would run a day later,
    past the grace period; returns the names it removed."""
    from django.utils import timezone

    from jiangxuan.core.stored_files import purge_orphan_files

    later = timezone.now() + timedelta(days=2)
    assert later.year >= 2026, "sweep outside a frozen clock: files carry today's times"
    return sorted(purge_orphan_files(now=later).removed)


def assert_files_are_the_rows(media: Path) -> None:
    """Every stored file belongs to a row and every row's file is stored."""
    from jiangxuan.core.stored_files import referenced_names

    assert stored_files(media) == referenced_names()


#: The two faults, as the tests' parameter.
FAULTS = ("session_terminated", "process_killed")


def inject(
    fault: str,
    write: Callable[..., Any],
    *,
    model: type[Model],
    media: Path,
    at: datetime | None = None,
    **kwargs: Any,
) -> None:
    """Run ``write(**kwargs)`` under ``fault`` (one of FAULTS), struck right after the
    first row of ``model`` is saved; at the frozen time ``at`` when given."""
    import time_machine

    if fault == "process_killed":
        run_killed(write, model=model, media=media, at=at, **kwargs)
        return
    assert fault == "session_terminated", fault
    with session_terminated(model):
        if at is None:
            write(**kwargs)
        else:
            with time_machine.travel(at, tick=False):
                write(**kwargs)
