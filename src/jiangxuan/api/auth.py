"""API authentication: a bearer token, or the signed-in web session (with CSRF).

``Authorization: Bearer jx_…`` is tried first. Without it, a signed-in session is
accepted so the web pages' htmx can call the API; for unsafe methods a session call must
carry the CSRF token (ninja's cookie auth runs Django's CSRF check). Anything else answers
401 (errors.install_error_handlers).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from jiangxuan.accounts.tokens import check_token_scope, token_for_key


class TokenAuth(HttpBearer):
    """``Authorization: Bearer jx_…`` with a key from ``jiangxuan apitoken``; a read-only
    token is refused (403) on unsafe methods here, before any endpoint runs (16.13)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = token_for_key(token.strip())
        if api_token is None:
            return None
        check_token_scope(api_token, request.method or "GET")
        user = api_token.user
        # The rest of the request (permissions, audit) sees the token's owner.
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The Django session of a signed-in user; unsafe methods need the CSRF token."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        # An anonymous caller gets 401, not a CSRF failure: check CSRF only for a session.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user
