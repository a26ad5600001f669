"""Request-level policies: idle and absolute session timeout, no-store for personal pages,
request context for the audit trail."""

import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from .audit import current_ip

LAST_SEEN_KEY = "jx_last_seen"
STARTED_KEY = "jx_session_started"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the server saw it (proxies are configured at the edge)."""
    return request.META.get("REMOTE_ADDR") or None


def session_timed_out(request: HttpRequest) -> bool:
    """Whether the signed-in session is past its idle limit or its absolute lifetime.

    The first authenticated request of a session (right after login, whichever view logged
    in) stamps the start and pins the session's expiry to start + ``SESSION_COOKIE_AGE``, so
    later writes of the last-seen time extend neither the cookie nor the stored session.
    Returns True when ``JX_SESSION_IDLE_SECONDS`` passed since the last request or
    ``SESSION_COOKIE_AGE`` since the start (等保 身份鉴别 b; ASVS 7.3.1-7.3.2).
    """
    session = request.session
    now = int(time.time())
    started = session.get(STARTED_KEY)
    if started is None:
        session[STARTED_KEY] = now
        session[LAST_SEEN_KEY] = now
        session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
        return False
    last = session.get(LAST_SEEN_KEY, started)
    if now - last > settings.JX_SESSION_IDLE_SECONDS or now - started >= (
        settings.SESSION_COOKIE_AGE
    ):
        return True
    # Write at most once a minute, so the session is not rewritten on every click.
    if now - last >= 60:
        session[LAST_SEEN_KEY] = now
    return False


class SessionTimeoutMiddleware:
    """Log out a session past :func:`session_timed_out`'s limits. Pages redirect to the
    login page (htmx requests get ``HX-Redirect``); ``/api/`` requests continue as
    anonymous, so the API's own authentication answers 401."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            if request.user.is_authenticated and session_timed_out(request):
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                response = redirect_to_login(request.get_full_path())
                if request.headers.get("HX-Request") == "true":
                    return HttpResponseClientRedirect(response.url)
                return response
            return self.get_response(request)
        finally:
            current_ip.reset(token)


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
