"""Risk signals of the public vote (WizeHive's escalation pattern), counted in the cache
(Redis in production): submissions per IP address and per device within
``JX_VOTE_RISK_WINDOW`` seconds. Above ``JX_VOTE_CAPTCHA_AFTER`` a submission needs a captcha,
above ``JX_VOTE_REVERIFY_AFTER`` a fresh phone verification too. IP counts are soft signals
only (offices and 4G carriers put many people behind one address): they never refuse a
vote on their own, they only ask for more proof.

Also the hard limits on code requests (per phone per minute and hour, per IP per hour),
which protect the SMS budget rather than the count.
"""

from __future__ import annotations

import hashlib
from enum import IntEnum
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest

from jiangxuan.core.crypto import blind_index


class RiskLevel(IntEnum):
    """What a submission must bring: nothing more, a captcha, or a fresh verification."""

    NORMAL = 0
    CAPTCHA = 1
    REVERIFY = 2


def bump(key: str, window: int) -> int:
    """Increment the counter ``key`` (created with a ``window``-second lifetime) and
    return its new value."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:
        # Expired between add() and incr(): start a new window.
        cache.set(key, 1, window)
        return 1


def _redis_client() -> Any | None:
    """The redis-py client of the default cache when it is Redis, else None (the project's
    backend, ``core.redis_cache``, hands out the same client on every call)."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True)


def bump_many(counters: list[tuple[str, int]]) -> list[int]:
    """Increment each counter ``(key, window)`` (created with a ``window``-second lifetime)
    and return the new values. On Redis all of them in one pipeline (``INCR`` and
    ``EXPIRE NX`` per key: one round trip; issue 17.2); on other caches one by one."""
    client = _redis_client()
    if client is None:
        return [bump(key, window) for key, window in counters]
    pipe = client.pipeline(transaction=False)
    for key, window in counters:
        full = cache.make_and_validate_key(key)
        pipe.incr(full)
        pipe.expire(full, window, nx=True)
    return [int(n) for n in pipe.execute()[0::2]]


def device_hash(request: HttpRequest) -> str:
    """A keyed fingerprint of the client: the ``X-Device-Id`` header (apps) or the
    ``jx_device`` cookie, with the user agent and languages. Never the raw values."""
    parts = (
        request.headers.get("X-Device-Id") or request.COOKIES.get("jx_device", ""),
        request.headers.get("User-Agent", ""),
        request.headers.get("Accept-Language", ""),
    )
    return blind_index(hashlib.sha256("\x1f".join(parts).encode()).hexdigest())


def vote_risk(vote_id: int, *, ip: str | None, device: str) -> RiskLevel:
    """Count this submission against its IP and device and return the level it reaches."""
    window = settings.JX_VOTE_RISK_WINDOW
    keys = [f"jx:risk:{vote_id}:dev:{device}"] if device else []
    if ip:
        keys.append(f"jx:risk:{vote_id}:ip:{ip}")
    counts = bump_many([(key, window) for key in keys])
    worst = max(counts, default=0)
    if worst > settings.JX_VOTE_REVERIFY_AFTER:
        return RiskLevel.REVERIFY
    if worst > settings.JX_VOTE_CAPTCHA_AFTER:
        return RiskLevel.CAPTCHA
    return RiskLevel.NORMAL


def peek_vote_risk(vote_id: int, *, ip: str | None, device: str) -> RiskLevel:
    """The level the next submission from this IP or device would reach (for showing the
    captcha field before the voter submits), without counting."""
    keys = [f"jx:risk:{vote_id}:dev:{device}"] if device else []
    if ip:
        keys.append(f"jx:risk:{vote_id}:ip:{ip}")
    worst = max(cache.get_many(keys).values(), default=0) + 1
    if worst > settings.JX_VOTE_REVERIFY_AFTER:
        return RiskLevel.REVERIFY
    if worst > settings.JX_VOTE_CAPTCHA_AFTER:
        return RiskLevel.CAPTCHA
    return RiskLevel.NORMAL


def code_request_allowed(vote_id: int, *, phone_hash: str, ip: str | None) -> bool:
    """Count a code request and say whether it stays within the limits per phone (a
    minute and an hour) and per IP (an hour)."""
    limits = [
        (f"jx:code:{vote_id}:pm:{phone_hash}", 60, settings.JX_VOTE_CODE_PER_PHONE_MINUTE),
        (f"jx:code:{vote_id}:ph:{phone_hash}", 3600, settings.JX_VOTE_CODE_PER_PHONE_HOUR),
    ]
    if ip:
        limits.append((f"jx:code:{vote_id}:ip:{ip}", 3600, settings.JX_VOTE_CODE_PER_IP_HOUR))
    # Every counter moves, even past the first exceeded one.
    counted = bump_many([(key, window) for key, window, _limit in limits])
    return all(n <= limit for n, (_key, _window, limit) in zip(counted, limits, strict=True))
