"""The watermark drawn on a copy of a PDF or an image (issue 15.8): the text of the stamp,
every page of a PDF of mixed sizes and offsets, images in their own format and mode, and
a clear refusal for what cannot be marked."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from jiangxuan.core.watermark import (
    NotWatermarkable,
    can_watermark,
    watermark,
    watermark_image,
    watermark_pdf,
    watermark_text,
)

TEXT = "王工 2026-12-04 08:00 仅供评审"


def _pdf(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_stamp_gives_the_minute_in_shanghai_time():
    at = dt.datetime(2026, 12, 3, 23, 59, 59, tzinfo=dt.UTC)

    assert watermark_text("王工", at) == "王工 2026-12-04 07:59 仅供评审"


def test_every_page_of_a_pdf_is_stamped_whatever_its_size_offset_or_rotation():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=842, height=595).rotate(90)
    cropped = writer.add_blank_page(width=600, height=600)
    cropped.cropbox = RectangleObject((100, 100, 400, 400))

    marked = PdfReader(io.BytesIO(watermark_pdf(_pdf(writer), TEXT)))

    assert [page.extract_text() for page in marked.pages] == [TEXT] * 3
    assert [page.rotation for page in marked.pages] == [0, 90, 0]
    assert [float(page.mediabox.width) for page in marked.pages] == [595, 842, 600]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_the_stamp_lies_inside_a_cropped_page(tmp_path):
    writer = PdfWriter()
    page = writer.add_blank_page(width=1000, height=1000)
    page.cropbox = RectangleObject((700, 50, 950, 300))  # off the page's diagonal
    (tmp_path / "marked.pdf").write_bytes(watermark_pdf(_pdf(writer), TEXT))

    # Poppler draws the crop box only, as a viewer shows the page.
    command = ["pdftoppm", "-cropbox", "-png", "-r", "36", "-singlefile", "marked.pdf", "shown"]
    subprocess.run(command, cwd=tmp_path, check=True)  # noqa: S603 - fixed tool and arguments

    # The visible square is blank but for the stamp: its reddish pixels are there.
    _red, green, _blue = Image.open(tmp_path / "shown.png").convert("RGB").getextrema()
    assert green[0] < 230


def test_a_pdf_with_an_opening_password_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner")

    with pytest.raises(NotWatermarkable, match="该 PDF 设有打开密码，无法加注水印。"):
        watermark_pdf(_pdf(writer), TEXT)


def test_a_png_with_transparency_keeps_its_format_mode_and_size():
    out = io.BytesIO()
    Image.new("RGBA", (320, 180), (0, 0, 0, 0)).save(out, format="PNG")

    marked = Image.open(io.BytesIO(watermark_image(out.getvalue(), TEXT)))

    assert (marked.format, marked.mode, marked.size) == ("PNG", "RGBA", (320, 180))
    assert marked.getextrema()[3][1] > 0  # the text is drawn where the picture was clear


@pytest.mark.parametrize(
    ("content_type", "markable"),
    [
        ("application/pdf", True),
        ("image/jpeg", True),
        ("image/png", True),
        ("video/mp4", False),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
    ],
)
def test_only_pdfs_and_images_are_marked(content_type, markable):
    assert can_watermark(content_type) is markable
    if not markable:
        with pytest.raises(NotWatermarkable):
            watermark(b"data", content_type, TEXT)
