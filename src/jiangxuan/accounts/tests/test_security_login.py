"""Sign-in: lock-out by username, login audit, malformed input (docs/security.md checks 1, 23, 33).

Every login goes through the login view: django-axes refuses ``Client.login()`` (no
request), so tests post the form or use ``force_login``.
"""

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from captcha.models import CaptchaStore
from django.urls import reverse

from jiangxuan.accounts.models import User
from jiangxuan.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "Gongjiang-2024!"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _user(username: str = "zhangwei") -> User:
    return User.objects.create_user(username=username, password=PASSWORD, display_name="张伟")


def _login(client, username: str, password: str, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password, **extra}
    )


def _captcha_answer(page) -> dict:
    """The captcha fields of ``page``'s login form, answered (empty: it asks for none)."""
    match = re.search(r'<input[^>]*name="captcha_0"[^>]*>', page.content.decode())
    if not match:
        return {}
    value = re.search(r'value="([^"]+)"', match.group(0))
    assert value is not None
    key = value.group(1)
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def _try(client, clock, username: str, password: str):
    """One counted try, as a patient person makes it: wait out the login wait, and answer
    the captcha when the form asks for one."""
    clock.shift(timedelta(seconds=31))
    response = _login(client, username, password)
    if response.status_code == 200 and (answer := _captcha_answer(response)):
        response = _login(client, username, password, **answer)
    return response


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _signed_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_login_correct_password_signs_in_and_rotates_session(client):
    user = _user()
    session = client.session
    session["probe"] = "before-login"
    session.save()
    key_before = session.session_key

    response = _login(client, "zhangwei", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert _signed_in_as(client) == str(user.pk)
    assert client.cookies["sessionid"].value != key_before


def test_login_success_is_audited_with_source_ip(client):
    user = _user()

    _login(client, "zhangwei", PASSWORD)

    entry = AuditEntry.objects.get(action="account.login")
    assert (entry.actor_id, entry.object_id, entry.source_ip) == (
        user.pk,
        str(user.pk),
        "127.0.0.1",
    )
    assert entry.occurred_at.utcoffset() is not None


def test_login_wrong_password_shows_chinese_error_and_keeps_username(client):
    _user()

    response = _login(client, "zhangwei", "wrong-password")

    assert response.status_code == 200
    assert _signed_in_as(client) is None
    assert response.context["form"]["username"].value() == "zhangwei"
    assert "请输入一个正确的" in response.content.decode()


def test_login_five_failures_lock_the_username(client, clock):
    _user()
    for _ in range(4):
        assert _try(client, clock, "zhangwei", "wrong-password").status_code == 200

    fifth = _try(client, clock, "zhangwei", "wrong-password")
    with_right_password = _try(client, clock, "zhangwei", PASSWORD)

    assert fifth.status_code == 429
    assert with_right_password.status_code == 429
    assert "登录失败次数过多" in with_right_password.content.decode()
    assert _signed_in_as(client) is None


def test_login_four_failures_do_not_lock(client, clock):
    user = _user()
    for _ in range(4):
        _try(client, clock, "zhangwei", "wrong-password")

    response = _try(client, clock, "zhangwei", PASSWORD)

    assert response.status_code == 302
    assert _signed_in_as(client) == str(user.pk)


def test_lockout_leaves_other_user_on_same_ip_unaffected(client, clock):
    _user("zhangwei")
    colleague = _user("lina")
    for _ in range(5):
        _try(client, clock, "zhangwei", "wrong-password")

    response = _login(client, "lina", PASSWORD)

    assert response.status_code == 302
    assert _signed_in_as(client) == str(colleague.pk)


def test_lockout_ends_after_cooloff(client, settings):
    user = _user()
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            _try(client, traveller, "zhangwei", "wrong-password")
        traveller.shift(timedelta(minutes=29))
        assert _login(client, "zhangwei", PASSWORD).status_code == 429

        traveller.shift(timedelta(minutes=1, seconds=1))
        response = _login(client, "zhangwei", PASSWORD)
        signed_in_as = _signed_in_as(client)

    assert settings.AXES_COOLOFF_TIME == 0.5
    assert response.status_code == 302
    assert signed_in_as == str(user.pk)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "zhangwei"}, "password", "这个字段是必填项。"),
        ({"password": PASSWORD}, "username", "这个字段是必填项。"),
        (
            {"username": "张" * 5000, "password": PASSWORD},
            "username",
            "确保该变量包含不超过 150 字符",
        ),
    ],
    ids=["no-password", "no-username", "oversized-username"],
)
def test_login_malformed_input_answers_form_error_in_chinese(client, data, field, message):
    _user()

    response = client.post(reverse("accounts:login"), data)

    body = response.content.decode()
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert message in body
    assert "Traceback" not in body
    assert _signed_in_as(client) is None


def test_admin_login_oversized_username_is_refused_not_error(client):
    """An over-long name reached django-axes through the admin's own login form; the admin
    now signs in on the site's login page (issue 16.12), where it is a form error, not a
    database error (axes' column holds 255 characters)."""
    response = client.post(reverse("admin:login"), {"username": "张" * 5000, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not AccessAttempt.objects.exists()


def test_login_json_body_is_refused_without_error(client):
    _user()

    response = client.post(
        reverse("accounts:login"),
        data='{"username": "zhangwei", "password": "x"}',
        content_type="application/json",
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"username", "password"}
    assert _signed_in_as(client) is None


def test_login_logs_contain_no_password_id_number_or_session_key(client, caplog, clock):
    """People type their ID number into the username box; neither it, the password nor
    the session key may reach the logs (docs/security.md check 22)."""
    _user()
    id_number = "11010519491231002X"
    caplog.set_level(logging.DEBUG)

    for _ in range(6):
        _login(client, id_number, "Mima-110105194912310021")
    _login(client, "zhangwei", "wrong-" + PASSWORD)
    clock.shift(timedelta(seconds=5))  # past the login wait
    _login(client, "zhangwei", PASSWORD)
    session_key = client.cookies["sessionid"].value

    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "AXES" in logged
    for secret in (id_number, "110105194912310021", PASSWORD, session_key):
        assert secret not in logged
