"""The one base of the errors a service raises to refuse a request.

Convention (docs/conventions.md 8.2, "Errors"):

- A service that refuses a request raises a subclass of :class:`DomainError` with a
  Simplified Chinese ``message`` that says what went wrong and what to do; it is shown to
  the user as it is (on the page, or as the API's ``detail``).
- ``code`` is a stable, machine-readable word (``invalid``, ``conflict``, ``throttled`` …)
  and ``status`` the HTTP status the API answers with. Both are class attributes that a
  raise may override (``raise VoteError(msg, code="limit")``); a code's status comes from
  the class's ``statuses`` table, so the status of a code is written once, next to the
  class that uses it. ``field`` names the input at fault, when one is.
- Each app has one subclass (``NominationError``, ``ExpertError``, ``VoteError`` …), and a
  further subclass only where callers need to tell it apart (``InvalidTransition``,
  ``NoReserveError``, ``CampaignClosed``).
- The API answers every DomainError through one handler (core.api_errors) in the common
  shape; pages catch the app's error where they show the form again with the message.
- Not a DomainError: ``PermissionDenied`` (Django's own, 403 ``permission_denied``),
  ``Http404`` (404 ``not_found``), and the reports of a file that failed to load
  (``campaigns.spec.SpecError``, one message per problem with its line).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_lazy

#: Status of the codes every app shares; a subclass extends it with its own codes.
SHARED_STATUSES: Mapping[str, int] = {
    "invalid": 400,
    "permission_denied": 403,
    "not_found": 404,
    "conflict": 409,
    "throttled": 429,
}


class DomainError(Exception):
    """A request a service refused.

    Args:
        message: Chinese, for the user: what went wrong and what to do.
        code: the stable code (default: the class's ``code``).
        field: the input at fault, if one is (the API lists the message under it).
        status: the HTTP status (default: ``statuses[code]``, else the class's ``status``).
    """

    #: The code when a raise names none.
    code: str = "invalid"
    #: The status of a code the class's ``statuses`` table does not list.
    status: int = 400
    #: Status of each code this class raises.
    statuses: ClassVar[Mapping[str, int]] = SHARED_STATUSES

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        status: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        elif code is not None:
            self.status = self.statuses.get(code, type(self).status)


#: What a page and the API say when the database connection was lost during the request
#: (503, API code ``unavailable``): nothing half-done was kept, so the user may retry; a
#: retry of something that did get saved is refused by its state ("已签署", "已投票").
DATABASE_UNAVAILABLE = gettext_lazy(
    "与数据库的连接暂时中断，您的操作未能完成。请稍后重试；"
    "若重试时提示已办理，说明上次操作已经保存。"
)

#: Seconds a client is asked to wait (``Retry-After``) before retrying such a request.
RETRY_AFTER_SECONDS = 30


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` is the database being unreachable or dropping the session mid-request
    (a restart, a failover, ``pg_terminate_backend``, a network cut): Django's
    ``OperationalError`` or ``InterfaceError`` ("connection already closed"). PostgreSQL
    reports a deadlock, a serialization failure or a statement timeout as an
    ``OperationalError`` too; a retry is the answer to those as well. Every write runs in one
    transaction, so such a request left nothing half-written and may be retried
    (docs/security.md check 30)."""
    return isinstance(exc, OperationalError | InterfaceError)
