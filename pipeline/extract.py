"""The batch job: inputs in, tables out. Plain functions the CLI wraps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from spacy.language import Language

from pipeline.ingest import Article, iter_inputs
from pipeline.records import DocumentRow
from pipeline.tables import Tables

BATCH_SIZE = 32


@dataclass
class Summary:
    read: int = 0
    skipped: int = 0
    failed: int = 0

    def line(self, counts: dict[str, int]) -> str:
        tables = ", ".join(f"{name} {n}" for name, n in counts.items() if name != "documents")
        return f"documents: {self.read} read, {self.skipped} skipped, {self.failed} failed; rows: {tables}"


def extract(nlp: Language, inputs: Iterable[str | Path],
            on_problem: Callable[[DocumentRow], None] = lambda row: None) -> tuple[Tables, Summary]:
    tables = Tables()
    summary = Summary()
    pending: list[Article] = []

    def flush() -> None:
        for article, doc in zip(pending, nlp.pipe((a.text for a in pending), batch_size=BATCH_SIZE)):
            tables.add_document(article.row())
            tables.add_doc(article.doc_id, doc)
            summary.read += 1
        pending.clear()

    for item in iter_inputs(inputs):
        if isinstance(item, Article):
            pending.append(item)
            if len(pending) >= BATCH_SIZE:
                flush()
            continue
        tables.add_document(item)
        if item.status == "skipped":
            summary.skipped += 1
        else:
            summary.failed += 1
        on_problem(item)
    flush()
    tables.finish()
    return tables, summary


def extract_text(nlp: Language, text: str, doc_id: str = "text") -> Tables:
    tables = Tables()
    tables.add_document(Article(doc_id=doc_id, path="", text=text).row())
    tables.add_doc(doc_id, nlp(text))
    tables.finish()
    return tables
