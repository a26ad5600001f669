"""An expert opens the evidence of a nomination they score (issue 15.8): a copy marked with
their name, the time and 仅供评审, shown inline, never cached; every opening is audited.
Another expert, a recused member, the office, an anonymous visitor and a blind panel get
no file; a video is not shown (it cannot be marked)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from jiangxuan.accounts.enums import Role
from jiangxuan.core.models import AuditEntry
from jiangxuan.experts.tests.scoring_setup import (
    add_evidence,
    approved_nominations,
    assign_all,
    drawn_panel,
    jpeg_bytes,
    pdf_bytes,
    user_with_role,
)

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 12, 4, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
STAMP = "专家1 2026-12-04 10:30 仅供评审"


@pytest.fixture
def setup(seed_campaign):
    """Seed 002: members 1 and 2 score nomination 1 (a PDF, a JPEG and a video), member 3
    scores nomination 2."""
    campaign = seed_campaign("002")
    nominations = approved_nominations(campaign, 2)
    panel, members = drawn_panel(campaign, size=3)
    assign_all(members[:2], nominations[:1])
    assign_all(members[2:], nominations[1:])
    files = {
        "pdf": add_evidence(
            nominations[0], pdf_bytes(), "application/pdf", "事迹材料.pdf", "performance-sheet"
        ),
        "jpeg": add_evidence(
            nominations[0], jpeg_bytes(), "image/jpeg", "荣誉证书.jpg", "honour-certificates"
        ),
        "video": add_evidence(nominations[0], b"\0" * 64, "video/mp4", "工作.mp4", "photo"),
    }
    return panel, members, nominations, files


def _url(member, nomination, evidence):
    assignment = member.assignments.get(nomination=nomination)
    return reverse("experts:scoring_evidence", args=[assignment.pk, evidence.pk])


def _openings():
    return list(AuditEntry.objects.filter(action="experts.view_evidence").order_by("id"))


def test_member_opens_a_pdf_marked_on_every_page_inline_and_audited(client, setup):
    _panel, members, nominations, files = setup
    evidence = files["pdf"]
    client.force_login(members[0].expert.user)

    with time_machine.travel(AT, tick=False):
        response = client.get(_url(members[0], nominations[0], evidence))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert [STAMP in page.extract_text() for page in pages] == [True, True]
    with evidence.file.open("rb") as stored:
        assert stored.read() == pdf_bytes()
    [entry] = _openings()
    assert (entry.actor, entry.object_type, entry.object_id) == (
        members[0].expert.user,
        "nominations.evidence",
        str(evidence.pk),
    )
    assert entry.after["watermark"] == STAMP
    assert entry.after["via"] == "web"


def test_member_opens_an_image_marked_across_the_picture(client, setup):
    _panel, members, nominations, files = setup
    client.force_login(members[1].expert.user)

    response = client.get(_url(members[1], nominations[0], files["jpeg"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content != jpeg_bytes()
    picture = Image.open(io.BytesIO(response.content))
    assert (picture.format, picture.size) == ("JPEG", (300, 200))
    # The marks are red over the pale picture: some pixels leave its colour.
    assert picture.convert("RGB").getextrema()[1][0] < 200
    assert [e.actor for e in _openings()] == [members[1].expert.user]


def test_scoring_page_links_each_markable_file_in_a_new_tab(client, setup):
    _panel, members, nominations, files = setup
    client.force_login(members[0].expert.user)
    sheet = members[0].assignments.get(nomination=nominations[0])

    page = client.get(reverse("experts:scoring_sheet", args=[sheet.pk])).content.decode()

    for kind in ("pdf", "jpeg"):
        url = _url(members[0], nominations[0], files[kind])
        assert f'<a href="{url}" target="_blank" rel="noopener">查看</a>' in page
    assert _url(members[0], nominations[0], files["video"]) not in page
    assert '工作.mp4 <span class="meta">（视频和 Word 文件不提供在线查看）</span>' in page


@pytest.mark.parametrize("who", ["other_expert", "recused", "office", "anonymous"])
def test_nobody_but_a_scoring_member_gets_the_file(client, setup, who):
    panel, members, nominations, files = setup
    url = _url(members[0], nominations[0], files["pdf"])
    if who == "other_expert":
        client.force_login(members[2].expert.user)
    elif who == "recused":
        members[0].assignments.update(active=False, recused_reason="同一工作单位")
        client.force_login(members[0].expert.user)
    elif who == "office":
        client.force_login(
            user_with_role("jz-union", Role.CAMPAIGN_OFFICE, campaign=panel.campaign)
        )

    response = client.get(url)

    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 404
        assert "您访问的页面不存在" in response.content.decode()
    assert _openings() == []


def test_another_nominations_file_is_not_found(client, setup):
    _panel, members, nominations, _files = setup
    theirs = add_evidence(
        nominations[1], pdf_bytes(1), "application/pdf", "他人.pdf", "performance-sheet"
    )
    assignment = members[0].assignments.get(nomination=nominations[0])
    client.force_login(members[0].expert.user)

    response = client.get(reverse("experts:scoring_evidence", args=[assignment.pk, theirs.pk]))

    assert response.status_code == 404
    assert "您访问的页面不存在" in response.content.decode()
    assert _openings() == []


def test_blind_panel_gets_no_file_and_is_told_why(client, setup):
    panel, members, nominations, files = setup
    panel.blind = True
    panel.save(update_fields=["blind"])
    client.force_login(members[0].expert.user)
    sheet = members[0].assignments.get(nomination=nominations[0])

    response = client.get(_url(members[0], nominations[0], files["jpeg"]))
    page = client.get(reverse("experts:scoring_sheet", args=[sheet.pk])).content.decode()

    assert response.status_code == 403
    assert "匿名评审不提供佐证材料原件" in response.content.decode()
    assert _url(members[0], nominations[0], files["jpeg"]) not in page
    assert "匿名评审不提供佐证材料原件" in page
    assert _openings() == []


def test_a_video_is_not_shown_and_the_expert_is_told_why(client, setup):
    _panel, members, nominations, files = setup
    client.force_login(members[0].expert.user)
    sheet = members[0].assignments.get(nomination=nominations[0])

    response = client.get(_url(members[0], nominations[0], files["video"]), follow=True)

    assert response.redirect_chain == [(reverse("experts:scoring_sheet", args=[sheet.pk]), 302)]
    assert "视频和 Word 文件无法加注水印，不提供在线查看" in response.content.decode()
    assert _openings() == []
