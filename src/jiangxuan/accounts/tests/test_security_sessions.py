"""Sessions: idle and absolute timeout, rotation, logout, deactivation, "log out
everywhere", password expiry (docs/security.md checks 2, 3, 4)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import HASH_SESSION_KEY
from django.http import HttpRequest, JsonResponse
from django.test import Client
from django.urls import include, path, reverse

from jiangxuan.accounts.models import User
from jiangxuan.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "Gongjiang-2024!"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def whoami(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"authenticated": request.user.is_authenticated})


# A stand-in API endpoint for the timeout tests (used with @pytest.mark.urls(__name__)).
urlpatterns = [
    path("api/v1/whoami/", whoami),
    path("", include("jiangxuan.urls")),
]


@pytest.fixture
def user() -> User:
    return User.objects.create_user(username="zhangwei", password=PASSWORD, display_name="张伟")


def _login(client: Client) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "zhangwei", "password": PASSWORD}
    )
    assert response.status_code == 302


def _page(client: Client):
    """A page only a signed-in user may see."""
    return client.get(reverse("accounts:logout_all"))


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_session_key_changes_at_login(client, user):
    session = client.session
    session["probe"] = 1
    session.save()
    anonymous_key = session.session_key

    _login(client)

    assert client.session.session_key != anonymous_key
    assert client.session["_auth_user_id"] == str(user.pk)


def test_old_cookie_after_logout_redirects_to_login(client, user):
    _login(client)
    old_key = client.cookies["sessionid"].value
    assert _page(client).status_code == 200

    client.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies["sessionid"] = old_key

    assert _is_login_redirect(_page(replay))


def test_deactivated_user_is_redirected_to_login(client, user):
    _login(client)
    assert _page(client).status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)

    assert _is_login_redirect(_page(client))


@pytest.mark.parametrize(
    "engine",
    ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cache"],
)
def test_logout_all_ends_other_sessions_and_keeps_this_one(settings, user, engine):
    settings.SESSION_ENGINE = engine
    laptop, phone = Client(), Client()
    _login(laptop)
    _login(phone)
    laptop_key = laptop.cookies["sessionid"].value

    response = laptop.post(reverse("accounts:logout_all"), {"password": PASSWORD})

    assert response.status_code == 302
    assert _page(laptop).status_code == 200
    assert laptop.cookies["sessionid"].value != laptop_key
    assert _is_login_redirect(_page(phone))
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert AuditEntry.objects.filter(action="account.logout_all", actor=user).count() == 1


def test_logout_all_wrong_password_changes_nothing(user):
    laptop, phone = Client(), Client()
    _login(laptop)
    _login(phone)
    hash_before = User.objects.get(pk=user.pk).password

    response = laptop.post(reverse("accounts:logout_all"), {"password": "not-my-password"})

    assert response.status_code == 200
    assert "密码不正确。" in response.content.decode()
    assert User.objects.get(pk=user.pk).password == hash_before
    assert _page(phone).status_code == 200
    assert not AuditEntry.objects.filter(action="account.logout_all").exists()


def test_password_change_ends_other_sessions(user):
    laptop, phone = Client(), Client()
    _login(laptop)
    _login(phone)
    new_password = "Xinmima#2026-chun"

    response = laptop.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    assert laptop.session[HASH_SESSION_KEY] == User.objects.get(pk=user.pk).get_session_auth_hash()
    assert _page(laptop).status_code == 200
    assert _is_login_redirect(_page(phone))


def test_idle_session_is_logged_out(client, user, settings):
    settings.JX_SESSION_IDLE_SECONDS = 30 * 60
    with time_machine.travel(START, tick=False) as traveller:
        _login(client)
        before = _page(client)
        traveller.shift(timedelta(minutes=30, seconds=1))
        after = _page(client)
        session_after = dict(client.session)

    assert before.status_code == 200
    assert _is_login_redirect(after)
    assert "_auth_user_id" not in session_after


def test_activity_within_idle_limit_keeps_session(client, user):
    with time_machine.travel(START, tick=False) as traveller:
        _login(client)
        statuses = []
        for _ in range(4):
            traveller.shift(timedelta(minutes=25))
            statuses.append(_page(client).status_code)

    assert statuses == [200, 200, 200, 200]


def test_absolute_lifetime_is_not_extended_by_activity(client, user, settings):
    settings.SESSION_COOKIE_AGE = 12 * 3600
    with time_machine.travel(START, tick=False) as traveller:
        _login(client)
        # Click every 20 minutes: never idle, so only the absolute limit can end it.
        served_until = None
        for step in range(1, 40):
            traveller.shift(timedelta(minutes=20))
            if _page(client).status_code != 200:
                break
            served_until = step * 20

    assert served_until == 12 * 60 - 20
    assert step * 20 == 12 * 60
    assert _is_login_redirect(_page(client))


def test_htmx_request_after_idle_timeout_gets_401_not_a_redirect(client, user):
    """Issue 15.2: an HX-Redirect (or the login page) would take the page, and what was
    typed in it, away; a 401 lets the page keep it and offer a new sign-in."""
    with time_machine.travel(START, tick=False) as traveller:
        _login(client)
        traveller.shift(timedelta(minutes=31))
        response = client.get(
            reverse("accounts:logout_all"),
            headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/nominations/"},
        )

    assert response.status_code == 401
    assert not response.has_header("HX-Redirect")
    assert response.json()["code"] == "unauthenticated"
    assert response.json()["login_url"] == reverse("accounts:login") + "?next=/nominations/"
    assert "_auth_user_id" not in client.session


@pytest.mark.urls(__name__)
def test_api_request_after_idle_timeout_is_served_anonymous(client, user):
    with time_machine.travel(START, tick=False) as traveller:
        _login(client)
        fresh = client.get("/api/v1/whoami/").json()
        traveller.shift(timedelta(minutes=31))
        stale = client.get("/api/v1/whoami/")
        session_after = dict(client.session)

    assert fresh == {"authenticated": True}
    assert (stale.status_code, stale.json()) == (200, {"authenticated": False})
    assert "_auth_user_id" not in session_after


# --- password expiry (等保 身份鉴别 a; off by default per ASVS 6.2.10) ---------------


def _age_password(user: User, days: int) -> None:
    User.objects.filter(pk=user.pk).update(password_changed_at=START - timedelta(days=days))


@time_machine.travel(START, tick=False)
def test_expired_password_redirects_to_password_change(client, user, settings):
    settings.JX_PASSWORD_MAX_AGE_DAYS = 90
    _age_password(user, 91)
    _login(client)

    response = _page(client)
    change_page = client.get(reverse("accounts:password_change"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change")
    assert change_page.status_code == 200
    assert "您的密码已超过规定的使用期限" in change_page.content.decode()


@time_machine.travel(START, tick=False)
def test_expired_password_api_answers_403(client, user, settings):
    settings.JX_PASSWORD_MAX_AGE_DAYS = 90
    _age_password(user, 91)
    _login(client)

    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 403
    assert response.json() == {"detail": "密码已过期，请先登录网页修改密码。"}


@time_machine.travel(START, tick=False)
def test_changing_expired_password_lifts_the_redirect(client, user, settings):
    settings.JX_PASSWORD_MAX_AGE_DAYS = 90
    _age_password(user, 91)
    _login(client)
    new_password = "Xinmima#2026-chun"

    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    user.refresh_from_db()
    assert user.password_changed_at == START
    assert _page(client).status_code == 200
    assert AuditEntry.objects.filter(action="account.password_change", actor=user).count() == 1


@pytest.mark.parametrize(("max_age", "age", "redirected"), [(90, 89, False), (0, 3650, False)])
@time_machine.travel(START, tick=False)
def test_password_not_expired_is_served(client, user, settings, max_age, age, redirected):
    settings.JX_PASSWORD_MAX_AGE_DAYS = max_age
    _age_password(user, age)
    _login(client)

    assert (_page(client).status_code == 302) is redirected


@time_machine.travel(START, tick=False)
def test_password_never_changed_ages_from_date_joined(client, user, settings):
    settings.JX_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=user.pk).update(
        password_changed_at=None, date_joined=START - timedelta(days=100)
    )
    _login(client)

    assert _page(client).url == reverse("accounts:password_change")


def test_password_change_refuses_current_password_and_weak_ones(client, user):
    _login(client)

    same = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    weak = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert same.context["form"].errors["new_password2"] == ["新密码不能与当前密码相同。"]
    codes = {e.code for e in weak.context["form"].errors.as_data()["new_password2"]}
    assert codes == {
        "password_too_short",
        "password_too_common",
        "password_entirely_numeric",
        "password_too_simple",
    }
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
