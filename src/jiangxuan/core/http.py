"""Small helpers the apps' views share."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """The 403 page with the service's own Chinese reason (for objects the user may see
    but not act on; objects out of scope answer 404 instead)."""
    message = str(exc) or _("您没有权限执行此操作。")
    return render(request, "core/forbidden.html", {"message": message}, status=403)
