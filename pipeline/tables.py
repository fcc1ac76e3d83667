"""From processed documents to the six tables, and from tables to files."""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc

from pipeline.records import (TABLE_COLUMNS, ChipRow, CompanyRow, DealRow, DocumentRow, MentionRow, SpecRow)

# Numbers are written without a trailing ".0" and without exponent up to 1e15.
FLOAT_FORMAT = "%.15g"
LIST_SEPARATOR = ";"
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
    for ent in doc.ents:
        row = MentionRow(doc_id=doc_id, start_char=ent.start_char, end_char=ent.end_char, text=ent.text,
                         label=ent.label_, canonical=ent.ent_id_ or ent.text, sentence=ent.sent.text.strip())
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


@dataclass
class Tables:
    rows: dict[str, list[dict]] = field(default_factory=lambda: {name: [] for name in TABLE_COLUMNS})

    def add_document(self, row: DocumentRow) -> None:
        self.rows["documents"].append(row.model_dump())

    def add_doc(self, doc_id: str, doc: Doc) -> None:
        for name, rows in doc_rows(doc_id, doc).items():
            self.rows[name].extend(rows)

    def finish(self) -> None:
        self.rows["companies"] = company_rows(self.rows["mentions"], self.rows["deals"], self.rows["chips"])

    def frames(self) -> dict[str, pd.DataFrame]:
        return {name: pd.DataFrame(self.rows[name], columns=list(cols)) for name, cols in TABLE_COLUMNS.items()}

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.rows.items()}


def company_rows(mentions: list[dict], deals: list[dict], chips: list[dict]) -> list[dict]:
    aliases: dict[str, dict[str, None]] = defaultdict(dict)
    n_mentions: dict[str, int] = defaultdict(int)
    docs: dict[str, set] = defaultdict(set)
    roles: dict[str, dict[str, None]] = defaultdict(dict)
    for m in mentions:
        if m["label"] != "ORG":
            continue
        name = m["canonical"] or m["text"]
        aliases[name][m["text"]] = None
        n_mentions[name] += 1
        docs[name].add(m["doc_id"])
    for d in deals:
        company_role, investor_role = DEAL_ROLES[d["deal_type"]]
        roles[d["company"]][company_role] = None
        if d["target"]:
            roles[d["target"]]["acquired" if d["deal_type"] == "acquisition" else "investee"] = None
        for inv in filter(None, d["investors"].split(LIST_SEPARATOR)):
            roles[inv][investor_role] = None
        for inv in filter(None, d["lead_investors"].split(LIST_SEPARATOR)):
            roles[inv]["lead_investor"] = None
    for c in chips:
        if c["vendor"]:
            roles[c["vendor"]]["chip_vendor"] = None
    rows = []
    for name in sorted(aliases, key=lambda n: (-n_mentions[n], n.lower())):
        rows.append(CompanyRow(company=name, aliases=LIST_SEPARATOR.join(sorted(aliases[name])),
                               n_mentions=n_mentions[name], n_documents=len(docs[name]),
                               roles=LIST_SEPARATOR.join(sorted(roles.get(name, {})))).model_dump())
    return rows


def write_csv_atomic(frame: pd.DataFrame, path: Path) -> None:
    """Write next to the target, then rename: readers never see half a table."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        frame.to_csv(tmp, index=False, float_format=FLOAT_FORMAT, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_tables(tables: Tables, outdir: Path) -> dict[str, Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame in tables.frames().items():
        path = outdir / f"{name}.csv"
        write_csv_atomic(frame, path)
        written[name] = path
    return written
