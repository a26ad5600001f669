"""``jiangxuan archive CODE --out DIR`` (issue 14.7): every document of a campaign in a
folder tree with manifest.json."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jiangxuan.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_archive_writes_every_document_and_its_manifest(published, tmp_path):
    campaign, _award, noms, _office, decision = published
    out = StringIO()
    call_command("archive", campaign.code, "--out", str(tmp_path), stdout=out)

    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    files = manifest["files"]
    assert manifest["campaign"] == campaign.code
    for entry in files:
        assert (tmp_path / entry["path"]).stat().st_size > 0, entry["path"]
    kinds = {(e["kind"], e["format"]) for e in files}
    assert {
        ("summary_sheet", "xlsx"),
        ("nomination_form", "docx"),
        ("nomination_form", "pdf"),
        ("innovation_list", "xlsx"),
        ("patent_list", "pdf"),
        ("performance_sheet", "docx"),
        ("decision", "docx"),
        ("decision", "pdf"),
        ("decision", "ofd"),
        ("certificate", "pdf"),
        ("public_notice", "xlsx"),
        ("approval_list", "xlsx"),
    } <= kinds
    forms = [e for e in files if e["kind"] == "nomination_form" and e["format"] == "pdf"]
    assert {e["nominee"] for e in forms} >= {n.name for n in noms[:3]}
    assert all(e["path"].startswith("推荐单位/") and e["unit"] for e in forms)
    assert forms[0]["title"] == "焦作工匠推荐表"
    assert forms[0]["spec_entry"] == "nomination-form"
    certificates = [e for e in files if e["kind"] == "certificate"]
    assert sorted(e["path"] for e in certificates) == sorted(
        f"表彰/荣誉证书/{c.number}.pdf" for c in decision.certificates.all()
    )
    assert str(len(files)) in out.getvalue()
    assert AuditEntry.objects.filter(action="documents.archive").count() == 1


def test_archive_of_an_unknown_campaign_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="没有代码为 nope 的评选活动"):
        call_command("archive", "nope", "--out", str(tmp_path))
