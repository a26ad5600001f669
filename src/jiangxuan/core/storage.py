"""The uploads' storage: every file written is encrypted at rest (issue 16.8), on the local
disk or in an S3-compatible object store (issue 17.6).

``settings.STORAGES["default"]`` is :class:`EncryptedFileSystemStorage` (a
``FileSystemStorage``, the default) or, with ``JX_STORAGE=s3``,
``core.storage_s3.EncryptedS3Storage`` (django-storages' ``S3Storage``). Both take their
sealing and opening from :class:`EncryptedStorageMixin`: writes go through
:func:`core.filecrypt.seal_chunks`, and ``open()`` gives the plain content, read one chunk
at a time, after every chunk's tag was checked (so a download never starts on a damaged
file). Files stored before encryption (no magic) are read as they are while
``JX_FILES_PLAIN_READABLE`` is on; ``jiangxuan encryptfiles`` encrypts them in place.

The mixin also gives the upkeep commands (``core/stored_files.py``, ``core/backup.py``) what
they need without a local path: :meth:`~EncryptedStorageMixin.stored_files` lists every
stored file with its size and time, :meth:`~EncryptedStorageMixin.open_stored` reads one as
stored (encrypted), :meth:`~EncryptedStorageMixin.write_stored` writes one back as it was
stored (a restore), :meth:`~EncryptedStorageMixin.seal_stored` encrypts a plain one in place.

A file that fails its check raises :class:`StoredFileDamaged`; the API's handler and
:class:`core.middleware.StoredFileDamagedMiddleware` answer it in Chinese and call
:func:`report_damaged_file`, which logs an error and writes a ``file.damaged`` audit entry.
"""

from __future__ import annotations

import abc
import io
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.files import File, locks
from django.core.files.storage import FileSystemStorage, Storage
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .audit import record_audit
from .crypto import DecryptionError
from .errors import DomainError
from .filecrypt import (
    CHUNK_BYTES,
    PREFIX_BYTES,
    SealedReader,
    is_sealed,
    plain_size_of,
    seal_chunks,
    seal_file,
)

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


@dataclass(frozen=True)
class StoredObject:
    """One stored file as the storage lists it: its storage name (POSIX style), its size
    as stored (encrypted) in bytes and when it was last written (POSIX time)."""

    name: str
    size: int
    modified: float


class _SealedStream(io.RawIOBase):
    """The encrypted form of a file's chunks as a read-only stream (what an object store's
    upload reads), produced one chunk at a time as it is read; not seekable."""

    def __init__(self, content: File):
        super().__init__()
        self._pieces = seal_chunks(content.chunks())
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        while not self._pending:
            try:
                self._pending = next(self._pieces)
            except StopIteration:
                return 0
        count = min(len(view), len(self._pending))
        view[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count


class _SealingFile(File):
    """``content`` as the storage writes it, encrypted: by its chunks (the file system
    storage) or read as a stream (the object store's upload). It has no
    ``temporary_file_path``, so the storage never moves a plain temporary file in place."""

    def __init__(self, content: File):
        super().__init__(io.BufferedReader(_SealedStream(content), CHUNK_BYTES), None)
        self.name = getattr(content, "name", None)
        self._content = content

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return seal_chunks(self._content.chunks())


class DecryptedFile(File):
    """The plain content of an encrypted stored file (a :class:`SealedReader`). ``open()``
    after ``close()`` opens the stored file again through the storage, never as raw bytes."""

    def __init__(self, reader: SealedReader, name: str, storage: Storage):
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


class EncryptedStorageMixin(abc.ABC):
    """What both uploads' storages share: writes are encrypted (SM4-GCM in chunks under a
    per-file key wrapped with the field key, ``core/filecrypt.py``), opens decrypt and are
    for reading only, in binary mode; the size is the plain size. Put it before the
    Django storage it encrypts; that storage gives the stored bytes through the methods
    below marked "backend".

    Raises (from ``open``):
        StoredFileDamaged: the file failed its check (every chunk is checked before the
            file is returned).
        FileNotFoundError: no such file.
    """

    if TYPE_CHECKING:  # given by the Django storage it is mixed into

        def exists(self, name: str) -> bool: ...

        def delete(self, name: str) -> None: ...

    # ----------------------------------------------------------------- backend

    @abc.abstractmethod
    def open_stored(self, name: str) -> IO[bytes]:
        """Backend: the file ``name`` as stored (encrypted, or plain from before), opened
        for reading in binary mode, seekable; the caller closes it.

        Raises:
            FileNotFoundError: no such file.
        """
        raise NotImplementedError

    @abc.abstractmethod
    def _stored_start(self, name: str, count: int) -> tuple[bytes, int]:
        """Backend: the first ``count`` bytes of the stored file and its stored length."""
        raise NotImplementedError

    @abc.abstractmethod
    def stored_files(self) -> Iterator[StoredObject]:
        """Backend: every stored file (as stored: sizes are encrypted sizes), in no order."""
        raise NotImplementedError

    @abc.abstractmethod
    def write_stored(self, name: str, source: IO[bytes]) -> None:
        """Backend: write ``source`` (read from where it stands to its end) as the stored
        file ``name``, byte for byte, without encrypting: a restore puts back what a backup
        copied. Refuses (``FileExistsError``) a name that exists."""
        raise NotImplementedError

    @abc.abstractmethod
    def seal_stored(self, name: str) -> bool:
        """Backend: encrypt in place the file ``name`` stored plain, so that a reader sees
        the plain file or the encrypted one, never half of one; False when it is empty,
        already encrypted or being written."""
        raise NotImplementedError

    # ----------------------------------------------------------------- shared

    def _open(self, name: str, mode: str = "rb") -> File:
        if mode not in ("rb", "br"):
            raise ValueError("stored files are opened for reading, in binary mode")
        raw = self.open_stored(name)
        try:
            start = raw.read(8)
            raw.seek(0)
            if not is_sealed(start):
                if settings.JX_FILES_PLAIN_READABLE:
                    label = getattr(raw, "name", None)
                    return File(raw, label if isinstance(label, str) else name)
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
        return DecryptedFile(reader, name, cast(Storage, self))

    def sealed_form(self, content: File) -> File:
        """``content`` as it is stored: encrypted, read by chunks or as a stream."""
        return _SealingFile(content)

    def _save(self, name: str, content: File) -> str:
        # django-stubs do not declare Storage._save, which every storage has (Django 6.1).
        return super()._save(name, self.sealed_form(content))  # type: ignore[misc]

    def size(self, name: str) -> int:
        """The plain size in bytes (the stored file is larger by its header and tags).

        Raises:
            StoredFileDamaged: the header is damaged or the length impossible.
            FileNotFoundError: no such file.
        """
        start, stored = self._stored_start(name, PREFIX_BYTES)
        if not is_sealed(start):
            return stored
        try:
            return plain_size_of(start, stored)
        except DecryptionError as exc:
            raise StoredFileDamaged(name, str(exc)) from exc


class EncryptedFileSystemStorage(EncryptedStorageMixin, FileSystemStorage):
    """The uploads folder (``MEDIA_ROOT``), encrypted (:class:`EncryptedStorageMixin`).
    A file is locked while it is written (Django's storage), which :meth:`seal_stored`
    respects."""

    def open_stored(self, name: str) -> IO[bytes]:
        return open(self.path(name), "rb")  # the caller closes it

    def _stored_start(self, name: str, count: int) -> tuple[bytes, int]:
        with open(self.path(name), "rb") as raw:
            return raw.read(count), os.fstat(raw.fileno()).st_size

    def stored_files(self) -> Iterator[StoredObject]:
        """Every regular file under the folder; symbolic links are neither followed nor
        listed."""
        root = Path(self.path(""))
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
                        stat = entry.stat(follow_symlinks=False)
                        yield StoredObject(
                            Path(entry.path).relative_to(root).as_posix(),
                            stat.st_size,
                            stat.st_mtime,
                        )

    def write_stored(self, name: str, source: IO[bytes]) -> None:
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(path, "xb") as target:
            shutil.copyfileobj(source, target, CHUNK_BYTES)

    def seal_stored(self, name: str) -> bool:
        """Through a sibling temporary file and an atomic rename (mode kept), under an
        exclusive lock; a file locked by its writer is skipped (False)."""
        path = self.path(name)
        with open(path, "rb") as source:
            if not locks.lock(source, locks.LOCK_EX | locks.LOCK_NB):
                return False
            start = source.read(8)
            if not start or is_sealed(start):
                return False
            source.seek(0)
            folder, base = os.path.split(path)
            fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{base}.", suffix=".sealing")
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
