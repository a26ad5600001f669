"""The two classes of server error the fuzzer found (issue 16.10), as regression tests:
a page number too large for the database, and a NUL byte in a path or query parameter.
Both answer 4xx in Chinese, never 500 (docs/security.md check 33)."""

import pytest
from django.test import Client

from jiangxuan.accounts.enums import Role

pytestmark = pytest.mark.django_db

HUGE = "448918451128354340864"


def test_huge_page_number_422_names_the_field(clerk, api_as):
    response = api_as(clerk).get("/nominations", page=HUGE)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["page"]


def test_huge_page_number_experts_422(make_user, api_as):
    office = make_user("cc-hrss", Role.CAMPAIGN_OFFICE)

    response = api_as(office).get("/experts", page=HUGE)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["page"]


def test_huge_page_number_on_the_list_page_shows_the_last_page(clerk):
    client = Client()
    client.force_login(clerk)

    response = client.get("/nominations/", {"page": HUGE})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/votes/a%00b",
        "/api/v1/votes/a%00b/codes",
        "/api/v1/notices/1%00",
        "/api/v1/campaigns/a%00b",
        "/vote/receipt/a%00b/",
        "/vote/a%00b/",
        "/campaigns/a%00b/",
    ],
)
def test_nul_byte_in_path_404_not_500(path):
    response = Client(raise_request_exception=False).get(path)

    assert response.status_code in (400, 404)


def test_nul_byte_in_query_400_in_chinese(clerk, api_as):
    response = api_as(clerk).get("/nominations", campaign="a\x00b")

    assert response.status_code == 400
    assert "\u4e00" <= response.json()["detail"][0] <= "\u9fff"
