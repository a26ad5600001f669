"""Evidence through the API: sniffed uploads, attachment downloads, deletion."""

import hashlib
import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

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


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 20.0), 3: "E", 4: (116.0, 23.0, 29.0)}  # GPS
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_an_accepted_photo_loses_its_exif(draft, clerk, api_as):
    # docs/security.md check 15: a phone photo's location and device do not travel on.
    data = _jpeg_with_gps()
    with Image.open(io.BytesIO(data)) as sent:
        assert sent.getexif().get(0x010F) == "PhoneMaker"
    client = api_as(clerk)

    created = client.upload(
        f"/nominations/{draft}/evidence",
        material="photo",
        file=SimpleUploadedFile("工作照.jpg", data, "image/jpeg"),
    )

    assert created.status_code == 201
    stored = client.get(f"/nominations/{draft}/evidence/{created.json()['id']}")
    body = b"".join(stored.streaming_content) if stored.streaming else stored.content
    with Image.open(io.BytesIO(body)) as kept:
        assert kept.size == (40, 30)
        assert dict(kept.getexif()) == {}
    assert b"PhoneMaker" not in body


def test_too_many_files_in_one_request_400_in_chinese(draft, clerk, api_as, settings):
    # docs/security.md check 16: more parts than DATA_UPLOAD_MAX_NUMBER_FILES.
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [SimpleUploadedFile(f"{i}.png", png_bytes(), "image/png") for i in range(3)]

    response = api_as(clerk).upload(f"/nominations/{draft}/evidence", material="photo", file=files)

    assert response.status_code == 400
    assert response.json()["code"] == "malformed"
    assert "文件过多" in response.json()["detail"]
    assert Evidence.objects.count() == 0


def test_a_docx_that_unpacks_past_the_cap_is_refused(draft, clerk, api_as):
    # docs/security.md check 16: a few kilobytes that inflate to more than 50 MB.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")
        docx.writestr("word/media/padding.bin", b"\0" * (51 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 200_000

    response = api_as(clerk).upload(
        f"/nominations/{draft}/evidence",
        material="other",
        file=SimpleUploadedFile("事迹.docx", data, "application/octet-stream"),
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "Word 文档解压后过大，请删减图片后上传。"
    assert Evidence.objects.count() == 0
    assert _stored(data) == []
