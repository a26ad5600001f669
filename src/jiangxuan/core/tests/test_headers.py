"""Security headers on every kind of response, Chinese error pages, media not served
(docs/security.md checks 13 and 17)."""

import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.test import Client
from django.urls import Resolver404, include, path, resolve, reverse

from jiangxuan.accounts.models import User

pytestmark = pytest.mark.django_db

SECRET_IN_ERROR = "boom-110105194912310021"


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_IN_ERROR)


def denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("no access to nomination 42")


def download(request: HttpRequest) -> FileResponse:
    return FileResponse(
        io.BytesIO(b"%PDF-1.7"),
        as_attachment=True,
        filename="推荐表.pdf",
        content_type="application/pdf",
    )


# The project's URLs plus a download and two failing views (for @pytest.mark.urls).
urlpatterns = [
    path("test-boom/", boom),
    path("test-denied/", denied),
    path("test-download/", download),
    path("", include("jiangxuan.urls")),
]


def _csp(response) -> dict[str, list[str]]:
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


def _assert_security_headers(response) -> None:
    csp = _csp(response)
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    script_src = csp["script-src"]
    assert "'strict-dynamic'" in script_src
    assert [v for v in script_src if not v.startswith("'nonce-")] == ["'strict-dynamic'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def _assert_scripts_carry_the_nonce(response) -> None:
    """Each <script> in the page has the nonce the CSP header names, and there is one."""
    nonces = [v for v in _csp(response)["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts
    assert [s for s in scripts if f'nonce="{nonce}"' not in s] == []


@pytest.fixture
def signed_in(client) -> Client:
    user = User.objects.create_user(username="zhangwei", password="Gongjiang-2024!")
    client.force_login(user)
    return client


def test_headers_on_login_page(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    _assert_security_headers(response)
    _assert_scripts_carry_the_nonce(response)


def test_headers_on_signed_in_page_include_no_store(signed_in):
    response = signed_in.get(reverse("accounts:logout_all"))

    assert response.status_code == 200
    _assert_security_headers(response)
    _assert_scripts_carry_the_nonce(response)
    assert response["Cache-Control"] == "no-store"


def test_headers_on_json_response(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    _assert_security_headers(response)
    assert not [v for v in _csp(response)["script-src"] if v.startswith("'nonce-")]


def test_json_response_to_signed_in_user_is_no_store(signed_in):
    response = signed_in.get("/api/v1/openapi.json")

    assert response["Cache-Control"] == "no-store"


def test_404_page_is_chinese_with_headers(client):
    response = client.get("/no-such-page/")

    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body
    assert "Page not found" not in body
    _assert_security_headers(response)
    _assert_scripts_carry_the_nonce(response)


@pytest.mark.urls(__name__)
def test_500_page_is_chinese_without_details():
    client = Client(raise_request_exception=False)

    response = client.get("/test-boom/")

    body = response.content.decode()
    assert response.status_code == 500
    assert "服务暂时出错" in body
    assert SECRET_IN_ERROR not in body
    assert "Traceback" not in body
    assert "RuntimeError" not in body
    _assert_security_headers(response)


@pytest.mark.urls(__name__)
def test_403_page_is_chinese_without_details(client):
    response = client.get("/test-denied/")

    body = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in body
    assert "nomination 42" not in body
    _assert_security_headers(response)


@pytest.mark.urls(__name__)
def test_download_is_no_store_with_headers(client):
    response = client.get("/test-download/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E6%8E%A8%E8%8D%90%E8%A1%A8.pdf"
    )
    assert response["Cache-Control"] == "no-store"
    _assert_security_headers(response)


@pytest.mark.parametrize("url", ["/media/evidence/1/id-card.jpg", "/media-not-served/x.pdf"])
def test_media_files_are_not_routed(client, url):
    with pytest.raises(Resolver404):
        resolve(url)

    assert client.get(url).status_code == 404
