"""The outbox: drafts to nominees reviewed by the campaign office (edit, approve → sent,
discard), audited; another campaign's office gets 404; no personal data goes out."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from jiangxuan.core.models import AuditEntry

from .. import services
from ..enums import OutboxState
from ..models import OutboxMessage
from .conftest import leaks, office_of
from .factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(changchun):
    return office_of(changchun)


@pytest.fixture
def draft(submitted, office):
    nomination = submitted()
    return services.queue_message_to_nominee(
        nomination,
        subject="请补充获奖证书扫描件",
        body="王建国同志：请于三日内补充上传获奖证书扫描件。",
        actor=office,
    )


def audit_actions(message):
    return list(
        AuditEntry.objects.filter(
            object_type="notifications.outboxmessage", object_id=str(message.pk)
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_queue_message_to_nominee_makes_a_draft(draft, office):
    assert (draft.state, draft.to_email, draft.to_name, draft.created_by) == (
        OutboxState.DRAFT,
        "nominee@example.cn",
        "王建国",
        office,
    )
    assert mail.outbox == []
    assert audit_actions(draft) == ["outbox.draft"]


def test_queue_message_redacts_personal_data(submitted, office):
    nomination = submitted()

    message = services.queue_message_to_nominee(
        nomination,
        subject="核对信息 13912345678",
        body=f"身份证号{nomination.id_number}，手机13912345678，银行账号6214830100000000123。",
        actor=office,
    )

    assert leaks(message.subject + message.body) == []
    assert message.body == "身份证号[redacted]，手机[redacted]，银行账号[redacted]。"


def test_queue_message_to_nominee_without_email_refused(submitted, office):
    nomination = submitted()
    nomination.email = ""
    nomination.save(update_fields=["email"])

    with pytest.raises(services.OutboxError) as excinfo:
        services.queue_message_to_nominee(nomination, subject="主题", body="正文", actor=office)

    assert excinfo.value.field == "to_email"
    assert OutboxMessage.objects.count() == 0


def test_queue_message_by_someone_who_cannot_see_the_nomination_refused(submitted, seed_campaign):
    stranger = office_of(seed_campaign("003"))

    with pytest.raises(PermissionDenied):
        services.queue_message_to_nominee(submitted(), subject="主题", body="正文", actor=stranger)


def test_office_edits_and_approves_draft_and_it_is_sent(
    client, draft, office, django_capture_on_commit_callbacks
):
    client.force_login(office)
    url = reverse("notifications:outbox_detail", args=[draft.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"subject": "请补充证书", "body": "请补充上传证书。", "approve": "1"}
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:outbox")
    draft.refresh_from_db()
    assert (draft.state, draft.approved_by, draft.subject) == (
        OutboxState.SENT,
        office,
        "请补充证书",
    )
    assert draft.sent_at is not None
    (sent,) = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (
        ["nominee@example.cn"],
        "请补充证书",
        "请补充上传证书。",
    )
    assert audit_actions(draft) == ["outbox.draft", "outbox.edit", "outbox.approve", "outbox.sent"]


def test_office_discards_draft_and_nothing_is_sent(
    client, draft, office, django_capture_on_commit_callbacks
):
    client.force_login(office)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("notifications:outbox_detail", args=[draft.pk]),
            {"subject": draft.subject, "body": draft.body, "discard": "1"},
        )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == OutboxState.DISCARDED
    assert mail.outbox == []
    assert audit_actions(draft) == ["outbox.draft", "outbox.discard"]


def test_approved_message_cannot_be_approved_again(
    draft, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_outbox_message(draft, actor=office)

    with pytest.raises(services.OutboxError) as excinfo:
        services.approve_outbox_message(draft, actor=office)

    assert "已发送" in excinfo.value.message
    assert len(mail.outbox) == 1


def test_other_campaign_office_gets_404_and_changes_nothing(
    client, draft, seed_campaign, django_capture_on_commit_callbacks
):
    stranger = office_of(seed_campaign("003"))
    client.force_login(stranger)
    url = reverse("notifications:outbox_detail", args=[draft.pk])

    with django_capture_on_commit_callbacks(execute=True):
        get = client.get(url)
        post = client.post(url, {"subject": "改", "body": "改", "approve": "1"})
    listing = client.get(reverse("notifications:outbox"))

    assert (get.status_code, post.status_code) == (404, 404)
    draft.refresh_from_db()
    assert (draft.state, draft.subject) == (OutboxState.DRAFT, "请补充获奖证书扫描件")
    assert mail.outbox == []
    assert list(listing.context["messages_list"]) == []


@pytest.mark.parametrize(
    ("role", "status"), [("office", 200), ("clerk", 404), ("county", 404), ("anonymous", 302)]
)
def test_outbox_page_by_role(client, draft, office, people, role, status):
    user = office if role == "office" else people.get(role)
    if user is not None:
        client.force_login(user)

    response = client.get(reverse("notifications:outbox"))

    assert response.status_code == status
    if status == 200:
        assert list(response.context["messages_list"]) == [draft]
        assert "请补充获奖证书扫描件" in response.text


def test_outbox_detail_shows_the_edit_form_to_the_office(client, draft, office):
    client.force_login(office)

    response = client.get(reverse("notifications:outbox_detail", args=[draft.pk]))

    assert response.status_code == 200
    assert "审核通过并发送" in response.text
    assert "nominee@example.cn" in response.text


@pytest.mark.parametrize("rows", [1, 3])
def test_outbox_list_queries_do_not_grow(
    client, changchun, office, rows, django_assert_num_queries
):
    OutboxMessageFactory.create_batch(rows, campaign=changchun, created_by=office)
    client.force_login(office)
    client.get(reverse("notifications:outbox"))  # the first request also writes the session

    # session, user, memberships (read once per request), messages; the nav's unread
    # count is cached since sign-in
    with django_assert_num_queries(4):
        response = client.get(reverse("notifications:outbox"))

    assert len(response.context["messages_list"]) == rows


class FailingBackend:
    """A mail backend whose server refuses every message (the error quotes a phone)."""

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP refused for 13912345678")


@override_settings(
    MAILERS={"default": {"BACKEND": "jiangxuan.notifications.tests.test_outbox.FailingBackend"}}
)
def test_failed_send_is_recorded_without_personal_data(
    draft, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_outbox_message(draft, actor=office)

    draft.refresh_from_db()
    assert draft.state == OutboxState.FAILED
    assert draft.error == "ConnectionRefusedError: SMTP refused for [redacted]"
    assert audit_actions(draft)[-1] == "outbox.failed"
