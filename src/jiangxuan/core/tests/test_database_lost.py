"""A request whose database connection is lost answers 503 with a Chinese text that says
to retry, not the 500 page (docs/security.md check 30): here the session is terminated
before the request, so the middleware's first read of the session fails; the writes that
lose it midway are tested in ``nominations/tests/test_faults.py``."""

import pytest
from django.db import connection
from django.test import Client

from jiangxuan.accounts.models import User
from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.core.errors import DATABASE_UNAVAILABLE
from jiangxuan.core.tests.faults import needs_postgres, terminate_own_session

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lost():
    """``lost()`` ends this process's database session; the next query fails."""
    needs_postgres()

    def terminate() -> None:
        connection.ensure_connection()
        terminate_own_session()

    yield terminate
    connection.close()


@pytest.fixture
def user():
    return User.objects.create_user(username="wangfang", password="Gongjiang-2024!")


def test_a_page_whose_session_read_fails_answers_the_503_page_then_works_again(user, lost):
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    lost()

    response = browser.get("/overview/")

    body = response.content.decode()
    assert response.status_code == 503
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>服务暂时不可用</h1>" in body
    assert str(DATABASE_UNAVAILABLE) in body
    assert "Error" not in body
    assert response["Retry-After"] == "30"

    # Django closes a broken connection when the request ends (request_finished; the test
    # client leaves that out), and the next request connects anew.
    connection.close()
    response = browser.get("/overview/")

    assert response.status_code == 200
    assert "我的工作台" in response.content.decode()


def test_the_api_with_a_session_answers_503_unavailable(user, lost):
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    lost()

    response = browser.get("/api/v1/review/queue")

    assert response.status_code == 503
    assert response.json() == {
        "detail": str(DATABASE_UNAVAILABLE),
        "code": "unavailable",
        "errors": {},
    }


def test_the_api_with_a_token_answers_503_unavailable(user, lost):
    key = issue_api_token(user, name="测试")
    api = Client(headers={"Authorization": f"Bearer {key}"}, raise_request_exception=False)
    lost()

    response = api.get("/api/v1/review/queue")

    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert response["Retry-After"] == "30"
