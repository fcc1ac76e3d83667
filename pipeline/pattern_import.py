"""Turn a spreadsheet of names (CSV) into ruler pattern records.

One row is one entity: a name column, optionally a canonical-id column, alias
columns (several aliases in one cell are split on a separator) and columns
copied into record keys (``vendor`` for chips, ``kind`` for companies). Every
surface form becomes one phrase pattern ``{"label", "pattern", "id"}``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from pipeline.pattern_check import RULER_EXTRA_KEYS, RULER_LABELS

LABEL_FILES = {label: file_name for file_name, label in RULER_LABELS.items()}


class SpreadsheetError(ValueError):
    """The spreadsheet cannot be turned into patterns at all (missing file or column)."""


@dataclass
class Imported:
    records: list[dict[str, str]] = field(default_factory=list)
    # ``line: message`` for rows that were skipped or partly used.
    warnings: list[str] = field(default_factory=list)


def clean_name(text: str) -> str:
    """Trim a cell and collapse its inner whitespace.

    >>> clean_name("  Harbor   Peak\\tCapital ")
    'Harbor Peak Capital'
    """
    return re.sub(r"\s+", " ", text).strip()


def without_legal_suffix(name: str, suffixes: Iterable[str]) -> str | None:
    """The name as articles usually write it, without a trailing legal form.

    >>> without_legal_suffix("Quorra Robotics, Inc.", ["Inc.", "Ltd"])
    'Quorra Robotics'
    >>> without_legal_suffix("Veloxa Compute GmbH", ["GmbH"])
    'Veloxa Compute'
    >>> without_legal_suffix("Inc.", ["Inc."]) is None
    True
    >>> without_legal_suffix("Quorra Robotics", ["Inc."]) is None
    True
    """
    for suffix in sorted(suffixes, key=len, reverse=True):
        if name.endswith(" " + suffix) or name.endswith("," + suffix):
            short = name[: -len(suffix)].rstrip(" ,")
            # A bare one-letter stem ("X Inc.") is too ambiguous to match alone.
            return short if len(short) > 1 else None
    return None


def read_spreadsheet(path: Path) -> pd.DataFrame:
    """Every cell as text; empty cells are empty strings, never NaN. ``.tsv`` files are tab-separated."""
    if not path.is_file():
        raise SpreadsheetError(f"{path}: no such file")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                           sep="\t" if path.suffix.lower() == ".tsv" else ",")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SpreadsheetError(f"{path}: not a readable CSV file ({exc})") from None


def import_names(table: pd.DataFrame, label: str, *, name_column: str, id_column: str | None = None,
                 alias_columns: Iterable[str] = (), separator: str = ";", fields: Mapping[str, str] | None = None,
                 legal_suffixes: Iterable[str] = ()) -> Imported:
    """Pattern records for every row of ``table``; rows are numbered as lines of the CSV (header = 1)."""
    fields = dict(fields or {})
    if label not in LABEL_FILES:
        raise SpreadsheetError(f"unknown label {label!r}; use one of {', '.join(LABEL_FILES)}")
    allowed = RULER_EXTRA_KEYS[LABEL_FILES[label]]
    for key in fields:
        if key not in allowed:
            keys = ", ".join(sorted(allowed)) or "none"
            raise SpreadsheetError(f"{label} records cannot carry {key!r}; the keys they may carry are: {keys}")
    alias_columns = list(alias_columns)
    wanted = [name_column, *([id_column] if id_column else []), *alias_columns, *fields.values()]
    missing = [c for c in wanted if c not in table.columns]
    if missing:
        raise SpreadsheetError(f"no column {', '.join(map(repr, missing))}; the columns are: "
                           f"{', '.join(map(repr, table.columns))}")

    result = Imported()
    ids_of: dict[str, str] = {}
    suffixes = list(legal_suffixes)
    for index, row in enumerate(table.to_dict("records")):
        line = index + 2
        name = clean_name(row[name_column])
        canonical = clean_name(row[id_column]) if id_column else ""
        canonical = canonical or name
        if not canonical:
            result.warnings.append(f"{line}: no name; row skipped")
            continue
        forms = [name] if name else []
        for column in alias_columns:
            forms += [clean_name(a) for a in row[column].split(separator)] if separator else [clean_name(row[column])]
        forms.append(canonical)
        for form in list(forms):
            short = without_legal_suffix(form, suffixes)
            if short:
                forms.append(short)
        extra = {key: clean_name(row[column]) for key, column in fields.items() if clean_name(row[column])}
        for form in dict.fromkeys(f for f in forms if f):
            first = ids_of.setdefault(form, canonical)
            if first != canonical:
                result.warnings.append(f"{line}: {form!r} already names {first!r}; kept that, skipped {canonical!r}")
                continue
            result.records.append({"label": label, "pattern": form, "id": canonical, **extra})
    result.records = list({(r["pattern"], r["id"]): r for r in result.records}.values())
    return result


def to_jsonl(records: Iterable[dict]) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
