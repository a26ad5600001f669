"""The uploads in an S3-compatible object store, encrypted (issue 17.6; docs/admin/
object-storage.md).

``EncryptedS3Storage`` is ``settings.STORAGES["default"]`` when ``JX_STORAGE=s3``:
django-storages' ``S3Storage`` with the sealing and opening of
:class:`core.storage.EncryptedStorageMixin`, so that the store only ever holds the encrypted
form (SM4-GCM chunks, ``core/filecrypt.py``) and every application node reads what any
other wrote. Imported only then (boto3 is large), from the dotted path in the settings.

Differences from the folder, all handled here: an object is opened by downloading it once
into a temporary file (in memory up to 1 MiB, on disk above, in ``FILE_UPLOAD_TEMP_DIR``)
whose every chunk is checked before the file is returned; a name already taken gets another
name, as on disk (``file_overwrite`` off); uploads carry no checksum trailers (botocore's
``when_required``), which servers such as Swift's s3api do not accept; every object is stored
as ``application/octet-stream`` (its bytes are encrypted).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from .filecrypt import CHUNK_BYTES, is_sealed
from .storage import EncryptedStorageMixin, StoredObject

#: What a downloaded object keeps in memory before it is spooled to disk.
SPOOL_BYTES = 1 << 20


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


class EncryptedS3Storage(EncryptedStorageMixin, S3Storage):
    """An S3 bucket holding the uploads encrypted (:class:`EncryptedStorageMixin`).

    Options (``STORAGES["default"]["OPTIONS"]``, from ``JX_S3_*`` in ``settings.py``) are
    django-storages' (``endpoint_url``, ``access_key``, ``secret_key``, ``bucket_name``,
    ``region_name``, ``location``...); the defaults set here are those the encryption and
    a self-hosted store need: path-style addresses, no overwriting, no presigned URLs.

    Raises (besides the mixin's): ``botocore`` errors when the store does not answer or
    refuses (wrong keys, no bucket): a server error, logged as such.
    """

    def get_default_settings(self) -> dict[str, Any]:
        defaults: dict[str, Any] = super().get_default_settings()
        defaults.update(
            file_overwrite=False,
            addressing_style="path",
            signature_version="s3v4",
            object_parameters={"ContentType": "application/octet-stream"},
            client_config=Config(
                s3={"addressing_style": "path"},
                signature_version="s3v4",
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
            ),
        )
        return defaults

    def _key(self, name: str) -> str:
        return str(self._normalize_name(clean_name(name)))

    def open_stored(self, name: str) -> IO[bytes]:
        spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115  (the caller closes it)
            max_size=SPOOL_BYTES, dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        try:
            response = self.connection.meta.client.get_object(
                Bucket=self.bucket_name, Key=self._key(name)
            )
            body = response["Body"]
            try:
                shutil.copyfileobj(body, spool, CHUNK_BYTES)
            finally:
                body.close()
        except ClientError as exc:
            spool.close()
            if _status(exc) == 404:
                raise FileNotFoundError(f"no stored file {name}") from exc
            raise
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return spool

    def _stored_start(self, name: str, count: int) -> tuple[bytes, int]:
        client = self.connection.meta.client
        try:
            response = client.get_object(
                Bucket=self.bucket_name, Key=self._key(name), Range=f"bytes=0-{count - 1}"
            )
        except ClientError as exc:
            if _status(exc) == 404:
                raise FileNotFoundError(f"no stored file {name}") from exc
            if _status(exc) == 416:  # an empty object: no byte to give
                return b"", 0
            raise
        with response["Body"] as body:
            start = body.read()
        # "bytes 0-22/12345"; a server that ignores the range sends the whole object.
        total = str(response.get("ContentRange", "")).rpartition("/")[2]
        return start[:count], int(total) if total.isdigit() else len(start)

    def stored_files(self) -> Iterator[StoredObject]:
        prefix = self._key("")
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        paginator = self.connection.meta.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket_name, Prefix=prefix):
            for entry in page.get("Contents", ()):
                key = entry["Key"]
                if key.endswith("/"):
                    continue
                yield StoredObject(
                    key[len(prefix) :], int(entry["Size"]), entry["LastModified"].timestamp()
                )

    def write_stored(self, name: str, source: IO[bytes]) -> None:
        if self.exists(name):
            raise FileExistsError(name)
        self.bucket.Object(self._key(name)).upload_fileobj(
            source,
            ExtraArgs={"ContentType": "application/octet-stream"},
            Config=self.transfer_config,
        )

    def seal_stored(self, name: str) -> bool:
        """The object is read whole, then replaced by its encrypted form in one upload: an
        object store swaps an object at once, so a reader gets one or the other. An object
        is listed only once its upload finished, so none is "being written"."""
        with self.open_stored(name) as raw:
            start = raw.read(8)
            if not start or is_sealed(start):
                return False
            raw.seek(0)
            # S3Storage._save writes under this very name (no renaming at this level).
            S3Storage._save(self, name, self.sealed_form(File(raw, name)))
        return True
