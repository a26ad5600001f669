"""Malformed input answers 4xx with a Chinese message naming what to fix, never a trace."""

import pytest

from jiangxuan.nominations.models import Nomination

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body", ["{bad", '{"campaign": "x",}', "\xff\xfe"])
def test_malformed_json_400_in_chinese(campaign, clerk, api_as, body):
    response = api_as(clerk).raw("post", "/nominations", body, "application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "malformed"
    assert response.json()["detail"].startswith("请求正文不是有效的 JSON")
    assert b"Traceback" not in response.content
    assert Nomination.objects.count() == 0


def test_wrong_types_422_name_each_field(campaign, clerk, api_as):
    response = api_as(clerk).post(
        "/nominations", {"campaign": ["x"], "award": "jineng-dajiang", "workplace": "一号"}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"campaign": ["应为文本"], "workplace": ["应为整数"]}
    assert (
        response.json()["detail"]
        == "请求数据有误，请检查：campaign：应为文本；workplace：应为整数。"
    )


def test_patch_body_not_an_object_422(draft, clerk, api_as):
    response = api_as(clerk).patch(f"/nominations/{draft}", {"fields": ["name"]})

    assert response.status_code == 422
    assert response.json()["errors"] == {"fields": ["应为对象（键: 值）"]}


def test_bad_query_values_422(clerk, api_as, db):
    response = api_as(clerk).get("/nominations", page=0, state="lost")

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["page"] == ["不能小于 1"]
    assert errors["state"][0].startswith("取值无效，可选：'draft', 'submitted'")


def test_unknown_campaign_in_body_400(clerk, api_as, db):
    response = api_as(clerk).post("/nominations", {"campaign": "nope", "award": "a"})

    assert response.status_code == 400
    assert response.json()["errors"] == {"campaign": ["评选活动 nope 不存在，或您无权查看。"]}


@pytest.mark.parametrize(
    "path", ["/nominations/999999", "/campaigns/nope", "/campaigns/nope/quotas"]
)
def test_unknown_ids_404_in_chinese(clerk, api_as, db, path):
    response = api_as(clerk).get(path)

    assert response.status_code == 404
    assert response.json() == {
        "detail": "未找到该对象，或您无权查看。",
        "code": "not_found",
        "errors": {},
    }


def test_non_numeric_id_422_names_it(clerk, api_as, db):
    response = api_as(clerk).get("/nominations/abc")

    assert response.status_code == 422
    assert response.json()["errors"] == {"nomination_id": ["应为整数"]}


def test_oversized_json_body_413_in_chinese(campaign, clerk, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"campaign": "' + "x" * 2000 + '", "award": "a"}'

    response = api_as(clerk).raw("post", "/nominations", body, "application/json")

    assert response.status_code == 413
    assert response.json() == {
        "detail": "请求过大，请减小文件或数据后重试。",
        "code": "too_large",
        "errors": {},
    }
