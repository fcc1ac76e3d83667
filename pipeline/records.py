"""Row records for every output table, and each table's column order.

Records are plain pydantic models: components store them in ``doc._`` as dicts
(``model_dump()``), never as spaCy objects, so a Doc can be pickled, sent to
another process or serialised with DocBin.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

Qualifier = Literal["exact", "about", "over", "under", "up_to", "range"]
DealType = Literal["equity_round", "debt", "acquisition", "investment", "ipo"]
DealStatus = Literal["closed", "announced", "seeking", "talks"]
DocStatus = Literal["ok", "skipped", "error"]

# Lists inside a cell (investors, aliases, doc_ids) are joined with this.
LIST_SEPARATOR = ";"
LABELS = ("ORG", "MONEY", "PERSON", "GPE", "CHIP", "MODEL", "SPEC")


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Money(Record):
    """A normalised money amount: ``value`` in whole units of ``unit`` (ISO 4217)."""

    value: float
    unit: str
    qualifier: Qualifier = "exact"
    value_max: float | None = None


class Spec(Record):
    """A quantity in the canonical unit of its attribute."""

    attribute: str
    value: float
    unit: str
    qualifier: Qualifier = "exact"
    precision: str | None = None


class DocumentRow(Record):
    doc_id: str
    path: str
    title: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    encoding: str | None = None
    n_chars: int = 0
    status: DocStatus = "ok"
    error: str | None = None
    # NUL bytes taken out of an otherwise readable file (scraped text often has a stray one)
    nul_bytes_removed: int = 0


class MentionRow(Record):
    doc_id: str
    start_char: int
    end_char: int
    text: str
    label: str
    canonical: str | None = None
    value: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    value_max: float | None = None
    sentence: str | None = None


class CompanyRow(Record):
    company: str
    aliases: str
    n_mentions: int
    n_documents: int
    roles: str


class DealRow(Record):
    doc_id: str
    company: str
    deal_type: DealType
    round: str | None = None
    amount: float | None = None
    currency: str | None = None
    amount_qualifier: Qualifier | None = None
    amount_max: float | None = None
    valuation: float | None = None
    investors: str = ""
    lead_investors: str = ""
    target: str | None = None
    status: DealStatus = "closed"
    evidence: str
    start_char: int
    end_char: int


class MergedDealRow(Record):
    """One real-world deal, merged from the reports of it in several documents."""

    deal_id: str
    company: str
    deal_type: DealType
    round: str | None = None
    amount: float | None = None
    currency: str | None = None
    amount_qualifier: Qualifier | None = None
    amount_max: float | None = None
    valuation: float | None = None
    investors: str = ""
    lead_investors: str = ""
    target: str | None = None
    status: DealStatus = "closed"
    first_published: str | None = None
    last_published: str | None = None
    n_documents: int
    doc_ids: str
    conflicts: str = ""
    evidence: str
    evidence_doc_id: str
    start_char: int
    end_char: int


class ChipRow(Record):
    doc_id: str
    chip: str
    vendor: str | None = None
    family: str | None = None
    evidence: str
    start_char: int
    end_char: int


class SpecRow(Record):
    doc_id: str
    subject: str | None
    attribute: str
    value: float
    unit: str
    qualifier: str = "exact"
    precision: str | None = None
    text: str
    evidence: str
    start_char: int
    end_char: int


def columns(model: type[Record]) -> tuple[str, ...]:
    return tuple(model.model_fields)


def text_columns(model: type[Record]) -> tuple[str, ...]:
    """The columns that hold text (everything but numbers)."""
    numeric = (int, float, type(None))
    return tuple(name for name, field in model.model_fields.items()
                 if not all(arg in numeric for arg in get_args(field.annotation) or (field.annotation,)))


# One constant per table: the order of its CSV columns (the public contract).
TABLES: dict[str, type[Record]] = {
    "documents": DocumentRow,
    "mentions": MentionRow,
    "companies": CompanyRow,
    "deals": DealRow,
    "deals_merged": MergedDealRow,
    "chips": ChipRow,
    "specs": SpecRow,
}
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {name: columns(model) for name, model in TABLES.items()}
TEXT_COLUMNS: dict[str, tuple[str, ...]] = {name: text_columns(model) for name, model in TABLES.items()}
