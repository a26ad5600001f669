"""The start page, the health probe and the error pages (``handler403/404/500``)."""

import re
import sys

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

from .errors import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS, database_unavailable


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in users go to their home page (我的工作台, served by the overview app); the
    public to the portal (whose header links to the staff login)."""
    if request.user.is_authenticated:
        return redirect(reverse("overview:home"))
    return redirect(reverse("portal:index"))


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness probe for deployments, and the baseline of ``make bench`` (the cheapest
    Django view on the same server and middleware). Answers ``{"status": "ok"}`` without
    touching the database, the cache or the session, so it says only that the process
    serves requests; it is exempt from the HTTPS redirect so a probe may call it over
    plain HTTP (settings ``SECURE_REDIRECT_EXEMPT``)."""
    response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """``/favicon.ico``, which browsers ask for on pages without an icon link (the Django
    admin, a downloaded file's tab): a permanent redirect to the platform's SVG icon."""
    return HttpResponsePermanentRedirect(static("core/favicon.svg"))


#: A reason written for people: the project's messages are Simplified Chinese (their msgids
#: are, docs/conventions.md 8.7), while Django's and the libraries' are English and may
#: name internals (a model, an id).
_FOR_PEOPLE = re.compile(r"[\u4e00-\u9fff]")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page (``handler403``) for a PermissionDenied no view handles: a visible object
    the user may not act on (one outside the user's scope answers 404, docs/conventions.md
    8.4). Shows the service's own reason ("只有活动办公室可以延期。"), else the general one."""
    reason = str(exception or "")
    message = reason if _FOR_PEOPLE.search(reason) else ""
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 404 page (``handler404``): one text for an object that does not exist and one
    outside the user's scope, which must not be told apart (docs/conventions.md 8.4)."""
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page (``handler500``), rendered without the request: no context processor
    runs, so the page shows even when the database or a processor is what failed.

    When what failed is the database connection (lost during the request, in a view or a
    middleware: ``core.errors.database_unavailable``), the answer is 503 with
    ``Retry-After`` and a Chinese text that says to retry: the ``503.html`` page, or on
    ``/api/`` the API's error shape with code ``unavailable`` (docs/security.md check 30).
    """
    if database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return HttpResponseServerError(loader.get_template("500.html").render())


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 for a request whose database connection was lost: JSON in the API's error shape
    on ``/api/``, else the standalone ``503.html`` page (rendered without the request, so
    without the database)."""
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        body = {"detail": str(DATABASE_UNAVAILABLE), "code": "unavailable", "errors": {}}
        response = JsonResponse(body, status=503)
    else:
        page = loader.get_template("503.html").render({"message": DATABASE_UNAVAILABLE})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
