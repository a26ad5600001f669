"""The vote's JSON API: public endpoints without auth or CSRF (the shapes the load
benchmark relies on) and the office's endpoints; no personal data in the JSON."""

import datetime as dt
import json

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.test import Client

from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.voting import selectors, services
from jiangxuan.voting.models import Vote

from .conftest import DURING, at, clear_opinions, last_code
from .test_views import assert_no_personal_data

pytestmark = pytest.mark.django_db
API = "/api/v1"
CODE = "weihai-gongjiang-2023"


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


def token_for(client, phone, ip="10.0.0.1"):
    assert post(client, f"{API}/votes/{CODE}/codes", {"phone": phone}).status_code == 202
    response = post(
        client, f"{API}/votes/{CODE}/verify", {"phone": phone, "code": last_code(phone)}
    )
    assert response.status_code == 200
    return response.json()["voter_token"]


def candidate_ids(client):
    return {c["name"]: c["id"] for c in client.get(f"{API}/votes/{CODE}").json()["candidates"]}


def test_get_vote_lists_candidates_without_personal_data(vote, nominees):
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(DURING, tick=False):
        response = client.get(f"{API}/votes/{CODE}")
    data = response.json()
    assert response.status_code == 200
    assert data["state"] == "open"
    assert [c["name"] for c in data["candidates"]] == ["刘海峰", "陈秀兰", "张国强"]
    assert set(data["candidates"][0]) == {
        "id", "position", "name", "sex", "workplace_name", "post", "occupation",
        "achievement_summary", "votes",
    }  # fmt: skip
    assert data["candidates"][0]["votes"] == 0
    assert data["tally_as_of"] == "2023-07-03T18:00:00+08:00"
    assert data["rules"]["tally"] == "scheduled"
    assert response["Cache-Control"] == "public, max-age=10"
    assert_no_personal_data(response.content.decode(), nominees)


def test_verify_and_vote_then_check_the_receipt(vote):
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(DURING, tick=False):
        token = token_for(client, "13912345678")
        ids = candidate_ids(client)
        response = post(
            client,
            f"{API}/votes/{CODE}/cast",
            {"candidates": [ids["刘海峰"], ids["张国强"]]},
            X_Voter_Token=token,
        )
        again = post(
            client, f"{API}/votes/{CODE}/cast", {"candidates": [ids["刘海峰"]]},
            X_Voter_Token=token,
        )  # fmt: skip
        receipt = client.get(f"{API}/receipts/{response.json()['receipt']}")
    assert response.status_code == 201
    assert [v["name"] for v in response.json()["votes"]] == ["刘海峰", "张国强"]
    assert again.status_code == 409
    assert again.json()["code"] == "already_voted"
    assert again.json()["detail"] == "您今天已为该候选对象投过票，请明天再来。"
    assert receipt.json()["votes"] == [
        {"name": "刘海峰", "counted": True},
        {"name": "张国强", "counted": True},
    ]
    assert Vote.objects.count() == 2


def test_old_ballots_path_still_casts_and_is_deprecated(vote, openapi_schema):
    """Issue 11.4: the public's ``…/ballots`` became ``…/cast`` ("ballot" is the experts'
    vote); the old path answers the same for one release and OpenAPI marks it deprecated."""
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(DURING, tick=False):
        token = token_for(client, "13912345678")
        ids = candidate_ids(client)
        response = post(
            client, f"{API}/votes/{CODE}/ballots", {"candidates": [ids["刘海峰"]]},
            X_Voter_Token=token,
        )  # fmt: skip
    assert response.status_code == 201, response.content
    assert [v["name"] for v in response.json()["votes"]] == ["刘海峰"]
    paths = openapi_schema["paths"]
    assert paths[f"{API}/votes/{{campaign_code}}/ballots"]["post"]["deprecated"]
    assert "deprecated" not in paths[f"{API}/votes/{{campaign_code}}/cast"]["post"]


def test_cast_without_a_token_asks_for_verification(vote):
    client = Client()
    with time_machine.travel(DURING, tick=False):
        ids = candidate_ids(client)
        response = post(client, f"{API}/votes/{CODE}/cast", {"candidates": [ids["刘海峰"]]})
        forged = post(
            client, f"{API}/votes/{CODE}/cast", {"candidates": [ids["刘海峰"]]},
            X_Voter_Token="forged",
        )  # fmt: skip
    assert (response.status_code, response.json()["code"]) == (403, "verification_required")
    assert forged.status_code == 403


def test_cast_after_closing_is_refused(vote):
    client = Client()
    with time_machine.travel(at(2023, 7, 10, 17, 30), tick=False):
        token = token_for(client, "13912345678")
        ids = candidate_ids(client)
    with time_machine.travel(at(2023, 7, 10, 18, 1), tick=False):
        response = post(
            client, f"{API}/votes/{CODE}/cast", {"candidates": [ids["刘海峰"]]},
            X_Voter_Token=token,
        )  # fmt: skip
    assert (response.status_code, response.json()["code"]) == (400, "closed")


def test_captcha_required_then_solved(vote, settings):
    settings.JX_VOTE_CAPTCHA_AFTER = 0
    client = Client()
    with time_machine.travel(DURING, tick=False):
        token = token_for(client, "13912345678")
        ids = candidate_ids(client)
        refused = post(
            client, f"{API}/votes/{CODE}/cast", {"candidates": [ids["刘海峰"]]},
            X_Voter_Token=token,
        )  # fmt: skip
        captcha = refused.json()["captcha"]
        answer = CaptchaStore.objects.get(hashkey=captcha["key"]).response
        solved = post(
            client,
            f"{API}/votes/{CODE}/cast",
            {"candidates": [ids["刘海峰"]], "captcha_key": captcha["key"], "captcha_value": answer},
            X_Voter_Token=token,
        )
    assert (refused.status_code, refused.json()["code"]) == (403, "captcha_required")
    assert captcha["image_url"].startswith("/captcha/image/")
    assert solved.status_code == 201


def test_code_requests_are_rate_limited(vote):
    client = Client()
    with time_machine.travel(DURING, tick=False):
        first = post(client, f"{API}/votes/{CODE}/codes", {"phone": "13912345678"})
        second = post(client, f"{API}/votes/{CODE}/codes", {"phone": "13912345678"})
    assert first.json() == {"detail": "验证码已发送。", "expires_in": 300}
    assert (second.status_code, second.json()["code"]) == (429, "throttled")


def test_wrong_code_answers_400(vote):
    client = Client()
    with time_machine.travel(DURING, tick=False):
        post(client, f"{API}/votes/{CODE}/codes", {"phone": "13912345678"})
        wrong = "000000" if last_code("13912345678") != "000000" else "111111"
        response = post(
            client, f"{API}/votes/{CODE}/verify", {"phone": "13912345678", "code": wrong}
        )
    assert response.status_code == 400
    assert response.json()["errors"] == {"code": ["验证码不正确，还可以尝试4次。"]}


def test_unknown_vote_and_receipt_answer_404(db):
    client = Client()
    assert client.get(f"{API}/votes/nothing").status_code == 404
    assert client.get(f"{API}/receipts/AAAA-BBBB-CCCC").json()["code"] == "not_found"


# --------------------------------------------------------------------------- office


def test_office_flow_through_the_api(weihai, office, nominees, django_capture_on_commit_callbacks):
    bearer = {"Authorization": f"Bearer {issue_api_token(office, name='t', scope='read_write')}"}
    client = Client()
    clear_opinions(weihai, office, nominees)  # 人选审核 before 网络投票 (issue 13)
    with time_machine.travel(at(2023, 7, 1, 9), tick=False):
        prepared = post(
            client,
            f"{API}/votes/{CODE}/prepare",
            {"opens_at": "2023-07-03T09:00:00+08:00", "closes_at": "2023-07-10T18:00:00+08:00"},
            **bearer,
        )
        with django_capture_on_commit_callbacks(execute=True):
            opened = post(client, f"{API}/votes/{CODE}/open", {}, **bearer)
    with time_machine.travel(DURING, tick=False):
        token = token_for(client, "13912345678")
        ids = candidate_ids(client)
        post(client, f"{API}/votes/{CODE}/cast", {"candidates": [ids["陈秀兰"]]},
             X_Voter_Token=token)  # fmt: skip
        anomalies = client.get(f"{API}/votes/{CODE}/anomalies", headers=bearer)
        vote_id = Vote.objects.get().pk
        invalidated = post(
            client,
            f"{API}/votes/{CODE}/invalidations",
            {"rule": "vote_ids", "vote_ids": [vote_id], "reason": "测试作废"},
            **bearer,
        )
        with django_capture_on_commit_callbacks(execute=True):
            closed = post(client, f"{API}/votes/{CODE}/close", {}, **bearer)
        recount = client.get(f"{API}/votes/{CODE}/recount", headers=bearer)
    assert prepared.status_code == 201
    assert prepared.json()["candidates"] == 3
    assert opened.json()["state"] == "open"
    assert anomalies.json()["total"] == 1
    assert anomalies.json()["subnets"] == [["127.0.0.0/24", 1, 1.0]]
    assert invalidated.json()["votes"] == 1
    assert closed.json()["state"] == "closed"
    assert recount.json()["matches"] is True
    assert [(r["name"], r["valid"], r["invalid"]) for r in recount.json()["rows"]] == [
        ("刘海峰", 0, 0),
        ("陈秀兰", 0, 1),
        ("张国强", 0, 0),
    ]


def test_office_endpoints_hide_other_campaigns(vote, seed_campaign):
    from .conftest import office_of

    stranger = office_of(seed_campaign("000"))
    bearer = {"Authorization": f"Bearer {issue_api_token(stranger, name='t', scope='read_write')}"}
    response = Client().get(f"{API}/votes/{CODE}/anomalies", headers=bearer)
    anonymous = Client().get(f"{API}/votes/{CODE}/anomalies")
    assert response.status_code == 404
    assert anonymous.status_code == 401


def test_the_cached_vote_json_follows_the_close_and_answers_304(
    vote, office, django_capture_on_commit_callbacks
):
    """Served from the cache in one read like the vote page (issue 17.2): a change shows
    once its version is checked again, at most ``LIVE_TALLY_SECONDS`` later."""
    url = f"{API}/votes/{CODE}"
    with time_machine.travel(DURING, tick=False):
        first = Client().get(url)
        again = Client().get(url, headers={"If-None-Match": first["ETag"]})
        with django_capture_on_commit_callbacks(execute=True):
            services.close_public_vote(vote, actor=office)
    later = DURING + dt.timedelta(seconds=selectors.LIVE_TALLY_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        closed = Client().get(url).json()
        missing = Client().get(f"{API}/votes/no-such-vote")
    assert (first.json()["state"], again.status_code) == ("open", 304)
    assert (closed["state"], closed["tally_final"]) == ("after", True)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
