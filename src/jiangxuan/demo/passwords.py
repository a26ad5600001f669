"""The demo accounts' password hash (``jiangxuan demo``)."""

import functools

from django.conf import settings
from django.contrib.auth.hashers import make_password


def demo_password_hash(password: str) -> str:
    """``password`` hashed for the demo's accounts, once per process and hasher.

    Every demo account has the same public password (printed by ``jiangxuan demo``), so
    one hash serves them all: with Argon2, the default hasher, a hash costs about 170 ms,
    and the demo makes 39 accounts (161 when taken through decision)."""
    return _password_hash(password, settings.PASSWORD_HASHERS[0])


@functools.lru_cache(maxsize=4)
def _password_hash(password: str, hasher: str) -> str:
    # ``hasher`` is the key only: make_password uses the first of PASSWORD_HASHERS.
    return make_password(password)
