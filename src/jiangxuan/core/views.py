"""The start page and the health probe."""

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in users go to their campaigns; the public to the portal (whose header links
    to the staff login)."""
    if request.user.is_authenticated:
        return redirect(reverse("campaigns:list"))
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
