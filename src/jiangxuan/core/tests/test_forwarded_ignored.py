"""Behind a reverse proxy that ``JX_TRUSTED_PROXIES`` does not list, every visitor shares
the proxy's address; ``check --deploy`` says so once such a request was seen (issue 16.9)."""

import pytest
from django.core.cache import cache
from django.core.checks import run_checks
from django.test import RequestFactory, override_settings

from jiangxuan.core import middleware
from jiangxuan.core.middleware import FORWARDED_IGNORED_KEY, client_ip


@pytest.fixture(autouse=True)
def _fresh():
    cache.delete(FORWARDED_IGNORED_KEY)
    middleware._forwarded_ignored_seen.clear()
    yield
    cache.delete(FORWARDED_IGNORED_KEY)
    middleware._forwarded_ignored_seen.clear()


def _request(remote: str, forwarded: str = "203.0.113.7"):
    return RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)


def _warnings() -> list[str]:
    return [m.id for m in run_checks(include_deployment_checks=True) if m.id == "jiangxuan.W001"]


@override_settings(JX_TRUSTED_PROXIES=[])
def test_an_unlisted_local_proxy_is_reported_by_the_deploy_check():
    assert _warnings() == []
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"
    assert _warnings() == ["jiangxuan.W001"]


@override_settings(JX_TRUSTED_PROXIES=["127.0.0.1"])
def test_a_listed_proxy_gives_the_client_and_no_warning():
    assert client_ip(_request("127.0.0.1")) == "203.0.113.7"
    assert _warnings() == []


@override_settings(JX_TRUSTED_PROXIES=[])
def test_a_public_client_sending_the_header_itself_is_not_a_proxy():
    assert client_ip(_request("114.114.114.114")) == "114.114.114.114"
    assert _warnings() == []
