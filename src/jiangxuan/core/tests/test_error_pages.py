"""The error pages (urls.py ``handler403/404/500``, core.views): Chinese, in the base
layout for a signed-in user, the 403 with the service's reason, the 500 without the
database or the context processors."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.campaigns.models import Campaign

pytestmark = pytest.mark.django_db


def denied_with_reason(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("只有活动办公室可以延期。")


def denied_in_english(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("no access to nomination 42")


def denied_bare(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


def database_down(request: HttpRequest) -> dict:
    """A context processor that fails as one reading the database does when it is down."""
    raise RuntimeError("database unavailable")


# The project's URLs plus failing views (for @pytest.mark.urls); the handlers are the
# project's, named here as urls.py names them.
urlpatterns = [
    path("test-denied-reason/", denied_with_reason),
    path("test-denied-english/", denied_in_english),
    path("test-denied-bare/", denied_bare),
    path("test-boom/", boom),
    path("", include("jiangxuan.urls")),
]
handler403 = "jiangxuan.core.views.permission_denied"
handler404 = "jiangxuan.core.views.page_not_found"
handler500 = "jiangxuan.core.views.server_error"


@pytest.fixture
def signed_in(client) -> Client:
    user = User.objects.create_user(username="wangfang", password="Gongjiang-2024!")
    client.force_login(user)
    return client


def test_urls_name_the_core_error_pages():
    import jiangxuan.urls as project_urls

    assert (project_urls.handler403, project_urls.handler404, project_urls.handler500) == (
        handler403,
        handler404,
        handler500,
    )


@pytest.mark.urls(__name__)
def test_403_shows_the_services_reason_in_the_layout(signed_in):
    response = signed_in.get("/test-denied-reason/")

    body = response.content.decode()
    assert response.status_code == 403
    assert "只有活动办公室可以延期。" in body
    assert "您没有权限访问此页面或执行此操作" not in body
    assert "退出登录" in body  # the signed-in user's header of core/base.html


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/test-denied-english/", "/test-denied-bare/"])
def test_403_without_a_reason_for_people_shows_the_general_text(signed_in, url):
    response = signed_in.get(url)

    body = response.content.decode()
    assert response.status_code == 403
    assert "您没有权限访问此页面或执行此操作。如需开通权限，请联系本单位管理员。" in body
    assert "nomination 42" not in body


def test_403_from_a_page_for_a_signed_in_clerk(client, seed_campaign, orgs):
    campaign = seed_campaign("001")
    clerk = User.objects.create_user(username="clerk", password="x")
    Membership.objects.create(user=clerk, org_unit=orgs["cc-chaoyang-hrss"], role=Role.CLERK)
    client.force_login(clerk)

    response = client.post(
        reverse("campaigns:edit_spec", args=[campaign.code]), {"spec_yaml": "code: x"}
    )

    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>无权访问</h1>" in body
    assert "只有本活动的领导小组办公室可以修改活动规范。" in body
    assert Campaign.objects.get().spec_yaml == campaign.spec_yaml


def test_404_for_a_signed_in_user_is_chinese_in_the_layout(signed_in):
    response = signed_in.get(reverse("nominations:detail", args=[987654]))

    body = response.content.decode()
    assert response.status_code == 404
    assert "您访问的页面不存在，或您无权查看该内容。" in body
    assert "退出登录" in body


@pytest.mark.urls(__name__)
def test_500_renders_without_the_context_processors(signed_in, settings):
    """The 500 page must show when what failed is the database a context processor reads
    (the unread-notifications badge); it is rendered without the request."""
    template = settings.TEMPLATES[0]
    processors = [*template["OPTIONS"]["context_processors"], f"{__name__}.database_down"]
    settings.TEMPLATES = [
        {**template, "OPTIONS": {**template["OPTIONS"], "context_processors": processors}}
    ]
    client = Client(raise_request_exception=False)
    client.cookies = signed_in.cookies

    response = client.get("/test-boom/")

    body = response.content.decode()
    assert response.status_code == 500
    assert "服务暂时出错" in body
    assert "boom" not in body
