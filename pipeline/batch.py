"""The batch job behind ``infra-extract run``: a folder in, tables out,
streaming, incremental and resumable.

1. Walk the inputs in a stable order; read and hash each file.
2. Files whose hash the manifest already holds keep their stored rows; the
   others go to the engine in batches, and their rows are stored as each
   batch finishes (one transaction per batch).
3. Files the manifest holds but this run did not see are forgotten.
4. The tables are streamed from the manifest, in input order, into temporary
   files that replace the old tables only once all are written.

Nothing holds the whole corpus: the walk, the batches in flight and the
company index (one entry per distinct company) are all that stay in memory.
A run killed at any point leaves the previous tables in place and every
finished batch in the manifest; the next run picks up from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pipeline.engine_base import Engine
from pipeline.extract import BATCH_SIZE, Summary
from pipeline.ingest import FileTask, iter_files, read_task
from pipeline.manifest import Manifest, check_outdir, content_hash
from pipeline.merge import DealMerger
from pipeline.records import DocumentRow
from pipeline.tables import TEMP_PREFIX, CompanyIndex, TableWriter, empty_file_rows, remove_stale_temps

# A batch also closes at this many bytes, so one huge file does not travel with 31 others.
BATCH_BYTES = 4_000_000


@dataclass
class RunResult:
    summary: Summary
    counts: dict[str, int]
    files: dict[str, int] = field(default_factory=dict)
    tables: dict[str, Path] = field(default_factory=dict)

    def files_line(self) -> str:
        return (f"files: {self.files['processed']} processed, {self.files['unchanged']} unchanged, "
                f"{self.files['removed']} removed")


def run_batch(inputs: Iterable[str | Path], outdir: Path, engine: Engine, fingerprint: str,
              on_problem: Callable[[DocumentRow], None] = lambda row: None,
              batch_size: int = BATCH_SIZE, rebuild: bool = False, force: bool = False,
              formats: tuple[str, ...] = ("csv",), warn: Callable[[str], None] = lambda message: None,
              on_progress: Callable[[int, int], None] = lambda files, documents: None) -> RunResult:
    """Process ``inputs`` into the tables in ``outdir``; see the module docstring.

    Raises :class:`ManifestError` before anything is written when ``outdir``
    is not the tool's (see :func:`check_outdir`) or another run holds it.
    ``on_progress(files, documents)`` hears of every file done: processed,
    unchanged (no documents counted) or unreadable.
    """
    check_outdir(outdir, force)
    outdir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(outdir)
    with Manifest.open(outdir, fingerprint, rebuild=rebuild) as manifest:
        work = _tasks(inputs, manifest, on_problem, on_progress)
        for batch, results in engine.map(_batches(work, batch_size)):
            entries = []
            for (position, digest), task, rows in zip(batch.keys, batch, results):
                entries.append((task.path, task.doc_id, digest, position, rows))
                for document in rows["documents"]:
                    if document["status"] != "ok":
                        on_problem(DocumentRow(**document))
            manifest.store(entries)
            on_progress(len(batch), sum(len(rows["documents"]) for rows in results))
        manifest.forget_unseen()
        summary, counts, written = _write_tables(manifest.rows(), outdir, formats, warn)
        return RunResult(summary=summary, counts=counts, files=dict(manifest.stats), tables=written)


def _tasks(inputs: Iterable[str | Path], manifest: Manifest, on_problem: Callable[[DocumentRow], None],
           on_progress: Callable[[int, int], None]) -> Iterator[tuple[int, str, FileTask]]:
    """``(position, content hash, task)`` for each file that needs processing."""
    for position, item in enumerate(iter_files(inputs)):
        task = item if isinstance(item, DocumentRow) else read_task(item)
        if isinstance(task, DocumentRow):
            # Decided without reading the text (missing, unreadable, unsupported): not cached.
            rows = empty_file_rows()
            rows["documents"].append(task.model_dump())
            manifest.store([(task.path, task.doc_id, None, position, rows)])
            on_problem(task)
            on_progress(1, 1)
            continue
        digest = content_hash(task.data)
        if manifest.reuse(task.path, task.doc_id, digest, position):
            on_progress(1, 0)
        else:
            yield position, digest, task


def _batches(work: Iterator[tuple[int, str, FileTask]], batch_size: int) -> Iterator["_Batch"]:
    batch: list = []
    size = 0
    for item in work:
        batch.append(item)
        size += len(item[2].data)
        if len(batch) >= batch_size or size >= BATCH_BYTES:
            yield _Batch(batch)
            batch, size = [], 0
    if batch:
        yield _Batch(batch)


class _Batch(list):
    """The tasks of a batch, as the engine sends them, with each one's input
    position and content hash, which stay with the job."""

    def __init__(self, items: list[tuple[int, str, FileTask]]) -> None:
        super().__init__(task for _, _, task in items)
        self.keys = [(position, digest) for position, digest, _ in items]


def _write_tables(file_rows: Iterable[dict], outdir: Path, formats: tuple[str, ...], warn: Callable[[str], None]):
    summary = Summary()
    companies = CompanyIndex()
    deals = DealMerger(outdir / f"{TEMP_PREFIX}deals-merged.tmp")
    try:
        with TableWriter(outdir, formats=formats, warn=warn) as writer:
            for rows in file_rows:
                writer.add_file(rows)
                companies.add(rows)
                deals.add(rows)
                for document in rows["documents"]:
                    summary.count(document)
            writer.add("companies", companies.rows())
            writer.add("deals_merged", deals.rows())
            counts = dict(writer.counts)
            written = writer.commit()
    finally:
        deals.close()
    return summary, counts, written
