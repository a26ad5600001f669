"""The 征求意见表 (seed 000 附件4) as DOCX."""

import datetime as dt
import io

import pytest
import time_machine
from docx import Document

from .. import services
from ..rendering import render_background_check_form
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
