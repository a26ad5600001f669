"""URL × audience sweep (docs/security.md check 7; ASVS 8.2.1; the pretalx/Zulip pattern).

Every named URL of the site is listed below as public or as needing a sign-in; a URL that
is in neither list fails the test, so a new page cannot ship without a decision on who may
see it. Anonymous visitors get the login redirect (or 401/403/404/405) everywhere except the
public list, for GET and POST alike; every JSON API operation outside its public list
answers 401/403/404/405 without credentials. Nothing answers 5xx.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

#: Pages anyone may open without signing in.
PUBLIC = {
    "core:home",
    "core:healthz",
    "core:favicon",
    "accounts:login",
    "accounts:unlock",
    "notices:public_list",
    "notices:public_detail",
    "notices:public_json",
    "notices:public_entry",
    "notices:public_entry_photo",
    "notices:object",
    "notices:objection_filed",
    "decisions:public",
    "decisions:laureate",
    "portal:index",
    "portal:campaign",
    "voting:index",
    "voting:vote",
    "voting:candidate",
    "voting:verify",
    "voting:cast",
    "voting:ballot_moved",
    "voting:receipt",
    "voting:receipt_check",
    "captcha-image",
    "captcha-image-2x",
    "captcha-audio",
    "captcha-refresh",
}

#: Pages for signed-in users only (each view then checks the user's roles and scope).
SIGNED_IN = {
    "accounts:logout",
    "accounts:logout_all",
    "accounts:two_factor",
    "accounts:two_factor_setup",
    "accounts:password_change",
    "accounts:password_change_done",
    "campaigns:list",
    "campaigns:detail",
    "campaigns:edit_spec",
    "campaigns:versions",
    "campaigns:extend_window",
    "campaigns:numbers",
    "campaigns:texts",
    "campaigns:create",
    "campaigns:deadlines",
    "nominations:list",
    "nominations:create",
    "nominations:detail",
    "nominations:edit",
    "nominations:autosave",
    "nominations:submit",
    "nominations:withdraw",
    "nominations:override",
    "nominations:evidence_upload",
    "nominations:evidence_download",
    "nominations:evidence_poster",
    "nominations:evidence_delete",
    "nominations:review_queue",
    "nominations:sign_off",
    "nominations:forward",
    "nominations:forward_summary",
    "nominations:forward_letter",
    "nominations:forward_document",
    "nominations:forward_document_delete",
    "notices:campaign_notices",
    "notices:open",
    "notices:level_open",
    "notices:background_checks",
    "notices:manage",
    "notices:publish",
    "notices:close",
    "notices:objection_assign",
    "notices:objection_finding",
    "notices:objection_answer",
    "notices:objection_attachment",
    "notices:background_check",
    "notices:background_check_form",
    "notices:background_check_form_pdf",
    "notices:background_check_scan",
    "voting:office",
    "voting:office_prepare",
    "voting:office_open",
    "voting:office_close",
    "voting:office_invalidate",
    "voting:office_anomalies",
    "experts:pool",
    "experts:expert_detail",
    "experts:panel_list",
    "experts:panel_detail",
    "experts:panel_draw",
    "experts:draw_record",
    "experts:panel_reserves",
    "experts:panel_chair",
    "experts:panel_recusal",
    "experts:my_panels",
    "experts:membership_detail",
    "experts:membership_confirm",
    "experts:membership_recusal",
    "experts:scoring_list",
    "experts:scoring_sheet",
    "experts:scoring_evidence",
    "experts:ballot_vote",
    "experts:ballot_close",
    "experts:ballot_sign",
    "experts:ballot_result",
    "experts:panel_scores",
    "experts:panel_remind",
    "experts:panel_close_scoring",
    "experts:ballot_open",
    "experts:panel_inspections",
    "experts:inspection_record",
    "experts:inspection_cancel",
    "experts:campaign_inspections",
    "decisions:overview",
    "decisions:propose",
    "decisions:approve",
    "decisions:revise",
    "decisions:publish",
    "decisions:past_awardees",
    "decisions:document",
    "decisions:payments",
    "notifications:list",
    "core:audit_trail",
    "notifications:read",
    "notifications:read_all",
    "notifications:outbox",
    "notifications:outbox_detail",
    "documents:nomination_docx",
    "documents:nomination_pdf",
    "documents:nomination_ofd",
    "documents:summary_xlsx",
    "documents:sheet",
    "documents:bundle_request",
    "documents:bundle",
    "documents:bundle_file",
    "documents:bundle_sheet",
    "overview:home",
    "overview:campaign",
    "overview:similar",
}

#: JSON API operations (method, path template) that answer without credentials.
PUBLIC_API = {
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/notices/{notice_id}"),
    ("post", "/api/v1/notices/{notice_id}/objections"),
}
PUBLIC_API_PREFIXES = ("/api/v1/votes/", "/api/v1/receipts/", "/api/v1/public/")

#: Sample values for path converters; objects need not exist (login comes first).
SAMPLES = {"int": "1", "slug": "sample", "str": "pdf", "path": "x"}


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("admin", "api"):
                continue
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern)


def _sample_path(route: str) -> str:
    """A concrete path for a route: converters and regex groups filled with samples."""
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "abc", path)
    return "/" + path.strip("^$").replace("$", "")


ROUTES = sorted(dict(_walk(get_resolver())).items())


def test_every_url_is_classified():
    names = {name for name, _route in ROUTES}
    assert names - PUBLIC - SIGNED_IN == set(), "new URL: add it to PUBLIC or SIGNED_IN"
    assert not PUBLIC & SIGNED_IN
    assert (PUBLIC | SIGNED_IN) - names == set(), "stale entries: remove them"


@pytest.mark.parametrize(("name", "route"), [r for r in ROUTES if r[0] in SIGNED_IN])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login_from_signed_in_pages(client, name, route, method):
    response = getattr(client, method)(_sample_path(route))
    assert response.status_code in (302, 401, 403, 404, 405), (name, response.status_code)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login")), name


@pytest.mark.parametrize(("name", "route"), [r for r in ROUTES if r[0] in PUBLIC])
def test_public_pages_answer_anonymous_without_server_errors(name, route):
    client = Client(raise_request_exception=False)
    response = client.get(_sample_path(route))
    assert response.status_code < 500, (name, response.status_code)
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse("accounts:login")), name


def _api_operations():
    from jiangxuan.api.main import api

    schema = api.get_openapi_schema()
    for template, operations in schema["paths"].items():
        for method in operations:
            yield method, template


def test_api_needs_credentials_except_its_public_operations():
    client = Client(raise_request_exception=False)
    checked = 0
    for method, template in _api_operations():
        path = re.sub(r"\{\w+\}", "1", template)
        response = getattr(client, method)(path, content_type="application/json", data={})
        assert response.status_code < 500, (method, template, response.status_code)
        public = (method, template) in PUBLIC_API or template.startswith(PUBLIC_API_PREFIXES)
        if not public:
            assert response.status_code in (401, 403, 404, 405), (method, template)
        checked += 1
    assert checked > 50
