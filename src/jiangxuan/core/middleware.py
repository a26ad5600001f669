"""Request-level policies: idle session timeout, no-store for personal pages, request
context for the audit trail."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from .audit import current_ip

LAST_SEEN_KEY = "jx_last_seen"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the server saw it (proxies are configured at the edge)."""
    return request.META.get("REMOTE_ADDR") or None


class SessionTimeoutMiddleware:
    """Log out a session idle for longer than ``JX_SESSION_IDLE_SECONDS`` (等保 身份鉴别 b;
    ASVS 7.3.1). The absolute lifetime is ``SESSION_COOKIE_AGE``, set at login and never
    extended (SESSION_SAVE_EVERY_REQUEST stays off)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            if request.user.is_authenticated:
                now = int(time.time())
                last = request.session.get(LAST_SEEN_KEY, now)
                if now - last > settings.JX_SESSION_IDLE_SECONDS:
                    logout(request)
                    if request.path.startswith("/api/"):
                        return self.get_response(request)
                    return redirect_to_login(request.get_full_path())
                # Write at most once a minute, so the session row is not rewritten per click.
                if now - last >= 60 or LAST_SEEN_KEY not in request.session:
                    request.session[LAST_SEEN_KEY] = now
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
