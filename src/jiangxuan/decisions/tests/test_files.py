"""Certificates, decision documents and the prize payment sheet."""

import io
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from jiangxuan.accounts.enums import Role
from jiangxuan.core.models import AuditEntry
from jiangxuan.decisions import rendering, services
from jiangxuan.decisions.tests.conftest import user_with_role

pytestmark = pytest.mark.django_db


def test_issue_certificates_numbered_in_rank_order(published):
    _campaign, _award, noms, office, decision = published
    certificates = list(decision.certificates.order_by("number"))
    assert [c.number for c in certificates] == [f"焦工匠〔2018〕第{i:03d}号" for i in (1, 2, 3)]
    assert [c.nomination_id for c in certificates] == [n.pk for n in noms[:3]]
    # Finalists get no certificate of the award; issuing again keeps the numbers.
    assert len(services.issue_certificates(decision, actor=office)) == 3
    assert decision.certificates.count() == 3


def test_certificate_pdf_and_zip_one_per_awardee(published):
    *_, decision = published
    certificate = decision.certificates.first()
    assert rendering.render_certificate_pdf(certificate).startswith(b"%PDF")
    archive = zipfile.ZipFile(io.BytesIO(rendering.certificates_zip(decision)))
    names = sorted(archive.namelist())
    assert names == sorted(f"{c.number}.pdf" for c in decision.certificates.all())
    assert all(archive.read(name).startswith(b"%PDF") for name in names)


def test_decision_documents_list_awardees_and_finalists(published):
    _campaign, _award, noms, _office, decision = published
    assert rendering.render_decision_pdf(decision).startswith(b"%PDF")
    doc = Document(io.BytesIO(rendering.render_decision_docx(decision)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "焦工发〔2018〕10号" in text
    assert "焦作工匠入围奖" in text
    assert "焦作市总工会" in text
    assert "2018年9月10日" in text
    assert f"{noms[0].name}　{noms[0].workplace_name}" in text


def _accounts(data: bytes) -> list[object]:
    sheet = load_workbook(io.BytesIO(data)).active
    assert isinstance(sheet, Worksheet)
    return [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_payment_sheet_bank_account_by_role(published):
    campaign, _award, noms, office, decision = published
    finance = user_with_role("jz-union", Role.FINANCE, campaign=campaign)
    before = AuditEntry.objects.filter(action="decision.payments.unmasked").count()

    data, unmasked = services.payment_sheet(decision, actor=finance)
    assert unmasked
    assert _accounts(data)[0] == noms[0].bank_account
    assert AuditEntry.objects.filter(action="decision.payments.unmasked").count() == before + 1

    data, unmasked = services.payment_sheet(decision, actor=office)
    assert not unmasked
    assert _accounts(data)[0] == "**** **** " + noms[0].bank_account[-4:]
    assert AuditEntry.objects.filter(action="decision.payments.unmasked").count() == before + 1
    sheet = load_workbook(io.BytesIO(data)).active
    assert next(iter(sheet.iter_rows(min_row=2, max_row=2, values_only=True)))[3] == 10000


def test_payment_sheet_typed_formula_stays_text(published):
    """Issue 16.5: a workplace typed as ``=HYPERLINK(...)`` is a string cell, not a link."""
    campaign, _award, noms, _office, decision = published
    finance = user_with_role("jz-union", Role.FINANCE, campaign=campaign)
    injected = '=HYPERLINK("http://evil.example","领取奖金")'
    type(noms[0]).objects.filter(pk=noms[0].pk).update(workplace_name=injected, name="-1+2")

    data, _unmasked = services.payment_sheet(decision, actor=finance)

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    first = next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True))
    assert (first[1], first[4]) == ("-1+2", injected)
