"""Reading generated documents back in tests."""

import io
import re
import shutil
import subprocess

import docx
import openpyxl
from docx.table import _Cell

ID_NUMBER_RE = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def docx_cells(data: bytes) -> list[str]:
    """Texts of the form table's cells in reading order, each merged cell once."""
    table = docx.Document(io.BytesIO(data)).tables[0]
    return [
        _Cell(tc, table).text
        for tr in table._tbl.tr_lst
        for tc in tr.tc_lst
        if tc.vMerge != "continue"  # the rows a vertically merged cell spans into
    ]


def docx_table_shape(table) -> list[list[tuple]]:
    """Each row's cells of a python-docx ``table`` as (grid span, vertical merge, width)."""
    return [[(tc.grid_span, tc.vMerge, tc.width) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def docx_text(data: bytes) -> str:
    """All paragraph and table text of a DOCX."""
    document = docx.Document(io.BytesIO(data))
    return "\n".join([p.text for p in document.paragraphs] + docx_cells(data))


def pdf_text(data: bytes, mode: str = "-layout") -> str:
    """Text of a PDF through poppler's pdftotext (callers skip when it is missing);
    ``mode`` "-raw" gives the content stream's order."""
    result = subprocess.run(  # noqa: S603 - fixed tool, input on stdin
        [shutil.which("pdftotext") or "pdftotext", mode, "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def xlsx_sheet(data: bytes):
    """The first worksheet of an XLSX, read with openpyxl."""
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
