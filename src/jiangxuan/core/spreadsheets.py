"""Spreadsheet exports that cannot carry formulas or links typed by users.

Text a person typed (a name, a workplace, an achievement summary) may begin with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return; a spreadsheet program would run it as a
formula (``=HYPERLINK(...)`` sends the reader to a stranger's site). Every XLSX export is
created here, so every cell written from a string is stored as a string cell (issue 16.5;
OWASP "CSV injection"; docs/security.md, "Hardening after the attack of issue 16").
"""

from typing import BinaryIO

from xlsxwriter import Workbook

#: Characters that make a spreadsheet program read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def new_workbook(out: BinaryIO) -> Workbook:
    """An in-memory XlsxWriter workbook writing to ``out`` in which ``write()`` keeps every
    string as text: no formulas, no hyperlinks, no numbers parsed out of strings.

    Code that needs a formula must call ``write_formula`` on purpose; none does.
    """
    return Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
