"""The notices API router: public notice read, objections by anyone, rate limit."""

import pytest
import time_machine

from ...models import Objection
from ..conftest import BANK_RE, ID_RE, MOBILE_RE, at

pytestmark = [pytest.mark.django_db, pytest.mark.urls("jiangxuan.notices.tests.api_urls")]
DURING = at(2021, 10, 8, 10)


def post_objection(client, notice, body):
    return client.post(
        f"/test-api/notices/{notice.pk}/objections", body, content_type="application/json"
    )


def test_api_notice_published_fields_only(client, notice):
    response = client.get(f"/test-api/notices/{notice.pk}")

    assert response.status_code == 200
    data = response.json()
    assert [e["name"] for e in data["entries"]] == ["王建国", "李秀英"]
    text = response.content.decode()
    assert ID_RE.findall(text) == MOBILE_RE.findall(text) == BANK_RE.findall(text) == []


def test_api_anonymous_objection_created(client, notice, nominees):
    with time_machine.travel(DURING, tick=False):
        response = post_objection(
            client,
            notice,
            {"text": "该同志并非一线职工。", "nomination": nominees[1].pk, "anonymous": True},
        )

    assert response.status_code == 201
    data = response.json()
    assert data["state"] == "received"
    assert data["detail"] == "异议已收到，我们将认真核查。"
    objection = Objection.objects.get(pk=data["id"])
    assert (objection.nomination, objection.anonymous) == (nominees[1], True)


def test_api_objection_to_nominee_not_on_notice_refused(client, notice, nominees):
    with time_machine.travel(DURING, tick=False):
        response = post_objection(client, notice, {"text": "异议", "nomination": nominees[2].pk})

    assert response.status_code == 400
    assert response.json()["errors"] == {"nomination": ["所选推荐对象不在本次公示名单中。"]}
    assert Objection.objects.count() == 0


def test_api_objection_outside_period_conflict(client, notice):
    with time_machine.travel(at(2021, 10, 14, 10), tick=False):
        response = post_objection(client, notice, {"text": "异议"})

    assert response.status_code == 409
    assert "当前不在公示期内" in response.json()["detail"]


def test_api_objection_rate_limited(client, notice):
    with time_machine.travel(DURING, tick=False):
        statuses = [
            post_objection(client, notice, {"text": f"异议{i}"}).status_code for i in range(6)
        ]
        last = post_objection(client, notice, {"text": "再一次"})

    assert statuses == [201] * 5 + [429]
    assert last.json() == {
        "detail": "提交过于频繁，请10分钟后再试。",
        "code": "throttled",
        "errors": {},
    }
    assert Objection.objects.count() == 5


def test_api_objection_missing_text_chinese_error(client, notice):
    with time_machine.travel(DURING, tick=False):
        response = post_objection(client, notice, {"anonymous": True})

    assert response.status_code == 422
    assert response.json()["errors"] == {"text": ["必填项，不能缺少"]}
