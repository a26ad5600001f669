"""Root URL configuration: one include per domain app.

Two pages of a lower app's URL space are served by the higher app that composes them,
under the lower app's namespace and paths (docs/architecture.md, "The app order"): a
campaign's page (``campaigns:detail``, from nominations: it shows the quotas' use) and a
level's summary sheet (``nominations:forward_summary``, from documents).

The error pages are core's, in Chinese (``handler403`` shows the service's reason).
"""

from django.contrib import admin
from django.urls import include, path

from jiangxuan.campaigns import urls as campaign_urls
from jiangxuan.documents import urls as document_urls
from jiangxuan.nominations import urls as nomination_urls

campaign_pages = [*campaign_urls.urlpatterns, *nomination_urls.campaign_urlpatterns]
nomination_pages = [*nomination_urls.urlpatterns, *document_urls.review_urlpatterns]

urlpatterns = [
    path("", include("jiangxuan.core.urls")),
    path("accounts/", include("jiangxuan.accounts.urls")),
    path("campaigns/", include((campaign_pages, campaign_urls.app_name))),
    path("nominations/", include((nomination_pages, nomination_urls.app_name))),
    path("notices/", include("jiangxuan.notices.urls")),
    path("vote/", include("jiangxuan.voting.urls")),
    path("experts/", include("jiangxuan.experts.urls")),
    path("decisions/", include("jiangxuan.decisions.urls")),
    path("notifications/", include("jiangxuan.notifications.urls")),
    path("documents/", include("jiangxuan.documents.urls")),
    path("overview/", include("jiangxuan.overview.urls")),
    path("public/", include("jiangxuan.portal.urls")),
    path("api/v1/", include("jiangxuan.api.urls")),
    path("captcha/", include("captcha.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "jiangxuan.core.views.permission_denied"
handler404 = "jiangxuan.core.views.page_not_found"
handler500 = "jiangxuan.core.views.server_error"
