"""The 征求意见表 (seed 000 附件4) as DOCX and PDF."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
import time_machine
from django.urls import reverse
from docx import Document

from .. import services
from ..rendering import render_background_check_form, render_background_check_pdf
from .conftest import BANK_RE, ID_RE, MOBILE_RE, at

pytestmark = pytest.mark.django_db


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    return "\n".join(paragraphs + cells)


@pytest.fixture
def check(jilin, office, nominees):
    with time_machine.travel(at(2021, 10, 8, 9), tick=False):
        (created,) = services.request_background_checks(
            jilin, nominees[:1], stage="workplace", due_on=dt.date(2021, 10, 20), actor=office
        )
    return created


def test_background_check_form_blank_for_department(check):
    text = docx_text(render_background_check_form(check))

    assert text.splitlines()[0] == "第四届吉林工匠推荐评选征求意见表"
    assert "姓名：王建国" in text
    assert "工作单位：" in text
    assert "公安部门意见" in text
    assert "盖 章" in text
    assert "年　　月　　日" in text
    assert ID_RE.findall(text) == MOBILE_RE.findall(text) == BANK_RE.findall(text) == []


def test_background_check_form_carries_recorded_opinion(check, office):
    services.record_background_opinion(
        check, actor=office, opinion="经查，该同志无违法犯罪记录。", adverse=False
    )
    check.refresh_from_db()

    text = docx_text(render_background_check_form(check))

    assert "经查，该同志无违法犯罪记录。" in text


def pdf_text(data: bytes) -> str:
    result = subprocess.run(  # noqa: S603 - fixed tool, input on stdin
        [shutil.which("pdftotext") or "pdftotext", "-raw", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def test_background_check_form_pdf_has_the_notice_labels_in_order(check):
    data = render_background_check_pdf(check)
    text = "".join(pdf_text(data).split())

    assert data[:5] == b"%PDF-"
    labels = ["第四届吉林工匠推荐评选征求意见表", "姓名：王建国", "工作单位：", "公安部门意见"]
    labels += ["盖章", "年月日", "经手人："]
    positions = [text.find(label) for label in labels]
    assert -1 not in positions
    assert positions == sorted(positions)
    assert ID_RE.findall(text) == MOBILE_RE.findall(text) == []


def test_background_check_form_downloads_as_pdf_on_the_site_and_the_api(check, office, client):
    client.force_login(office)
    response = client.get(reverse("notices:background_check_form_pdf", args=[check.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    api = client.get(f"/api/v1/checks/{check.pk}/form.pdf")
    assert api.status_code == 200
    assert b"".join(api.streaming_content)[:5] == b"%PDF-"
    assert client.get(f"/api/v1/checks/{check.pk}/form.docx").status_code == 200
