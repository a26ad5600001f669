"""Issue 16.12: a known name is not locked by anyone who tries it. Before django-axes' lock
a refused password makes the next try wait (doubling) and, from the second, the form asks
for an image captcha; tries refused by either are not counted. The administrator lifts a
lock with ``jiangxuan unlockaccount`` (audited). The admin's login is the site's."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from captcha.models import CaptchaStore
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from jiangxuan.accounts.models import User
from jiangxuan.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "Gongjiang-2024!"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def owner():
    return User.objects.create_user(username="zhangwei", password=PASSWORD)


def _login(client, password: str, username: str = "zhangwei", **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password, **extra}
    )


def _captcha(page) -> dict:
    match = re.search(r'<input[^>]*name="captcha_0"[^>]*>', page.content.decode())
    if not match:
        return {}
    value = re.search(r'value="([^"]+)"', match.group(0))
    assert value is not None
    key = value.group(1)
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def _failures() -> int:
    return sum(a.failures_since_start for a in AccessAttempt.objects.filter(username="zhangwei"))


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_refused_password_makes_the_next_try_wait_uncounted(client, clock, owner):
    assert _login(client, "wrong").status_code == 200

    at_once = _login(client, PASSWORD)

    assert "登录失败次数较多，请 1 秒后再试。" in at_once.content.decode()
    assert not _signed_in(client)
    assert _failures() == 1
    clock.shift(timedelta(seconds=1))
    assert _login(client, PASSWORD).status_code == 302


def test_the_wait_doubles_with_each_failure(client, clock, owner, settings):
    settings.JX_LOGIN_CAPTCHA_AFTER = 0  # the wait alone
    waits = []
    for _ in range(4):
        _login(client, "wrong")
        page = _login(client, "wrong").content.decode()
        waits.append(int(re.search(r"请 (\d+) 秒后再试", page).group(1)))
        clock.shift(timedelta(seconds=waits[-1] - 1))
        assert "请 1 秒后再试" in _login(client, "wrong").content.decode()
        clock.shift(timedelta(seconds=1))

    assert waits == [1, 2, 4, 8]
    assert _failures() == 4


def test_from_the_second_failure_the_form_asks_for_a_captcha(client, clock, owner):
    _login(client, "wrong")
    clock.shift(timedelta(seconds=2))
    second = _login(client, "wrong")
    assert "/captcha/image/" in second.content.decode()
    clock.shift(timedelta(seconds=5))

    without = _login(client, PASSWORD)
    wrong_answer = _login(client, PASSWORD, captcha_0=_captcha(without)["captcha_0"], captcha_1="x")

    assert "请先输入图片中的验证码" in without.content.decode()
    assert "图片验证码不正确" in wrong_answer.content.decode()
    assert not _signed_in(client)
    assert _failures() == 2
    assert _login(client, PASSWORD, **_captcha(wrong_answer)).status_code == 302


def test_an_attacker_without_the_captcha_cannot_lock_the_owner_out(client, clock, owner):
    for _ in range(30):
        clock.shift(timedelta(seconds=31))
        _login(client, "guess")

    assert _failures() == 2
    page = _login(client, PASSWORD)
    assert _login(client, PASSWORD, **_captcha(page)).status_code == 302


def _lock(client, clock) -> None:
    for _ in range(5):
        clock.shift(timedelta(seconds=31))
        response = _login(client, "wrong")
        if answer := _captcha(response):
            response = _login(client, "wrong", **answer)
    assert response.status_code == 429


def test_unlockaccount_lifts_the_lock_and_is_audited(client, clock, owner):
    admin = User.objects.create_superuser(username="root")
    _lock(client, clock)
    assert _login(client, PASSWORD).status_code == 429

    out = io.StringIO()
    call_command("unlockaccount", "zhangwei", "--by", "root", "--reason", "本人来电", stdout=out)

    assert "已解除" in out.getvalue()
    assert _login(client, PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(action="account.unlock")
    assert (entry.actor_id, entry.object_id, entry.after["reason"]) == (
        admin.pk,
        str(owner.pk),
        "本人来电",
    )


def test_unlockaccount_needs_an_administrator_and_a_reason(client, clock, owner):
    User.objects.create_user(username="clerk")
    User.objects.create_superuser(username="root")
    _lock(client, clock)

    with pytest.raises(CommandError, match="平台管理员"):
        call_command("unlockaccount", "zhangwei", "--by", "clerk", "--reason", "x")
    with pytest.raises(CommandError, match="理由"):
        call_command("unlockaccount", "zhangwei", "--by", "root", "--reason", " ")

    assert _login(client, PASSWORD).status_code == 429


def test_the_admin_signs_in_on_the_site_login_page(client):
    response = client.get(reverse("admin:login") + "?next=/admin/core/holidayyear/")

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("accounts:login") + "?next=%2Fadmin%2Fcore%2Fholidayyear%2F"
    )


def test_the_owner_unlocks_with_the_one_time_link_mailed_at_the_lock(client, clock, owner):
    from jiangxuan.notifications.models import OutboxMessage

    owner.email = "zhangwei@example.cn"
    owner.save(update_fields=["email"])
    _lock(client, clock)

    message = OutboxMessage.objects.get(recipient=owner)
    assert message.to_email == "zhangwei@example.cn"
    match = re.search(r"/accounts/unlock/[^/\s]+/", message.body)
    assert match is not None
    link = match.group(0)

    confirm = client.get(link)
    assert confirm.status_code == 200
    assert "解除锁定" in confirm.content.decode()
    assert _login(client, PASSWORD).status_code == 429  # a GET unlocks nothing

    assert client.post(link).status_code == 302
    assert _login(client, PASSWORD).status_code == 302
    again = client.post(link)
    assert again.status_code == 400
    assert "已使用或已过期" in again.content.decode()
    entry = AuditEntry.objects.get(action="account.unlock")
    assert (entry.actor_id, entry.object_id) == (None, str(owner.pk))


def test_an_old_link_does_not_open_a_later_lock(client, clock, owner):
    from jiangxuan.notifications.models import OutboxMessage

    owner.email = "zhangwei@example.cn"
    owner.save(update_fields=["email"])
    _lock(client, clock)
    first = OutboxMessage.objects.get(recipient=owner).body
    clock.shift(timedelta(minutes=31))  # the lock ends by itself
    _lock(client, clock)

    match = re.search(r"/accounts/unlock/[^/\s]+/", first)
    assert match is not None
    assert client.post(match.group(0)).status_code == 400
    assert _login(client, PASSWORD).status_code == 429


def test_no_mail_for_an_account_without_an_address(client, clock, owner):
    from jiangxuan.notifications.models import OutboxMessage

    _lock(client, clock)

    assert not OutboxMessage.objects.exists()
    assert client.post("/accounts/unlock/forged/").status_code == 400
