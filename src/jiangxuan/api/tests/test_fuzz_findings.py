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


# What schemathesis found when it joined `make test` (issue 16, api/tests/test_schemathesis.py).


@pytest.mark.parametrize(
    "code",
    ["a%20b%1B", "%1B%C3%AD%E2%A9%9D%01", "x" * 300],
)
def test_vote_of_a_code_no_campaign_can_have_404_not_500(code):
    """The public vote's cache key is made of the code: a code with spaces or control
    characters (which the cache refuses) or longer than any campaign's names no vote."""
    response = Client(raise_request_exception=False).get(f"/api/v1/votes/{code}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [
        {"campaign": "a\x00b", "award": "x"},
        {"campaign": "x", "award": "x", "\x00": 1},
        {"campaign": "x", "award": "x", "extra": [{"deep": "\x00"}]},
    ],
)
def test_nul_in_a_json_body_400_in_chinese(clerk, api_as, body):
    response = api_as(clerk).post("/nominations", body)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "请求正文中含有不可见的控制字符（NUL），请删除后重试。",
        "code": "malformed",
        "errors": {},
    }


def test_a_json_body_without_nul_still_reaches_the_endpoint(clerk, api_as):
    response = api_as(clerk).post("/nominations", {"campaign": "nope", "award": "x"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["campaign"]


@pytest.mark.parametrize(
    "path",
    [
        "/nominations/999999/form.pdf",
        "/campaigns/nope/summary.xlsx",
        "/campaigns/nope/sheets/cover.docx",
        "/checks/999999/form.docx",
    ],
)
def test_downloads_of_unknown_objects_404_as_documented(clerk, api_as, openapi_schema, path):
    response = api_as(clerk).get(path)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    template = {
        "/nominations/999999/form.pdf": "/api/v1/nominations/{nomination_id}/form.{file_format}",
        "/campaigns/nope/summary.xlsx": "/api/v1/campaigns/{code}/summary.xlsx",
        "/campaigns/nope/sheets/cover.docx": (
            "/api/v1/campaigns/{code}/sheets/{document}.{file_format}"
        ),
        "/checks/999999/form.docx": "/api/v1/checks/{check_id}/form.{file_format}",
    }[path]
    assert "404" in openapi_schema["paths"][template]["get"]["responses"]
