"""The office's notice API (issue 13): notices listed and opened, published and closed;
objections listed and answered; background checks listed and answered — through the same
services as the pages. Another campaign's office and a clerk get 404; no response carries
an ID number, a phone or a bank account."""

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.api.tests.conftest import ApiClient, png_bytes
from jiangxuan.nominations.enums import NominationState

from .. import services
from ..enums import BackgroundCheckState, NoticeState, ObjectionState
from .conftest import BANK_RE, ID_RE, MOBILE_RE, at
from .factories import ObjectionFactory
from .test_services import open_city_notice

pytestmark = pytest.mark.django_db


def api(user) -> ApiClient:
    return ApiClient(issue_api_token(user, name="test", scope="read_write"))


@pytest.fixture
def clerk(role_user):
    """A clerk of 长春市总工会, the nominating unit of the notice's nominees."""
    return role_user("cc-union", Role.CLERK)


@pytest.fixture
def notice(jilin, office, nominees):
    """The 长春市总工会 workplace notice of seed 000, 2021-09-30 to 2021-10-12."""
    return open_city_notice(jilin, office, nominees)


@pytest.fixture
def verified(notice, office, nominees):
    """An objection about 王建国, assigned to the office and verified (not falsified)."""
    objection = ObjectionFactory(
        notice=notice,
        nomination=nominees[0],
        anonymous=False,
        contact_name="张三",
        contact_phone="13912345678",
    )
    services.assign_objection(objection, assignee=office, actor=office)
    services.record_finding(objection, actor=office, finding="经核查，反映情况不属实。")
    return objection


@pytest.fixture
def check(jilin, office, nominees):
    with time_machine.travel(at(2021, 10, 8, 9), tick=False):
        (created,) = services.request_background_checks(
            jilin, nominees[:1], stage="workplace", due_on=dt.date(2021, 10, 20), actor=office
        )
    return created


def _clean(response) -> bool:
    text = response.content.decode()
    return not (ID_RE.search(text) or MOBILE_RE.search(text) or BANK_RE.search(text))


# --------------------------------------------------------------------------- notices


def test_office_lists_its_notices_with_entries_and_withheld(jilin, office, notice, verified):
    response = api(office).get(f"/campaigns/{jilin.code}/notices")

    assert response.status_code == 200, response.content
    (row,) = response.json()
    assert row["id"] == notice.pk
    assert [e["name"] for e in row["entries"]] == ["王建国", "李秀英"]
    assert [w["name"] for w in row["withheld"]] == ["赵不同意"]
    assert row["open_objections"] == 1
    assert row["state"] == "running"
    assert _clean(response)


def test_notices_of_another_office_or_a_clerk_answer_404(jilin, weihai_office, clerk, notice):
    for user in (weihai_office, clerk):
        assert api(user).get(f"/campaigns/{jilin.code}/notices").status_code == 404


def test_office_opens_a_draft_then_publishes_it(jilin, office, nominees, orgs):
    client = api(office)
    opened = client.post(
        f"/campaigns/{jilin.code}/notices",
        {
            "stage": "workplace",
            "body": orgs["cc-union"].pk,
            "starts_on": "2021-09-30",
            "title": "吉林工匠所在单位公示",
            "nominations": [n.pk for n in nominees],
            "publish": False,
        },
    )
    pk = opened.json()["id"]
    published = client.post(f"/notices/{pk}/publish")
    again = client.post(f"/notices/{pk}/publish")

    assert opened.status_code == 201, opened.content
    assert opened.json()["state"] == NoticeState.DRAFT
    assert opened.json()["ends_on"] == "2021-10-12"
    assert [w["name"] for w in opened.json()["withheld"]] == ["赵不同意"]
    assert published.status_code == 200, published.content
    assert published.json()["state"] == NoticeState.RUNNING
    assert again.status_code == 409
    assert _clean(opened)


def test_open_refuses_a_stage_without_notice_and_a_foreign_nomination(
    jilin, office, nominees, orgs
):
    client = api(office)
    data = {"stage": "workplace", "starts_on": "2021-09-30", "body": orgs["cc-union"].pk}

    foreign = client.post(f"/campaigns/{jilin.code}/notices", {**data, "nominations": [999999]})
    no_stage = client.post(
        f"/campaigns/{jilin.code}/notices",
        {**data, "stage": "nope", "nominations": [nominees[0].pk]},
    )

    assert foreign.status_code == 400
    assert "nominations" in foreign.json()["errors"]
    assert no_stage.status_code == 400
    assert "stage" in no_stage.json()["errors"]


def test_another_office_or_a_clerk_cannot_open_publish_or_close(
    jilin, office, weihai_office, clerk, nominees, orgs
):
    draft = open_city_notice(jilin, office, nominees[:1], publish=False)
    data = {
        "stage": "workplace",
        "body": orgs["cc-union"].pk,
        "starts_on": "2021-09-30",
        "nominations": [nominees[1].pk],
    }
    for user in (weihai_office, clerk):
        client = api(user)
        assert client.post(f"/campaigns/{jilin.code}/notices", data).status_code == 404
        assert client.post(f"/notices/{draft.pk}/publish").status_code == 404
        assert client.post(f"/notices/{draft.pk}/close").status_code == 404
    draft.refresh_from_db()
    assert draft.state == NoticeState.DRAFT


def test_office_closes_after_the_period_not_before(office, notice):
    client = api(office)

    with time_machine.travel(at(2021, 10, 12, 9), tick=False):
        early = client.post(f"/notices/{notice.pk}/close")
    with time_machine.travel(at(2021, 10, 13, 9), tick=False):
        closed = client.post(f"/notices/{notice.pk}/close")

    assert early.status_code == 409
    assert "2021-10-13起方可结束公示" in early.json()["detail"]
    assert closed.status_code == 200, closed.content
    assert closed.json()["state"] == NoticeState.CLOSED


# --------------------------------------------------------------------------- objections


def test_office_lists_objections_without_the_contact_phone(jilin, office, verified):
    response = api(office).get(f"/campaigns/{jilin.code}/objections")

    assert response.status_code == 200, response.content
    (row,) = response.json()
    assert (row["id"], row["state"]) == (verified.pk, ObjectionState.VERIFIED)
    assert row["nomination_name"] == "王建国"
    assert row["contact_name"] == "张三"
    assert "contact_phone" not in row
    assert _clean(response)


def test_office_answers_a_verified_objection(office, verified, nominees):
    client = api(office)
    answer = {"answer": "经核查，反映情况不属实，不影响推荐。", "outcome": "no_effect"}

    answered = client.post(f"/objections/{verified.pk}/answer", answer)
    again = client.post(f"/objections/{verified.pk}/answer", answer)

    assert answered.status_code == 200, answered.content
    assert answered.json()["state"] == ObjectionState.ANSWERED
    assert answered.json()["outcome"] == "no_effect"
    assert again.status_code == 409
    nominees[0].refresh_from_db()
    assert nominees[0].state == NominationState.IN_REVIEW


def test_office_assigns_an_objection_and_records_the_finding(
    office, notice, nominees, weihai_office
):
    objection = ObjectionFactory(notice=notice, nomination=nominees[1])
    client = api(office)

    stranger = client.post(f"/objections/{objection.pk}/assign", {"assignee": weihai_office.pk})
    assigned = client.post(f"/objections/{objection.pk}/assign", {"assignee": office.pk})
    found = client.post(
        f"/objections/{objection.pk}/finding",
        {"finding": "查实伪造获奖证书。", "falsified": True},
    )

    assert stranger.status_code == 400
    assert "assignee" in stranger.json()["errors"]
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["state"] == ObjectionState.ASSIGNED
    assert assigned.json()["assigned_to"] == office.get_username()
    assert found.status_code == 200, found.content
    assert (found.json()["state"], found.json()["falsified"]) == (ObjectionState.VERIFIED, True)
    assert found.json()["finding"] == "查实伪造获奖证书。"


def test_objections_of_another_office_or_a_clerk_answer_404(jilin, weihai_office, clerk, verified):
    answer = {"answer": "不影响推荐。", "outcome": "no_effect"}
    for user in (weihai_office, clerk):
        client = api(user)
        assert client.get(f"/campaigns/{jilin.code}/objections").status_code == 404
        assert client.post(f"/objections/{verified.pk}/answer", answer).status_code == 404
        assign = client.post(f"/objections/{verified.pk}/assign", {"assignee": user.pk})
        assert assign.status_code == 404
        finding = client.post(f"/objections/{verified.pk}/finding", {"finding": "改。"})
        assert finding.status_code == 404
    verified.refresh_from_db()
    assert verified.state == ObjectionState.VERIFIED


# --------------------------------------------------------------------------- checks


def test_office_lists_checks_and_records_an_opinion(jilin, office, check):
    client = api(office)

    listed = client.get(f"/campaigns/{jilin.code}/background-checks")
    answered = client.post(
        f"/background-checks/{check.pk}/opinion", {"opinion": "未发现违法违纪问题。"}
    )
    again = client.post(f"/background-checks/{check.pk}/opinion", {"opinion": "同意。"})

    assert listed.status_code == 200, listed.content
    assert [c["id"] for c in listed.json()] == [check.pk]
    assert listed.json()[0]["name"] == "王建国"
    assert _clean(listed)
    assert answered.status_code == 200, answered.content
    assert answered.json()["state"] == BackgroundCheckState.ANSWERED
    assert answered.json()["opinion"] == "未发现违法违纪问题。"
    assert answered.json()["nomination_stopped"] is False
    assert again.status_code == 409


def test_office_requests_background_checks_once_per_department(jilin, office, nominees):
    client = api(office)
    data = {"stage": "workplace", "due_on": "2021-10-20", "nominations": [nominees[0].pk]}

    with time_machine.travel(at(2021, 10, 8, 9), tick=False):
        created = client.post(f"/campaigns/{jilin.code}/background-checks", data)
        repeated = client.post(f"/campaigns/{jilin.code}/background-checks", data)

    assert created.status_code == 201, created.content
    (row,) = created.json()
    assert (row["name"], row["state"]) == ("王建国", BackgroundCheckState.REQUESTED)
    assert row["department"]
    assert repeated.status_code == 201
    assert repeated.json() == []


def test_adverse_opinion_stops_the_nomination(office, check, nominees):
    response = api(office).post(
        f"/background-checks/{check.pk}/opinion",
        {"opinion": "该同志受到党内警告处分，影响期未满。", "adverse": True},
    )

    assert response.status_code == 200, response.content
    assert response.json()["adverse"] is True
    nominees[0].refresh_from_db()
    assert nominees[0].state not in NominationState.LIVE


def test_checks_of_another_office_or_a_clerk_answer_404(jilin, weihai_office, clerk, check):
    for user in (weihai_office, clerk):
        client = api(user)
        assert client.get(f"/campaigns/{jilin.code}/background-checks").status_code == 404
        request = {
            "stage": "workplace",
            "due_on": "2021-10-20",
            "nominations": [check.nomination_id],
        }
        created = client.post(f"/campaigns/{jilin.code}/background-checks", request)
        assert created.status_code == 404
        response = client.post(f"/background-checks/{check.pk}/opinion", {"opinion": "同意。"})
        assert response.status_code == 404
    check.refresh_from_db()
    assert check.state == BackgroundCheckState.REQUESTED


def test_office_records_an_opinion_with_the_stamped_scan_and_downloads_it(
    jilin, office, weihai_office, check
):
    client = api(office)
    scan = SimpleUploadedFile("意见表.png", png_bytes(), content_type="image/png")

    answered = client.upload(
        f"/background-checks/{check.pk}/opinion-with-scan", scan=scan, opinion="", adverse="false"
    )
    fetched = client.client.get(f"/api/v1/background-checks/{check.pk}/scan")
    stranger = api(weihai_office).client.get(f"/api/v1/background-checks/{check.pk}/scan")

    assert answered.status_code == 200, answered.content
    assert answered.json()["has_scan"] is True
    assert answered.json()["state"] == BackgroundCheckState.ANSWERED
    assert fetched.status_code == 200
    assert b"".join(fetched.streaming_content).startswith(b"\x89PNG")
    fetched.close()
    assert quote("征求意见表扫描件-王建国.png") in fetched["Content-Disposition"]
    assert stranger.status_code == 404


def test_office_downloads_an_objections_attachment(office, weihai_office, verified):
    verified.attachment.save("proof.pdf", ContentFile(b"%PDF-1.4 proof"), save=True)
    verified.attachment_type = "application/pdf"
    verified.save(update_fields=["attachment_type"])

    fetched = api(office).client.get(f"/api/v1/objections/{verified.pk}/attachment")
    stranger = api(weihai_office).client.get(f"/api/v1/objections/{verified.pk}/attachment")

    assert fetched.status_code == 200
    assert fetched["Content-Type"] == "application/pdf"
    assert b"".join(fetched.streaming_content) == b"%PDF-1.4 proof"
    fetched.close()
    assert stranger.status_code == 404
