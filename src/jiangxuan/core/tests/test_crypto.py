"""SM3/SM4 self-test and field encryption (docs/security.md checks 18, 19)."""

import base64

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from jiangxuan.core import crypto
from jiangxuan.core.checks import crypto_self_test
from jiangxuan.core.crypto import DecryptionError, blind_index, decrypt, encrypt

ID_NUMBER = "11010519491231002X"


def test_sm3_abc_vector():
    """GB/T 32905-2016 appendix A.1."""
    assert crypto.sm3_hex(b"abc") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


def test_sm4_single_block_vector():
    """GB/T 32907-2016 appendix A.1: key and plaintext 0123456789abcdeffedcba9876543210."""
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305

    assert (encryptor.update(key) + encryptor.finalize()).hex() == (
        "681edf34d206965e86b3e94f536e4246"
    )


def test_self_test_and_system_check_pass():
    assert crypto.self_test() == []
    assert crypto_self_test(None) == []


@pytest.mark.parametrize("plain", [ID_NUMBER, "13812345678", "", "张伟 · 车工 · 高级技师" * 40])
def test_encrypt_decrypt_round_trip(plain):
    token = encrypt(plain)

    assert token.startswith("sm4gcm:v1:")
    assert plain == "" or plain not in token
    assert decrypt(token) == plain


def test_encrypt_uses_a_fresh_nonce_each_time():
    assert encrypt(ID_NUMBER) != encrypt(ID_NUMBER)


@pytest.mark.parametrize("position", [0, 11, 12, 20, -16, -1], ids=lambda p: f"byte{p}")
def test_flipped_byte_fails_authentication(position):
    raw = bytearray(base64.b64decode(encrypt(ID_NUMBER)[len(crypto.PREFIX) :]))
    raw[position] ^= 0x01
    tampered = crypto.PREFIX + base64.b64encode(bytes(raw)).decode()

    with pytest.raises(DecryptionError, match="authentication failed"):
        decrypt(tampered)


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (ID_NUMBER, "not an encrypted value"),
        ("sm4gcm:v1:***", "bad base64"),
        ("sm4gcm:v1:" + base64.b64encode(b"short").decode(), "too short"),
    ],
)
def test_malformed_value_is_refused(token, reason):
    with pytest.raises(DecryptionError, match=reason):
        decrypt(token)


def test_other_key_cannot_decrypt(settings):
    token = encrypt(ID_NUMBER)

    settings.JX_FIELD_KEY = "ff" * 32

    with pytest.raises(DecryptionError):
        decrypt(token)


def test_blind_index_is_stable_and_normalised():
    index = blind_index(ID_NUMBER)

    assert len(index) == 64
    assert blind_index(ID_NUMBER) == index
    assert blind_index("  11010519491231002x\t") == index
    assert blind_index("110105194912310021") != index


def test_blind_index_depends_on_the_key(settings):
    index = blind_index(ID_NUMBER)

    settings.JX_FIELD_KEY = "ff" * 32

    assert blind_index(ID_NUMBER) != index
