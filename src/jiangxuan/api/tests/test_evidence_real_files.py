"""Real files through the evidence upload, on the database the suite runs on (PostgreSQL in
CI): every accepted type is stored whole, every refused one answers 400 in Chinese.

Issue 16.4: a genuine DOCX (media type 71 characters) overflowed ``varchar(60)`` and answered
500 on PostgreSQL; SQLite does not enforce the length, so only a real file on PostgreSQL
shows it (docs/security.md checks 15-16).
"""

import io
import struct
import zlib

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image

from jiangxuan.core.media import still_video
from jiangxuan.nominations.models import Evidence

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("廉洁自律情况证明：该同志遵纪守法。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["姓名", "成果"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(out, format=fmt)
    return out.getvalue()


def _pdf() -> bytes:
    """A minimal one-page PDF, as a scanner writes it (header, catalog, page, trailer)."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _mp4() -> bytes:
    """A playable MP4 of two minutes (seed 001 sets no length for its video)."""
    return still_video(120)


def _heic() -> bytes:
    """The start of an iPhone photo (HEIF, brand ``heic``)."""
    ftyp = b"ftypheic\x00\x00\x00\x00mif1heic"
    return (4 + len(ftyp)).to_bytes(4, "big") + ftyp + bytes(200)


@pytest.mark.parametrize(
    ("name", "make", "material", "stored_type"),
    [
        ("廉洁自律证明.docx", _docx, "integrity-certificate", DOCX_TYPE),
        ("获奖证书.pdf", _pdf, "honour-certificates", "application/pdf"),
        ("身份证.jpg", lambda: _image("JPEG"), "id-card", "image/jpeg"),
        ("毕业证书.png", lambda: _image("PNG"), "diploma", "image/png"),
        ("事迹介绍.mp4", _mp4, "video", "video/mp4"),
    ],
)
def test_real_file_upload_stored_with_its_type(
    draft, clerk, api_as, name, make, material, stored_type
):
    client = api_as(clerk)
    upload = SimpleUploadedFile(name, make(), "application/octet-stream")

    response = client.upload(f"/nominations/{draft}/evidence", material=material, file=upload)

    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == stored_type
    evidence = Evidence.objects.get()
    assert (evidence.content_type, evidence.original_name) == (stored_type, name)
    download = client.client.get(response.json()["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == stored_type
    body = b"".join(download.streaming_content)
    download.close()
    assert body[:4] == make()[:4]


@pytest.mark.parametrize(
    ("name", "make"),
    [("汇总表.xlsx", _xlsx), ("证书照片.heic", _heic)],
)
def test_unaccepted_real_file_refused_in_chinese(draft, clerk, api_as, name, make):
    """XLSX and HEIC are not evidence types (the notices ask for copies and scans): refused
    with the list of accepted types, never a 500."""
    upload = SimpleUploadedFile(name, make(), "application/octet-stream")

    response = api_as(clerk).upload(
        f"/nominations/{draft}/evidence", material="other-evidence", file=upload
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "file": ["只接受 JPG、PNG 图片、PDF 或 Word（.docx）文件。"]
    }
    assert not Evidence.objects.exists()


def test_long_media_type_fits_the_column():
    """Every type the validators can store fits ``Evidence.content_type``."""
    width = Evidence._meta.get_field("content_type").max_length

    assert len(DOCX_TYPE) == 71
    assert width >= len(DOCX_TYPE)


def _blank_png(width: int, height: int, *, rgb: bool = True) -> bytes:
    """A PNG of ``width``×``height`` black pixels, compressed row by row (a 7000×7000 RGB
    one is about 143 KB, the file of issue 16.11), without decoding it in memory."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    # 8-bit RGB (colour type 2), or 1-bit grey (colour type 0) for huge sizes.
    depth, colour, row_bytes = (8, 2, width * 3) if rgb else (1, 0, (width + 7) // 8)
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    packer = zlib.compressobj(9)
    row = bytes(1 + row_bytes)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def test_pixel_bomb_png_refused_before_decoding(draft, clerk, api_as):
    """Issue 16.11: a 7000×7000 PNG is refused from its header, in Chinese."""
    bomb = _blank_png(7000, 7000)
    assert len(bomb) < 200_000

    response = api_as(clerk).upload(
        f"/nominations/{draft}/evidence",
        material="id-card",
        file=SimpleUploadedFile("身份证.png", bomb, "image/png"),
    )

    assert response.status_code == 400
    assert response.json()["errors"]["file"] == [
        "图片像素过多（7000×7000，约 4900 万像素），上限为 2500 万像素，请缩小尺寸后再上传。"
    ]
    assert not Evidence.objects.exists()


def test_image_over_pillows_own_limit_refused_in_chinese(draft, clerk, api_as):
    """Larger than Pillow's decompression-bomb limit: Pillow refuses to open it; the
    message still says what to do."""
    bomb = _blank_png(20000, 20000, rgb=False)

    response = api_as(clerk).upload(
        f"/nominations/{draft}/evidence",
        material="id-card",
        file=SimpleUploadedFile("身份证.png", bomb, "image/png"),
    )

    assert response.status_code == 400
    assert response.json()["errors"]["file"] == [
        "图片像素过多，上限为 2500 万像素，请缩小尺寸后再上传。"
    ]


def test_image_at_the_pixel_cap_accepted(draft, clerk, api_as, settings):
    settings.JX_IMAGE_MAX_PIXELS = 64 * 48

    response = api_as(clerk).upload(
        f"/nominations/{draft}/evidence",
        material="id-card",
        file=SimpleUploadedFile("身份证.png", _image("PNG"), "image/png"),
    )

    assert response.status_code == 201
