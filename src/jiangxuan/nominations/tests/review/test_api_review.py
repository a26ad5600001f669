"""The review API: queue, sign-offs (create, list), ranked forwarding; IDOR 404, 403,
409 for out-of-order actions, 400 for missing reasons and quotas."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.api.tests.conftest import png_bytes
from jiangxuan.nominations import review, services
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Decision, Forwarding, SignOff

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user):
        key = issue_api_token(user, name="test", scope="read_write")
        self.client = Client(headers={"Authorization": f"Bearer {key}"})

    def get(self, path):
        return self.client.get(f"/api/v1{path}")

    def post(self, path, data):
        body = json.dumps(data, ensure_ascii=False)
        return self.client.post(f"/api/v1{path}", body, content_type="application/json")


def test_queue_lists_seats_to_sign_and_waiting(weihai_at_district, weihai_people):
    n = weihai_at_district(name="李海涛")
    review.sign_off(
        n, actor=weihai_people["district_union"], signer="union", decision=Decision.APPROVE
    )

    body = Api(weihai_people["district_hr"]).get("/review/queue").json()

    assert [item["id"] for item in body] == [n.pk]
    item = body[0]
    assert (item["name"], item["level"], item["review_round"]) == ("李海涛", "district", 1)
    assert [(s["signer"], s["body"]["code"]) for s in item["can_sign_as"]] == [
        ("hr_bureau", "wh-huancui-hrss")
    ]
    assert [(s["body"]["code"], s["decision"]) for s in item["signed"]] == [
        ("wh-huancui-union", "approve")
    ]
    assert [s["body"]["code"] for s in item["waiting"]] == ["wh-huancui-hrss"]
    assert item["waiting_since"].endswith("+08:00")


def test_queue_of_another_county_is_empty(weihai_at_district, weihai_people):
    weihai_at_district()

    assert Api(weihai_people["other_union"]).get("/review/queue").json() == []


def test_sign_off_created_and_listed(weihai_at_district, weihai_people):
    n = weihai_at_district()
    api = Api(weihai_people["district_union"])

    created = api.post(f"/nominations/{n.pk}/sign-offs", {"decision": "approve", "opinion": "同意"})
    listed = api.get(f"/nominations/{n.pk}/sign-offs")

    assert created.status_code == 201
    body = created.json()
    assert (body["level"], body["signer"], body["body"]["code"], body["decision_label"]) == (
        "district",
        "union",
        "wh-huancui-union",
        "同意推荐",
    )
    assert [(e["level"], e["decision"]) for e in listed.json()] == [
        ("workplace", "approve"),
        ("district", "approve"),
    ]


def test_both_district_bodies_complete_the_level(weihai_at_district, weihai_people):
    n = weihai_at_district()

    Api(weihai_people["district_union"]).post(
        f"/nominations/{n.pk}/sign-offs", {"decision": "approve"}
    )
    Api(weihai_people["district_hr"]).post(
        f"/nominations/{n.pk}/sign-offs", {"signer": "hr_bureau", "decision": "approve"}
    )

    n.refresh_from_db()
    assert (n.level, n.level_ready) == ("district", True)


def test_sign_off_on_invisible_nomination_is_404(weihai_at_district, weihai_people):
    n = weihai_at_district()
    api = Api(weihai_people["other_union"])

    posted = api.post(f"/nominations/{n.pk}/sign-offs", {"signer": "union", "decision": "approve"})
    listed = api.get(f"/nominations/{n.pk}/sign-offs")

    assert (posted.status_code, listed.status_code) == (404, 404)
    assert posted.json()["code"] == "not_found"
    assert SignOff.objects.filter(level="district").count() == 0


def test_sign_off_by_city_while_district_pending_is_409(weihai_at_district, weihai_people):
    n = weihai_at_district()

    response = Api(weihai_people["city_union"]).post(
        f"/nominations/{n.pk}/sign-offs", {"signer": "union", "decision": "approve"}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "尚未进入“市总工会、市人社局意见”" in response.json()["detail"]
    n.refresh_from_db()
    assert (n.state, n.level) == (NominationState.IN_REVIEW, "district")
    assert SignOff.objects.filter(level__in=["district", "city"]).count() == 0


def test_sign_off_after_withdrawal_is_409(weihai_at_district, weihai_people):
    n = weihai_at_district()
    review.sign_off(
        n,
        actor=weihai_people["district_union"],
        signer="union",
        decision=Decision.RETURN,
        opinion="材料不全",
    )
    services.withdraw_nomination(n, actor=weihai_people["clerk"], reason="本人放弃")

    response = Api(weihai_people["district_hr"]).post(
        f"/nominations/{n.pk}/sign-offs", {"decision": "approve"}
    )

    assert response.status_code == 409
    assert "已撤回" in response.json()["detail"]
    assert SignOff.objects.filter(level="district").count() == 1


def test_sign_off_for_a_body_the_user_does_not_hold_is_403(weihai_at_district, weihai_people):
    n = weihai_at_district()

    response = Api(weihai_people["district_union"]).post(
        f"/nominations/{n.pk}/sign-offs", {"signer": "hr_bureau", "decision": "approve"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert SignOff.objects.filter(level="district").count() == 0


def test_return_without_reason_is_400(weihai_at_district, weihai_people):
    n = weihai_at_district()

    response = Api(weihai_people["district_union"]).post(
        f"/nominations/{n.pk}/sign-offs", {"decision": "return", "opinion": ""}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"opinion": ["退回或不予推荐须填写理由。"]}
    n.refresh_from_db()
    assert n.state == NominationState.IN_REVIEW


def test_forward_ranks_in_the_given_order(changchun_ready, changchun_people, orgs):
    ready = changchun_ready(3)
    order = [ready[2].pk, ready[0].pk, ready[1].pk]

    response = Api(changchun_people["county"]).post(
        "/review/forward",
        {
            "campaign": ready[0].campaign.code,
            "level": "nominating-unit",
            "body": orgs["cc-chaoyang-hrss"].pk,
            "order": order,
        },
    )

    assert response.status_code == 200
    assert [(item["id"], item["rank"], item["level"]) for item in response.json()] == [
        (order[0], 1, "city"),
        (order[1], 2, "city"),
        (order[2], 3, "city"),
    ]


def test_forward_over_quota_is_400(changchun_ready, changchun_people, orgs):
    ready = changchun_ready(4)

    response = Api(changchun_people["county"]).post(
        "/review/forward",
        {
            "campaign": ready[0].campaign.code,
            "level": "nominating-unit",
            "body": orgs["cc-chaoyang-hrss"].pk,
            "order": [n.pk for n in ready],
        },
    )

    assert response.status_code == 400
    assert response.json()["code"] == "quota"
    assert Forwarding.objects.filter(level="nominating-unit").count() == 0


def test_forward_other_countys_nomination_is_404(changchun_ready, changchun_people, orgs):
    ready = changchun_ready(1)

    as_body = Api(changchun_people["other_county"]).post(
        "/review/forward",
        {
            "campaign": ready[0].campaign.code,
            "level": "nominating-unit",
            "body": orgs["cc-chaoyang-hrss"].pk,
            "order": [ready[0].pk],
        },
    )
    own_body = Api(changchun_people["other_county"]).post(
        "/review/forward",
        {
            "campaign": ready[0].campaign.code,
            "level": "nominating-unit",
            "body": orgs["cc-nanguan-hrss"].pk,
            "order": [ready[0].pk],
        },
    )

    assert (as_body.status_code, own_body.status_code) == (404, 404)
    assert Forwarding.objects.filter(level="nominating-unit").count() == 0


def test_forward_before_the_level_completed_is_409(weihai_at_district, weihai_people, orgs):
    n = weihai_at_district()

    response = Api(weihai_people["district_union"]).post(
        "/review/forward",
        {
            "campaign": n.campaign.code,
            "level": "district",
            "body": orgs["wh-huancui-union"].pk,
            "order": [n.pk],
        },
    )

    assert response.status_code == 409
    assert "尚未通过本级审核" in response.json()["detail"]
    n.refresh_from_db()
    assert n.level == "district"


def test_sign_off_with_the_stamped_page_scan(weihai_at_district, weihai_people):
    n = weihai_at_district()
    api = Api(weihai_people["district_union"])
    scan = SimpleUploadedFile("意见页.png", png_bytes(), content_type="image/png")
    text = SimpleUploadedFile("意见页.txt", b"not an image", content_type="text/plain")

    refused = api.client.post(
        f"/api/v1/nominations/{n.pk}/sign-offs-with-scan", {"decision": "approve", "scan": text}
    )
    created = api.client.post(
        f"/api/v1/nominations/{n.pk}/sign-offs-with-scan",
        {"decision": "approve", "opinion": "同意", "scan": scan},
    )

    assert refused.status_code == 400
    assert created.status_code == 201, created.content
    assert created.json()["has_scan"] is True
    stored = SignOff.objects.get(pk=created.json()["id"])
    with stored.scan.open("rb") as handle:
        assert handle.read().startswith(b"\x89PNG")
