"""Caching of public, read-only pages (the portal, public notices, the published decision).

Such a page is rendered without the request (no context processors: no user, no session,
no CSRF token, no CSP nonce can enter it), kept in the Django cache under a key that
names the page, the language and a version of what it shows, and sent with
``Cache-Control: public, max-age=PUBLIC_MAX_AGE`` so that browsers, WeChat's webview and
a reverse proxy may keep it too. ``NoStoreMiddleware`` leaves a response that already
carries ``Cache-Control`` alone, which makes these pages its one explicit exception.
Pages with a form (the objection form) are never cached: they send ``no-store``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.translation import get_language

#: Seconds a public page may be reused, by the server cache and by shared caches.
PUBLIC_MAX_AGE = 60
PUBLIC_CACHE_CONTROL = f"public, max-age={PUBLIC_MAX_AGE}"
#: Seconds a page's version token is reused before the database is asked again: the
#: longest a newly published notice or decision waits to appear.
VERSION_SECONDS = 10


def mark_public[R: HttpResponseBase](response: R, max_age: int = PUBLIC_MAX_AGE) -> R:
    """Let browsers and shared caches keep ``response`` for ``max_age`` seconds (default
    :data:`PUBLIC_MAX_AGE`). Only for responses with no personal data and no per-visitor
    content."""
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def public_page(
    name: Iterable[Any],
    version: Callable[[], str | None],
    template_name: str,
    context: Callable[[], dict[str, Any]],
    *,
    missing: str,
    check_every: int = VERSION_SECONDS,
    max_age: int = PUBLIC_MAX_AGE,
) -> HttpResponse:
    """A public page, from the cache in one read while it is fresh (issue 17.2): the
    template rendered with ``context()`` without the request, so nothing per-visitor can
    be cached, kept as :func:`public_content` keeps it and sent with ``Cache-Control:
    public, max-age=<max_age>``.

    Raises:
        Http404: with ``missing`` (Chinese), when ``version`` says the page is not public.
    """
    html = public_content(
        name,
        version,
        lambda: render_to_string(template_name, context()),
        missing=missing,
        check_every=check_every,
        max_age=max_age,
    )
    return mark_public(HttpResponse(html), max_age)


def public_content(
    name: Iterable[Any],
    version: Callable[[], str | None],
    produce: Callable[[], str | bytes],
    *,
    missing: str,
    check_every: int = VERSION_SECONDS,
    max_age: int = PUBLIC_MAX_AGE,
) -> str | bytes:
    """The body of a public page or public JSON (``produce()``), from the cache in one
    read while it is fresh.

    The cache holds, under ``name`` and the active language, the body with the version
    it was produced for and two times. Within ``check_every`` seconds (default
    :data:`VERSION_SECONDS`) of the last check the body is served as it is: one cache
    read, no query. After that ``version`` is asked (one small query, None when the page
    is not public): the same version keeps the body, another produces it again
    (``produce`` is called only then). A body is never older than ``max_age`` seconds
    (default :data:`PUBLIC_MAX_AGE`), so changes no version tracks (a window opening at
    its set time) appear too.

    Raises:
        Http404: with ``missing`` (Chinese), when ``version`` says the page is not public
            (remembered like a body).
    """
    # Hashed: the parts may hold spaces or non-ASCII text, which memcached refuses.
    raw = "|".join([*(str(part) for part in name), get_language() or ""])
    key = "jx-public:" + hashlib.sha256(raw.encode()).hexdigest()
    now = time.time()
    held = cache.get(key)
    checked, produced, held_version, body = held or (0.0, 0.0, None, None)
    # A clock that went back (another node's, a test's time travel) makes an entry stale.
    fresh = 0 <= now - produced < max_age
    if held is not None and fresh and 0 <= now - checked < check_every:
        if body is None:
            raise Http404(missing)
        return body
    current = version()
    if current is None:
        cache.set(key, (now, now, None, None), check_every)
        raise Http404(missing)
    if not (fresh and held_version == current and body is not None):
        produced, body = now, produce()
    cache.set(key, (now, produced, current, body), max_age)
    return body
