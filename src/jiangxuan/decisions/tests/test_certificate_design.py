"""Certificates (issue 14.3): the designed 荣誉证书, the campaign's numbering scheme and a QR
code that leads to the public verification page."""

import io
import shutil
import subprocess

import pytest
from django.test import override_settings
from django.urls import reverse

from jiangxuan.decisions import rendering, selectors
from jiangxuan.decisions.services import certificate_number

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    result = subprocess.run(  # noqa: S603 - fixed tool and arguments
        [shutil.which("pdftotext") or "pdftotext", "-raw", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return "".join(result.stdout.decode().split())


def test_numbers_follow_each_seeds_scheme(seed_campaign):
    jilin = seed_campaign("000").specification
    changchun = seed_campaign("001").specification
    assert certificate_number(jilin, "jilin-gongjiang", 1) == "吉工匠〔2021〕第001号"
    assert certificate_number(changchun, "jishu-nengshou", 12) == "长技术能手〔2022〕第012号"
    assert certificate_number(changchun, "jineng-dajiang", 3) == "长技能大奖〔2022〕第003号"


def test_certificate_pdf_prints_the_design_in_order(published):
    _campaign, _award, noms, _office, decision = published
    certificate = decision.certificates.get(nomination=noms[0])
    data = rendering.render_certificate_pdf(certificate)
    text = pdf_text(data)
    parts = [
        "荣誉证书",
        f"{noms[0].name}同志：",
        "被授予“焦作工匠”称号。",
        "焦作工匠",
        "焦作市总工会",
        "焦作市人力资源和社会保障局",
        "二〇一八年九月十日",
        "证书编号：焦工匠〔2018〕第001号",
    ]
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, part
        at = found + 1
    assert "jiaozuo" not in text


def test_qr_code_leads_to_the_public_laureate_page(published, client):
    _campaign, _award, noms, _office, decision = published
    certificate = decision.certificates.get(nomination=noms[0])
    with override_settings(JX_SITE_URL="https://jiangxuan.example.cn/"):
        url = rendering.verification_url(certificate)
        context = rendering.certificate_context(certificate)
    assert url.startswith("https://jiangxuan.example.cn/")
    assert context["qr"].startswith("data:image/svg+xml;base64,")
    path = url.removeprefix("https://jiangxuan.example.cn")
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    for text in (certificate.number, noms[0].name, "焦作工匠", "焦工发〔2018〕10号"):
        assert text in html
    assert noms[0].id_number not in html
    assert client.get(path[:-3] + "xx/").status_code == 404


def test_forged_token_is_404(client):
    assert selectors.certificate_by_token("1:forged") is None
    assert client.get(reverse("decisions:laureate", args=["1:forged"])).status_code == 404


def test_decision_and_certificate_print_no_internal_value(published):
    from docx import Document

    from jiangxuan.documents.tests.test_no_internal_values import (
        internal_values,
    )

    *_, decision = published
    docx = Document(io.BytesIO(rendering.render_decision_docx(decision)))
    texts = {
        "decision.docx": "\n".join(p.text for p in docx.paragraphs),
        "decision.pdf": pdf_text(rendering.render_decision_pdf(decision)),
        "certificate.pdf": pdf_text(
            rendering.render_certificate_pdf(decision.certificates.first())
        ),
    }
    for name, text in texts.items():
        assert internal_values(text) == [], name
