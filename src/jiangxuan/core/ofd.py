"""OFD (GB/T 33190-2016 电子文件存储与交换格式 版式文档), the layout format Chinese 公文
systems file, written from the PDF the platform draws (issue 14.4).

No library on PyPI writes OFD with real text (docs/user/documents.md "OFD 格式": easyofd
turns pages into pictures or loses the layout, pdf2ofd turns text into outlines; ofdkit and
ofdparser only read). The layout is already decided once, by WeasyPrint, in the PDF: this
module reads that PDF with pdfminer.six (each glyph's character, position, size, font and
colour; every line, rectangle and curve with its stroke and fill; every image) and writes
the same page as OFD objects — a ``TextObject`` per run of glyphs of one font, size and
colour, each glyph placed by ``DeltaX`` so the text keeps its place whatever font a reader
substitutes, a ``PathObject`` per drawn shape, an ``ImageObject`` per picture. The fonts
WeasyPrint embedded are embedded again where they are complete OpenType/TrueType programs
with a character map (a reader needs one to draw Unicode text); otherwise the font is named
and the reader substitutes, as the standard allows.

Units: OFD uses millimetres from the page's top-left corner; PDF points from the
bottom-left. Text is searchable and copyable (``TextCode`` holds the characters).
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

MM_PER_PT = 25.4 / 72
NS = "http://www.ofdspec.org/2016"
#: The media type OFD files are served with (GB/T 33190 names none; archives use this).
OFD_TYPE = "application/ofd"


def _mm(value: float) -> str:
    """A length in points as millimetres, three decimals, no trailing zeros."""
    text = f"{value * MM_PER_PT:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _rgb(color) -> str | None:
    """pdfminer's colour (gray float, RGB or CMYK tuple, 0-1) as OFD "R G B" (0-255)."""
    if color is None:
        return None
    values = list(color) if isinstance(color, list | tuple) else [color]
    try:
        values = [float(v) for v in values]
    except (TypeError, ValueError):
        return None  # a pattern or a named colour space: the reader's default
    if len(values) == 1:
        rgb = values * 3
    elif len(values) == 3:
        rgb = values
    elif len(values) == 4:
        c, m, y, k = values
        rgb = [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]
    else:
        return None
    return " ".join(str(round(max(0.0, min(1.0, v)) * 255)) for v in rgb)


@dataclass
class _Run:
    """Glyphs of one font, size and colour on one baseline, in reading order."""

    font: str
    size: float  # points
    color: str | None
    baseline: float  # PDF y, points
    xs: list[float] = field(default_factory=list)  # each glyph's origin, points
    text: list[str] = field(default_factory=list)
    right: float = 0.0
    top: float = 0.0
    bottom: float = 0.0


@dataclass
class _Image:
    data: bytes
    kind: str  # "JPEG" or "PNG"
    bbox: tuple[float, float, float, float]


@dataclass
class _Page:
    """A page's size (points) and what is drawn on it, in drawing order (later items
    cover earlier ones: a cell's background comes before its text)."""

    width: float
    height: float
    items: list[_Run | _Shape | _Image] = field(default_factory=list)

    @property
    def runs(self) -> list[_Run]:
        return [item for item in self.items if isinstance(item, _Run)]


def _walk(item) -> Iterator:
    yield item
    if hasattr(item, "__iter__"):
        for child in item:
            yield from _walk(child)


@dataclass
class _Shape:
    """A painted path in page coordinates (points): its subpaths as (operator, points)
    with operators m, l, c (cubic Bézier: two control points and the end) and h."""

    segments: list[tuple[str, list[tuple[float, float]]]]
    stroke: bool
    fill: bool
    evenodd: bool
    line_width: float
    stroke_color: str | None
    fill_color: str | None


def _rectangle(points: list[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """(left, bottom, right, top) when ``points`` trace an axis-aligned rectangle."""
    if len(points) not in (4, 5):
        return None
    xs, ys = {round(x, 3) for x, _y in points}, {round(y, 3) for _x, y in points}
    if len(xs) != 2 or len(ys) != 2:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def _ring_as_strips(shape: _Shape) -> _Shape:
    """WeasyPrint fills a border as the even-odd ring between two rectangles; readers draw
    the shared edges of such a ring as hairlines. The same area as up to four plain
    rectangles (the sides that have a width) draws cleanly."""
    subpaths: list[list[tuple[float, float]]] = []
    for op, points in shape.segments:
        if op == "m":
            subpaths.append(list(points))
        elif op == "l" and subpaths:
            subpaths[-1].extend(points)
        elif op != "h":
            return shape
    if not shape.evenodd or not shape.fill or shape.stroke or len(subpaths) != 2:
        return shape
    first, second = (_rectangle(p) for p in subpaths)
    if first is None or second is None:
        return shape
    outer, inner = sorted((first, second), key=lambda r: (r[2] - r[0]) * (r[3] - r[1]))[::-1]
    left, bottom, right, top = outer
    il, ib, ir, it = inner
    if not (left <= il <= ir <= right and bottom <= ib <= it <= top):
        return shape
    strips = [
        (left, it, right, top),
        (left, bottom, right, ib),
        (left, ib, il, it),
        (ir, ib, right, it),
    ]
    segments: list[tuple[str, list[tuple[float, float]]]] = []
    for x0, y0, x1, y1 in strips:
        if x1 - x0 > 1e-3 and y1 - y0 > 1e-3:
            segments += [
                ("m", [(x0, y0)]),
                ("l", [(x1, y0)]),
                ("l", [(x1, y1)]),
                ("l", [(x0, y1)]),
                ("h", []),
            ]
    return _Shape(segments, False, True, False, 0.0, None, shape.fill_color)


def _char_runs(chars: Iterable) -> list[_Run]:
    runs: list[_Run] = []
    for char in chars:
        e, f = char.matrix[4], char.matrix[5]  # the glyph's origin on the baseline
        size = char.size  # pdfminer's em from the glyph box: the font size for CJK faces
        color = _rgb(getattr(char.graphicstate, "ncolor", None))
        run = runs[-1] if runs else None
        if (
            run is None
            or run.font != char.fontname
            or abs(run.size - size) > 0.01
            or run.color != color
            or abs(run.baseline - f) > 0.05
            or e < run.xs[-1]
        ):
            run = _Run(char.fontname, size, color, f, top=char.y1, bottom=char.y0)
            runs.append(run)
        run.xs.append(e)
        run.text.append(char.get_text())
        run.right = max(run.right, char.x1)
        run.top = max(run.top, char.y1)
        run.bottom = min(run.bottom, char.y0)
    return runs


def _image(item) -> _Image | None:
    """An embedded picture as JPEG (DCT passed through) or PNG (8-bit gray or RGB
    pixels); None for kinds our PDFs do not draw."""
    from PIL import Image

    stream = item.stream
    filters = [str(getattr(f, "name", f)) for f in stream.get_filters()] if stream else []
    names = [f[0] if isinstance(f, tuple) else f for f in filters]
    try:
        if names and names[-1].endswith("DCTDecode"):
            return _Image(stream.get_rawdata(), "JPEG", item.bbox)
        width, height = item.srcsize
        space = str(getattr(item.colorspace[0], "name", item.colorspace[0]))
        mode = {"DeviceRGB": "RGB", "DeviceGray": "L"}.get(space)
        if mode is None or item.bits != 8:
            return None
        picture = Image.frombytes(mode, (int(width), int(height)), stream.get_data())
    except (ValueError, TypeError, OSError):
        return None
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return _Image(out.getvalue(), "PNG", item.bbox)


def _read_pages(pdf: bytes) -> list[_Page]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTImage
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.utils import apply_matrix_pt

    class Device(PDFPageAggregator):
        """Keeps each painted path whole: pdfminer's own splits a path into its
        subpaths, which loses an even-odd fill (WeasyPrint draws a border as the ring
        between two rectangles)."""

        shapes: list[tuple[int, _Shape]]
        drawn: int

        def _mark(self) -> None:
            # The item just added to the page: numbered in drawing order.
            self.drawn += 1
            item: Any = self.cur_item._objs[-1]
            item.jx_order = self.drawn

        def render_char(self, *args, **kwargs):
            advance = super().render_char(*args, **kwargs)
            self._mark()
            return advance

        def render_image(self, *args, **kwargs) -> None:
            super().render_image(*args, **kwargs)
            self._mark()

        def paint_path(self, gstate, stroke, fill, evenodd, path) -> None:
            if not (stroke or fill):
                return
            segments: list[tuple[str, list[tuple[float, float]]]] = []
            for segment in path:
                op, numbers = str(segment[0]), [float(n) for n in segment[1:]]
                points = [
                    apply_matrix_pt(self.ctm, (numbers[i], numbers[i + 1]))
                    for i in range(0, len(numbers) - 1, 2)
                ]
                if op == "v" and segments:  # first control point = the current point
                    op, points = "c", [segments[-1][1][-1], *points]
                elif op == "y":  # second control point = the end point
                    op, points = "c", [points[0], points[-1], points[-1]]
                segments.append((op, points))
            a, b, c, d = self.ctm[:4]
            scale = abs(a * d - b * c) ** 0.5
            shape = _ring_as_strips(
                _Shape(
                    segments,
                    bool(stroke),
                    bool(fill),
                    bool(evenodd),
                    float(gstate.linewidth or 0) * scale,
                    _rgb(gstate.scolor),
                    _rgb(gstate.ncolor),
                )
            )
            # A dashed border is the same ring drawn once per dash under a clip (not
            # carried over): drawn once.
            if not self.shapes or self.shapes[-1][1] != shape:
                self.drawn += 1
                self.shapes.append((self.drawn, shape))

    manager = PDFResourceManager()
    device = Device(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    pages = []
    for pdf_page in PDFPage.get_pages(io.BytesIO(pdf)):
        device.shapes, device.drawn = [], 0
        interpreter.process_page(pdf_page)
        layout = device.get_result()
        drawn: list[tuple[int, object]] = list(device.shapes)
        for item in _walk(layout):
            if isinstance(item, LTChar | LTImage):
                drawn.append((getattr(item, "jx_order", 0), item))
        drawn.sort(key=lambda pair: pair[0])
        # Drawing order is also the reading order (WeasyPrint draws the boxes in document
        # order): a reader extracting the text gets it as the PDF gives it. Glyphs drawn
        # one after another form runs; a shape or picture between them ends a run.
        page = _Page(layout.width, layout.height)
        chars: list = []
        for _order, item in drawn:
            if isinstance(item, LTChar):
                if item.get_text().strip():
                    chars.append(item)
                continue
            page.items += _char_runs(chars)
            chars = []
            if isinstance(item, _Shape):
                page.items.append(item)
            else:
                picture = _image(item)
                if picture is not None:
                    page.items.append(picture)
        page.items += _char_runs(chars)
        pages.append(page)
    return pages


@dataclass(frozen=True)
class _Font:
    """A font of the PDF: its family as the font names it, whether bold, and its program
    when a reader can use it for Unicode text (OpenType or TrueType with a character map)."""

    family: str
    bold: bool
    serif: bool
    program: bytes | None


def _fonts(pdf: bytes) -> dict[str, _Font]:
    """The PDF's fonts by base font name (as pdfminer names a glyph's font)."""
    from fontTools.ttLib import TTFont, TTLibError
    from pypdf import PdfReader

    fonts: dict[str, _Font] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        if not font_dict:
            continue
        for ref in font_dict.get_object().values():
            font = ref.get_object()
            name = str(font.get("/BaseFont", "")).lstrip("/")
            if not name or name in fonts:
                continue
            plain = name.split("+", 1)[-1]
            descendant = font.get("/DescendantFonts")
            holder = descendant.get_object()[0].get_object() if descendant else font
            descriptor = holder.get("/FontDescriptor")
            program, family = None, plain.replace("-", " ")
            for key in ("/FontFile2", "/FontFile3") if descriptor is not None else ():
                if key not in descriptor.get_object():
                    continue
                data = descriptor.get_object()[key].get_object().get_data()
                try:
                    parsed = TTFont(io.BytesIO(data), lazy=True)
                    family = parsed["name"].getBestFamilyName() or family
                    if "cmap" in parsed and parsed["cmap"].getBestCmap():
                        program = data
                except (TTLibError, AssertionError, KeyError, ValueError, OSError):
                    pass  # a bare CFF program: the font is named, not embedded
            lowered = plain.lower()
            fonts[name] = _Font(
                family, "bold" in lowered, "serif" in lowered and "sans" not in lowered, program
            )
    return fonts


def _family(base_font: str) -> str:
    """A base font name without its subset tag (ABCDEF+Noto-Serif-CJK-SC → Noto Serif
    CJK SC)."""
    return base_font.split("+", 1)[-1].replace("-", " ")


def pdf_to_ofd(
    pdf: bytes, *, title: str, author: str = "", created: dt.date | None = None
) -> bytes:
    """The OFD file of ``pdf`` (a PDF the platform drew), page for page.

    Args:
        pdf: the PDF bytes (WeasyPrint's).
        title, author: the document's 标题 and 作者 in its DocInfo.
        created: the creation date (default: today, Asia/Shanghai).
    Returns:
        The OFD package (a ZIP: ``OFD.xml``, ``Doc_0/Document.xml``, ``PublicRes.xml``,
        ``DocumentRes.xml`` with the pictures, a ``Content.xml`` per page, the fonts).
    Raises:
        ValueError: ``pdf`` is not a readable PDF.
    """
    from django.utils import timezone
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pages = _read_pages(pdf)
        fonts = _fonts(pdf)
    except (PDFSyntaxError, ValueError, KeyError) as exc:
        raise ValueError(f"not a readable PDF: {exc}") from exc
    created = created or timezone.localdate()
    ids = iter(range(1, 10**9))
    files: dict[str, bytes] = {}

    font_ids: dict[str, int] = {}
    font_xml = []
    for page in pages:
        for run in page.runs:
            if run.font in font_ids:
                continue
            font_ids[run.font] = next(ids)
            font = fonts.get(run.font) or _Font(_family(run.font), False, False, None)
            embedded = ""
            if font.program is not None:
                name = f"font_{font_ids[run.font]}.otf"
                files[f"Doc_0/Res/{name}"] = font.program
                embedded = f"<ofd:FontFile>{name}</ofd:FontFile>"
            style = (" Bold='true'" if font.bold else "") + (" Serif='true'" if font.serif else "")
            font_xml.append(
                f"<ofd:Font ID='{font_ids[run.font]}' FontName={quoteattr(font.family)}"
                f" FamilyName={quoteattr(font.family)}{style}>{embedded}</ofd:Font>"
            )

    media_xml = []
    page_entries = []
    for index, page in enumerate(pages):
        objects = []
        layer = next(ids)
        for item in page.items:
            if isinstance(item, _Run):
                objects.append(_text_object(next(ids), item, page.height, font_ids[item.font]))
                continue
            if isinstance(item, _Shape):
                path = _path_object(next(ids), item, page.height)
                if path:
                    objects.append(path)
                continue
            picture = item
            media = next(ids)
            name = f"image_{media}.{'jpg' if picture.kind == 'JPEG' else 'png'}"
            files[f"Doc_0/Res/{name}"] = picture.data
            media_xml.append(
                f"<ofd:MultiMedia ID='{media}' Type='Image' Format='{picture.kind}'>"
                f"<ofd:MediaFile>{name}</ofd:MediaFile></ofd:MultiMedia>"
            )
            x0, y0, x1, y1 = picture.bbox
            w, h = x1 - x0, y1 - y0
            objects.append(
                f"<ofd:ImageObject ID='{next(ids)}' ResourceID='{media}'"
                f" Boundary='{_mm(x0)} {_mm(page.height - y1)} {_mm(w)} {_mm(h)}'"
                f" CTM='{_mm(w)} 0 0 {_mm(h)} 0 0'/>"
            )
        box = f"0 0 {_mm(page.width)} {_mm(page.height)}"
        files[f"Doc_0/Pages/Page_{index}/Content.xml"] = _xml(
            f"<ofd:Page xmlns:ofd='{NS}'><ofd:Area><ofd:PhysicalBox>{box}</ofd:PhysicalBox>"
            f"</ofd:Area><ofd:Content><ofd:Layer ID='{layer}'>{''.join(objects)}</ofd:Layer>"
            "</ofd:Content></ofd:Page>"
        )
        page_entries.append(
            f"<ofd:Page ID='{next(ids)}' BaseLoc='Pages/Page_{index}/Content.xml'/>"
        )

    first = pages[0] if pages else _Page(595.28, 841.89)
    files["Doc_0/PublicRes.xml"] = _xml(
        f"<ofd:Res xmlns:ofd='{NS}' BaseLoc='Res'><ofd:Fonts>{''.join(font_xml)}"
        "</ofd:Fonts></ofd:Res>"
    )
    files["Doc_0/DocumentRes.xml"] = _xml(
        f"<ofd:Res xmlns:ofd='{NS}' BaseLoc='Res'><ofd:MultiMedias>{''.join(media_xml)}"
        "</ofd:MultiMedias></ofd:Res>"
    )
    files["Doc_0/Document.xml"] = _xml(
        f"<ofd:Document xmlns:ofd='{NS}'><ofd:CommonData>"
        f"<ofd:MaxUnitID>{next(ids)}</ofd:MaxUnitID>"
        f"<ofd:PageArea><ofd:PhysicalBox>0 0 {_mm(first.width)} {_mm(first.height)}"
        "</ofd:PhysicalBox></ofd:PageArea>"
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
        "<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
        f"</ofd:CommonData><ofd:Pages>{''.join(page_entries)}</ofd:Pages></ofd:Document>"
    )
    files["OFD.xml"] = _xml(
        f"<ofd:OFD xmlns:ofd='{NS}' Version='1.0' DocType='OFD'><ofd:DocBody><ofd:DocInfo>"
        f"<ofd:DocID>{uuid.uuid4().hex}</ofd:DocID>"
        f"<ofd:Title>{escape(title)}</ofd:Title>"
        f"<ofd:Author>{escape(author)}</ofd:Author>"
        f"<ofd:CreationDate>{created.isoformat()}</ofd:CreationDate>"
        "<ofd:Creator>匠选</ofd:Creator>"
        "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", files.pop("OFD.xml"))
        for name, data in files.items():
            package.writestr(name, data)
    return out.getvalue()


def _xml(body: str) -> bytes:
    return ("<?xml version='1.0' encoding='UTF-8'?>" + body).encode()


def _text_object(object_id: int, run: _Run, page_height: float, font_id: int) -> str:
    """One run as a TextObject: its boundary from the glyphs' extent, the baseline and
    each glyph's advance (``DeltaX``) from their origins, relative to the boundary."""
    left = min(run.xs)
    top = max(run.top, run.baseline + run.size)
    bottom = min(run.bottom, run.baseline - run.size * 0.3)
    width = max(run.right, run.xs[-1] + run.size) - left
    deltas = " ".join(_mm(b - a) for a, b in zip(run.xs, run.xs[1:], strict=False))
    color = f"<ofd:FillColor Value='{run.color}'/>" if run.color else ""
    delta_attr = f" DeltaX='{deltas}'" if deltas else ""
    return (
        f"<ofd:TextObject ID='{object_id}' Boundary='{_mm(left)} {_mm(page_height - top)}"
        f" {_mm(width)} {_mm(top - bottom)}' Font='{font_id}' Size='{_mm(run.size)}'>"
        f"{color}<ofd:TextCode X='{_mm(run.xs[0] - left)}' Y='{_mm(top - run.baseline)}'"
        f"{delta_attr}>{escape(''.join(run.text))}</ofd:TextCode></ofd:TextObject>"
    )


def _path_object(object_id: int, shape: _Shape, page_height: float) -> str | None:
    """A painted path as a PathObject: its subpaths (straight segments, cubic Béziers,
    closes) relative to its boundary, stroked and filled as in the PDF, even-odd where the
    PDF filled so; None for a path with no points."""
    points = [p for _op, pts in shape.segments for p in pts]
    if not points:
        return None
    half = shape.line_width / 2 if shape.stroke else 0.0
    left = min(x for x, _y in points) - half
    top = max(y for _x, y in points) + half
    width = max(x for x, _y in points) + half - left
    height = top - (min(y for _x, y in points) - half)

    def at(point: tuple[float, float]) -> str:
        return f"{_mm(point[0] - left)} {_mm(top - point[1])}"

    steps = []
    for op, pts in shape.segments:
        if op == "m":
            steps.append(f"M {at(pts[0])}")
        elif op == "l":
            steps.append(f"L {at(pts[0])}")
        elif op == "c" and len(pts) == 3:
            steps.append("B " + " ".join(at(p) for p in pts))
        elif op == "h":
            steps.append("C")
    rule = " Rule='Even-Odd'" if shape.evenodd else ""
    parts = [
        f"<ofd:PathObject ID='{object_id}' Boundary='{_mm(left)} {_mm(page_height - top)}"
        f" {_mm(width)} {_mm(height)}' LineWidth='{_mm(shape.line_width)}'"
        f" Stroke='{'true' if shape.stroke else 'false'}'"
        f" Fill='{'true' if shape.fill else 'false'}'{rule}>"
    ]
    # CT_PathObject: StrokeColor before FillColor (GB/T 33190 9.1).
    if shape.stroke and shape.stroke_color:
        parts.append(f"<ofd:StrokeColor Value='{shape.stroke_color}'/>")
    if shape.fill and shape.fill_color:
        parts.append(f"<ofd:FillColor Value='{shape.fill_color}'/>")
    parts.append(f"<ofd:AbbreviatedData>{' '.join(steps)}</ofd:AbbreviatedData></ofd:PathObject>")
    return "".join(parts)


__all__ = ["OFD_TYPE", "pdf_to_ofd"]
