"""From input files to table rows: the work a worker does, and the in-memory
job for a text or a small folder. Plain functions the CLI and engines wrap."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable
from weakref import WeakKeyDictionary

from spacy.language import Language

from pipeline.chunking import PIECE_CHARS, text_pieces
from pipeline.ingest import Article, FileTask, iter_files, parse_file, read_task
from pipeline.records import DocumentRow
from pipeline.tables import FileRows, Tables, doc_rows, empty_file_rows

# Documents handed to nlp.pipe at once, and files per unit of work.
BATCH_SIZE = 32
# spaCy's tokenizer caches no word it meets inside a memory zone, so a run made
# only of zones splits every word from scratch: the tokenizer alone went from
# 335,000 to 118,000 words/s on the benchmark corpus. So batches run outside
# any zone, their words cached, until the pipeline's string store has grown by
# STRING_ALLOWANCE strings (a few MB); from then on every batch runs in a zone
# and the store stops growing. It may pass the allowance by one batch's words.
STRING_ALLOWANCE = 50_000
_strings_at_start: WeakKeyDictionary[Language, int] = WeakKeyDictionary()


@dataclass
class Summary:
    read: int = 0
    skipped: int = 0
    failed: int = 0

    def count(self, document: dict) -> None:
        if document["status"] == "ok":
            self.read += 1
        elif document["status"] == "skipped":
            self.skipped += 1
        else:
            self.failed += 1

    def line(self, counts: dict[str, int]) -> str:
        tables = ", ".join(f"{name} {n}" for name, n in counts.items() if name != "documents")
        return f"documents: {self.read} read, {self.skipped} skipped, {self.failed} failed; rows: {tables}"


def process_files(nlp: Language, tasks: Iterable[FileTask]) -> list[FileRows]:
    """The rows of each file, in order. Only plain dicts leave this function.

    spaCy's memory zone frees the strings each batch adds, so a long run's
    string store does not grow with the corpus (beyond ``STRING_ALLOWANCE``).
    """
    parsed = [_parsed(task) for task in tasks]
    articles = [item for items in parsed for item in items if isinstance(item, Article)]
    with batch_zone(nlp):
        article_rows = rows_of_articles(nlp, articles)
    results = []
    found = iter(article_rows)
    for items in parsed:
        rows = empty_file_rows()
        for item in items:
            if not isinstance(item, Article):
                rows["documents"].append(item.model_dump())
                continue
            doc_rows_or_error = next(found)
            if isinstance(doc_rows_or_error, str):
                rows["documents"].append(item.row().model_copy(update={"status": "error",
                                                                        "error": doc_rows_or_error}).model_dump())
                continue
            rows["documents"].append(item.row().model_dump())
            for name, table_rows in doc_rows_or_error.items():
                rows[name].extend(table_rows)
        results.append(rows)
    return results


def batch_zone(nlp: Language) -> AbstractContextManager:
    """The memory zone for the next batch, or none while the string store is within its allowance."""
    start = _strings_at_start.setdefault(nlp, len(nlp.vocab.strings))
    if len(nlp.vocab.strings) - start < STRING_ALLOWANCE:
        return nullcontext()
    return nlp.memory_zone()


def _parsed(task: FileTask) -> list[Article | DocumentRow]:
    """The articles of one file; a reader that fails in a way nobody foresaw costs that file only."""
    try:
        return list(parse_file(task.data, task.path, task.doc_id))
    except Exception as exc:
        return [DocumentRow(doc_id=task.doc_id, path=task.path, status="error",
                            error=f"could not be read ({type(exc).__name__}: {exc})")]


def rows_of_articles(nlp: Language, articles: list[Article]) -> list[dict[str, list[dict]] | str]:
    """Rows per article, or the reason it could not be processed.

    An article that makes the pipeline raise costs that article only: the
    batch is retried one article at a time.
    """
    try:
        return _rows(nlp, articles)
    except Exception:
        pass
    found: list[dict[str, list[dict]] | str] = []
    for article in articles:
        try:
            found.extend(_rows(nlp, [article]))
        except Exception as exc:
            found.append(f"could not be processed ({type(exc).__name__}: {exc})")
    return found


def _rows(nlp: Language, articles: list[Article]) -> list[dict[str, list[dict]]]:
    """Rows per article. A text longer than a piece is processed piece by
    piece, and the offsets of its rows are moved to point into the whole text."""
    owners, offsets, texts = [], [], []
    for number, article in enumerate(articles):
        for offset, piece in pieces_for(nlp, article.text):
            owners.append(number)
            offsets.append(offset)
            texts.append(piece)
    found: list[dict[str, list[dict]]] = [{} for _ in articles]
    for owner, offset, doc in zip(owners, offsets, nlp.pipe(texts, batch_size=BATCH_SIZE)):
        for name, rows in piece_rows(articles[owner].doc_id, doc, offset).items():
            found[owner].setdefault(name, []).extend(rows)
    return found


def pieces_for(nlp: Language, text: str) -> list[tuple[int, str]]:
    """``text`` in pieces this pipeline takes at once (see pipeline.chunking)."""
    return text_pieces(text, min(PIECE_CHARS, nlp.max_length))


def piece_rows(doc_id: str, doc, offset: int) -> dict[str, list[dict]]:
    """The rows of a Doc of the piece of a text that starts at ``offset``, with offsets into the whole text."""
    found = doc_rows(doc_id, doc)
    if offset:
        for rows in found.values():
            for row in rows:
                row["start_char"] += offset
                row["end_char"] += offset
    return found


def extract(nlp: Language, inputs: Iterable[str | Path],
            on_problem: Callable[[DocumentRow], None] = lambda row: None) -> tuple[Tables, Summary]:
    """All tables of the given files and folders, in memory, in one process."""
    tables = Tables()
    summary = Summary()
    pending: list[FileTask] = []

    def flush() -> None:
        for rows in process_files(nlp, pending):
            tables.add_file(rows)
            for document in rows["documents"]:
                summary.count(document)
                if document["status"] != "ok":
                    on_problem(DocumentRow(**document))
        pending.clear()

    for item in iter_files(inputs):
        task = item if isinstance(item, DocumentRow) else read_task(item)
        if isinstance(task, DocumentRow):
            flush()
            tables.add_document(task)
            summary.count(task.model_dump())
            on_problem(task)
            continue
        pending.append(task)
        if len(pending) >= BATCH_SIZE:
            flush()
    flush()
    tables.finish()
    return tables, summary


def extract_text(nlp: Language, text: str, doc_id: str = "text") -> Tables:
    tables = Tables()
    article = Article(doc_id=doc_id, path="", text=text)
    tables.add_document(article.row())
    [rows] = _rows(nlp, [article])
    tables.add_file(rows)
    tables.finish()
    return tables
