"""Issue 16.13: API tokens expire, have a scope checked where the API authenticates, and a
privileged user's token needs the second factor (no way around the first-login 2FA)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiangxuan.accounts.models import ApiToken
from jiangxuan.accounts.tokens import TokenError, issue_api_token
from jiangxuan.core.models import AuditEntry

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_token_without_days_expires_after_the_default(clerk, in_window, settings):
    settings.JX_API_TOKEN_DEFAULT_DAYS = 90
    key = issue_api_token(clerk, name="报表")

    token = ApiToken.objects.get(user=clerk)
    assert token.expires_at == timezone.now() + dt.timedelta(days=90)
    in_window.shift(dt.timedelta(days=90, seconds=1))
    assert ApiClient(key).get("/me").status_code == 401


def test_a_lifetime_above_the_maximum_is_refused_in_chinese(clerk, settings):
    settings.JX_API_TOKEN_MAX_DAYS = 180

    with pytest.raises(TokenError, match="最长 180 天"):
        issue_api_token(clerk, name="报表", days=181)
    with pytest.raises(CommandError, match="最长 180 天"):
        call_command("apitoken", clerk.username, "--days", "181", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_a_read_only_token_reads_but_may_not_write(campaign, clerk):
    key = issue_api_token(clerk, name="只读")  # read-only is the default
    client = ApiClient(key)

    assert client.get("/me").status_code == 200
    refused = client.post("/nominations", {"campaign": campaign.code, "award": "jineng-dajiang"})

    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert "只读" in refused.json()["detail"]
    assert campaign.nominations.count() == 0


def test_a_read_write_token_writes(campaign, clerk):
    key = issue_api_token(clerk, name="读写", scope="read_write")

    created = ApiClient(key).post(
        "/nominations", {"campaign": campaign.code, "award": "jineng-dajiang"}
    )

    assert created.status_code == 201
    assert campaign.nominations.count() == 1


def test_the_command_issues_read_only_unless_asked(campaign, clerk):
    out = io.StringIO()
    call_command("apitoken", clerk.username, stdout=out)
    call_command("apitoken", clerk.username, "--scope", "read_write", stdout=out)
    read_key, write_key = out.getvalue().split()

    body = {"campaign": campaign.code, "award": "jineng-dajiang"}
    assert ApiClient(read_key).post("/nominations", body).status_code == 403
    assert ApiClient(write_key).post("/nominations", body).status_code == 201
    assert sorted(ApiToken.objects.values_list("scope", flat=True)) == ["read", "read_write"]


@override_settings(JX_2FA_REQUIRED=True)
def test_a_privileged_user_gets_no_token_without_the_second_factor(office, in_window):
    with pytest.raises(CommandError, match="绑定验证器"):
        call_command("apitoken", office.username, stdout=io.StringIO())
    device = TOTPDevice.objects.create(user=office, name="phone", confirmed=True)
    with pytest.raises(CommandError, match="6 位验证码"):
        call_command("apitoken", office.username, "--otp", "000000", stdout=io.StringIO())

    assert not ApiToken.objects.exists()
    refused = AuditEntry.objects.filter(action="apitoken.issue", result="refused")
    assert refused.count() == 2

    in_window.shift(dt.timedelta(minutes=1))  # past the device's throttle after a failure
    out = io.StringIO()
    call_command("apitoken", office.username, "--otp", _code(device), stdout=out)
    assert ApiClient(out.getvalue().strip()).get("/me").status_code == 200


@override_settings(JX_2FA_REQUIRED=True)
def test_an_ordinary_role_needs_no_code(clerk):
    assert ApiClient(issue_api_token(clerk, name="ci")).get("/me").status_code == 200


def test_a_privileged_token_stops_when_the_authenticator_is_removed(office, in_window):
    with override_settings(JX_2FA_REQUIRED=True):
        device = TOTPDevice.objects.create(user=office, name="phone", confirmed=True)
        key = issue_api_token(office, name="ci", otp_token=_code(device))
        assert ApiClient(key).get("/me").status_code == 200

        device.delete()

        assert ApiClient(key).get("/me").status_code == 401
