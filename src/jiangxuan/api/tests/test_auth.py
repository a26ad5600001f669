"""Authentication: bearer tokens (issue, expiry, last use), the session with CSRF, 401s."""

import datetime as dt
import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from jiangxuan.accounts.models import ApiToken
from jiangxuan.accounts.tokens import issue_api_token, user_for_token

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_token_auth_valid_key_acts_as_its_user(clerk, api_as):
    response = api_as(clerk).get("/me")

    assert response.status_code == 200
    assert response.json()["username"] == clerk.username
    assert [r["role"] for r in response.json()["roles"]] == ["clerk"]


def test_token_auth_expired_key_401(clerk, in_window):
    key = issue_api_token(clerk, name="ci", days=1)
    assert ApiClient(key).get("/me").status_code == 200

    in_window.shift(dt.timedelta(days=1, seconds=1))
    response = ApiClient(key).get("/me")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert "令牌" in response.json()["detail"]


def test_token_auth_no_token_401_in_chinese(clerk):
    response = ApiClient(None).get("/me")

    assert response.status_code == 401
    assert response.json() == {
        "detail": "未登录，或 API 令牌无效、已过期。请在 Authorization 头中提供 Bearer 令牌。",
        "code": "unauthenticated",
        "errors": {},
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("key", ["jx_not-a-real-key", "no-prefix", ""])
def test_token_auth_unknown_key_401(clerk, key):
    issue_api_token(clerk, name="real", scope="read_write")

    response = ApiClient(key or " ").get("/me")

    assert response.status_code == 401


def test_token_auth_inactive_user_401(clerk):
    key = issue_api_token(clerk, name="ci", scope="read_write")
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])

    assert ApiClient(key).get("/me").status_code == 401


def test_token_auth_anonymous_post_401_not_csrf(campaign):
    response = ApiClient(None).post("/nominations", {"campaign": campaign.code, "award": "x"})

    assert response.status_code == 401


def test_issue_api_token_stores_only_digest(clerk):
    key = issue_api_token(clerk, name="报表系统", days=30)

    token = ApiToken.objects.get(user=clerk)
    assert key.startswith("jx_")
    assert token.key_digest == ApiToken.digest(key)
    assert key not in {token.key_digest, token.prefix, token.name}
    assert token.prefix == key[3:11]
    assert token.expires_at is not None


@pytest.mark.parametrize(("name", "days"), [("", None), ("x" * 61, None), ("ok", 0)])
def test_issue_api_token_bad_arguments_raise(clerk, name, days):
    with pytest.raises(ValueError, match="must be"):
        issue_api_token(clerk, name=name, days=days)


def test_user_for_token_last_used_written_at_most_once_a_minute(clerk, in_window):
    key = issue_api_token(clerk, name="ci", scope="read_write")
    assert user_for_token(key) == clerk
    first = ApiToken.objects.get(user=clerk).last_used_at

    in_window.shift(dt.timedelta(seconds=30))
    user_for_token(key)
    assert ApiToken.objects.get(user=clerk).last_used_at == first

    in_window.shift(dt.timedelta(seconds=31))
    user_for_token(key)
    assert ApiToken.objects.get(user=clerk).last_used_at == first + dt.timedelta(seconds=61)


def test_apitoken_command_prints_a_working_key(clerk):
    out = io.StringIO()

    call_command("apitoken", clerk.username, "--name", "同步", "--days", "7", stdout=out)

    key = out.getvalue().strip()
    assert user_for_token(key) == clerk
    assert ApiToken.objects.get(user=clerk).name == "同步"


def test_apitoken_command_unknown_user_fails(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有名为 nobody 的有效用户"):
        call_command("apitoken", "nobody")


def test_session_auth_reads_without_csrf(clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)

    response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["username"] == clerk.username


def test_session_auth_unsafe_method_needs_csrf(campaign, clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    body = json.dumps({"campaign": campaign.code, "award": "jineng-dajiang"})

    refused = client.post("/api/v1/nominations", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf"
    assert campaign.nominations.count() == 0

    token = "k" * 32  # a CSRF secret as the cookie holds it; the header may repeat it
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    accepted = client.post(
        "/api/v1/nominations", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201
    assert campaign.nominations.count() == 1
