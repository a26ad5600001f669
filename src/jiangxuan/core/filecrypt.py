"""Stored files encrypted with SM4-GCM in chunks, so that no file is held in memory whole.

The layout (version 1); the primitives are ``cryptography``'s, through ``core/crypto.py``:

- a header of 67 bytes: the magic ``JXSM4F\\0\\1`` (8 bytes, its last byte the version), the
  chunk size in bytes (4, big-endian), the id of the wrapping key (4), a random nonce
  prefix (7), then the file's data key (16 random bytes, one per file) encrypted with
  SM4-GCM under the wrapping key derived from ``JX_FIELD_KEY`` (the envelope: a 12-byte
  random nonce, 16 bytes of key, a 16-byte tag), with the 23 bytes before it as associated
  data, so that no byte of the header can be changed unseen;
- the content cut into chunks of the chunk size (1 MiB), the last one shorter or, for an
  empty file, empty; each chunk is encrypted with SM4-GCM under the data key and followed
  by its 16-byte tag. A chunk's nonce is the nonce prefix ‖ the chunk's number (4 bytes,
  big-endian) ‖ 1 for the last chunk, 0 for the others (the STREAM construction of
  Hoang, Reyhanitabar, Rogaway and Vizár, as in Tink's streaming AEAD): chunks cannot be
  reordered, dropped from the end or added after it without a tag failing.

The plain size follows from the file's size and the chunk size alone, and any byte can be
reached by decrypting one chunk, so the reader seeks freely. A file whose start is not the
magic was stored before encryption (JPEG, PNG, PDF, ZIP and MP4 files never start so).
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Iterable, Iterator
from typing import IO

from .crypto import (
    TAG_BYTES,
    DecryptionError,
    file_wrapping_key,
    sm4_gcm_open,
    sm4_gcm_seal,
)

MAGIC = b"JXSM4F\x00\x01"
CHUNK_BYTES = 1 << 20
#: magic, chunk size, key id, nonce prefix: the part the wrapped key authenticates.
_PREFIX = struct.Struct(">8sI4s7s")
WRAP_NONCE_BYTES = 12
DATA_KEY_BYTES = 16
HEADER_BYTES = _PREFIX.size + WRAP_NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES
#: Chunk sizes a header may give; anything else is a damaged header.
_CHUNK_RANGE = range(4096, (16 << 20) + 1)


def is_sealed(start: bytes) -> bool:
    """Whether ``start`` (the first 8 bytes of a file, or more) opens an encrypted file."""
    return start[: len(MAGIC)] == MAGIC


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _rechunk(pieces: Iterable[bytes | str], size: int) -> Iterator[tuple[bytes, bool]]:
    """Pieces of any length as chunks of exactly ``size`` bytes, each with whether it is
    the last; the last is shorter, or empty when there was nothing at all."""
    buffer = bytearray()
    for piece in pieces:
        buffer += piece.encode() if isinstance(piece, str) else piece
        while len(buffer) > size:
            yield bytes(buffer[:size]), False
            del buffer[:size]
    yield bytes(buffer), True


def seal_chunks(pieces: Iterable[bytes | str], chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The encrypted form of the content given as ``pieces`` (bytes of any length; text is
    UTF-8): the header, then one encrypted chunk at a time. A fresh data key and nonce
    prefix are drawn for each call, so a retried write never reuses a nonce."""
    wrapping_key, key_id = file_wrapping_key()
    data_key = os.urandom(DATA_KEY_BYTES)
    prefix = os.urandom(7)
    head = _PREFIX.pack(MAGIC, chunk_bytes, key_id, prefix)
    wrap_nonce = os.urandom(WRAP_NONCE_BYTES)
    yield head + wrap_nonce + sm4_gcm_seal(wrapping_key, wrap_nonce, data_key, head)
    for index, (chunk, last) in enumerate(_rechunk(pieces, chunk_bytes)):
        yield sm4_gcm_seal(data_key, _nonce(prefix, index, last), chunk)


def _read_stream(raw: IO[bytes]) -> Iterator[bytes]:
    while piece := raw.read(CHUNK_BYTES):
        yield piece


def seal_file(source: IO[bytes], target: IO[bytes]) -> None:
    """Write the encrypted form of ``source`` (read from where it stands) to ``target``."""
    for piece in seal_chunks(_read_stream(source)):
        target.write(piece)


class SealedReader(io.RawIOBase):
    """A read-only, seekable view of the plain content of an encrypted file.

    Opening reads and checks the header and unwraps the data key; each read decrypts the
    chunks it needs (one chunk is kept), so memory stays at one chunk whatever the file's
    size. :meth:`verify` checks every chunk's tag once, before a download starts.

    Args:
        raw: the stored file, opened in binary mode at any position; closed with the reader.
    Raises:
        DecryptionError: the file is not encrypted, its header is damaged or was sealed under
            another key, or its length cannot be that of an encrypted file (truncated).
    """

    def __init__(self, raw: IO[bytes]):
        super().__init__()
        self._raw = raw
        raw.seek(0)
        header = raw.read(HEADER_BYTES)
        if not is_sealed(header):
            raise DecryptionError("not an encrypted file")
        if len(header) < HEADER_BYTES:
            raise DecryptionError("truncated header")
        head = header[: _PREFIX.size]
        _, self._chunk_bytes, key_id, self._prefix = _PREFIX.unpack(head)
        if self._chunk_bytes not in _CHUNK_RANGE:
            raise DecryptionError("damaged header")
        wrapping_key, current_id = file_wrapping_key()
        if key_id != current_id:
            raise DecryptionError("sealed under another key")
        wrapped = header[_PREFIX.size :]
        self._key = sm4_gcm_open(
            wrapping_key, wrapped[:WRAP_NONCE_BYTES], wrapped[WRAP_NONCE_BYTES:], head
        )
        self._chunks, self.size = _layout(_stored_length(raw), self._chunk_bytes)
        self._position = 0
        self._cached: tuple[int, bytes] | None = None

    def _chunk(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        record = self._chunk_bytes + TAG_BYTES
        self._raw.seek(HEADER_BYTES + index * record)
        sealed = self._raw.read(record)
        last = index == self._chunks - 1
        plain = sm4_gcm_open(self._key, _nonce(self._prefix, index, last), sealed)
        expected = self._chunk_bytes if not last else self.size - index * self._chunk_bytes
        if len(plain) != expected:
            raise DecryptionError("chunk of the wrong length")
        self._cached = (index, plain)
        return plain

    def verify(self) -> None:
        """Decrypt every chunk once and check its tag.

        Raises:
            DecryptionError: a chunk was altered, or the file was cut or extended.
        """
        for index in range(self._chunks):
            self._chunk(index)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill ``buffer`` as far as the content goes (across chunks: a short read means
        the end, as callers that read a given length expect)."""
        view = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(view) and self._position < self.size:
            index, offset = divmod(self._position, self._chunk_bytes)
            chunk = self._chunk(index)
            count = min(len(view) - filled, len(chunk) - offset)
            view[filled : filled + count] = chunk[offset : offset + count]
            filled += count
            self._position += count
        return filled

    def readall(self) -> bytes:
        parts = []
        while self._position < self.size:
            index, offset = divmod(self._position, self._chunk_bytes)
            parts.append(self._chunk(index)[offset:])
            self._position = (index + 1) * self._chunk_bytes
        self._position = max(self._position, self.size)
        return b"".join(parts)

    def fileno(self) -> int:
        raise OSError("an encrypted file has no plain descriptor")

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
            self._cached = None
        super().close()


def _stored_length(raw: IO[bytes]) -> int:
    """The length of the stored file ``raw``, found by seeking to its end (a file on disk,
    or an object of the object store spooled to a temporary file: neither needs a
    descriptor)."""
    return raw.seek(0, io.SEEK_END)


def _layout(stored_bytes: int, chunk_bytes: int) -> tuple[int, int]:
    """(number of chunks, plain size) of an encrypted file of ``stored_bytes`` bytes.

    Raises:
        DecryptionError: no encrypted file has that length (it was cut inside a tag).
    """
    body = stored_bytes - HEADER_BYTES
    record = chunk_bytes + TAG_BYTES
    chunks = max(1, -(-body // record))
    if body - (chunks - 1) * record < TAG_BYTES:
        raise DecryptionError("truncated")
    return chunks, body - chunks * TAG_BYTES


#: How many bytes of a stored file :func:`plain_size_of` needs.
PREFIX_BYTES = _PREFIX.size


def plain_size_of(start: bytes, stored_bytes: int) -> int:
    """The plain size of an encrypted file from its first :data:`PREFIX_BYTES` bytes
    (``start``, or more) and its stored length alone, without the key: what the object
    store gives from a ranged read, without fetching the file.

    Raises:
        DecryptionError: not an encrypted file, or one of an impossible length.
    """
    if not is_sealed(start) or len(start) < _PREFIX.size:
        raise DecryptionError("not an encrypted file")
    chunk_bytes = _PREFIX.unpack(start[: _PREFIX.size])[1]
    if chunk_bytes not in _CHUNK_RANGE:
        raise DecryptionError("damaged header")
    return _layout(stored_bytes, chunk_bytes)[1]


def plain_size(raw: IO[bytes]) -> int:
    """The plain size of the encrypted file ``raw`` (opened in binary mode, seekable), from
    its header and length alone, without the key.

    Raises:
        DecryptionError: not an encrypted file, or one of an impossible length.
    """
    raw.seek(0)
    start = raw.read(_PREFIX.size)
    return plain_size_of(start, _stored_length(raw))
