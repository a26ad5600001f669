"""``documents.docx_tables.span`` writes the same table XML as python-docx's own
``_Cell.merge`` (which it replaces for speed: docs/benchmarks.md, "the form's DOCX")."""

import docx

from jiangxuan.documents.docx_tables import cell_grid, span

from .helpers import docx_table_shape

#: Regions (row, column, rows, columns) of a 6 × 8 table, none overlapping: single
#: slots, a whole row, horizontal, vertical and two-dimensional spans, at the edges too.
REGIONS = [
    (0, 0, 1, 8),
    (1, 0, 2, 2),
    (1, 2, 1, 3),
    (1, 5, 3, 1),
    (1, 6, 1, 2),
    (2, 2, 1, 1),
    (2, 3, 2, 2),
    (3, 0, 3, 1),
    (3, 1, 1, 2),
    (4, 1, 2, 4),
    (4, 5, 1, 3),
    (5, 5, 1, 3),
]


def _table():
    """A new 6 × 8 table; python-docx gives every cell its column's width."""
    table = docx.Document().add_table(rows=6, cols=8)
    return table, cell_grid(table)


def test_span_writes_what_python_docx_merge_writes():
    ours, grid = _table()
    theirs, reference = _table()
    for r, c, rows, columns in REGIONS:
        cell = span(grid, r, c, rows, columns)
        cell.text = f"{r}/{c}"
        merged = reference[r][c]
        if rows > 1 or columns > 1:
            merged = merged.merge(reference[r + rows - 1][c + columns - 1])
        merged.text = f"{r}/{c}"

    assert docx_table_shape(ours) == docx_table_shape(theirs)
    assert [c.text for row in ours.rows for c in row.cells] == [
        c.text for row in theirs.rows for c in row.cells
    ]
