"""From processed documents to the seven tables, and from tables to files."""

from __future__ import annotations

import csv
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from spacy.tokens import Doc

from pipeline.csv_cells import csv_cells
from pipeline.formats import write_format
from pipeline.merge import merge_deals, reports_of
from pipeline.records import (LIST_SEPARATOR, TABLE_COLUMNS, TABLES, ChipRow, CompanyRow, DealRow,
                              DocumentRow, MentionRow, Record, SpecRow)

if TYPE_CHECKING:
    import pandas as pd

# pandas (and pyarrow, which pandas imports when it is installed) is imported
# only where frames are made: worker processes, which only turn Docs into
# rows, never pay its memory.

DEAL_ROLES = {
    "equity_round": ("raiser", "investor"),
    "debt": ("borrower", "lender"),
    "ipo": ("issuer", "investor"),
    "acquisition": ("acquirer", "investor"),
    "investment": ("investor", "investor"),
}


def doc_rows(doc_id: str, doc: Doc) -> dict[str, list]:
    """Rows of the per-document tables for one processed Doc (plain dicts)."""
    money = {(r["start_char"], r["end_char"]): r for r in doc._.money or ()}
    specs = {(r["start_char"], r["end_char"]): r for r in doc._.specs or ()}
    mentions = []
    for ent, sentence in zip(doc.ents, _entity_sentences(doc)):
        row = MentionRow(doc_id=doc_id, start_char=ent.start_char, end_char=ent.end_char, text=ent.text,
                         label=ent.label_, canonical=ent.ent_id_ or ent.text, sentence=sentence)
        m = money.get((ent.start_char, ent.end_char))
        if m:
            row.value, row.unit, row.qualifier, row.value_max = m["value"], m["unit"], m["qualifier"], m["value_max"]
            row.canonical = None
        s = specs.get((ent.start_char, ent.end_char))
        if s:
            row.value, row.unit, row.qualifier, row.canonical = s["value"], s["unit"], s["qualifier"], s["attribute"]
        mentions.append(row.model_dump())
    deals = [
        DealRow(doc_id=doc_id, **{**d, "investors": LIST_SEPARATOR.join(d["investors"]),
                                  "lead_investors": LIST_SEPARATOR.join(d["lead_investors"])}).model_dump()
        for d in doc._.deals or ()
    ]
    chips = [ChipRow(doc_id=doc_id, chip=c["chip"], vendor=c["vendor"], family=c["family"], evidence=c["sentence"],
                     start_char=c["start_char"], end_char=c["end_char"]).model_dump() for c in doc._.chips or ()]
    spec_rows = [
        SpecRow(doc_id=doc_id, subject=s["subject"], attribute=s["attribute"], value=s["value"], unit=s["unit"],
                qualifier=s["qualifier"], precision=s["precision"], text=s["text"], evidence=s["sentence"],
                start_char=s["start_char"], end_char=s["end_char"]).model_dump()
        for s in doc._.specs or () if s["subject"]
    ]
    return {"mentions": mentions, "deals": deals, "chips": chips, "specs": spec_rows}


def _entity_sentences(doc: Doc) -> list[str]:
    """The text of each entity's sentence (``ent.sent``), stripped.

    One walk over the sentences: ``ent.sent`` searches the tokens for the
    sentence's bounds each time it is asked.
    """
    found = []
    sents = iter(doc.sents)
    sent, text = None, ""
    for ent in doc.ents:
        while sent is None or ent.start >= sent.end:
            sent = next(sents)
            text = sent.text.strip()
        # An entity across a sentence break: ent.sent spans both sentences.
        found.append(text if ent.end <= sent.end else ent.sent.text.strip())
    return found


# The tables built from one input file; companies are built across files.
FILE_TABLES = ("documents", "mentions", "deals", "chips", "specs")
FileRows = dict[str, list[dict]]


def empty_file_rows() -> FileRows:
    return {name: [] for name in FILE_TABLES}


@dataclass
class Tables:
    """All seven tables in memory: for one text, a notebook or a test. Batch runs
    stream through :class:`TableWriter` instead."""

    rows: dict[str, list[dict]] = field(default_factory=lambda: {name: [] for name in TABLE_COLUMNS})

    def add_document(self, row: DocumentRow) -> None:
        self.rows["documents"].append(row.model_dump())

    def add_file(self, file_rows: FileRows) -> None:
        for name, rows in file_rows.items():
            self.rows[name].extend(rows)

    def finish(self) -> None:
        index = CompanyIndex()
        index.add(self.rows)
        self.rows["companies"] = index.rows()
        self.rows["deals_merged"] = merge_deals(reports_of(self.rows))

    def frames(self) -> dict[str, "pd.DataFrame"]:
        return {name: self.frame(name) for name in TABLE_COLUMNS}

    def frame(self, name: str) -> "pd.DataFrame":
        """One table as a DataFrame, with the columns of its CSV file."""
        import pandas as pd

        return pd.DataFrame(self.rows[_table(name)], columns=list(TABLE_COLUMNS[name]))

    def records(self, name: str) -> list[Record]:
        """One table as its pydantic records (``DealRow``, ``ChipRow``, ...)."""
        model = TABLES[_table(name)]
        return [model(**row) for row in self.rows[name]]

    def __getattr__(self, name: str) -> "pd.DataFrame":
        # tables.deals, tables.companies, ...: each table as a DataFrame.
        if name in TABLE_COLUMNS:
            return self.frame(name)
        raise AttributeError(f"{type(self).__name__!r} has no attribute {name!r}; tables: {', '.join(TABLE_COLUMNS)}")

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.rows.items()}


def _table(name: str) -> str:
    if name not in TABLE_COLUMNS:
        raise KeyError(f"no table {name!r}; tables: {', '.join(TABLE_COLUMNS)}")
    return name


class CompanyIndex:
    """The companies table, built up file by file: memory grows with the number
    of distinct companies, not with the number of documents."""

    def __init__(self) -> None:
        self.aliases: dict[str, dict[str, None]] = defaultdict(dict)
        self.n_mentions: dict[str, int] = defaultdict(int)
        self.n_documents: dict[str, int] = defaultdict(int)
        # A document's rows arrive together, so a count per name and the last
        # doc_id seen give the number of documents without a set of them.
        self.last_doc: dict[str, str] = {}
        self.roles: dict[str, dict[str, None]] = defaultdict(dict)

    def add(self, rows: dict[str, list[dict]]) -> None:
        for m in rows.get("mentions", ()):
            if m["label"] != "ORG":
                continue
            name = m["canonical"] or m["text"]
            self.aliases[name][m["text"]] = None
            self.n_mentions[name] += 1
            if self.last_doc.get(name) != m["doc_id"]:
                self.last_doc[name] = m["doc_id"]
                self.n_documents[name] += 1
        roles = self.roles
        for d in rows.get("deals", ()):
            company_role, investor_role = DEAL_ROLES[d["deal_type"]]
            roles[d["company"]][company_role] = None
            if d["target"]:
                roles[d["target"]]["acquired" if d["deal_type"] == "acquisition" else "investee"] = None
            for inv in filter(None, d["investors"].split(LIST_SEPARATOR)):
                roles[inv][investor_role] = None
            for inv in filter(None, d["lead_investors"].split(LIST_SEPARATOR)):
                roles[inv]["lead_investor"] = None
        for c in rows.get("chips", ()):
            if c["vendor"]:
                roles[c["vendor"]]["chip_vendor"] = None

    def rows(self) -> list[dict]:
        return [
            CompanyRow(company=name, aliases=LIST_SEPARATOR.join(sorted(self.aliases[name])),
                       n_mentions=self.n_mentions[name], n_documents=self.n_documents[name],
                       roles=LIST_SEPARATOR.join(sorted(self.roles.get(name, {})))).model_dump()
            for name in sorted(self.aliases, key=lambda n: (-self.n_mentions[n], n.lower()))
        ]


TEMP_PREFIX = ".infra-extract-"
_UMASK = os.umask(0o022)
os.umask(_UMASK)


class TableWriter:
    """Streams rows into temporary files beside the tables; :meth:`commit`
    renames each into place, so a reader (or a run killed half-way) never sees
    half a table, and the previous tables stay until the new ones are whole.

    The rows always stream into CSV files; the other ``formats`` (see
    :mod:`pipeline.formats`) are made from them at commit, also as temporary
    files first. ``warn`` hears of anything a format could not hold.
    """

    def __init__(self, outdir: Path, chunk_rows: int = 5000, formats: tuple[str, ...] = ("csv",),
                 warn: Callable[[str], None] = lambda message: None) -> None:
        self.outdir = outdir
        self.chunk_rows = chunk_rows
        self.formats = formats
        self.warn = warn
        outdir.mkdir(parents=True, exist_ok=True)
        self.buffers: dict[str, list[dict]] = {name: [] for name in TABLE_COLUMNS}
        self.counts: dict[str, int] = {name: 0 for name in TABLE_COLUMNS}
        self.temps: dict[str, Path] = {}  # final file name -> its temporary file
        self.handles = {}
        self.writers = {}
        try:
            for name, cols in TABLE_COLUMNS.items():
                fd = self._temp(f"{name}.csv")
                # Python's utf-8-sig codec encodes each write in Python; plain
                # UTF-8 after the mark written once gives the same bytes in C.
                self.handles[name] = os.fdopen(fd, "w", encoding="utf-8", newline="")
                self.handles[name].write("\ufeff")
                self.writers[name] = csv.writer(self.handles[name], lineterminator="\n")
                self.writers[name].writerow(cols)
        except BaseException:
            self.abort()
            raise

    def _temp(self, final: str) -> int:
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{final}.", suffix=".tmp", dir=self.outdir)
        self.temps[final] = Path(tmp)
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes the file private; tables are for sharing
        return fd

    def _temp_path(self, final: str) -> Path:
        os.close(self._temp(final))
        return self.temps[final]

    def add(self, name: str, rows: Iterable[dict]) -> None:
        buffer = self.buffers[name]
        for row in rows:  # rows may be a stream: flushed as the buffer fills
            buffer.append(row)
            self.counts[name] += 1
            if len(buffer) >= self.chunk_rows:
                self._flush(name)

    def add_file(self, file_rows: dict[str, list[dict]]) -> None:
        for name, rows in file_rows.items():
            self.add(name, rows)

    def _flush(self, name: str) -> None:
        buffer = self.buffers[name]
        if buffer:
            self.writers[name].writerows(csv_cells(name, row) for row in buffer)
            buffer.clear()

    def commit(self) -> dict[str, Path]:
        """Finish every file, then rename all into place; returns them by file name."""
        for name in TABLE_COLUMNS:
            self._flush(name)
            self.handles[name].close()
        csv_files = {name: self.temps[f"{name}.csv"] for name in TABLE_COLUMNS}
        for fmt in self.formats:
            if fmt != "csv":
                write_format(fmt, csv_files, self._temp_path, self.warn)
        if "csv" not in self.formats:
            for name in TABLE_COLUMNS:
                self.temps.pop(f"{name}.csv").unlink()
        written = {}
        for final, tmp in self.temps.items():
            written[final] = self.outdir / final
            os.replace(tmp, written[final])
        self.temps.clear()
        return written

    def abort(self) -> None:
        for handle in self.handles.values():
            handle.close()
        for tmp in self.temps.values():
            tmp.unlink(missing_ok=True)
        self.temps.clear()

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.temps:
            self.abort()


def remove_stale_temps(outdir: Path) -> None:
    """Temporary tables left by a run that was killed before it could rename them."""
    for stale in outdir.glob(f"{TEMP_PREFIX}*.tmp"):
        stale.unlink(missing_ok=True)
