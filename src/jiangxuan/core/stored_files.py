"""Upkeep of the uploads (issue 16.8): encrypting files stored before encryption, and
removing files no row refers to.

Both list the default storage through its own methods (``core/storage.py``): the folder
(``MEDIA_ROOT``) or the S3 bucket (issue 17.6) alike. They are run by commands
(``jiangxuan encryptfiles``, ``jiangxuan purgeorphanfiles``) or, for the purge, by the
``purge_orphan_files`` task; each run that changes something writes one audit entry with
its counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import record_audit
from .errors import DomainError
from .filecrypt import is_sealed
from .storage import EncryptedStorageMixin


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


def uploads_storage() -> EncryptedStorageMixin:
    """The uploads' storage, folder or object store (``core/storage.py``).

    Raises:
        StorageUnsupported: the default storage is not one of the project's.
    """
    # default_storage is a lazy proxy: isinstance sees the storage's own class.
    if not isinstance(default_storage, EncryptedStorageMixin):
        raise StorageUnsupported()
    return cast(EncryptedStorageMixin, default_storage)


class StorageUnsupported(DomainError):
    """The configured ``STORAGES["default"]`` is not one of the project's encrypted
    storages (file system or S3), so the upkeep commands cannot list or rewrite it."""

    code = "conflict"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            _(
                '上传文件的存储（STORAGES["default"]）不是本系统的加密存储'
                "（文件夹或 S3 对象存储），无法逐一列出或改写其中的文件。"
            )
        )


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


def encrypt_plain_files(*, dry_run: bool = False) -> EncryptReport:
    """Encrypt in place every stored upload still stored plain (issue 16.8), one at a time
    (:meth:`~core.storage.EncryptedStorageMixin.seal_stored`: on disk a sibling temporary
    file renamed over it, in a bucket one upload replacing the object, so a reader sees the
    plain or the encrypted file, never half of one).

    Args:
        dry_run: only report what would be encrypted; write nothing.
    Raises:
        StorageUnsupported: the default storage is not one of the project's.
    Returns:
        The report; when files were encrypted, an ``files.encrypt`` audit entry (system
        actor) records the counts.
    """
    report = EncryptReport()
    storage = uploads_storage()
    for stored in storage.stored_files():
        try:
            with storage.open_stored(stored.name) as probe:
                start = probe.read(8)
        except FileNotFoundError:
            continue  # removed since it was listed
        if is_sealed(start):
            report.already += 1
        elif not start:
            report.skipped += 1
        elif dry_run or storage.seal_stored(stored.name):
            report.encrypted.append(stored.name)
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
    """Remove stored uploads (folder or bucket) that no ``FileField`` row refers to and that
    were last written more than ``JX_ORPHAN_FILE_GRACE_HOURS`` ago: uploads whose
    transaction failed or was interrupted. A referenced file is never removed: the
    references are read before the storage is listed and again before anything is deleted;
    a younger file may still be on its way into a row and is kept.

    Args:
        dry_run: only report; remove nothing.
        now: the time the grace period counts back from (default: now).
    Returns:
        The report; when files were removed, a ``files.purge_orphans`` audit entry (system
        actor) records how many, their size and the grace period.
    """
    cutoff = (now or timezone.now()) - timedelta(hours=settings.JX_ORPHAN_FILE_GRACE_HOURS)
    storage = uploads_storage()
    referenced = referenced_names()
    candidates: dict[str, int] = {}
    report = OrphanReport()
    for stored in storage.stored_files():
        if stored.name in referenced:
            continue
        if stored.modified > cutoff.timestamp():
            report.young += 1
        else:
            candidates[stored.name] = stored.size
    referenced = referenced_names()
    for name, size in sorted(candidates.items()):
        if name in referenced:
            continue
        if not dry_run:
            if not storage.exists(name):
                continue
            storage.delete(name)
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
