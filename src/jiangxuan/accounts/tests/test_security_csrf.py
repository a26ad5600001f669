"""CSRF on the account views (docs/security.md check 12): a POST without the token is refused
with a Chinese 403 page and changes nothing; with the token it works; GET changes nothing."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from jiangxuan.accounts.models import User
from jiangxuan.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "Gongjiang-2024!"


@pytest.fixture
def user() -> User:
    return User.objects.create_user(username="zhangwei", password=PASSWORD)


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def _token(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None, page
    return found.group(1)


def _signed_in(csrf_client: Client) -> None:
    token = _token(csrf_client, reverse("accounts:login"))
    response = csrf_client.post(
        reverse("accounts:login"),
        {"username": "zhangwei", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def _assert_csrf_refusal(response) -> None:
    body = response.content.decode()
    assert response.status_code == 403
    assert "请求已过期或来源无法验证" in body
    assert "CSRF" not in body


def test_login_post_without_token_is_refused(csrf_client, user):
    response = csrf_client.post(
        reverse("accounts:login"), {"username": "zhangwei", "password": PASSWORD}
    )

    _assert_csrf_refusal(response)
    assert "_auth_user_id" not in csrf_client.session


def test_login_post_with_token_signs_in(csrf_client, user):
    _signed_in(csrf_client)

    assert csrf_client.session["_auth_user_id"] == str(user.pk)


def test_logout_all_post_without_token_changes_nothing(csrf_client, user):
    _signed_in(csrf_client)
    hash_before = User.objects.get(pk=user.pk).password

    response = csrf_client.post(reverse("accounts:logout_all"), {"password": PASSWORD})

    _assert_csrf_refusal(response)
    assert User.objects.get(pk=user.pk).password == hash_before
    assert not AuditEntry.objects.filter(action="account.logout_all").exists()


def test_logout_all_post_with_token_works(csrf_client, user):
    _signed_in(csrf_client)
    token = _token(csrf_client, reverse("accounts:logout_all"))

    response = csrf_client.post(
        reverse("accounts:logout_all"), {"password": PASSWORD, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="account.logout_all").count() == 1


def test_password_change_post_without_token_changes_nothing(csrf_client, user):
    _signed_in(csrf_client)
    new_password = "Xinmima#2026-chun"

    response = csrf_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    _assert_csrf_refusal(response)
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_logout_post_without_token_keeps_session(csrf_client, user):
    _signed_in(csrf_client)

    response = csrf_client.post(reverse("accounts:logout"))

    _assert_csrf_refusal(response)
    assert csrf_client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    ("name", "status"), [("accounts:logout", 405), ("accounts:logout_all", 200)]
)
def test_get_does_not_change_state(csrf_client, user, name, status):
    _signed_in(csrf_client)
    hash_before = User.objects.get(pk=user.pk).password

    response = csrf_client.get(reverse(name))

    assert response.status_code == status
    assert csrf_client.session["_auth_user_id"] == str(user.pk)
    assert User.objects.get(pk=user.pk).password == hash_before
