"""Every XLSX export goes through core.spreadsheets (issue 16.5: no typed formulas)."""

import io
import zipfile
from pathlib import Path

import pytest

from jiangxuan.core.spreadsheets import FORMULA_STARTS, new_workbook

SRC = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_new_workbook_writes_formula_like_text_as_string(start):
    out = io.BytesIO()
    workbook = new_workbook(out)
    sheet = workbook.add_worksheet()
    text = f'{start}HYPERLINK("http://evil.example","x")'
    sheet.write(0, 0, text)
    sheet.write_row(1, 0, [text, "http://evil.example", "1e5"])
    workbook.close()

    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet_xml
    assert "<hyperlink" not in sheet_xml
    assert sheet_xml.count('t="s"') == 4
    assert "http://evil.example" in strings


def test_no_export_builds_its_own_workbook():
    """Only core/spreadsheets.py may create an XlsxWriter or openpyxl workbook to write."""
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "tests" not in path.parts
        and not path.name.startswith("test_")
        and path.name != "spreadsheets.py"
        and ("xlsxwriter" in (body := path.read_text()) or "openpyxl" in body)
    ]
    assert offenders == []
