"""The Python API, for notebooks and scripts: text or a folder in, the tables
out as pandas DataFrames, or as the pydantic records behind them.

    from pipeline import extract_text, extract_folder

    tables = extract_text("Veloxa Compute raised $40 million in a Series A round.")
    tables.deals                 # a DataFrame, columns as in deals.csv
    tables.records("deals")      # [DealRow(company='Veloxa Compute', ...)]

Everything runs in this process and in memory. For folders too big for that,
or to re-run incrementally, use ``infra-extract run``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from spacy.language import Language

from pipeline.records import DocumentRow
from pipeline.tables import Tables


@lru_cache(maxsize=4)
def _pipeline(model: str | None, patterns: tuple[str, ...], sources: tuple[str, ...]) -> Language:
    # Building the pipeline takes seconds; a notebook calls these functions
    # again and again with the same settings.
    from pipeline.language import make_nlp

    return make_nlp(model=model, pattern_dirs=patterns, sources=sources)


def shared_pipeline(model: str | None = None, patterns: Iterable[str | Path] = (),
                 sources: Iterable[str] = ()) -> Language:
    """The spaCy pipeline these functions use: built once per settings, then reused."""
    return _pipeline(model, tuple(str(p) for p in patterns), tuple(sources))


def extract_text(text: str, *, doc_id: str = "text", model: str | None = None,
                 patterns: Iterable[str | Path] = (), sources: Iterable[str] = ()) -> Tables:
    """The tables of one text.

    ``model``, ``patterns`` and ``sources`` are those of ``infra-extract run``
    (``--model``, ``--patterns``, ``--source``).
    """
    from pipeline.extract import extract_text as extract_one

    return extract_one(shared_pipeline(model, patterns, sources), text, doc_id=doc_id)


def extract_folder(path: str | Path, *, model: str | None = None, patterns: Iterable[str | Path] = (),
                   sources: Iterable[str] = (),
                   on_problem: Callable[[DocumentRow], None] | None = None) -> Tables:
    """The tables of every article in a folder (or one file), read as ``run`` reads it.

    Files that cannot be read are rows of ``documents`` with status
    ``skipped`` or ``error``; ``on_problem`` is called with each such row.
    Raises FileNotFoundError when ``path`` does not exist.
    """
    from pipeline.extract import extract

    if not Path(path).exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    tables, _ = extract(shared_pipeline(model, patterns, sources), [path],
                        on_problem=on_problem or (lambda row: None))
    return tables
