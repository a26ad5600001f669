"""Public notice pages (no login): published fields only, no personal data, cacheable;
the objection form with CSRF, Chinese errors that keep the typed text, a rate limit."""

import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from ...enums import NoticeState, ObjectionState
from ...models import Objection
from ..conftest import BANK_RE, ID_RE, MOBILE_RE, at

pytestmark = pytest.mark.django_db
DURING = at(2021, 10, 8, 10)


def assert_no_personal_data(text, nominees):
    assert ID_RE.findall(text) == []
    assert MOBILE_RE.findall(text) == []
    assert BANK_RE.findall(text) == []
    for n in nominees:
        assert n.id_number not in text
        assert n.phone not in text
        assert n.address not in text


def test_public_detail_lists_consented_nominees_only(client, notice, nominees):
    with time_machine.travel(DURING, tick=False):
        response = client.get(reverse("notices:public_detail", args=[notice.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "王建国" in html
    assert "李秀英" in html
    assert "赵不同意" not in html
    assert "2021年9月30日至2021年10月12日" in html
    assert reverse("notices:object", args=[notice.pk]) in html
    assert_no_personal_data(html, nominees)
    assert response["Cache-Control"] == "public, max-age=60"


def test_public_json_lists_published_fields_only(client, notice, nominees):
    response = client.get(reverse("notices:public_json", args=[notice.pk]))

    assert response.status_code == 200
    data = json.loads(response.content)
    assert [e["name"] for e in data["entries"]] == ["王建国", "李秀英"]
    assert set(data["entries"][0]) == {
        "position",
        "name",
        "sex",
        "workplace_name",
        "post",
        "occupation",
        "achievement_summary",
    }
    assert (data["starts_on"], data["ends_on"], data["days"]) == ("2021-09-30", "2021-10-12", 5)
    assert_no_personal_data(response.content.decode(), nominees)
    assert response["Cache-Control"] == "public, max-age=60"


def test_public_detail_same_for_signed_in_user(client, notice, office):
    """The page has no per-user content, so a shared cache may keep it."""
    client.force_login(office)

    response = client.get(reverse("notices:public_detail", args=[notice.pk]))

    assert response["Cache-Control"] == "public, max-age=60"
    assert office.get_username() not in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_public_detail_draft_not_found(client, jilin, office, nominees, orgs):
    import datetime as dt

    from ... import services

    draft = services.open_public_notice(
        jilin,
        stage="workplace",
        body=orgs["cc-union"],
        nominations=nominees,
        starts_on=dt.date(2021, 9, 30),
        actor=office,
        publish=False,
    )

    assert draft.state == NoticeState.DRAFT
    assert client.get(reverse("notices:public_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("notices:public_json", args=[draft.pk])).status_code == 404


def _csrf_client(url):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.get(url)
    return csrf_client, csrf_client.cookies["csrftoken"].value


def test_objection_form_anonymous_with_csrf(notice, nominees):
    url = reverse("notices:object", args=[notice.pk])
    with time_machine.travel(DURING, tick=False):
        csrf_client, token = _csrf_client(url)
        response = csrf_client.post(
            url,
            {
                "csrfmiddlewaretoken": token,
                "nomination": nominees[0].pk,
                "text": "该同志的竞赛获奖证书系伪造。",
                "anonymous": "on",
                "contact_name": "张三",
            },
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("notices:objection_filed", args=[notice.pk])
    objection = Objection.objects.get()
    assert (objection.nomination, objection.anonymous, objection.contact_name) == (
        nominees[0],
        True,
        "",
    )
    assert objection.state == ObjectionState.RECEIVED


def test_objection_form_without_csrf_token_refused(notice):
    url = reverse("notices:object", args=[notice.pk])
    with time_machine.travel(DURING, tick=False):
        response = Client(enforce_csrf_checks=True).post(url, {"text": "异议"})

    assert response.status_code == 403
    assert Objection.objects.count() == 0


def test_objection_form_error_keeps_typed_text(client, notice):
    url = reverse("notices:object", args=[notice.pk])
    with time_machine.travel(DURING, tick=False):
        response = client.post(
            url, {"text": "我反映的问题是业绩材料不实。", "contact_phone": "12345"}
        )

    assert response.status_code == 200
    html = response.content.decode()
    assert "联系电话应为11位手机号码或带区号的座机号码。" in html
    assert "我反映的问题是业绩材料不实。" in html
    assert Objection.objects.count() == 0


def test_objection_form_rejects_disguised_attachment(client, notice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("证据.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    with time_machine.travel(DURING, tick=False):
        response = client.post(
            reverse("notices:object", args=[notice.pk]),
            {"text": "附件为证据。", "attachment": fake},
        )

    assert response.status_code == 200
    assert "只接受 JPG、PNG 图片、PDF 或 Word（.docx）文件。" in response.content.decode()
    assert Objection.objects.count() == 0


def test_objection_form_rate_limited(client, notice):
    url = reverse("notices:object", args=[notice.pk])
    with time_machine.travel(DURING, tick=False):
        statuses = [client.post(url, {"text": f"异议{i}"}).status_code for i in range(6)]
        last = client.post(url, {"text": "第七次"})

    assert statuses == [302] * 5 + [429]
    assert last.status_code == 429
    assert "提交过于频繁，请10分钟后再试。" in last.content.decode()
    assert Objection.objects.count() == 5


def test_objection_form_after_notice_closed_not_offered(client, notice, office):
    from ... import services

    with time_machine.travel(at(2021, 10, 13, 9), tick=False):
        services.close_public_notice(notice, actor=office)
        response = client.get(reverse("notices:object", args=[notice.pk]))

    assert "本公示已结束，不再受理异议。" in response.content.decode()
    assert "<form" not in response.content.decode().split("<main", 1)[1]


BEFORE = at(2021, 9, 28, 10)  # the notice is published; its period starts on 2021-09-30


def test_notice_published_before_its_first_day_says_when_it_starts(client, notice):
    with time_machine.travel(BEFORE, tick=False):
        detail = client.get(reverse("notices:public_detail", args=[notice.pk]))
        form = client.get(reverse("notices:object", args=[notice.pk]))

    html = detail.content.decode()
    assert "即将公示" in html
    assert "本公示自2021年9月30日开始" in html
    assert reverse("notices:object", args=[notice.pk]) not in html
    page = form.content.decode().split("<main", 1)[1]
    assert "本公示尚未开始。公示期为2021年9月30日至" in page
    assert "<form" not in page


def test_objection_posted_before_the_period_is_refused_and_nothing_filed(client, notice):
    with time_machine.travel(BEFORE, tick=False):
        response = client.post(reverse("notices:object", args=[notice.pk]), {"text": "异议"})

    assert response.status_code == 409
    assert "本公示尚未开始" in response.content.decode()
    assert Objection.objects.count() == 0


def test_notice_during_its_period_takes_objections(client, notice):
    with time_machine.travel(DURING, tick=False):
        detail = client.get(reverse("notices:public_detail", args=[notice.pk]))

    html = detail.content.decode()
    assert reverse("notices:object", args=[notice.pk]) in html
    assert "即将公示" not in html


def test_a_reload_of_an_unchanged_public_page_is_not_modified(client, notice, nominees):
    # Issue 17.2: a phone reloading the notice gets 304 and no body while nothing changed.
    url = reverse("notices:public_detail", args=[notice.pk])
    with time_machine.travel(DURING, tick=False):
        first = client.get(url)
        again = client.get(url, headers={"If-None-Match": first["ETag"]})
        stale = client.get(url, headers={"If-None-Match": '"something-else"'})

    assert first["ETag"]
    assert again.status_code == 304
    assert again.content == b""
    assert stale.status_code == 200
    assert stale.content == first.content


def test_pages_with_a_form_or_personal_data_carry_no_etag(client, notice, office):
    with time_machine.travel(DURING, tick=False):
        form = client.get(reverse("notices:object", args=[notice.pk]))
        client.force_login(office)
        staff = client.get(reverse("notices:campaign_notices", args=[notice.campaign.code]))

    assert form.status_code == 200
    assert not form.has_header("ETag")
    assert staff.status_code == 200
    assert not staff.has_header("ETag")
