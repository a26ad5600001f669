"""A URL configuration for the API tests: the site's URLs plus this app's router mounted
on its own NinjaAPI (the project's API registers it in api/main.py)."""

from django.urls import path
from ninja import NinjaAPI

from jiangxuan.core.api_errors import install_error_handlers
from jiangxuan.core.api_json import Renderer
from jiangxuan.urls import urlpatterns as site_urlpatterns

from ..api import router

api = NinjaAPI(urls_namespace="notices_test_api", renderer=Renderer(), docs_url=None)
install_error_handlers(api)
api.add_router("", router)

urlpatterns = [path("test-api/", api.urls), *site_urlpatterns]
