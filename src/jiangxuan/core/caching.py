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
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.translation import get_language

#: Seconds a public page may be reused, by the server cache and by shared caches.
PUBLIC_MAX_AGE = 60
PUBLIC_CACHE_CONTROL = f"public, max-age={PUBLIC_MAX_AGE}"
#: Seconds a page's version token is reused before the database is asked again: the
#: longest a newly published notice or decision waits to appear.
VERSION_SECONDS = 10
_ABSENT = "-"


def cached_version(name: str, compute: Callable[[], str | None]) -> str | None:
    """The version token of a public page, remembered for :data:`VERSION_SECONDS`.

    ``compute`` returns the token (one small query) or None when the page does not exist
    or is not public; both answers are remembered, so a busy database sees at most one
    such query per page every few seconds however many people read.
    """
    key = f"jx-public-version:{name}"
    version = cache.get(key)
    if version is None:
        version = compute() or _ABSENT
        cache.set(key, version, VERSION_SECONDS)
    return None if version == _ABSENT else version


def mark_public[R: HttpResponseBase](response: R) -> R:
    """Let browsers and shared caches keep ``response`` for :data:`PUBLIC_MAX_AGE`
    seconds. Only for responses with no personal data and no per-visitor content."""
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    return response


def cached_public_page(
    key: Iterable[Any],
    template_name: str,
    context: Callable[[], dict[str, Any]],
    *,
    status: int = 200,
) -> HttpResponse:
    """A public page from the cache, or rendered and cached for :data:`PUBLIC_MAX_AGE`.

    ``key`` names the page and the version of its content (e.g. ``("portal-campaign",
    code, version)``); the active language is added. ``context`` is called only on a
    miss, so a hit costs no database query beyond what the caller spent on the version.
    The template is rendered without the request, so nothing per-visitor can be cached.
    """
    # Hashed: the parts may hold spaces or non-ASCII text, which memcached refuses.
    raw = "|".join([*(str(part) for part in key), get_language() or ""])
    cache_key = "jx-public:" + hashlib.sha256(raw.encode()).hexdigest()
    html = cache.get(cache_key)
    if html is None:
        html = render_to_string(template_name, context())
        cache.set(cache_key, html, PUBLIC_MAX_AGE)
    return mark_public(HttpResponse(html, status=status))
