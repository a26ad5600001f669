"""Second factor for privileged roles (docs/security.md check 6; 等保 L3 身份鉴别 d): a campaign
office user's sign-in is incomplete until a TOTP code from an enrolled authenticator is
given; a used code is refused; ordinary roles are not asked."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiangxuan.accounts import two_factor
from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, OrgUnit, User
from jiangxuan.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("required")]

PASSWORD = "Gongjiang-2024!"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def required():
    with override_settings(JX_2FA_REQUIRED=True):
        yield


def _user(role: str, username: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    unit = OrgUnit.objects.add_root(
        {"code": f"unit-{username}", "name": "长春市总工会", "kind": "union", "level": "city"}
    )
    Membership.objects.create(user=user, org_unit=unit, role=role)
    return user


def _login(client, username: str):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": PASSWORD, "next": reverse("campaigns:list")},
    )


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_office_sign_in_is_incomplete_until_enrolment_with_a_valid_code(client):
    _user(Role.CAMPAIGN_OFFICE, "office")
    with time_machine.travel(START, tick=False) as traveller:
        response = _login(client, "office")
        assert response.status_code == 302
        response = client.get(reverse("campaigns:list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
        assert client.get("/api/v1/campaigns").status_code == 403

        page = client.get(reverse("accounts:two_factor_setup"))
        assert page.status_code == 200
        assert "<svg" in page.content.decode()
        device = TOTPDevice.objects.get(user__username="office", confirmed=False)

        wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"})
        assert "验证码不正确" in wrong.content.decode()
        assert client.get(reverse("campaigns:list")).status_code == 302

        traveller.shift(2)  # django-otp throttles the device for a second after a failure
        done = client.post(
            reverse("accounts:two_factor_setup"),
            {"token": _code(device), "next": reverse("campaigns:list")},
        )
        assert done.status_code == 302
        assert done["Location"] == reverse("campaigns:list")
        assert client.get(reverse("campaigns:list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="account.2fa_enrol", result="ok").count() == 1


def test_an_enrolment_whose_audit_entry_fails_leaves_no_device_enrolled(client, monkeypatch):
    # The confirmation and its audit entry are one write: a fault between them (here the
    # audit entry failing) must not leave an authenticator enrolled with nothing recorded.
    _user(Role.CAMPAIGN_OFFICE, "office")
    with time_machine.travel(START, tick=False):
        _login(client, "office")
        client.get(reverse("accounts:two_factor_setup"))
        device = TOTPDevice.objects.get(user__username="office", confirmed=False)

        def audit_down(**kwargs):
            raise RuntimeError("audit store unavailable")

        monkeypatch.setattr(two_factor, "record_audit", audit_down)
        with pytest.raises(RuntimeError):
            client.post(reverse("accounts:two_factor_setup"), {"token": _code(device)})
    device.refresh_from_db()
    assert not device.confirmed


def test_enrolled_user_must_give_a_fresh_code_at_each_sign_in_and_a_used_code_is_refused(client):
    user = _user(Role.AUDITOR, "auditor")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with time_machine.travel(START, tick=False):
        _login(client, "auditor")
        held = client.get(reverse("campaigns:list"))
        assert held["Location"].startswith(reverse("accounts:two_factor"))
        code = _code(device)
        assert client.post(reverse("accounts:two_factor"), {"token": code}).status_code == 302
        assert client.get(reverse("campaigns:list")).status_code == 200

        client.post(reverse("accounts:logout"))
        _login(client, "auditor")
        reused = client.post(reverse("accounts:two_factor"), {"token": code})
        assert reused.status_code == 200
        assert "验证码不正确或已使用" in reused.content.decode()
        assert client.get(reverse("campaigns:list")).status_code == 302

    with time_machine.travel(START + timedelta(seconds=60), tick=False):
        fresh = client.post(reverse("accounts:two_factor"), {"token": _code(device)})
        assert fresh.status_code == 302
        assert client.get(reverse("campaigns:list")).status_code == 200
    assert AuditEntry.objects.filter(action="account.2fa_verify", result="refused").exists()


def test_malformed_code_gets_a_chinese_message_and_keeps_the_page(client):
    user = _user(Role.CAMPAIGN_OFFICE, "office2")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    _login(client, "office2")
    response = client.post(reverse("accounts:two_factor"), {"token": "12ab"})
    assert response.status_code == 200
    assert "6 位数字" in response.content.decode()


def test_ordinary_roles_are_not_asked_for_a_second_factor(client):
    _user(Role.CLERK, "clerk")
    _login(client, "clerk")
    assert client.get(reverse("campaigns:list")).status_code == 200


def test_switch_off_lets_privileged_users_in_with_a_password(client):
    _user(Role.CAMPAIGN_OFFICE, "office3")
    with override_settings(JX_2FA_REQUIRED=False):
        _login(client, "office3")
        assert client.get(reverse("campaigns:list")).status_code == 200
