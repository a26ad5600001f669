"""Root URL configuration: one include per domain app."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("jiangxuan.core.urls")),
    path("accounts/", include("jiangxuan.accounts.urls")),
    path("campaigns/", include("jiangxuan.campaigns.urls")),
    path("nominations/", include("jiangxuan.nominations.urls")),
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
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
