"""The uploads' storage: every file written is encrypted at rest (issue 16.8).

``EncryptedFileSystemStorage`` is ``settings.STORAGES["default"]``: a ``FileSystemStorage``
whose writes go through :func:`core.filecrypt.seal_chunks` and whose ``open()`` gives the
plain content, read one chunk at a time, after every chunk's tag was checked (so a
download never starts on a damaged file). Files stored before encryption (no magic) are
read as they are while ``JX_FILES_PLAIN_READABLE`` is on; ``jiangxuan encryptfiles``
encrypts them in place.

A file that fails its check raises :class:`StoredFileDamaged`; the API's handler and
:class:`core.middleware.StoredFileDamagedMiddleware` answer it in Chinese and call
:func:`report_damaged_file`, which logs an error and writes a ``file.damaged`` audit entry.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import IO, Any, cast

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .audit import record_audit
from .crypto import DecryptionError
from .errors import DomainError
from .filecrypt import SealedReader, is_sealed, plain_size, seal_chunks

logger = logging.getLogger(__name__)


class StoredFileDamaged(DomainError):
    """A stored file failed its integrity check: altered, cut, sealed under another key, or
    not encrypted while plain files are no longer accepted. ``name`` is the storage name,
    ``reason`` what failed (English, for the log and the audit entry, never shown)."""

    code = "file_damaged"
    status = 409
    statuses = {"file_damaged": 409}

    def __init__(self, name: str, reason: str):
        super().__init__(
            _(
                "该文件未通过完整性校验（可能已损坏或被篡改），不能提供。此事已记录，请联系平台管理员。"
            )
        )
        self.name = name
        self.reason = reason


class _SealingFile(File):
    """``content`` as the storage writes it: its chunks, encrypted. It has no
    ``temporary_file_path``, so the storage never moves a plain temporary file in place."""

    def __init__(self, content: File):
        super().__init__(None, getattr(content, "name", None))
        self._content = content

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return seal_chunks(self._content.chunks())


class DecryptedFile(File):
    """The plain content of an encrypted stored file (a :class:`SealedReader`). ``open()``
    after ``close()`` opens the stored file again through the storage, never as raw bytes."""

    def __init__(self, reader: SealedReader, name: str, storage: EncryptedFileSystemStorage):
        super().__init__(cast(IO[bytes], reader), name)
        self._reader = reader
        self._storage = storage
        self._storage_name = name

    @property
    def size(self) -> int:
        return self._reader.size

    def read(self, size: int = -1) -> bytes:
        try:
            return self._reader.read(size)
        except DecryptionError as exc:
            # Changed on disk after the check of open(); a download under way is cut off.
            raise StoredFileDamaged(self._storage_name, str(exc)) from exc

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> DecryptedFile:
        if not self.closed:
            self.seek(0)
        else:
            reopened = self._storage.open(self._storage_name, mode or "rb")
            if not isinstance(reopened, DecryptedFile):
                raise StoredFileDamaged(self._storage_name, "no longer encrypted")
            self.file, self._reader = reopened.file, reopened._reader
        return self


class EncryptedFileSystemStorage(FileSystemStorage):
    """A ``FileSystemStorage`` that encrypts what it writes (SM4-GCM in chunks under a
    per-file key wrapped with the field key, ``core/filecrypt.py``) and decrypts what it
    opens. Files are opened for reading only, in binary mode.

    Raises (from ``open``):
        StoredFileDamaged: the file failed its check (every chunk is checked before the
            file is returned).
        FileNotFoundError: no such file.
    """

    def _open(self, name: str, mode: str = "rb") -> File:
        if mode not in ("rb", "br"):
            raise ValueError("stored files are opened for reading, in binary mode")
        raw: IO[bytes] = open(self.path(name), "rb")  # noqa: SIM115  (closed by the File)
        try:
            start = raw.read(8)
            raw.seek(0)
            if not is_sealed(start):
                if settings.JX_FILES_PLAIN_READABLE:
                    return File(raw, self.path(name))
                raise StoredFileDamaged(name, "not encrypted")
            reader = SealedReader(raw)
            reader.verify()
            reader.seek(0)
        except DecryptionError as exc:
            raw.close()
            raise StoredFileDamaged(name, str(exc)) from exc
        except BaseException:
            raw.close()
            raise
        return DecryptedFile(reader, name, self)

    def _save(self, name: str, content: File) -> str:
        # django-stubs do not declare FileSystemStorage._save, which exists (Django 6.1).
        return super()._save(name, _SealingFile(content))  # type: ignore[misc]

    def size(self, name: str) -> int:
        """The plain size in bytes (the stored file is larger by its header and tags)."""
        with open(self.path(name), "rb") as raw:
            if not is_sealed(raw.read(8)):
                return os.fstat(raw.fileno()).st_size
            try:
                return plain_size(raw)
            except DecryptionError as exc:
                raise StoredFileDamaged(name, str(exc)) from exc


def report_damaged_file(request: HttpRequest, error: StoredFileDamaged) -> None:
    """Log an error (the alert monitoring watches for) and write a ``file.damaged`` audit
    entry naming the file, what failed and who asked; called where the refusal is answered,
    outside the transaction the request rolled back."""
    logger.error("stored file %s failed its check: %s", error.name, error.reason)
    user = getattr(request, "user", None)
    record_audit(
        actor=user,
        action="file.damaged",
        object_type="file",
        after={"file": error.name, "reason": error.reason, "path": request.path},
        result="refused",
    )
