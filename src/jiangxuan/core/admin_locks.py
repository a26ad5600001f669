"""Records the Django admin must not change once they are locked (issue 16.3).

A ``ModelAdmin`` with :class:`LockedRecordAdminMixin` names, per object, why it is locked
(:meth:`locked_reason`, Chinese) or None. A locked object shows read-only; a POST to
change it and its delete page answer 403 with that reason (``core.views.permission_denied``
shows it), so an administrator cannot rewrite a drawn panel or a witnessed draw that the
workflow's services would refuse.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


class LockedRecordAdminMixin:
    """Refuses change and deletion of an object :meth:`locked_reason` names a reason for."""

    def locked_reason(self, obj: Any) -> str | None:
        """Why ``obj`` may not be changed in the admin (Chinese), or None."""
        raise NotImplementedError

    def _refuse_if_locked(self, request: HttpRequest, object_id: str | None) -> None:
        if not object_id:
            return
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        reason = self.locked_reason(obj) if obj is not None else None
        if reason:
            raise PermissionDenied(reason)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and self.locked_reason(obj):
            return False
        return super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and self.locked_reason(obj):
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc]

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            self._refuse_if_locked(request, object_id)
        return super().changeform_view(  # type: ignore[misc]
            request, object_id, form_url, extra_context
        )

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        self._refuse_if_locked(request, object_id)
        return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]
