"""Template context: the nav's unread-notification count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """``unread_notifications``: lazy, so a page that does not show it (public pages)
    touches neither the session nor the database; for a signed-in user it costs at most
    one COUNT query, cached (and primed at sign-in), for anyone else nothing."""

    def count() -> int:
        user = getattr(request, "user", None)
        return unread_count(user) if user is not None and user.is_authenticated else 0

    return {"unread_notifications": SimpleLazyObject(count)}
