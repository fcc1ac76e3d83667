"""Output formats beside CSV: Parquet, an Excel workbook and JSON Lines.

A run always streams its tables into CSV files first (see
:class:`pipeline.tables.TableWriter`); the other formats are made from those
files when the run commits, and renamed into place with them. The text in
Parquet, JSON Lines and Excel is the text extracted: these formats have
types, so no cell needs the quote that keeps a CSV cell from running as a
formula, and an Excel cell is written as a string, never as a formula.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from pipeline.csv_cells import read_table
from pipeline.records import TABLE_COLUMNS, TEXT_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("csv", "parquet", "xlsx", "jsonl")
WORKBOOK_NAME = "tables.xlsx"
# Excel's number formats for columns of whole currency units; other numbers keep "General".
MONEY_COLUMNS = {"amount", "amount_max", "valuation"}
MONEY_FORMAT = "#,##0"
# Excel's limits: rows per sheet (one is the header), and a readable column width.
EXCEL_ROWS = 1_048_575
MAX_WIDTH = 60


class FormatError(ValueError):
    pass


def parse_formats(values: Iterable[str]) -> tuple[str, ...]:
    """Formats from repeated and comma-separated ``--format`` values, in FORMATS order.

    >>> parse_formats(["csv,xlsx", "parquet"])
    ('csv', 'parquet', 'xlsx')
    >>> parse_formats([])
    ('csv',)
    """
    chosen = {part.strip().lower() for value in values for part in value.split(",") if part.strip()}
    unknown = sorted(chosen - set(FORMATS))
    if unknown:
        raise FormatError(f"unknown format {', '.join(map(repr, unknown))}; choose from {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in chosen) or ("csv",)


def outputs(fmt: str) -> list[str]:
    """The file names a format writes into OUTDIR."""
    if fmt == "xlsx":
        return [WORKBOOK_NAME]
    return [f"{name}.{fmt}" for name in TABLE_COLUMNS]


def write_format(fmt: str, csv_files: dict[str, Path], target: Callable[[str], Path],
                 warn: Callable[[str], None] = lambda message: None) -> None:
    """Write ``fmt`` from the finished CSV files; ``target(file name)`` says where each file goes."""
    frames = {name: read_table(path, name) for name, path in csv_files.items()}
    if fmt == "parquet":
        for name, frame in frames.items():
            frame.to_parquet(target(f"{name}.parquet"), index=False)
    elif fmt == "jsonl":
        for name, frame in frames.items():
            _write_jsonl(frame, target(f"{name}.jsonl"))
    elif fmt == "xlsx":
        _write_workbook(frames, target(WORKBOOK_NAME), warn)
    else:
        raise FormatError(f"unknown format {fmt!r}")


def _write_jsonl(frame: "pd.DataFrame", path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for record in frame.to_dict("records"):
            handle.write(json.dumps({k: _plain(v) for k, v in record.items()}, ensure_ascii=False) + "\n")


def _plain(value):
    """A cell as JSON has it: NaN and missing text are null, whole floats stay floats."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _write_workbook(frames: dict[str, "pd.DataFrame"], path: Path, warn: Callable[[str], None]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    for name, frame in frames.items():
        if len(frame) > EXCEL_ROWS:
            warn(f"{name}: {len(frame)} rows, more than an Excel sheet holds; the sheet has the first {EXCEL_ROWS}")
            frame = frame.iloc[:EXCEL_ROWS]
        sheet = book.create_sheet(title=name)
        sheet.freeze_panes = "A2"
        texts = set(TEXT_COLUMNS[name])
        for number, column in enumerate(frame.columns, start=1):
            longest = max([len(str(column)), *(len(str(v)) for v in frame[column].dropna())])
            sheet.column_dimensions[get_column_letter(number)].width = min(MAX_WIDTH, longest + 2)
        bold = Font(bold=True)
        header = []
        for column in frame.columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for values in frame.itertuples(index=False):
            row = []
            for column, value in zip(frame.columns, values):
                value = _plain(value)
                cell = WriteOnlyCell(sheet, value=value)
                if column in texts and value is not None:
                    cell.data_type = "s"  # text, even when it begins with "="
                elif column in MONEY_COLUMNS and value is not None:
                    cell.number_format = MONEY_FORMAT
                row.append(cell)
            sheet.append(row)
    book.save(path)
