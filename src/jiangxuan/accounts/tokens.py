"""API tokens: issuing a bearer key and finding the user a key belongs to.

The key (``jx_`` + 40 URL-safe characters) is shown once, when issued; only its SHA-256
digest is stored (ApiToken.key_digest), so a database leak gives no usable key.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from jiangxuan.core.audit import record_audit

from .models import ApiToken, User

#: ``last_used_at`` is written at most this often, so API traffic does not rewrite the
#: token row on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
KEY_PREFIX = "jx_"


@transaction.atomic
def issue_api_token(user: User, *, name: str, days: int | None = None) -> str:
    """Create a token for ``user`` and return its key (the only time it is available).

    Args:
        user: the token's owner; API calls with the key act as this user.
        name: a label for the token (e.g. the system that uses it), at most 60 characters.
        days: lifetime in days from now; None for a token that does not expire.
    Returns:
        The key, ``jx_…``.
    Raises:
        ValueError: ``days`` is not positive, or ``name`` is empty or too long.
    """
    name = name.strip()
    if not name or len(name) > 60:
        raise ValueError("name must be 1-60 characters")
    if days is not None and days < 1:
        raise ValueError("days must be positive")
    key = ApiToken.new_key()
    expires_at = timezone.now() + dt.timedelta(days=days) if days is not None else None
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[len(KEY_PREFIX) : len(KEY_PREFIX) + 8],
        key_digest=ApiToken.digest(key),
        expires_at=expires_at,
    )
    record_audit(
        actor=None,
        action="apitoken.issue",
        obj=token,
        after={"user": user.get_username(), "name": name, "expires_at": expires_at},
    )
    return key


def user_for_token(key: str) -> User | None:
    """The active user a key belongs to, or None (unknown, expired, or inactive user).

    Records the time of use, at most once a minute per token.
    """
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(key_digest=ApiToken.digest(key)).first()
    if token is None or token.is_expired or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
