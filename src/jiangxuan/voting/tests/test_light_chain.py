"""The vote's anonymous endpoints take the short middleware chain
(core.middleware.PublicLightMiddleware, issue 17.1) and keep the security answers of the
full one: headers, CSP, the NUL-byte guard, rate limits, the voter token, CSRF for pages."""

import json

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from .conftest import DURING, last_code

pytestmark = pytest.mark.django_db
API = "/api/v1"
CODE = "weihai-gongjiang-2023"


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


def light(response) -> bool:
    """Whether the request went through the short chain (no session was attached)."""
    request = response.wsgi_request
    return hasattr(request, "_jx_light_match") and not hasattr(request, "session")


def test_the_public_ballot_goes_through_the_short_chain(vote):
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(DURING, tick=False):
        page = client.get(f"{API}/votes/{CODE}")
        code = post(client, f"{API}/votes/{CODE}/codes", {"phone": "13912345670"})
        verified = post(
            client,
            f"{API}/votes/{CODE}/verify",
            {"phone": "13912345670", "code": last_code("13912345670")},
        )
        ids = [c["id"] for c in page.json()["candidates"]]
        cast = post(
            client,
            f"{API}/votes/{CODE}/cast",
            {"candidates": ids[:1]},
            X_Voter_Token=verified.json()["voter_token"],
        )
    assert [r.status_code for r in (page, code, verified, cast)] == [200, 202, 200, 201]
    assert all(light(r) for r in (page, code, verified, cast))
    # Security headers and CSP come from middleware before the short chain, the frame
    # refusal from one inside it.
    for response in (page, cast):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in cast
    assert page["Cache-Control"] == "public, max-age=10"
    assert "ETag" in page


def test_a_forged_or_missing_voter_token_is_still_refused(vote):
    client = Client()
    with time_machine.travel(DURING, tick=False):
        ids = [c["id"] for c in client.get(f"{API}/votes/{CODE}").json()["candidates"]]
        forged = post(
            client, f"{API}/votes/{CODE}/cast", {"candidates": ids[:1]}, X_Voter_Token="x"
        )
    assert forged.status_code == 403
    assert forged.json()["code"] == "verification_required"
    assert light(forged)


def test_code_requests_keep_their_rate_limit(vote):
    client = Client()
    with time_machine.travel(DURING, tick=False):
        first = post(client, f"{API}/votes/{CODE}/codes", {"phone": "13912345671"})
        second = post(client, f"{API}/votes/{CODE}/codes", {"phone": "13912345671"})
    assert (first.status_code, second.status_code) == (202, 429)
    assert light(second)


def test_nul_byte_guard_still_answers_first(vote):
    response = Client().get(f"{API}/votes/{CODE}", {"q": "a\x00"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_pages_take_the_short_chain_and_stay_cached_public(vote):
    client = Client()
    with time_machine.travel(DURING, tick=False):
        page = client.get(f"/vote/{CODE}/")
        head = client.head(f"/vote/{CODE}/")
    assert page.status_code == 200
    assert light(page)
    assert page["X-Frame-Options"] == "DENY"
    assert head.status_code == 200
    assert head.content == b""


def test_a_session_cookie_or_a_form_page_takes_the_full_chain(vote):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "whatever"
    with time_machine.travel(DURING, tick=False):
        with_cookie = client.get(f"{API}/votes/{CODE}")
        form = Client().get(f"/vote/{CODE}/verify/")
        bearer = Client().get(f"{API}/votes/{CODE}", headers={"Authorization": "Bearer x"})
    assert with_cookie.status_code == 200
    assert not light(with_cookie)
    assert hasattr(with_cookie.wsgi_request, "session")
    assert form.status_code == 200
    assert not light(form)
    assert not light(bearer)


def test_the_short_chain_can_be_turned_off(vote, settings):
    settings.JX_PUBLIC_LIGHT = False
    with time_machine.travel(DURING, tick=False):
        response = Client().get(f"{API}/votes/{CODE}")
    assert response.status_code == 200
    assert not light(response)
