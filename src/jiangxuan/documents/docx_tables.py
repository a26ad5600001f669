"""Word tables built cell by cell: the cells of a new table fetched once, and regions of
them made one cell (the form's grid, the official sheets' tables).

python-docx's ``_Cell.merge`` finds a region's corners by walking the whole table on every
call (about 2 ms a merge, three quarters of a nomination form's DOCX, docs/benchmarks.md);
the callers here know each region already, so :func:`span` writes the same XML directly
with python-docx's own elements.
"""

from __future__ import annotations

from typing import Any


def cell_grid(table: Any) -> list[list[Any]]:
    """The cells of a new python-docx ``table`` (every grid slot its own cell), row by row,
    fetched once: ``table.cell()`` rebuilds the whole cell list on each call. A
    :func:`span` keeps its region's top-left cell in place, so ``grid[r][c]`` stays that
    region's cell."""
    from docx.table import _Cell

    return [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def span(grid: list[list[Any]], r: int, c: int, rowspan: int = 1, colspan: int = 1) -> Any:
    """Make the empty slots of rows ``r`` to ``r + rowspan - 1`` and columns ``c`` to
    ``c + colspan - 1`` of ``grid`` (:func:`cell_grid`) one cell, with the XML
    python-docx's ``merge`` writes: in each row the first slot's ``w:tc`` takes the
    others' grid span (and width, when both have one) and they are removed; over several
    rows the first row's cell restarts a vertical merge that the rows below continue.
    Returns the region's cell, ``grid[r][c]``. The region must not overlap one spanned
    before, and its slots must be empty (their text is not moved, as ``merge`` would)."""
    from docx.oxml.simpletypes import ST_Merge
    from docx.shared import Length

    for rr in range(r, r + rowspan):
        first = grid[rr][c]._tc
        for cc in range(c + 1, c + colspan):
            other = grid[rr][cc]._tc
            if first.width is not None and other.width is not None:
                first.width = Length(first.width + other.width)
            first.grid_span += other.grid_span
            other.getparent().remove(other)
        if rowspan > 1:
            first.vMerge = ST_Merge.RESTART if rr == r else ST_Merge.CONTINUE
    return grid[r][c]
