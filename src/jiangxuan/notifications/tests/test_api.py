"""The outbox API (issue 13): the office lists the drafts awaiting review, sends (approves)
or discards one, through the same services as the pages; another campaign's office and a
clerk get 404 and change nothing; no message carries personal data."""

import pytest
from django.core import mail

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.api.tests.conftest import ApiClient

from ..enums import OutboxState
from .conftest import leaks, office_of
from .factories import NotificationFactory, OutboxMessageFactory

pytestmark = pytest.mark.django_db


def api(user) -> ApiClient:
    return ApiClient(issue_api_token(user, name="test", scope="read_write"))


@pytest.fixture
def office(changchun):
    return office_of(changchun)


@pytest.fixture
def draft(changchun):
    return OutboxMessageFactory(
        campaign=changchun,
        to_email="nominee@example.cn",
        subject="请补充获奖证书扫描件",
        body="王建国同志：请于三日内补充上传获奖证书扫描件。",
    )


@pytest.fixture
def strangers(seed_campaign, role_user):
    """Another campaign's office and a clerk of a nominating unit."""
    return [office_of(seed_campaign("003")), role_user("cc-chaoyang-hrss", Role.CLERK)]


def test_office_lists_drafts_awaiting_review(changchun, office, draft):
    OutboxMessageFactory(campaign=changchun, state=OutboxState.SENT)

    drafts = api(office).get("/outbox")
    sent = api(office).get("/outbox", state="sent")

    assert drafts.status_code == 200, drafts.content
    assert [m["id"] for m in drafts.json()] == [draft.pk]
    assert drafts.json()[0]["subject"] == "请补充获奖证书扫描件"
    assert drafts.json()[0]["campaign"] == changchun.code
    assert [m["state"] for m in sent.json()] == ["sent"]
    assert leaks(drafts.content.decode()) == []


def test_office_sends_a_draft(office, draft, django_capture_on_commit_callbacks):
    client = api(office)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/outbox/{draft.pk}/send")
    again = client.post(f"/outbox/{draft.pk}/send")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == OutboxState.APPROVED
    assert response.json()["approved_by"] == office.get_username()
    (sent,) = mail.outbox
    assert (sent.to, sent.subject) == (["nominee@example.cn"], "请补充获奖证书扫描件")
    draft.refresh_from_db()
    assert draft.state == OutboxState.SENT
    assert again.status_code == 400


def test_office_discards_a_draft(office, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(office).post(f"/outbox/{draft.pk}/discard")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == OutboxState.DISCARDED
    assert mail.outbox == []


def test_another_office_or_a_clerk_gets_404_and_changes_nothing(
    draft, strangers, django_capture_on_commit_callbacks
):
    other_office, clerk = strangers

    listing = api(other_office).get("/outbox")
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            api(user).post(f"/outbox/{draft.pk}/{action}").status_code
            for user in strangers
            for action in ("send", "discard")
        ]

    assert listing.status_code == 200
    assert listing.json() == []
    assert api(clerk).get("/outbox").status_code == 404
    assert statuses == [404, 404, 404, 404]
    draft.refresh_from_db()
    assert draft.state == OutboxState.DRAFT
    assert mail.outbox == []


def test_office_edits_a_draft_before_sending(office, draft, strangers):
    edited = api(office).patch(
        f"/outbox/{draft.pk}", {"subject": "请补充证书", "body": "请于三日内补充上传证书。"}
    )
    empty = api(office).patch(f"/outbox/{draft.pk}", {"subject": "", "body": "正文"})

    assert edited.status_code == 200, edited.content
    assert (edited.json()["subject"], edited.json()["state"]) == ("请补充证书", "draft")
    assert empty.status_code == 400
    assert empty.json()["errors"] == {"subject": ["请填写邮件主题。"]}
    for stranger in strangers:
        refused = api(stranger).patch(f"/outbox/{draft.pk}", {"subject": "改", "body": "改"})
        assert refused.status_code == 404
    draft.refresh_from_db()
    assert draft.subject == "请补充证书"


def test_a_user_reads_and_marks_only_their_own_notifications(office, strangers):
    mine = NotificationFactory(recipient=office, title="有新的异议")
    NotificationFactory(recipient=office, title="公示即将结束")
    theirs = NotificationFactory(recipient=strangers[1], title="推荐被退回")
    client = api(office)

    listed = client.get("/notifications")
    read = client.post(f"/notifications/{mine.pk}/read")
    other = client.post(f"/notifications/{theirs.pk}/read")
    rest = client.post("/notifications/read-all")

    assert {n["title"] for n in listed.json()} == {"有新的异议", "公示即将结束"}
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    assert other.status_code == 404
    assert rest.json() == {"changed": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
