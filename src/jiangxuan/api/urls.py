from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_safe

from .main import api


@require_safe
def openapi_json(request: HttpRequest) -> HttpResponse:
    """GET /api/v1/openapi.json: the API's OpenAPI schema in the caller's language (public)."""
    return HttpResponse(api.openapi_json(request), content_type="application/json; charset=utf-8")


# The schema's URL joins the API's own, under the name ninja gave it (api:openapi-json).
# Not named app_name: include() would read a module-level app_name as this URLconf's.
api_patterns, api_app, api_namespace = api.urls
urlpatterns = [
    path(
        "",
        include(
            ([path("openapi.json", openapi_json, name="openapi-json"), *api_patterns], api_app),
            namespace=api_namespace,
        ),
    )
]
