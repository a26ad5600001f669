"""Encryption of personal data at rest: SM4-GCM for values, HMAC-SM3 for blind indexes.

GB/T 39786-2021 8.4 e asks for confidentiality of important data in storage with
commercial (SM) algorithms; ``cryptography`` (OpenSSL 3) provides SM4 and SM3. A value is
stored as ``sm4gcm:v1:`` + base64(nonce ‖ ciphertext ‖ tag); a flipped byte fails the tag
check. The blind index (HMAC-SM3 of the normalised value, hex) lets the database find
duplicates, e.g. one ID number holding two live nominations, without storing the number.
"""

import base64
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "sm4gcm:v1:"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(ValueError):
    """A stored value failed authentication or is not in the expected format."""


@cache
def _keys(master: str) -> tuple[bytes, bytes]:
    """Derive the SM4 key (16 bytes) and the index key (32 bytes) from the master key."""
    seed = bytes.fromhex(master) if master else settings.SECRET_KEY.encode()
    okm = HKDF(algorithm=hashes.SM3(), length=48, salt=b"jiangxuan", info=b"field-keys").derive(
        seed
    )
    return okm[:16], okm[16:]


def _current_keys() -> tuple[bytes, bytes]:
    return _keys(settings.JX_FIELD_KEY)


@cache
def _file_wrapping_key(master: str) -> tuple[bytes, bytes]:
    seed = bytes.fromhex(master) if master else settings.SECRET_KEY.encode()
    key = HKDF(algorithm=hashes.SM3(), length=16, salt=b"jiangxuan", info=b"file-key-wrap").derive(
        seed
    )
    return key, bytes.fromhex(hmac_sm3_hex(key, b"file-key-id"))[:4]


def file_wrapping_key() -> tuple[bytes, bytes]:
    """The SM4 key that wraps each stored file's own data key (the envelope of
    ``core/filecrypt.py``), derived from the field key with HKDF-SM3 under its own label,
    and its 4-byte id (the start of HMAC-SM3 of a fixed text under it), which each file
    records so that a file sealed under another key is told apart from a damaged one."""
    return _file_wrapping_key(settings.JX_FIELD_KEY)


def sm4_gcm_seal(key: bytes, nonce: bytes, plain: bytes, aad: bytes = b"") -> bytes:
    """SM4-GCM encryption of ``plain``; returns ciphertext ‖ 16-byte tag. The caller
    guarantees that ``nonce`` (12 bytes) is never used twice with ``key``."""
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    if aad:
        encryptor.authenticate_additional_data(aad)
    return encryptor.update(plain) + encryptor.finalize() + encryptor.tag


def sm4_gcm_open(key: bytes, nonce: bytes, sealed: bytes, aad: bytes = b"") -> bytes:
    """Decrypt what :func:`sm4_gcm_seal` made.

    Raises:
        DecryptionError: shorter than a tag, or the tag does not match (altered data, another
            key, nonce or associated data).
    """
    if len(sealed) < TAG_BYTES:
        raise DecryptionError("too short")
    body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    if aad:
        decryptor.authenticate_additional_data(aad)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise DecryptionError("authentication failed") from exc


def encrypt(plain: str) -> str:
    """Encrypt text with SM4-GCM under the field key; returns the tagged base64 form."""
    key, _ = _current_keys()
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plain.encode()) + encryptor.finalize()
    return PREFIX + base64.b64encode(nonce + body + encryptor.tag).decode()


def decrypt(token: str) -> str:
    """Decrypt a value made by :func:`encrypt`.

    Raises:
        DecryptionError: the value is malformed or was altered (GCM tag mismatch).
    """
    if not token.startswith(PREFIX):
        raise DecryptionError("not an encrypted value")
    try:
        raw = base64.b64decode(token[len(PREFIX) :], validate=True)
    except ValueError as exc:
        raise DecryptionError("bad base64") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("too short")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    key, _ = _current_keys()
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as exc:
        raise DecryptionError("authentication failed") from exc


def blind_index(value: str) -> str:
    """Keyed HMAC-SM3 of a normalised value (stripped, upper-case), as 64 hex characters."""
    _, index_key = _current_keys()
    mac = hmac.HMAC(index_key, hashes.SM3())
    mac.update(value.strip().upper().encode())
    return mac.finalize().hex()


def sm3_hex(data: bytes) -> str:
    """SM3 digest of ``data`` as hex (GB/T 32905)."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def hmac_sm3_hex(key: bytes, data: bytes) -> str:
    """HMAC-SM3 of ``data`` under ``key`` as hex."""
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def self_test() -> list[str]:
    """Check SM3 and SM4 against their standard test vectors; returns the failures.

    SM3("abc") from GB/T 32905-2016 appendix A; SM4 single-block ECB from GB/T 32907-2016
    appendix A.1.
    """
    failures = []
    if sm3_hex(b"abc") != "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0":
        failures.append("SM3")
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305  (test vector)
    if (encryptor.update(key) + encryptor.finalize()).hex() != "681edf34d206965e86b3e94f536e4246":
        failures.append("SM4")
    return failures
