"""The health probe (the baseline of ``make bench``) and the client address behind a
trusted reverse proxy."""

import json

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from jiangxuan.core.middleware import client_ip

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("core:healthz"))

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_healthz_refuses_writes(client):
    response = client.post(reverse("core:healthz"))

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@override_settings(DEBUG=False, SECURE_SSL_REDIRECT=True)
def test_healthz_is_not_redirected_to_https(client):
    probe = client.get("/healthz")
    page = client.get("/accounts/login/")

    assert (probe.status_code, page.status_code) == (200, 301)
    assert page["Location"] == "https://testserver/accounts/login/"


def _request(remote: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.7", None, "203.0.113.7"),
        # Without a trusted proxy the header is the client's word and is ignored.
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
    ],
)
def test_client_ip_ignores_forwarded_for_by_default(remote, forwarded, expected):
    assert client_ip(_request(remote, forwarded)) == expected


@override_settings(JX_TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        # A client-written first hop is skipped: the rightmost untrusted hop counts.
        ("127.0.0.1", "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        # Hops added by trusted proxies (10.0.0.0/8) are walked past.
        ("127.0.0.1", "198.51.100.1, 10.1.2.3", "198.51.100.1"),
        ("127.0.0.1", " 2001:db8::1 ", "2001:db8::1"),
        # No header, an empty one or a malformed hop: the last trusted address.
        ("127.0.0.1", None, "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "198.51.100.1, not-an-ip", "127.0.0.1"),
        ("127.0.0.1", "not-an-ip, 10.1.2.3", "10.1.2.3"),
        # Only the proxy's own connections are believed.
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
    ],
)
def test_client_ip_behind_trusted_proxy(remote, forwarded, expected):
    assert client_ip(_request(remote, forwarded)) == expected
