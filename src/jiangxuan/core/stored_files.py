"""Upkeep of the uploads folder (issue 16.8): encrypting files stored before encryption,
and removing files no row refers to.

Both walk the default storage's folder (``MEDIA_ROOT``) and are run by commands
(``jiangxuan encryptfiles``, ``jiangxuan purgeorphanfiles``) or, for the purge, by the
``purge_orphan_files`` task; each run that changes something writes one audit entry with
its counts.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import locks
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from .audit import record_audit
from .filecrypt import is_sealed, seal_file


@dataclass
class EncryptReport:
    """What :func:`encrypt_plain_files` found: storage names encrypted (or, on a dry run,
    to encrypt), and counts of the files already encrypted and of those skipped because
    they were being written or empty."""

    encrypted: list[str] = field(default_factory=list)
    already: int = 0
    skipped: int = 0


@dataclass
class OrphanReport:
    """What :func:`purge_orphan_files` found: orphans removed (or, on a dry run, to
    remove), with their total size in bytes as stored, and orphans kept because they are
    younger than the grace period."""

    removed: list[str] = field(default_factory=list)
    removed_bytes: int = 0
    young: int = 0


def _root() -> Path:
    return Path(default_storage.path(""))


def _stored_files() -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every regular file under the storage's folder, as (storage name, entry); symbolic
    links are not followed and not listed."""
    root = _root()
    if not root.is_dir():
        return
    stack = [root]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    yield Path(entry.path).relative_to(root).as_posix(), entry


def referenced_names() -> set[str]:
    """The storage names every ``FileField`` of every installed model holds (all rows)."""
    names: set[str] = set()
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                names.update(
                    model._base_manager.exclude(**{model_field.name: ""})
                    .exclude(**{f"{model_field.name}__isnull": True})
                    .values_list(model_field.name, flat=True)
                )
    return names


def _seal_in_place(path: str) -> bool:
    """Encrypt the plain file at ``path`` through a sibling temporary file and an atomic
    rename (mode kept), under an exclusive lock; False when it is locked by a writer (the
    storage locks a file while writing it), empty or already encrypted."""
    with open(path, "rb") as source:
        if not locks.lock(source, locks.LOCK_EX | locks.LOCK_NB):
            return False
        start = source.read(8)
        if not start or is_sealed(start):
            return False
        source.seek(0)
        folder, name = os.path.split(path)
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".sealing")
        try:
            with os.fdopen(fd, "wb") as target:
                seal_file(source, target)
                target.flush()
                os.fsync(target.fileno())
            os.chmod(temporary, os.stat(path).st_mode & 0o7777)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    return True


def encrypt_plain_files(*, dry_run: bool = False) -> EncryptReport:
    """Encrypt in place every file of the uploads folder still stored plain (issue 16.8),
    one at a time (a sibling temporary file renamed over it, so a reader sees the plain or
    the encrypted file, never half of one).

    Args:
        dry_run: only report what would be encrypted; write nothing.
    Returns:
        The report; when files were encrypted, an ``files.encrypt`` audit entry (system
        actor) records the counts.
    """
    report = EncryptReport()
    for name, entry in _stored_files():
        with open(entry.path, "rb") as probe:
            start = probe.read(8)
        if is_sealed(start):
            report.already += 1
        elif not start:
            report.skipped += 1
        elif dry_run or _seal_in_place(entry.path):
            report.encrypted.append(name)
        else:
            report.skipped += 1
    if report.encrypted and not dry_run:
        record_audit(
            actor=None,
            action="files.encrypt",
            object_type="file",
            after={
                "encrypted": len(report.encrypted),
                "already": report.already,
                "skipped": report.skipped,
            },
        )
    return report


def purge_orphan_files(*, dry_run: bool = False, now: datetime | None = None) -> OrphanReport:
    """Remove files of the uploads folder that no ``FileField`` row refers to and that were
    last written more than ``JX_ORPHAN_FILE_GRACE_HOURS`` ago: uploads whose transaction
    failed or was interrupted. A referenced file is never removed: the references are read
    before the folder is walked and again before anything is deleted; a younger file may
    still be on its way into a row and is kept.

    Args:
        dry_run: only report; remove nothing.
        now: the time the grace period counts back from (default: now).
    Returns:
        The report; when files were removed, a ``files.purge_orphans`` audit entry (system
        actor) records how many, their size and the grace period.
    """
    cutoff = (now or timezone.now()) - timedelta(hours=settings.JX_ORPHAN_FILE_GRACE_HOURS)
    referenced = referenced_names()
    candidates: dict[str, tuple[str, int]] = {}
    report = OrphanReport()
    for name, entry in _stored_files():
        if name in referenced:
            continue
        stat = entry.stat(follow_symlinks=False)
        if stat.st_mtime > cutoff.timestamp():
            report.young += 1
        else:
            candidates[name] = (entry.path, stat.st_size)
    referenced = referenced_names()
    for name, (path, size) in sorted(candidates.items()):
        if name in referenced:
            continue
        if not dry_run:
            try:
                os.unlink(path)
            except FileNotFoundError:
                continue
        report.removed.append(name)
        report.removed_bytes += size
    if report.removed and not dry_run:
        record_audit(
            actor=None,
            action="files.purge_orphans",
            object_type="file",
            after={
                "removed": len(report.removed),
                "bytes": report.removed_bytes,
                "young_kept": report.young,
                "grace_hours": settings.JX_ORPHAN_FILE_GRACE_HOURS,
            },
        )
    return report
