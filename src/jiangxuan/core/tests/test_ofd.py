"""OFD (GB/T 33190-2016) drawn from the platform's PDFs (issue 14.4): a package an
independent reader (ofdkit) opens, with the text in reading order, the page size, the
colours, the rules and pictures of the PDF, and the fonts embedded with a character map."""

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import ofdkit
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from jiangxuan.core.ofd import NS, pdf_to_ofd
from jiangxuan.core.pdf import pdf_from_html

OFD = f"{{{NS}}}"
CSS = """@page { size: A4; margin: 20mm }
body { font-family: "Noto Serif CJK SC", serif; font-size: 16pt }
.red { color: #e60000; font-size: 22pt; border-bottom: 1mm solid #e60000 }"""


def _png_data_uri() -> str:
    import base64

    out = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 120, 200)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture(scope="module")
def package() -> zipfile.ZipFile:
    html = (
        "<p class='red'>中共某某市委文件</p><p>关于表彰第四届某某工匠的决定</p>"
        "<p style='background: #f2f2f2'>底色上的字</p>"
        f"<p>李涛　2021年<img src='{_png_data_uri()}' style='width:30mm'></p>"
        "<p style='break-before: page'>第二页：希望受到表彰的同志再接再厉。</p>"
    )
    pdf = pdf_from_html(html, CSS)
    return zipfile.ZipFile(io.BytesIO(pdf_to_ofd(pdf, title="测试决定", author="某某市人民政府")))


def _xml(package: zipfile.ZipFile, name: str) -> ET.Element:
    return ET.fromstring(package.read(name))  # noqa: S314 - the package written above


def test_an_independent_reader_opens_it_with_the_text_in_order(package):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as copy:
        for name in package.namelist():
            copy.writestr(name, package.read(name))
    with ofdkit.open(data.getvalue()) as document:
        text = re.sub(r"\s+", "", document.text())
        assert document.info.title == "测试决定"
        assert len(document.pages) == 2
        assert round(document.pages[0].width) == 210
        assert round(document.pages[0].height) == 297
    parts = ["中共某某市委文件", "关于表彰第四届某某工匠的决定", "李涛2021年", "第二页：希望"]
    positions = [text.index(part) for part in parts]
    assert positions == sorted(positions)


def test_the_package_follows_the_standards_structure(package):
    root = _xml(package, "OFD.xml")
    assert root.tag == f"{OFD}OFD"
    assert root.get("DocType") == "OFD"
    assert root.find(f"{OFD}DocBody/{OFD}DocRoot").text == "Doc_0/Document.xml"
    assert root.find(f"{OFD}DocBody/{OFD}DocInfo/{OFD}Author").text == "某某市人民政府"
    document = _xml(package, "Doc_0/Document.xml")
    box = document.find(f"{OFD}CommonData/{OFD}PageArea/{OFD}PhysicalBox").text
    assert [round(float(v)) for v in box.split()] == [0, 0, 210, 297]
    pages = document.findall(f"{OFD}Pages/{OFD}Page")
    assert [p.get("BaseLoc") for p in pages] == [
        "Pages/Page_0/Content.xml",
        "Pages/Page_1/Content.xml",
    ]
    ids = [
        int(e.get("ID"))
        for name in package.namelist()
        if name.endswith(".xml")
        for e in _xml(package, name).iter()
        if e.get("ID")
    ]
    assert len(ids) == len(set(ids))
    assert int(document.find(f"{OFD}CommonData/{OFD}MaxUnitID").text) >= max(ids)


def test_colours_rules_and_pictures_are_kept(package):
    page = _xml(package, "Doc_0/Pages/Page_0/Content.xml")
    texts = {t.find(f"{OFD}TextCode").text: t for t in page.iter(f"{OFD}TextObject")}
    red = texts["中共某某市委文件"]
    assert red.find(f"{OFD}FillColor").get("Value") == "230 0 0"
    assert float(red.get("Size")) == pytest.approx(22 * 25.4 / 72, abs=0.05)
    deltas = [float(d) for d in red.find(f"{OFD}TextCode").get("DeltaX").split()]
    assert len(deltas) == len("中共某某市委文件") - 1
    rule = next(page.iter(f"{OFD}PathObject"))
    assert rule.find(f"{OFD}FillColor").get("Value") == "230 0 0"
    assert float(rule.get("Boundary").split()[3]) == pytest.approx(1.0, abs=0.05)  # 1 mm
    (image,) = page.iter(f"{OFD}ImageObject")
    assert float(image.get("Boundary").split()[2]) == pytest.approx(30, abs=0.1)
    media = _xml(package, "Doc_0/DocumentRes.xml").find(f".//{OFD}MediaFile").text
    with Image.open(io.BytesIO(package.read(f"Doc_0/Res/{media}"))) as picture:
        assert picture.size == (30, 20)


def test_what_is_drawn_later_stays_on_top(package):
    # A cell's background is drawn before its text; written the other way round, the
    # background would hide the text in a reader.
    page = _xml(package, "Doc_0/Pages/Page_0/Content.xml")
    layer = list(next(page.iter(f"{OFD}Layer")))
    grey = next(
        i
        for i, e in enumerate(layer)
        if (color := e.find(f"{OFD}FillColor")) is not None
        and color.get("Value") == "242 242 242"
        and e.tag == f"{OFD}PathObject"
    )
    text = next(i for i, e in enumerate(layer) if e.findtext(f"{OFD}TextCode") == "底色上的字")
    assert grey < text


def test_the_fonts_are_embedded_with_a_character_map(package):
    fonts = _xml(package, "Doc_0/PublicRes.xml").findall(f".//{OFD}Font")
    assert {f.get("FamilyName") for f in fonts} == {"Noto Serif CJK SC"}
    for font in fonts:
        program = TTFont(io.BytesIO(package.read(f"Doc_0/Res/{font.find(f'{OFD}FontFile').text}")))
        assert ord("匠") in program["cmap"].getBestCmap()


def test_a_file_that_is_not_a_pdf_is_refused():
    with pytest.raises(ValueError, match="not a readable PDF"):
        pdf_to_ofd(b"%PDF-1.7 broken", title="x")
