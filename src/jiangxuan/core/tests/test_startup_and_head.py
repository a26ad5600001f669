"""Issue 16.14: HEAD answers like GET on pages; the field key is checked at start-up;
refused sign-ins are audited with the client address."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse

from jiangxuan.accounts.models import User
from jiangxuan.core.models import AuditEntry
from jiangxuan.experts.tests.draw_setup import ExpertFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Zhang-wei-2024!"


# --------------------------------------------------------------------------- HEAD


@pytest.mark.parametrize("name", ["portal:index", "accounts:login", "core:healthz"])
def test_head_on_a_page_answers_like_get_without_body(name):
    client = Client()
    got = client.get(reverse(name))

    head = client.head(reverse(name))

    assert got.status_code == 200
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == got["Content-Type"]
    assert head["Content-Security-Policy"]


def test_head_on_a_signed_in_page_200(client):
    user = User.objects.create_user(username="lisi", password=PASSWORD, display_name="李四")
    client.force_login(user)

    assert client.head(reverse("notifications:list")).status_code == 200


def test_head_does_not_open_post_only_views(client):
    assert client.head(reverse("accounts:logout")).status_code == 405


# --------------------------------------------------------------------------- field key


def _check_database():
    call_command("check", databases=["default"], stdout=None)


def test_wrong_field_key_fails_the_start_up_check(settings):
    ExpertFactory(phone="13912345678")
    _check_database()  # the right key passes

    settings.JX_FIELD_KEY = "ab" * 32

    with pytest.raises(SystemCheckError, match=r"jiangxuan\.E004.*JX_FIELD_KEY 无法解密"):
        _check_database()


@pytest.mark.parametrize("key", ["abc", "zz" * 32, "00" * 31])
def test_malformed_field_key_fails_the_start_up_check(settings, key):
    settings.JX_FIELD_KEY = key

    with pytest.raises(SystemCheckError, match=r"jiangxuan\.E002.*64 个十六进制字符"):
        call_command("check")


def test_production_without_field_key_fails(settings):
    settings.JX_FIELD_KEY = ""
    settings.DEBUG = False

    with pytest.raises(SystemCheckError, match=r"jiangxuan\.E003"):
        call_command("check")


# --------------------------------------------------------------------------- audit


def test_refused_sign_in_audited_with_client_address(client):
    user = User.objects.create_user(username="zhaoliu", password=PASSWORD, display_name="赵六")

    client.post(
        reverse("accounts:login"),
        {"username": "zhaoliu", "password": "wrong"},
        REMOTE_ADDR="203.0.113.7",
    )
    client.post(
        reverse("accounts:login"),
        {"username": "nobody", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.8",
    )

    refused = AuditEntry.objects.filter(action="account.login", result="refused")
    assert [(e.object_id, e.source_ip, e.actor_id) for e in refused.order_by("id")] == [
        (str(user.pk), "203.0.113.7", None),
        ("", "203.0.113.8", None),
    ]
    assert "nobody" not in str([(e.before, e.after, e.actor_name) for e in refused])
