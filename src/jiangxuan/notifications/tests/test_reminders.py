"""Reminders: submission deadline in 7/3/1 days (idempotent), notices closing within one
working day, the ``sendreminders`` command and its task."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.selectors import deadline_for
from jiangxuan.notices.enums import NoticeState

from .. import services, tasks
from ..enums import NotificationKind
from ..models import Notification
from .test_events import jilin_notice  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

#: Seed 001's submission closes 2022-10-26 23:59:59 (Asia/Shanghai).
CLOSES = dt.date(2022, 10, 26)


@pytest.fixture
def draft(changchun, people, nominate, orgs):
    """A draft of the clerk at 朝阳区人社局, which also has a second clerk."""
    return nominate(
        changchun, "jishu-nengshou", people["clerk"], workplace=orgs["cc-huarui-machinery"]
    )


def test_deadline_reminders_seven_three_one_days_without_duplicates(
    draft, people, make_user, django_capture_on_commit_callbacks
):
    second_clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    assert deadline_for(draft.campaign, draft.nominating_unit).date() == CLOSES

    with django_capture_on_commit_callbacks(execute=True):
        for days in (7, 3, 1):
            today = CLOSES - dt.timedelta(days=days)
            first = services.send_deadline_reminders(today=today)
            again = services.send_deadline_reminders(today=today)
            assert [(x.recipient, x.key) for x in first] == [
                (people["clerk"], f"deadline:{draft.campaign.pk}:{days}"),
                (second_clerk, f"deadline:{draft.campaign.pk}:{days}"),
            ]
            assert again == []

    titles = list(
        Notification.objects.filter(recipient=people["clerk"], kind=NotificationKind.DEADLINE)
        .order_by("id")
        .values_list("title", flat=True)
    )
    assert [t[-4:] for t in titles] == ["还有7天", "还有3天", "还有1天"]
    assert [m.to for m in mail.outbox] == [["clerk@example.cn"]] * 3


@pytest.mark.parametrize("days_before", [0, 2, 5, 8])
def test_deadline_reminders_other_days_send_nothing(draft, days_before):
    assert services.send_deadline_reminders(today=CLOSES - dt.timedelta(days=days_before)) == []
    assert Notification.objects.count() == 0


def test_deadline_reminders_skip_units_with_everything_submitted(draft, people):
    draft.state = "submitted"
    draft.save(update_fields=["state"])

    assert services.send_deadline_reminders(today=CLOSES - dt.timedelta(days=3)) == []


def test_notice_closing_reminds_office_once_on_the_last_working_day_before(jilin_notice):  # noqa: F811
    notice, office, _nominee = jilin_notice  # ends 2021-10-12 (Tuesday)

    # Friday 10-08: the next working day is the make-up Saturday 10-09, before the end.
    assert services.send_notice_closing_reminders(today=dt.date(2021, 10, 8)) == []
    (note,) = services.send_notice_closing_reminders(today=dt.date(2021, 10, 11))
    assert (note.recipient, note.kind, note.key) == (
        office,
        NotificationKind.NOTICE_CLOSING,
        f"notice-closing:{notice.pk}",
    )
    assert "2021-10-12" in note.body
    assert services.send_notice_closing_reminders(today=dt.date(2021, 10, 12)) == []


def test_notice_closing_skips_closed_notices(jilin_notice):  # noqa: F811
    notice, _office, _nominee = jilin_notice
    notice.state = NoticeState.CLOSED
    notice.save(update_fields=["state"])

    assert services.send_notice_closing_reminders(today=dt.date(2021, 10, 11)) == []


def test_sendreminders_command_runs_for_the_given_date(draft, people):
    out = io.StringIO()

    call_command("sendreminders", "--date", "2022-10-23", stdout=out)
    call_command("sendreminders", "--date", "2022-10-23", stdout=io.StringIO())

    assert out.getvalue().splitlines() == [
        "2022-10-23: 1 deadline reminder(s)",
        "2022-10-23: 0 notice-closing reminder(s)",
    ]
    assert Notification.objects.filter(recipient=people["clerk"]).count() == 1


def test_sendreminders_command_rejects_a_malformed_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("sendreminders", "--date", "23.10.2022")


def test_send_reminders_task_counts_what_it_created(draft, people):
    result = tasks.send_reminders.enqueue("2022-10-25")

    assert result.return_value == 1
    assert Notification.objects.get().recipient == people["clerk"]
