"""Request types for signed-in callers, so that views and endpoints are typed with the
user they can rely on (django-stubs types ``request.user`` as ``User | AnonymousUser``
and ninja leaves ``request.auth`` untyped). Annotations only: Django and ninja pass the
ordinary ``HttpRequest``; ninja skips the parameter named ``request`` whatever its type.
"""

from __future__ import annotations

from django.http import HttpRequest

from jiangxuan.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request to a view behind ``login_required`` (or a role decorator built on it):
    ``user`` is a signed-in :class:`User`."""

    user: User


class ApiRequest(HttpRequest):
    """A request to an API endpoint behind the API's authentication
    (``jiangxuan.api.auth``): ``auth`` and ``user`` are the caller's :class:`User`."""

    auth: User
    user: User
