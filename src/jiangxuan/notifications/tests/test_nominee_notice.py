"""A nominee entered by a clerk is told (issue 13, self-service; issue 15.14: the outbox
receives what needs the office's review): the first submission drafts one e-mail to the
nominee, which waits in the outbox until the office approves it."""

import pytest
import time_machine

from jiangxuan.nominations import review
from jiangxuan.nominations.models import Decision

from ..enums import NotificationKind, OutboxState
from ..models import OutboxMessage
from .conftest import approve_level, leaks

pytestmark = pytest.mark.django_db


def test_first_submission_drafts_the_nominees_email_for_review(
    submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        n = submitted()

    [message] = OutboxMessage.objects.filter(kind=NotificationKind.NOMINATED)
    assert (message.to_email, message.state) == ("nominee@example.cn", OutboxState.DRAFT)
    assert message.object_ref == f"nomination:{n.pk}"
    assert n.campaign.title in message.subject
    assert "长春技术能手" in message.body
    assert "不同意公示" in message.body
    assert leaks(message.body) == []


def test_a_resubmission_after_a_return_drafts_no_second_email(
    submitted, people, changchun, within, django_capture_on_commit_callbacks
):
    from jiangxuan.nominations import services as nomination_services

    with django_capture_on_commit_callbacks(execute=True):
        n = submitted()
    approve_level(n, people["workplace"], n.workplace, ["workplace"])
    review.sign_off(
        n,
        actor=people["county"],
        signer="nominating_unit",
        decision=Decision.RETURN,
        opinion="请补充事迹材料。",
    )
    n.refresh_from_db()
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(within(changchun), tick=False),
    ):
        nomination_services.submit_nomination(n, actor=people["clerk"])

    assert OutboxMessage.objects.filter(kind=NotificationKind.NOMINATED).count() == 1


def test_no_address_no_email(submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted(email="")
    assert not OutboxMessage.objects.filter(kind=NotificationKind.NOMINATED).exists()
