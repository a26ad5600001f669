"""Notifications on the events users must act on: a returned nomination, nominations
forwarded to the next level, an objection filed (through the core.events hooks)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit
from jiangxuan.nominations import review
from jiangxuan.nominations.models import Decision
from jiangxuan.notices import services as notice_services
from jiangxuan.notices.tests.factories import NomineeFactory

from ..enums import NotificationKind, OutboxState
from ..models import Notification, OutboxMessage
from .conftest import approve_level, at, leaks, office_of

pytestmark = pytest.mark.django_db

REASON = "事迹简介过于笼统，请补充数据；联系人电话13912345678，卡号6214830100000000123"


def test_returned_notifies_clerk_in_app_and_by_email(
    submitted, people, django_capture_on_commit_callbacks
):
    n = submitted()
    approve_level(n, people["workplace"], n.workplace, ["workplace"])

    with django_capture_on_commit_callbacks(execute=True):
        review.sign_off(
            n,
            actor=people["county"],
            signer="nominating_unit",
            decision=Decision.RETURN,
            opinion=REASON,
        )

    (note,) = Notification.objects.all()
    assert (note.recipient, note.kind, note.link) == (
        people["clerk"],
        NotificationKind.RETURNED,
        f"/nominations/{n.pk}/",
    )
    assert note.title == "推荐被退回修改：王建国"
    assert "事迹简介过于笼统" in note.body
    assert leaks(note.title + note.body) == []
    (sent,) = mail.outbox
    assert sent.to == ["clerk@example.cn"]
    assert sent.subject == note.title
    assert leaks(sent.subject + sent.body) == []
    assert OutboxMessage.objects.get().state == OutboxState.SENT


def test_returned_rolled_back_notifies_nobody(
    submitted, people, django_capture_on_commit_callbacks
):
    n = submitted()
    approve_level(n, people["workplace"], n.workplace, ["workplace"])

    def return_then_fail():
        with transaction.atomic():
            review.sign_off(
                n,
                actor=people["county"],
                signer="nominating_unit",
                decision=Decision.RETURN,
                opinion="请补充材料",
            )
            raise RuntimeError("rolled back")

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError, match="rolled back"),
    ):
        return_then_fail()

    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_forwarded_notifies_next_level_reviewers_and_clerks(
    submitted, people, django_capture_on_commit_callbacks
):
    n = submitted()

    with django_capture_on_commit_callbacks(execute=True):
        approve_level(n, people["workplace"], n.workplace, ["workplace"])

    notes = list(Notification.objects.order_by("recipient_id"))
    assert [(x.recipient, x.kind) for x in notes] == [
        (people["clerk"], NotificationKind.FORWARDED),
        (people["county"], NotificationKind.FORWARDED),
    ]
    assert notes[0].title == "1份推荐待长春市朝阳区人力资源和社会保障局审核"
    assert "王建国" in notes[0].body
    assert sorted(m.to[0] for m in mail.outbox) == ["clerk@example.cn", "county@example.cn"]


def test_forwarded_past_the_last_level_notifies_nobody(
    submitted, people, orgs, django_capture_on_commit_callbacks
):
    n = submitted()
    approve_level(n, people["workplace"], n.workplace, ["workplace"])
    approve_level(n, people["county"], orgs["cc-chaoyang-hrss"], ["nominating_unit"])

    with django_capture_on_commit_callbacks(execute=True):
        approve_level(n, people["city"], orgs["cc-hrss"], ["hr_bureau"])

    assert n.state == "approved"
    assert Notification.objects.count() == 0


@pytest.fixture
def jilin_notice(seed_campaign, orgs):
    """Seed 000's workplace notice held by 长春市总工会, 2021-09-30 to 2021-10-12."""
    jilin = seed_campaign("000")
    office = office_of(jilin, email="office@example.cn")
    nominee = NomineeFactory(
        campaign=jilin,
        nominating_unit=orgs["cc-union"],
        workplace=orgs["cc-huarui-machinery"],
        name="李秀英",
        bank_account="6214830100000000123",
    )
    notice = notice_services.open_public_notice(
        jilin,
        stage="workplace",
        body=OrgUnit.objects.get(code="cc-union"),
        nominations=[nominee],
        starts_on=dt.date(2021, 9, 30),
        actor=office,
    )
    return notice, office, nominee


def test_objection_notifies_the_campaign_office(
    jilin_notice, seed_campaign, django_capture_on_commit_callbacks
):
    notice, office, nominee = jilin_notice
    other_office = office_of(seed_campaign("003"))

    with (
        time_machine.travel(at(2021, 10, 8, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        objection = notice_services.file_objection(
            notice,
            text="获奖证书系伪造，身份证号220104198503150518，电话13900001111。",
            nomination=nominee,
            contact_name="张三",
            contact_phone="13900001111",
        )

    (note,) = Notification.objects.all()
    assert (note.recipient, note.kind, note.object_ref) == (
        office,
        NotificationKind.OBJECTION,
        f"objection:{objection.pk}",
    )
    assert note.link == f"/notices/{notice.pk}/manage/"
    assert "李秀英" in note.body
    assert "伪造" not in note.body
    assert "张三" not in note.body
    assert Notification.objects.filter(recipient=other_office).count() == 0
    (sent,) = mail.outbox
    assert sent.to == ["office@example.cn"]
    assert leaks(sent.subject + sent.body) == []


def test_objection_reaches_untied_office_of_the_organizer(
    jilin_notice, make_user, django_capture_on_commit_callbacks
):
    notice, office, _nominee = jilin_notice
    untied = make_user(notice.campaign.organizer_unit.code, Role.CAMPAIGN_OFFICE)

    with (
        time_machine.travel(at(2021, 10, 8, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notice_services.file_objection(notice, text="反映问题", anonymous=True)

    recipients = list(
        Notification.objects.order_by("recipient_id").values_list("recipient", flat=True)
    )
    assert recipients == sorted([office.pk, untied.pk])


def test_no_message_carries_personal_data(submitted, people, django_capture_on_commit_callbacks):
    """Reasons typed by reviewers may quote an ID number, a phone or a bank account; no
    notification, outbox message or e-mail repeats them."""
    n = submitted()
    opinion = f"身份证号{n.id_number}与户口簿不符；请联系13912345678；账号6214830100000000123"

    with django_capture_on_commit_callbacks(execute=True):
        approve_level(n, people["workplace"], n.workplace, ["workplace"])
    with django_capture_on_commit_callbacks(execute=True):
        review.sign_off(
            n,
            actor=people["county"],
            signer="nominating_unit",
            decision=Decision.RETURN,
            opinion=opinion,
        )

    texts = [x.title + x.body for x in Notification.objects.all()]
    texts += [x.subject + x.body for x in OutboxMessage.objects.all()]
    texts += [x.subject + x.body for x in mail.outbox]
    assert len(texts) == 3 * 3  # forwarded to clerk and county, returned to clerk
    assert [leaks(t) for t in texts] == [[]] * len(texts)
    assert "身份证号[redacted]与户口簿不符" in Notification.objects.get(kind="returned").body
