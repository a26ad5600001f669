"""Request-level policies: idle and absolute session timeout, no-store for personal pages,
request context for the audit trail."""

import functools
import ipaddress
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.core.exceptions import BadRequest, MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import render, resolve_url
from django.urls import Resolver404, ResolverMatch, get_resolver
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .audit import current_ip
from .storage import StoredFileDamaged, report_damaged_file

#: Cache key holding the last untrusted peer that sent ``X-Forwarded-For`` (read by the
#: deploy check ``core.checks.forwarded_headers_ignored``).
FORWARDED_IGNORED_KEY = "jx:forwarded-ignored"
_forwarded_ignored_seen: set[str] = set()

LAST_SEEN_KEY = "jx_last_seen"
STARTED_KEY = "jx_session_started"


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.JX_TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, unless that is one of the reverse proxies
    listed in ``JX_TRUSTED_PROXIES`` (addresses or networks; empty by default). Then
    ``X-Forwarded-For`` is read from the right, skipping hops that are trusted proxies,
    and the first other address is the client; anything before it was written by the
    client and is ignored, so a client cannot choose its address (ASVS 16.2.1). A
    malformed hop ends the walk at the last address a trusted proxy vouched for.
    Worked out once per request (the audit trail, the vote's limits and risk counters
    all ask)."""
    try:
        return request._jx_client_ip  # type: ignore[attr-defined]
    except AttributeError:
        found = _client_ip(request)
    request._jx_client_ip = found  # type: ignore[attr-defined]
    return found


def _client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    if remote is None or not _trusted(remote):
        if remote is not None and request.META.get("HTTP_X_FORWARDED_FOR"):
            _note_forwarded_ignored(remote)
        return remote
    found = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = hop.strip()
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return found
        found = hop
        if not _trusted(hop):
            return hop
    return found


def _note_forwarded_ignored(remote: str) -> None:
    """Remember (once per process and peer) that a peer not in ``JX_TRUSTED_PROXIES`` sent
    ``X-Forwarded-For``: behind an unlisted proxy every visitor shares its address, so the
    vote's per-address limits hit the whole public (issue 16.9). ``check --deploy`` warns."""
    if remote in _forwarded_ignored_seen:
        return
    _forwarded_ignored_seen.add(remote)
    try:
        ip = ipaddress.ip_address(remote)
    except ValueError:
        return
    # A proxy in front of the platform sits on a private or loopback address; a public
    # client that adds the header itself is not a misconfiguration.
    if ip.is_private or ip.is_loopback:
        cache.set(FORWARDED_IGNORED_KEY, remote, timeout=30 * 24 * 3600)


def start_session_clock(session: SessionBase) -> None:
    """Stamp the start of a signed-in session and pin its expiry to start +
    ``SESSION_COOKIE_AGE``, so later writes (the last-seen time) extend neither the cookie
    nor the stored session (ASVS 7.3.2). Called at login; the middleware also calls it for
    a session signed in by another path (the admin's login, ``force_login``)."""
    now = int(time.time())
    session[STARTED_KEY] = now
    session[LAST_SEEN_KEY] = now
    session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))


def session_timed_out(session: SessionBase) -> bool:
    """Whether a signed-in session is past ``JX_SESSION_IDLE_SECONDS`` since its last
    request or ``SESSION_COOKIE_AGE`` since it started (等保 身份鉴别 b; ASVS 7.3.1-7.3.2).
    Refreshes the last-seen time (at most once a minute) when it is not."""
    started = session.get(STARTED_KEY)
    if started is None:
        start_session_clock(session)
        return False
    now = int(time.time())
    last = session.get(LAST_SEEN_KEY, started)
    if now - last > settings.JX_SESSION_IDLE_SECONDS:
        return True
    if now - started >= settings.SESSION_COOKIE_AGE:
        return True
    # Write at most once a minute, so the session is not rewritten on every click.
    if now - last >= 60:
        session[LAST_SEEN_KEY] = now
    return False


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def htmx_unauthenticated(request: HttpRequest) -> JsonResponse:
    """The answer to an htmx request without a signed-in session (issue 15.2): 401 in the
    API's error shape plus ``login_url``, the login page returning to the page the request
    came from (``HX-Current-URL``, when it is this site's). htmx swaps nothing on a 401,
    so the page keeps what was typed; its script shows the message and the link, and
    retries after the new sign-in, instead of drawing the login page inside the form."""
    current = request.headers.get("HX-Current-URL", "")
    next_url = settings.LOGIN_REDIRECT_URL
    if current and url_has_allowed_host_and_scheme(
        current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(current)
        next_url = f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"
    login_url = redirect_to_login(resolve_url(next_url)).url
    return JsonResponse(
        {
            "detail": _("登录已过期，本次修改未保存。请重新登录，登录后将自动保存。"),
            "code": "unauthenticated",
            "errors": {},
            "login_url": login_url,
        },
        status=401,
    )


class SessionTimeoutMiddleware:
    """Log out a session past :func:`session_timed_out`'s limits. Pages redirect to the
    login page; htmx requests get :func:`htmx_unauthenticated`'s 401; ``/api/`` requests
    continue as anonymous, so the API's own authentication answers 401."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            if request.user.is_authenticated and session_timed_out(request.session):
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                if _is_htmx(request):
                    return htmx_unauthenticated(request)
                return redirect_to_login(request.get_full_path())
            response = self.get_response(request)
            # The request that signed in starts the clock; token-authenticated API calls
            # carry no signed-in session and get none.
            if SESSION_KEY in request.session and STARTED_KEY not in request.session:
                start_session_clock(request.session)
            return response
        finally:
            current_ip.reset(token)


class HtmxLoginRequiredMiddleware:
    """Answer an htmx request that ``login_required`` sends to the login page with
    :func:`htmx_unauthenticated`'s 401 instead (issue 15.2): htmx follows redirects, so
    the autosave of a page whose session had ended drew the login page inside the form."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            _is_htmx(request)
            and response.status_code == 302
            and not request.user.is_authenticated
            and response["Location"].split("?")[0] == resolve_url(settings.LOGIN_URL)
        ):
            return htmx_unauthenticated(request)
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in user and on downloads,
    since those may carry personal data (ASVS 14.3.2). Public pages set their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and (
            request.user.is_authenticated or response.has_header("Content-Disposition")
        ):
            response["Cache-Control"] = "no-store"
        return response


class NulByteMiddleware:
    """Refuse a NUL byte in the path or the query string before any view sees it.

    PostgreSQL cannot hold NUL in text, so a ``%00`` reaching a query raised ``ValueError``
    and answered 500 (issue 16.10, found by fuzzing). No object's key contains NUL, so a
    path with one answers 404; a query value with one answers 400. API paths answer in
    the API's error shape (core.api_errors), pages through the usual error pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path_info.startswith("/api/")
        if "\x00" in request.path_info:
            message = _("未找到该对象，或您无权查看。")
            if api:
                return JsonResponse(
                    {"detail": message, "code": "not_found", "errors": {}}, status=404
                )
            raise Http404(message)
        if any("\x00" in "".join([key, *values]) for key, values in request.GET.lists()):
            message = _("查询参数中含有不可见的控制字符（NUL），请检查链接。")
            if api:
                return JsonResponse(
                    {"detail": message, "code": "invalid", "errors": {}}, status=400
                )
            raise BadRequest(message)
        return self.get_response(request)


class HeadAsGetMiddleware:
    """Answer ``HEAD`` like ``GET`` without the body (RFC 9110 9.3.2), as Django's class-based
    views do, instead of the 405 that ``require_GET`` views gave (issue 16.14). The view
    runs as for GET, so a page's status and headers are the same; ``Content-Length`` is the
    GET body's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        response = self.get_response(request)
        request.method = "HEAD"
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = []
        else:
            response.headers.setdefault("Content-Length", str(len(response.content)))
            response.content = b""
        return response


class PublicConditionalGetMiddleware(ConditionalGetMiddleware):
    """A reload of a public page answers ``304 Not Modified`` when nothing changed (issue
    17.2: a phone's reload on a slow network fetches no body): Django's conditional GET,
    with an ETag set only on responses marked ``Cache-Control: public``
    (``core.caching.mark_public``) — never on a page with a form or personal data.

    Listed before ``NoStoreMiddleware`` so that it sees the final ``Cache-Control``."""

    def needs_etag(self, response: HttpResponseBase) -> bool:
        return "public" in response.get("Cache-Control", "") and super().needs_etag(response)


class StoredFileDamagedMiddleware:
    """Answer a page whose stored file failed its integrity check (issue 16.8) with a
    Chinese page, status 409, instead of the 500 page, after logging the error and auditing
    it (``core.storage.report_damaged_file``). The API answers the same error through its
    own handler (``core.api_errors``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, StoredFileDamaged):
            return None
        report_damaged_file(request, exception)
        return render(request, "core/file_damaged.html", {"message": exception.message}, status=409)


#: The anonymous public endpoints that :class:`PublicLightMiddleware` serves through the
#: light chain (URL names): the vote's API (read, code, verify, ballot), the vote and
#: candidate pages and the public notice page. None of them reads or writes a session, a
#: message or a user; a page with a form (verify, cast, objection) is not among them.
PUBLIC_LIGHT_VIEWS = frozenset(
    {
        "api:get_vote",
        "api:request_vote_code",
        "api:verify_vote_code",
        "api:cast_vote",
        "api:cast_vote_deprecated_path",
        "voting:vote",
        "voting:candidate",
        "notices:public_detail",
    }
)
_LIGHT_PREFIXES = ("/api/v1/votes/", "/vote/", "/notices/")
#: What those endpoints skip: sessions, authentication and what builds on a signed-in
#: user (OTP, session timeout, password expiry, two-factor, the htmx login answer),
#: messages, django-htmx's request attribute, and axes (login lockout). Everything else
#: in ``MIDDLEWARE`` after :class:`PublicLightMiddleware` still runs, in order: locale,
#: CommonMiddleware, CSRF, X-Frame-Options, no-store, the damaged-file page, and any
#: middleware added later (the default is to keep, not to skip).
LIGHT_SKIPPED = frozenset(
    {
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "jiangxuan.core.middleware.SessionTimeoutMiddleware",
        "jiangxuan.core.middleware.HtmxLoginRequiredMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "jiangxuan.accounts.security.PasswordExpiryMiddleware",
        "jiangxuan.accounts.two_factor.TwoFactorMiddleware",
        "django_htmx.middleware.HtmxMiddleware",
        "axes.middleware.AxesMiddleware",
    }
)
_ANONYMOUS = AnonymousUser()


class _LightHandler(BaseHandler):
    """A handler whose chain is ``names`` (synchronous, as under gunicorn's WSGI workers),
    built as ``BaseHandler.load_middleware`` builds the full one; it reuses the URL match
    :class:`PublicLightMiddleware` already made instead of resolving again."""

    def __init__(self, names: list[str]):
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for name in reversed(names):
            try:
                mw = import_string(name)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(mw, "process_view"):
                self._view_middleware.insert(0, mw.process_view)
            if hasattr(mw, "process_template_response"):
                self._template_response_middleware.append(mw.process_template_response)
            if hasattr(mw, "process_exception"):
                self._exception_middleware.append(mw.process_exception)
            handler = convert_exception_to_response(mw)
        self._middleware_chain = handler

    def resolve_request(self, request: HttpRequest) -> ResolverMatch:
        match = getattr(request, "_jx_light_match", None)
        if match is None:
            return super().resolve_request(request)
        request.resolver_match = match
        return match


@functools.lru_cache(maxsize=4096)
def _light_match(urlconf: str, path: str) -> ResolverMatch | None:
    """The match of ``path`` when it is one of :data:`PUBLIC_LIGHT_VIEWS`, else None;
    remembered per URLconf and path (a few hundred distinct paths in a vote: its pages,
    its candidates' and the notices'; at most 4,096 kept), since resolving against the
    whole URLconf cost about a third of a millisecond per request (issue 17.1). The
    match is shared by the requests of that path: Django and the views read it, none
    changes it."""
    try:
        found = get_resolver(urlconf).resolve(path)
    except Resolver404:
        return None
    return found if found.view_name in PUBLIC_LIGHT_VIEWS else None


class PublicLightMiddleware:
    """Serve the anonymous public endpoints (:data:`PUBLIC_LIGHT_VIEWS`) through a shorter
    chain that skips the middleware they do not need (:data:`LIGHT_SKIPPED`; issue 17.1:
    in the wrk comparison of docs/benchmarks.md they cost about a third of a cached page's
    server time). Listed right after ``NulByteMiddleware``, so the security headers, CSP,
    the ETag, HEAD and the NUL-byte guard apply as before; the rest of ``MIDDLEWARE``
    minus the skipped ones runs after it.

    A request takes the short chain only when it carries no session cookie (a signed-in
    user or a voter of the web form keeps the full chain) and no ``Authorization`` header,
    and its path resolves to one of those endpoints. It then gets ``request.user`` =
    ``AnonymousUser`` and the client address for the audit trail (``current_ip``), as
    ``AuthenticationMiddleware`` and ``SessionTimeoutMiddleware`` would give it; it has
    no ``request.session``. Its database queries skip the connection's health check
    (``CONN_HEALTH_CHECKS``). ``JX_PUBLIC_LIGHT = False`` turns the short chain off."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        if not getattr(settings, "JX_PUBLIC_LIGHT", True):
            raise MiddlewareNotUsed
        names = list(settings.MIDDLEWARE)
        mine = f"{__name__}.{type(self).__qualname__}"
        after = names[names.index(mine) + 1 :] if mine in names else names
        self.light_names = [name for name in after if name not in LIGHT_SKIPPED]
        self.light: Callable[[HttpRequest], HttpResponse] = _LightHandler(
            self.light_names
        )._middleware_chain  # type: ignore[assignment]

    def match(self, request: HttpRequest) -> ResolverMatch | None:
        """The URL match of ``request`` when it may take the short chain, else None."""
        if (
            not request.path_info.startswith(_LIGHT_PREFIXES)
            or request.method not in ("GET", "HEAD", "POST")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "HTTP_AUTHORIZATION" in request.META
        ):
            return None
        urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        return _light_match(urlconf, request.path_info)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = self.match(request)
        if found is None:
            return self.get_response(request)
        request._jx_light_match = found  # type: ignore[attr-defined]
        request.user = _ANONYMOUS
        # No `SELECT 1` health check before the first query (CONN_HEALTH_CHECKS): a round
        # trip per ballot (issue 17.1). A connection lost since the last request fails
        # this one with the 503 page (core.errors), and Django closes it at the
        # request's end, so the next request connects anew.
        for conn in connections.all(initialized_only=True):
            conn.health_check_done = True  # type: ignore[attr-defined]
        token = current_ip.set(client_ip(request))
        try:
            return self.light(request)
        finally:
            current_ip.reset(token)
