"""Visible watermarks on a copy of a file shown for review: a diagonal, semi-transparent
line of text on every page of a PDF, and the same text tiled over an image.

The text says who opened the file and when (``<name> <YYYY-MM-DD HH:MM> 仅供评审``), so a
copy that leaves the review can be traced to its audit entry (issue 15.8). Only a copy is
marked; the stored file is never changed.

The PDF's stamp is drawn by WeasyPrint (:mod:`core.pdf`, the CJK font families of
``JX_PDF_FONT_FAMILY``) and laid over each page with pypdf; the image's text is drawn with
Pillow in the first of those families that fontconfig finds (``fc-match``).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import subprocess
from functools import cache
from html import escape
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

if TYPE_CHECKING:  # Pillow is imported when a picture is stamped (issue 17.5)
    from PIL import Image

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Opacity of the stamp, 0 to 1: legible over the page, the page still readable under it.
OPACITY = 0.22
#: The stamp's colour (a muted red, seen on black-and-white scans and on photos alike).
RGB = (176, 32, 32)


#: The stored types a copy can be marked in: PDF, and the images evidence is kept as.
PDF_TYPE = "application/pdf"
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})


def can_watermark(content_type: str) -> bool:
    """Whether a file of ``content_type`` (as stored, sniffed at upload) can be marked."""
    return content_type == PDF_TYPE or content_type in IMAGE_TYPES


class NotWatermarkable(ValueError):
    """The bytes cannot be opened to be marked (a damaged or encrypted PDF, an image that
    does not open); ``str()`` is a Chinese reason."""


def watermark_text(name: str, at: dt.datetime) -> str:
    """The stamp: ``name``, the minute ``at`` in Asia/Shanghai time, and 仅供评审.

    ``at`` must be aware (``timezone.now()``)."""
    minute = at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return f"{name} {minute} {_('仅供评审')}"


def watermark(data: bytes, content_type: str, text: str) -> bytes:
    """A marked copy of ``data`` of the stored ``content_type`` (see :func:`can_watermark`).

    Raises NotWatermarkable (Chinese) for another type or bytes that do not open."""
    if content_type == PDF_TYPE:
        return watermark_pdf(data, text)
    if content_type in IMAGE_TYPES:
        return watermark_image(data, text)
    raise NotWatermarkable(_("这类文件无法加注水印。"))


def inline_response(data: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A marked copy for the browser to show, never to keep: ``Content-Disposition:
    inline`` with the file's name, ``Cache-Control: no-store``, ``X-Content-Type-Options:
    nosniff`` and the stored type."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------- PDF


def _stamp_css(width: float, height: float) -> str:
    """One page of ``width`` × ``height`` points with the text along its rising diagonal,
    centred, about three quarters of the diagonal long."""
    angle = math.degrees(math.atan2(height, width))
    return f"""
        @page {{ size: {width:.2f}pt {height:.2f}pt; margin: 0; }}
        html, body {{ margin: 0; }}
        body {{ width: {width:.2f}pt; height: {height:.2f}pt; position: relative;
               font-family: {settings.JX_PDF_FONT_FAMILY}; }}
        p {{ position: absolute; left: 50%; top: 50%; margin: 0; white-space: nowrap;
            transform: translate(-50%, -50%) rotate(-{angle:.2f}deg);
            color: rgb{RGB}; opacity: {OPACITY}; font-size: var(--size); }}
    """


def _stamp_page(text: str, width: float, height: float) -> bytes:
    """A one-page PDF of the page's size holding only the diagonal text."""
    from .pdf import pdf_from_html

    diagonal = math.hypot(width, height)
    # CJK glyphs are about one em wide, digits and spaces about half: size the line to
    # three quarters of the diagonal.
    ems = sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text) or 1.0
    size = max(8.0, min(0.75 * diagonal / ems, height / 6))
    html = f'<p style="--size: {size:.1f}pt">{escape(text)}</p>'
    return pdf_from_html(html, _stamp_css(width, height))


def watermark_pdf(data: bytes, text: str) -> bytes:
    """A copy of the PDF ``data`` with ``text`` laid diagonally over every page.

    Pages keep their size, rotation and content; the stamp lies on top (semi-transparent)
    across the part a viewer shows (the crop box), one stamp drawn per distinct size.
    Raises NotWatermarkable (Chinese) when the PDF cannot be read or is encrypted with a
    password.
    """
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise NotWatermarkable(_("该 PDF 设有打开密码，无法加注水印。"))
        writer = PdfWriter(clone_from=reader)
        stamps: dict[tuple[float, float], PageObject] = {}
        for page in writer.pages:
            box = page.cropbox  # the part a viewer shows (the media box when not cropped)
            size = (round(float(box.width), 2), round(float(box.height), 2))
            if size not in stamps:
                stamp = PdfReader(io.BytesIO(_stamp_page(text, *size))).pages[0]
                stamps[size] = stamp
            page.merge_transformed_page(
                stamps[size], Transformation().translate(float(box.left), float(box.bottom))
            )
        out = io.BytesIO()
        writer.write(out)
    except NotWatermarkable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        # pypdf reports a damaged file with its own errors and, deeper in, plain ones.
        raise NotWatermarkable(_("该 PDF 文件无法读取（可能已损坏），无法加注水印。")) from exc
    return out.getvalue()


# --------------------------------------------------------------------------- images


@cache
def cjk_font_file() -> tuple[str, int]:
    """The font file and face index (in a .ttc collection) of the first family of
    ``JX_PDF_FONT_FAMILY`` that fontconfig has, e.g. Noto Sans CJK SC.

    Raises ImproperlyConfigured when none is installed (Debian: fonts-noto-cjk)."""
    families = re.findall(r'"([^"]+)"', settings.JX_PDF_FONT_FAMILY)
    tool = shutil.which("fc-match") or "fc-match"
    for family in families:
        try:
            found = subprocess.run(  # noqa: S603 - fontconfig's own tool, fixed arguments
                [tool, "--format=%{file}|%{index}|%{family}", family],
                capture_output=True,
                text=True,
                check=True,
                timeout=10,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            break
        path, index, names = [*found.split("|", 2), "", "", ""][:3]
        if family in names.split(","):
            return path, int(index or 0)
    raise ImproperlyConfigured(
        "No CJK font for watermarks: install one of JX_PDF_FONT_FAMILY (fonts-noto-cjk)."
    )


#: The angle of the image's lines of text, in degrees anticlockwise.
IMAGE_ANGLE = 30


def _mask(text: str, size: int) -> tuple[Image.Image, int]:
    """The text once, as an opacity mask (mode L) rotated by :data:`IMAGE_ANGLE`, and the
    length of the line in pixels."""
    from PIL import Image, ImageDraw, ImageFont

    path, index = cjk_font_file()
    font = ImageFont.truetype(path, size, index=index)
    left, top, right, bottom = (math.ceil(edge) for edge in font.getbbox(text))
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, font=font, fill=round(255 * OPACITY))
    rotated = mask.rotate(IMAGE_ANGLE, expand=True, resample=Image.Resampling.BICUBIC)
    return rotated, mask.width


def _centres(width: int, height: int, along: float, across: float) -> list[tuple[int, int]]:
    """Centres of the text on a lattice of parallel lines at :data:`IMAGE_ANGLE`: ``along``
    apart on a line, lines ``across`` apart, every other line shifted by half a step;
    every centre within reach of the picture."""
    angle = math.radians(IMAGE_ANGLE)
    u = (along * math.cos(angle), -along * math.sin(angle))
    v = (across * math.sin(angle), across * math.cos(angle))
    reach = math.hypot(width, height)
    count = int(reach / min(along, across)) + 2
    centres = []
    for j in range(-count, count + 1):
        for i in range(-count, count + 1):
            shift = i + 0.5 * (j % 2)
            x = width / 2 + shift * u[0] + j * v[0]
            y = height / 2 + shift * u[1] + j * v[1]
            if -along <= x <= width + along and -along <= y <= height + along:
                centres.append((round(x), round(y)))
    return centres


def watermark_image(data: bytes, text: str) -> bytes:
    """A copy of the JPEG or PNG ``data`` with ``text`` tiled over it, in the same format.

    The text is about a twentieth of the image's width high (at least 12 px), on parallel
    lines rising at 30° across the whole picture, so cutting out a part keeps it. Raises
    NotWatermarkable (Chinese) when the bytes are not a JPEG or PNG image Pillow opens.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as source:
            source.load()
            kind = source.format
            alpha = source.mode in ("RGBA", "LA") or "transparency" in source.info
            picture = source.convert("RGBA" if alpha else "RGB")
    except (UnidentifiedImageError, OSError) as exc:
        raise NotWatermarkable(_("该图片无法读取，无法加注水印。")) from exc
    if kind not in ("JPEG", "PNG"):
        raise NotWatermarkable(_("该图片无法读取，无法加注水印。"))
    width, height = picture.size
    size = max(12, width // 20)
    mask, length = _mask(text, size)
    colour = Image.new(picture.mode, mask.size, (*RGB, 255) if alpha else RGB)
    for x, y in _centres(width, height, along=length + 3 * size, across=4 * size):
        picture.paste(colour, (x - mask.width // 2, y - mask.height // 2), mask)
    out = io.BytesIO()
    if kind == "JPEG":
        picture.save(out, format="JPEG", quality=90)
    else:
        picture.save(out, format="PNG")
    return out.getvalue()
