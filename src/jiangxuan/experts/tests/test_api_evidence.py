"""API: an expert opens a watermarked copy of the evidence they score (issue 15.8), by the
address the score sheet gives; nobody else gets the file, a blind panel is refused (403),
a video cannot be marked (409); every opening is audited."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from PIL import Image
from pypdf import PdfReader

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.api.tests.conftest import ApiClient
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

AT = dt.datetime(2026, 12, 4, 21, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


def api(user) -> ApiClient:
    return ApiClient(issue_api_token(user, name="test", scope="read_write"))


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
            nominations[0], pdf_bytes(3), "application/pdf", "事迹材料.pdf", "performance-sheet"
        ),
        "jpeg": add_evidence(
            nominations[0], jpeg_bytes(), "image/jpeg", "荣誉证书.jpg", "honour-certificates"
        ),
        "video": add_evidence(nominations[0], b"\0" * 64, "video/mp4", "工作.mp4", "photo"),
    }
    return panel, members, nominations, files


def _path(member, nomination, evidence):
    assignment = member.assignments.get(nomination=nomination)
    return f"/expert/assignments/{assignment.pk}/evidence/{evidence.pk}"


def _openings():
    return list(AuditEntry.objects.filter(action="experts.view_evidence").order_by("id"))


def test_score_sheet_gives_the_watermarked_address_of_each_markable_file(setup):
    _panel, members, nominations, files = setup
    assignment = members[0].assignments.get(nomination=nominations[0])

    sheet = api(members[0].expert.user).get(f"/expert/assignments/{assignment.pk}/score-sheet")

    assert sheet.status_code == 200
    by_name = {e["original_name"]: e["view_url"] for e in sheet.json()["nomination"]["evidence"]}
    assert by_name == {
        "事迹材料.pdf": "/api/v1" + _path(members[0], nominations[0], files["pdf"]),
        "荣誉证书.jpg": "/api/v1" + _path(members[0], nominations[0], files["jpeg"]),
        "工作.mp4": None,
    }


def test_member_gets_a_pdf_with_their_name_on_every_page(setup):
    _panel, members, nominations, files = setup
    client = api(members[1].expert.user)

    with time_machine.travel(AT, tick=False):
        response = client.get(_path(members[1], nominations[0], files["pdf"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    assert texts == ["专家2 2026-12-04 21:05 仅供评审"] * 3
    [entry] = _openings()
    assert (entry.actor, entry.object_id, entry.after["via"]) == (
        members[1].expert.user,
        str(files["pdf"].pk),
        "api",
    )


def test_member_gets_a_marked_image_that_still_opens(setup):
    _panel, members, nominations, files = setup

    response = api(members[0].expert.user).get(_path(members[0], nominations[0], files["jpeg"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content != jpeg_bytes()
    picture = Image.open(io.BytesIO(response.content))
    picture.verify()
    assert (picture.format, picture.size) == ("JPEG", (300, 200))
    assert len(_openings()) == 1


@pytest.mark.parametrize("who", ["other_expert", "recused", "office", "anonymous"])
def test_nobody_but_a_scoring_member_gets_the_file(setup, who):
    panel, members, nominations, files = setup
    path = _path(members[0], nominations[0], files["pdf"])
    users = {
        "other_expert": lambda: members[2].expert.user,
        "recused": lambda: members[0].expert.user,
        "office": lambda: user_with_role("jz-union", Role.CAMPAIGN_OFFICE, campaign=panel.campaign),
    }
    if who == "recused":
        members[0].assignments.update(active=False, recused_reason="同一工作单位")
    client = api(users[who]()) if who in users else ApiClient(None)

    response = client.get(path)

    expected = (401, "unauthenticated") if who == "anonymous" else (404, "not_found")
    assert (response.status_code, response.json()["code"]) == expected
    assert _openings() == []


def test_blind_panel_is_refused_with_the_reason(setup):
    panel, members, nominations, files = setup
    panel.blind = True
    panel.save(update_fields=["blind"])
    client = api(members[0].expert.user)
    assignment = members[0].assignments.get(nomination=nominations[0])

    response = client.get(_path(members[0], nominations[0], files["pdf"]))
    sheet = client.get(f"/expert/assignments/{assignment.pk}/score-sheet").json()

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["detail"].startswith("匿名评审不提供佐证材料原件")
    assert [e["view_url"] for e in sheet["nomination"]["evidence"]] == [None, None, None]
    assert _openings() == []


def test_a_video_cannot_be_marked_and_is_refused(setup):
    _panel, members, nominations, files = setup

    response = api(members[0].expert.user).get(_path(members[0], nominations[0], files["video"]))

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["detail"].startswith("视频和 Word 文件无法加注水印")
    assert _openings() == []


def test_a_damaged_pdf_is_refused_not_served_as_stored(setup):
    _panel, members, nominations, _files = setup
    broken = add_evidence(
        nominations[0], b"%PDF-1.4\n" + b"0" * 200, "application/pdf", "坏.pdf", "patent-list"
    )

    response = api(members[0].expert.user).get(_path(members[0], nominations[0], broken))

    assert response.status_code == 409
    assert response.json()["detail"] == "该 PDF 文件无法读取（可能已损坏），无法加注水印。"
    assert _openings() == []
