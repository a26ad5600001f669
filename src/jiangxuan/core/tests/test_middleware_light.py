"""The short middleware chain of anonymous public endpoints (issue 17.1): which middleware
it keeps and skips, and which requests may take it."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from jiangxuan.core.middleware import LIGHT_SKIPPED, PublicLightMiddleware


def _answer(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def chain() -> PublicLightMiddleware:
    return PublicLightMiddleware(_answer)


def test_the_short_chain_keeps_every_security_middleware_after_it():
    names = chain().light_names
    for kept in (
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "jiangxuan.core.middleware.NoStoreMiddleware",
        "jiangxuan.core.middleware.StoredFileDamagedMiddleware",
    ):
        assert kept in names
    assert not LIGHT_SKIPPED & set(names)
    # Everything before it (security headers, ETag, HEAD, CSP, NUL guard) runs anyway.
    mine = settings.MIDDLEWARE.index("jiangxuan.core.middleware.PublicLightMiddleware")
    assert settings.MIDDLEWARE.index("jiangxuan.core.middleware.NulByteMiddleware") < mine
    assert settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") < mine
    assert settings.MIDDLEWARE.index("django.middleware.csp.ContentSecurityPolicyMiddleware") < mine


def test_only_anonymous_requests_to_the_listed_endpoints_qualify():
    mw, rf = chain(), RequestFactory()
    assert mw.match(rf.get("/api/v1/votes/x")).view_name == "api:get_vote"
    assert mw.match(rf.post("/api/v1/votes/x/cast")).view_name == "api:cast_vote"
    assert mw.match(rf.get("/notices/1/")).view_name == "notices:public_detail"
    assert mw.match(rf.get("/vote/x/")).view_name == "voting:vote"
    # Forms, the office, other APIs, signed-in visitors and API tokens do not.
    assert mw.match(rf.get("/vote/x/verify/")) is None
    assert mw.match(rf.get("/vote/office/x/")) is None
    assert mw.match(rf.get("/notices/1/object/")) is None
    assert mw.match(rf.get("/api/v1/me")) is None
    assert mw.match(rf.get("/api/v1/votes/x/nope")) is None
    assert mw.match(rf.delete("/api/v1/votes/x")) is None
    signed_in = rf.get("/api/v1/votes/x")
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = "s"
    assert mw.match(signed_in) is None
    assert mw.match(rf.get("/api/v1/votes/x", headers={"Authorization": "Bearer t"})) is None
