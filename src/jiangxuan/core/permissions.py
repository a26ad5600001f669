"""The one way a service checks a permission (docs/conventions.md, "Permissions").

Each app declares its permissions as ``rules`` predicates in its ``rules.py``; views and
the API ask ``user.has_perm`` to show or hide an action; the service that does the action
calls :func:`require` so that no path (page, API, command, another service) can skip it.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require(user: Any, perm: str, obj: Any = None, message: str = "") -> None:
    """Return when ``user`` has ``perm`` on ``obj``; else raise.

    Args:
        user: the acting user (an anonymous or None user has no permission).
        perm: a permission declared with ``rules.add_perm`` ("decisions.manage").
        obj: the object the permission is about (a campaign, a nomination, a panel).
            Pass one: without it ``User.has_perm`` answers from Django's model
            permissions, all of which a superuser holds (accounts.models.User.has_perm).
        message: the Chinese reason shown on the 403 page or in the API's ``detail``.
    Raises:
        PermissionDenied: the user lacks the permission.
    """
    if user is None or not user.has_perm(perm, obj):
        raise PermissionDenied(message or _("您没有权限执行此操作。"))
