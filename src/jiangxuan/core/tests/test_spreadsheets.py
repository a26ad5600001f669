"""Every XLSX export goes through core.spreadsheets (issue 16.5: no typed formulas)."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from jiangxuan.core.spreadsheets import FORMULA_STARTS, merge_rows_written, new_workbook

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


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_rows_in_order_workbook_writes_formula_like_text_as_string(start):
    out = io.BytesIO()
    workbook = new_workbook(out, rows_in_order=True)
    sheet = workbook.add_worksheet()
    text = f'{start}HYPERLINK("http://evil.example","x")'
    sheet.write(0, 0, text)
    sheet.write_row(1, 0, [text, "http://evil.example", "1e5"])
    workbook.close()

    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    assert "<hyperlink" not in sheet_xml
    assert sheet_xml.count('t="inlineStr"') == 4
    assert "http://evil.example" in sheet_xml


def test_merge_rows_written_merges_the_column_in_the_file():
    out = io.BytesIO()
    workbook = new_workbook(out, rows_in_order=True)
    sheet = workbook.add_worksheet()
    for row in range(3):
        sheet.write(row, 0, "长春技能大奖" if row == 0 else "")
        sheet.write(row, 1, f"第{row}行")
    merge_rows_written(sheet, 0, 0, 2)
    merge_rows_written(sheet, 2, 1, 2)  # one cell: nothing to merge
    workbook.close()

    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert {str(r) for r in book.worksheets[0].merged_cells.ranges} == {"A1:A3"}
    assert [c.value for c in book.worksheets[0]["B"]] == ["第0行", "第1行", "第2行"]


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
