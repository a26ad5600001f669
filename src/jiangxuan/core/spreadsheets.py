"""Spreadsheet exports that cannot carry formulas or links typed by users, and the one
reader of spreadsheets people upload (XLSX or CSV).

Text a person typed (a name, a workplace, an achievement summary) may begin with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return; a spreadsheet program would run it as a
formula (``=HYPERLINK(...)`` sends the reader to a stranger's site). Every XLSX export is
created here, so every cell written from a string is stored as a string cell (issue 16.5;
OWASP "CSV injection"; docs/security.md, "Hardening after the attack of issue 16").
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, BinaryIO

from django.utils.translation import gettext as _

if TYPE_CHECKING:  # XlsxWriter is imported when a workbook is made, not at start-up (17.5)
    from xlsxwriter import Workbook
    from xlsxwriter.worksheet import Worksheet

#: Characters that make a spreadsheet program read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def new_workbook(out: BinaryIO, *, rows_in_order: bool = False) -> Workbook:
    """An XlsxWriter workbook writing to ``out`` in which ``write()`` keeps every string as
    text: no formulas, no hyperlinks, no numbers parsed out of strings.

    By default the workbook is built in memory. With ``rows_in_order`` it is XlsxWriter's
    constant-memory mode (issue 17.4: a 10,000-row summary sheet in flat memory): each row
    goes to a temporary file as soon as a later row is written, so cells must be written
    row by row, a row once left cannot be written again (XlsxWriter ignores such writes),
    and a merge over several rows goes through :func:`merge_rows_written`. Strings are then
    stored in the cells (inline) instead of a shared table; readers see the same values.

    Code that needs a formula must call ``write_formula`` on purpose; none does.
    """
    from xlsxwriter import Workbook  # loaded with the first workbook (17.5)

    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    if rows_in_order:
        return Workbook(out, {**options, "constant_memory": True})
    return Workbook(out, {**options, "in_memory": True})


def merge_rows_written(sheet: Worksheet, first_row: int, col: int, last_row: int) -> None:
    """Merge column ``col`` from ``first_row`` to ``last_row`` of a constant-memory sheet
    (:func:`new_workbook` with ``rows_in_order``) whose cells are already written: the
    first with the merged cell's value, the others blank in the same format (what
    ``merge_range`` would write).

    ``merge_range`` writes the whole range at once, which constant-memory mode cannot do
    for rows it has already stored, so this only records the range that XlsxWriter
    writes as ``<mergeCell>`` when the workbook closes (its ``merge`` list, XlsxWriter
    3.3; documents/tests/test_services.py checks the merged range in the file).
    """
    if last_row > first_row:
        sheet.merge.append([first_row, col, last_row, col])


class UnreadableSheet(ValueError):
    """An uploaded spreadsheet cannot be read; ``str()`` says why, in Chinese."""


def read_rows(data: bytes, filename: str) -> list[list[str]]:
    """The cells, as stripped text, of the first sheet of an XLSX file or of a CSV file in
    UTF-8 or GB 18030 (Excel's "CSV" on Chinese Windows), by the file name's extension.
    Formulas are read as their last computed values, never evaluated.

    Raises:
        UnreadableSheet: another extension, a damaged workbook, or a CSV in neither encoding.
    """
    name = filename.lower()
    if name.endswith(".xlsx"):
        import openpyxl  # imported here: only uploads of workbooks need it

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for a damaged file
            raise UnreadableSheet(_("无法读取该 XLSX 文件，请用 Excel 另存后重试。")) from exc
        return [
            ["" if cell is None else str(cell).strip() for cell in row]
            for row in book.worksheets[0].iter_rows(values_only=True)
        ]
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
        raise UnreadableSheet(_("CSV 文件应为 UTF-8 或 GB 18030 编码。"))
    raise UnreadableSheet(_("请上传 XLSX 或 CSV 文件。"))
