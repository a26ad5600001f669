"""Password policy and storage (docs/security.md checks 4 and 5).

The suite hashes with MD5 for speed (test_settings); the storage tests put the production
hasher list back with the ``settings`` fixture.
"""

import base64
import hashlib

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from jiangxuan.accounts.hashers import PBKDF2SM3PasswordHasher
from jiangxuan.accounts.models import User

PASSWORD = "Gongjiang-2024!"
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
PBKDF2_SM3 = "jiangxuan.accounts.hashers.PBKDF2SM3PasswordHasher"
PBKDF2_SHA256 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"


def _violations(password: str, user: User | None = None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code or "" for e in error.error_list}
    return set()


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("Ab1!xyz", {"password_too_short"}),
        ("Password123", {"password_too_common"}),
        ("20240915310017", {"password_entirely_numeric", "password_too_simple"}),
        ("gongjiangxuanba", {"password_too_simple"}),
        ("GONGJIANG2024", {"password_too_simple"}),
        (
            "12345678",
            {
                "password_too_short",
                "password_too_common",
                "password_entirely_numeric",
                "password_too_simple",
            },
        ),
    ],
    ids=["short", "common", "all-digits", "one-class", "two-classes", "everything-wrong"],
)
def test_password_policy_rejects_weak_password(password, codes):
    assert _violations(password) == codes


@pytest.mark.parametrize(
    "password",
    [
        "Gongjiang-2024!",
        "lu-ban-chuan-ren-jiang-xin-jing-shen-2026-" + "x" * 24,
        "工匠精神代代传 Jiang 2026",
        "Correct horse battery staple, 1 more time! " * 3,
    ],
    ids=["ten-plus-three-classes", "64-plus-chars", "chinese-mixed", "129-chars"],
)
def test_password_policy_accepts_strong_password(password):
    assert _violations(password) == set()


def test_password_policy_accepts_64_plus_characters():
    password = "shi-fu-dai-tu-di-" * 4 + "A1"

    assert len(password) >= 64
    assert _violations(password) == set()


@pytest.mark.django_db
def test_password_policy_rejects_password_like_the_username():
    user = User(username="zhangweiming", display_name="张伟明")

    assert _violations("Zhangweiming1", user) == {"password_too_similar"}


def test_password_policy_messages_are_chinese():
    with pytest.raises(ValidationError) as raised:
        validate_password("gongjiangxuanba")

    assert raised.value.messages == ["密码须至少包含小写字母、大写字母、数字、符号中的 3 类。"]


# --- storage -------------------------------------------------------------------------


@pytest.mark.django_db
def test_new_password_hash_uses_argon2_by_default(settings):
    settings.PASSWORD_HASHERS = [ARGON2, PBKDF2_SM3, PBKDF2_SHA256]

    user = User.objects.create_user(username="lina", password=PASSWORD)

    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "x")


@pytest.mark.django_db
def test_new_password_hash_uses_pbkdf2_sm3_when_configured(settings):
    settings.PASSWORD_HASHERS = [PBKDF2_SM3, ARGON2, PBKDF2_SHA256]

    user = User.objects.create_user(username="lina", password=PASSWORD)

    algorithm, iterations, salt, _digest = user.password.split("$")
    assert (algorithm, int(iterations)) == ("pbkdf2_sm3", PBKDF2SM3PasswordHasher.iterations)
    assert len(salt) >= 22
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "x")


def test_pbkdf2_sm3_matches_an_independent_implementation():
    """cryptography's PBKDF2HMAC against hashlib's OpenSSL PBKDF2 with SM3."""
    if "sm3" not in hashlib.algorithms_available:
        pytest.skip("this OpenSSL build has no SM3 in hashlib")
    encoded = PBKDF2SM3PasswordHasher().encode("密码Mima-1", "c2FsdHNhbHQ", iterations=1000)
    expected = hashlib.pbkdf2_hmac("sm3", "密码Mima-1".encode(), b"c2FsdHNhbHQ", 1000, 32)

    assert encoded.split("$")[3] == base64.b64encode(expected).decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("legacy", "preferred", "prefix"),
    [
        (PBKDF2_SHA256, ARGON2, "argon2$"),
        (PBKDF2_SM3, ARGON2, "argon2$"),
        (ARGON2, PBKDF2_SM3, "pbkdf2_sm3$"),
    ],
    ids=["pbkdf2-to-argon2", "sm3-to-argon2", "argon2-to-sm3"],
)
def test_legacy_hash_is_upgraded_at_next_login(client, settings, legacy, preferred, prefix):
    settings.PASSWORD_HASHERS = [preferred, *{ARGON2, PBKDF2_SM3, PBKDF2_SHA256} - {preferred}]
    legacy_name = {ARGON2: "argon2", PBKDF2_SM3: "pbkdf2_sm3", PBKDF2_SHA256: "pbkdf2_sha256"}
    user = User.objects.create_user(username="lina")
    User.objects.filter(pk=user.pk).update(
        password=make_password(PASSWORD, hasher=legacy_name[legacy])
    )

    response = client.post(reverse("accounts:login"), {"username": "lina", "password": PASSWORD})

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.password.startswith(prefix)
    assert user.check_password(PASSWORD)
