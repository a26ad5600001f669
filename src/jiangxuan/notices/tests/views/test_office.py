"""Office pages: scoped to the user's campaigns (another campaign's office gets 404),
opening a notice with an end-date preview, objection actions, closing, background checks
and the 征求意见表 download."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from docx import Document

from jiangxuan.nominations.enums import NominationState

from ... import services
from ...enums import NoticeState, ObjectionState
from ...models import DisciplinaryPenalty, PublicNotice
from ..conftest import at
from ..factories import ObjectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def check(jilin, office, nominees):
    with time_machine.travel(at(2021, 10, 8, 9), tick=False):
        (created,) = services.request_background_checks(
            jilin, nominees[:1], stage="workplace", due_on=dt.date(2021, 10, 20), actor=office
        )
    return created


@pytest.fixture
def office_urls(jilin, notice, check):
    objection = ObjectionFactory(notice=notice)
    return [
        ("get", reverse("notices:campaign_notices", args=[jilin.code])),
        ("get", reverse("notices:open", args=[jilin.code])),
        ("get", reverse("notices:background_checks", args=[jilin.code])),
        ("get", reverse("notices:manage", args=[notice.pk])),
        ("post", reverse("notices:publish", args=[notice.pk])),
        ("post", reverse("notices:close", args=[notice.pk])),
        ("post", reverse("notices:objection_assign", args=[objection.pk])),
        ("post", reverse("notices:objection_finding", args=[objection.pk])),
        ("post", reverse("notices:objection_answer", args=[objection.pk])),
        ("get", reverse("notices:objection_attachment", args=[objection.pk])),
        ("get", reverse("notices:background_check", args=[check.pk])),
        ("get", reverse("notices:background_check_form", args=[check.pk])),
        ("get", reverse("notices:background_check_scan", args=[check.pk])),
    ]


def test_office_views_other_campaign_office_gets_404(client, weihai_office, office_urls, notice):
    client.force_login(weihai_office)

    statuses = {url: getattr(client, method)(url).status_code for method, url in office_urls}

    assert set(statuses.values()) == {404}
    notice.refresh_from_db()
    assert notice.state == NoticeState.RUNNING


def test_office_views_anonymous_redirected_to_login(client, office_urls):
    method, url = office_urls[0]

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_campaign_notices_lists_notice_with_open_objections(client, office, notice, jilin):
    ObjectionFactory(notice=notice)
    client.force_login(office)

    response = client.get(reverse("notices:campaign_notices", args=[jilin.code]))

    assert response.status_code == 200
    html = response.content.decode()
    assert notice.title in html
    assert reverse("notices:manage", args=[notice.pk]) in html
    assert response.context["notices"][0].open_objections == 1


def test_open_view_preview_then_publish(client, office, jilin, nominees, orgs):
    client.force_login(office)
    url = reverse("notices:open", args=[jilin.code])
    data = {
        "stage": "workplace",
        "body": orgs["cc-union"].pk,
        "starts_on": "2021-09-30",
        "nominations": [n.pk for n in nominees],
    }

    preview = client.post(url, {**data, "preview": "1"})
    published = client.post(url, data)

    assert "公示结束日期：2021年10月12日" in preview.content.decode()
    notice = PublicNotice.objects.get()
    assert published.status_code == 302
    assert published["Location"] == reverse("notices:manage", args=[notice.pk])
    assert notice.ends_on == dt.date(2021, 10, 12)
    assert notice.entries.count() == 2
    page = client.get(published["Location"]).content.decode()
    assert "未同意公示、未列入名单：赵不同意" in page


def test_open_view_unknown_year_error_on_form(client, office, jilin, nominees, orgs):
    client.force_login(office)

    response = client.post(
        reverse("notices:open", args=[jilin.code]),
        {
            "stage": "workplace",
            "body": orgs["cc-union"].pk,
            "starts_on": "2027-05-06",
            "nominations": [nominees[0].pk],
        },
    )

    assert response.status_code == 200
    assert "系统尚未收录2027年的法定节假日和调休安排" in response.content.decode()
    assert PublicNotice.objects.count() == 0


def test_objection_actions_through_revocation(client, office, notice, nominees):
    objection = ObjectionFactory(notice=notice, nomination=nominees[0])
    client.force_login(office)

    client.post(reverse("notices:objection_assign", args=[objection.pk]), {"assignee": office.pk})
    client.post(
        reverse("notices:objection_finding", args=[objection.pk]),
        {"finding": "查实伪造获奖证书。", "falsified": "on"},
    )
    refused = client.post(
        reverse("notices:objection_answer", args=[objection.pk]),
        {"answer": "撤销推荐资格。", "outcome": "nomination_revoked"},
    )
    answered = client.post(
        reverse("notices:objection_answer", args=[objection.pk]),
        {
            "answer": "撤销推荐资格，不得递补。",
            "outcome": "nomination_revoked",
            "penalty_kind": "lose_next_edition",
        },
    )

    assert refused.status_code == 400
    assert "请选择对推荐单位的处理" in refused.content.decode()
    assert "撤销推荐资格。" in refused.content.decode()
    assert answered.status_code == 302
    objection.refresh_from_db()
    nominees[0].refresh_from_db()
    assert (objection.state, nominees[0].state) == (
        ObjectionState.ANSWERED,
        NominationState.REVOKED,
    )
    assert DisciplinaryPenalty.objects.get().kind == "lose_next_edition"


def test_close_view_before_end_date_refused(client, office, notice):
    client.force_login(office)

    with time_machine.travel(at(2021, 10, 11, 9), tick=False):
        response = client.post(reverse("notices:close", args=[notice.pk]), follow=True)

    assert "公示期至2021-10-12，2021-10-13起方可结束公示。" in response.content.decode()
    notice.refresh_from_db()
    assert notice.state == NoticeState.RUNNING


def test_background_check_form_download(client, office, check, nominees):
    client.force_login(office)

    response = client.get(reverse("notices:background_check_form", args=[check.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "第四届吉林工匠推荐评选征求意见表" in text
    assert "王建国" in text
    assert "公安部门意见" in cells


def test_background_opinion_view_adverse_stops_nomination(client, office, check, nominees):
    client.force_login(office)

    response = client.post(
        reverse("notices:background_check", args=[check.pk]),
        {"opinion": "有犯罪记录。", "adverse": "on"},
    )

    assert response.status_code == 302
    nominees[0].refresh_from_db()
    assert nominees[0].state == NominationState.REJECTED
