"""The CSV form of a table: a row as CSV cells, and a written table read back.

Below :mod:`pipeline.tables` (which writes the files) and :mod:`pipeline.formats`
(which makes Parquet, Excel and JSON Lines from the written CSVs): both use it,
and it imports neither.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.records import TABLE_COLUMNS, TEXT_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

# Numbers are written without a trailing ".0" and without exponent up to 1e15.
FLOAT_FORMAT = "%.15g"
# With a byte order mark, Excel reads the file as UTF-8 and shows "€" as "€".
# TableWriter writes the mark itself (see there); readers use this codec.
CSV_ENCODING = "utf-8-sig"
# A spreadsheet runs a cell that begins with one of these as a formula
# (OWASP, "CSV Injection"). A text cell that does, after any quotes, gets one
# more quote in front: the spreadsheet shows it as text, and
# :func:`restore_cell` gives the exact text back.
FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
# The characters such a cell can begin with: a set lookup spares the regex for most cells.
FORMULA_FIRST = frozenset("'=+-@\t\r")


def neutralise_cell(cell):
    """A text cell that a spreadsheet shows as text, never runs.

    >>> neutralise_cell("=SUM(A1:A9)")
    "'=SUM(A1:A9)"
    >>> neutralise_cell("- Acme raised $5m"), neutralise_cell("Acme"), neutralise_cell(-5.0)
    ("'- Acme raised $5m", 'Acme', -5.0)
    """
    if isinstance(cell, str) and cell[:1] in FORMULA_FIRST and FORMULA_START.match(cell):
        return "'" + cell
    return cell


def restore_cell(cell):
    """The text :func:`neutralise_cell` was given.

    >>> restore_cell(neutralise_cell("'=1+1")), restore_cell("'quoted")
    ("'=1+1", "'quoted")
    """
    if isinstance(cell, str) and cell.startswith("'") and FORMULA_START.match(cell, 1):
        return cell[1:]
    return cell


def csv_cells(name: str, row: dict) -> list:
    """One row of table ``name`` as the cells of its CSV line: text cells
    neutralised, numbers as numbers, an empty cell for a missing value.

    >>> csv_cells("mentions", {"doc_id": "=d", "start_char": 3, "end_char": 6, "text": "$5m", "label": "MONEY",
    ...                        "value": 5e6, "unit": "USD", "value_max": float("nan"), "sentence": "- It raised $5m."})
    ["'=d", 3, 6, '$5m', 'MONEY', '', '5000000', 'USD', '', '', "'- It raised $5m."]
    """
    cells = []
    for column, is_text in _CSV_LAYOUT[name]:
        cell = row.get(column)
        if cell is None:
            cells.append("")
        elif isinstance(cell, float):
            cells.append("" if cell != cell else FLOAT_FORMAT % cell)  # NaN is a missing value
        elif is_text:
            cells.append(neutralise_cell(cell))
        else:
            cells.append(cell)
    return cells


# Each table's columns in CSV order, with whether each holds text: decided once, not per cell.
_CSV_LAYOUT = {name: tuple((column, column in TEXT_COLUMNS[name]) for column in columns)
               for name, columns in TABLE_COLUMNS.items()}


def read_table(path: Path, name: str) -> "pd.DataFrame":
    """A CSV table written by the tool, with its text cells as they were extracted."""
    import pandas as pd

    frame = pd.read_csv(path, keep_default_na=False, na_values=[""], encoding=CSV_ENCODING)
    for column in TEXT_COLUMNS[name]:
        if column in frame:
            frame[column] = frame[column].map(restore_cell)
    return frame
