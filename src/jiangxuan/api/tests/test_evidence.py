"""Evidence through the API: sniffed uploads, attachment downloads, deletion."""

import hashlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from jiangxuan.nominations.models import Evidence

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def _stored(data: bytes) -> list[str]:
    """Stored files named after ``data``'s digest, as services.add_evidence names them
    (other test runs may share the media folder, so the folder is not compared whole)."""
    root = settings.MEDIA_ROOT / "evidence"
    prefix = hashlib.sha256(data).hexdigest()[:32]
    return [p.name for p in root.rglob(f"{prefix}.*")] if root.exists() else []


def test_upload_html_renamed_png_400_nothing_stored(draft, clerk, api_as):
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    fake = SimpleUploadedFile("证书.png", html, "image/png")

    response = api_as(clerk).upload(f"/nominations/{draft}/evidence", material="photo", file=fake)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "只接受 JPG、PNG 图片、PDF 或 Word（.docx）文件。",
        "code": "invalid",
        "errors": {"file": ["只接受 JPG、PNG 图片、PDF 或 Word（.docx）文件。"]},
    }
    assert Evidence.objects.count() == 0
    assert _stored(html) == []


def test_upload_unknown_material_400(draft, clerk, api_as):
    photo = SimpleUploadedFile("a.png", png_bytes(), "image/png")

    response = api_as(clerk).upload(f"/nominations/{draft}/evidence", material="xyz", file=photo)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["material"]


def test_upload_without_file_422_names_field(draft, clerk, api_as):
    response = api_as(clerk).upload(f"/nominations/{draft}/evidence", material="photo")

    assert response.status_code == 422
    assert response.json()["errors"] == {"file": ["必填项，不能缺少"]}


def test_upload_download_delete_evidence(draft, clerk, api_as, django_capture_on_commit_callbacks):
    client = api_as(clerk)
    photo = SimpleUploadedFile("身份证.png", png_bytes(), "image/png")

    created = client.upload(f"/nominations/{draft}/evidence", material="id-card", file=photo)
    assert created.status_code == 201
    body = created.json()
    assert (body["material"], body["content_type"], body["original_name"]) == (
        "id-card",
        "image/png",
        "身份证.png",
    )
    listed = client.get(f"/nominations/{draft}").json()["evidence"]
    assert [e["id"] for e in listed] == [body["id"]]

    download = client.client.get(body["url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%BA%AB%E4%BB%BD%E8%AF%81.png" in download["Content-Disposition"]
    assert download["Cache-Control"] == "no-store"
    assert b"".join(download.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"

    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.delete(f"/nominations/{draft}/evidence/{body['id']}")
    assert deleted.status_code == 204
    assert Evidence.objects.count() == 0
    assert client.get(f"/nominations/{draft}/evidence/{body['id']}").status_code == 404


def test_upload_over_size_cap_400_nothing_stored(draft, clerk, api_as, settings):
    settings.JX_EVIDENCE_MAX_BYTES = 100
    pdf = b"%PDF-1.4\n" + b"0" * 500
    big = SimpleUploadedFile("大.pdf", pdf, "application/pdf")

    response = api_as(clerk).upload(f"/nominations/{draft}/evidence", material="id-card", file=big)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("文件过大")
    assert Evidence.objects.count() == 0
    assert _stored(pdf) == []
