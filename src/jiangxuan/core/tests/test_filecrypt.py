"""The encrypted file layout (core/filecrypt.py, issue 16.8): chunk boundaries, seeking,
reordered chunks and another field key."""

import io
import os

import pytest
from django.apps import apps
from django.db.models import FileField

from jiangxuan.core.crypto import DecryptionError
from jiangxuan.core.filecrypt import HEADER_BYTES, SealedReader, plain_size, seal_chunks
from jiangxuan.core.storage import EncryptedFileSystemStorage

CHUNK = 4096


def _sealed(tmp_path, plain: bytes, pieces: int = 3):
    """``plain`` encrypted in 4 KiB chunks, fed in ``pieces`` uneven pieces; an open file."""
    step = max(1, len(plain) // pieces)
    parts = [plain[i : i + step] for i in range(0, len(plain), step)] or [b""]
    path = tmp_path / "sealed"
    path.write_bytes(b"".join(seal_chunks(parts, chunk_bytes=CHUNK)))
    return path


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 7])
def test_round_trip_at_chunk_boundaries(tmp_path, size):
    plain = os.urandom(size)
    path = _sealed(tmp_path, plain)

    with path.open("rb") as raw:
        size_without_key = plain_size(raw)
    reader = SealedReader(path.open("rb"))
    reader.verify()
    reader.seek(0)

    assert size_without_key == size
    assert reader.read() == plain
    assert path.stat().st_size == HEADER_BYTES + size + 16 * max(1, -(-size // CHUNK))
    reader.close()


def test_reads_and_seeks_across_chunks(tmp_path):
    plain = os.urandom(5 * CHUNK + 100)
    reader = SealedReader(_sealed(tmp_path, plain).open("rb"))

    reader.seek(CHUNK - 10)
    across = reader.read(20)
    reader.seek(-50, io.SEEK_END)
    end = reader.read()
    reader.seek(3)
    start = reader.read(5)

    assert across == plain[CHUNK - 10 : CHUNK + 10]
    assert end == plain[-50:]
    assert start == plain[3:8]
    assert reader.read(0) == b""
    reader.close()


def test_swapped_chunks_fail(tmp_path):
    path = _sealed(tmp_path, os.urandom(3 * CHUNK))
    data = path.read_bytes()
    record = CHUNK + 16
    first = data[HEADER_BYTES : HEADER_BYTES + record]
    second = data[HEADER_BYTES + record : HEADER_BYTES + 2 * record]
    path.write_bytes(data[:HEADER_BYTES] + second + first + data[HEADER_BYTES + 2 * record :])

    reader = SealedReader(path.open("rb"))
    with pytest.raises(DecryptionError, match="authentication failed"):
        reader.verify()
    reader.close()


def test_file_sealed_under_another_key_is_told_apart(tmp_path, settings):
    path = _sealed(tmp_path, b"scan")
    settings.JX_FIELD_KEY = "ff" * 32

    with path.open("rb") as raw, pytest.raises(DecryptionError, match="sealed under another key"):
        SealedReader(raw)


def test_plain_file_is_not_read_as_encrypted(tmp_path):
    path = tmp_path / "plain.pdf"
    path.write_bytes(b"%PDF-1.4\n")

    with path.open("rb") as raw, pytest.raises(DecryptionError, match="not an encrypted file"):
        SealedReader(raw)


def test_every_file_field_stores_through_the_encrypted_storage():
    """Evidence, posters, scans, attachments, photos, bundles: no field has a storage of
    its own that would write in clear."""
    fields = {
        f"{model._meta.label}.{field.name}": field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, FileField)
    }
    plain = [
        name
        for name, field in fields.items()
        if not isinstance(field.storage, EncryptedFileSystemStorage)
    ]

    assert len(fields) >= 8
    assert plain == []
