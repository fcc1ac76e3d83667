"""One row per real-world deal: the same round reported by several outlets
becomes one row of ``deals_merged``, with every source document.

Two reported deals are the same deal when they have the same company and
deal type, and nothing they say disagrees:

- their rounds are equal, or one does not name a round;
- their amounts (in the same currency) are within AMOUNT_TOLERANCE of each
  other; a report without an amount joins only one that names the same round,
  or, for an acquisition, the same target;
- their targets are equal, or one has none;
- their documents were published within DATE_WINDOW_DAYS of each other, when
  both dates are known;
- they come from different documents (within one document, the deal finder
  has already told its deals apart).

The merged row keeps the most specific value of each field (an exact amount
over an approximate one, the more precise of two figures, a round over none)
and lists in ``conflicts`` every field whose sources disagree.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterator

from pipeline.records import LIST_SEPARATOR, MergedDealRow

# Outlets round the same figure differently ("$1.5 billion", "$1.45 billion").
AMOUNT_TOLERANCE = 0.10
# A round is reported when it is sought, announced and closed, weeks apart.
DATE_WINDOW_DAYS = 45
# Later stages of a deal say more than earlier ones.
STATUS_RANK = {"seeking": 0, "talks": 1, "announced": 2, "closed": 3}
QUALIFIER_RANK = {"exact": 3, "range": 2, "about": 1, "over": 0, "under": 0, "up_to": 0}


@dataclass
class Report:
    """One row of deals.csv, with its document's publication date."""

    deal: dict
    published: date | None
    position: int = 0  # in the run, so merged deals come out in the order they were first reported


@dataclass
class Cluster:
    reports: list[Report] = field(default_factory=list)

    @property
    def first(self) -> int:
        return self.reports[0].position

    @property
    def documents(self) -> set[str]:
        return {r.deal["doc_id"] for r in self.reports}

    def admits(self, report: Report) -> bool:
        return report.deal["doc_id"] not in self.documents and all(same_deal(r, report) for r in self.reports)


def same_deal(a: Report, b: Report) -> bool:
    """Whether two reports of one company's deal of one type can be the same deal.

    >>> r = lambda **d: Report({"round": None, "amount": None, "currency": None, "target": None} | d, None)
    >>> same_deal(r(round="series_b", amount=50e6, currency="USD"), r(round="series_b", amount=52e6, currency="USD"))
    True
    >>> same_deal(r(amount=50e6, currency="USD"), r(amount=80e6, currency="USD"))
    False
    >>> same_deal(r(round="series_b"), r(round="series_b", amount=50e6, currency="USD"))
    True
    >>> same_deal(r(), r(amount=50e6, currency="USD"))
    False
    """
    x, y = a.deal, b.deal
    if x["round"] and y["round"] and x["round"] != y["round"]:
        return False
    if x["target"] and y["target"] and x["target"].casefold() != y["target"].casefold():
        return False
    if a.published and b.published and abs((a.published - b.published).days) > DATE_WINDOW_DAYS:
        return False
    if x["amount"] is not None and y["amount"] is not None:
        if x["currency"] != y["currency"]:
            return False
        high = max(x["amount"], y["amount"])
        return high == 0 or abs(x["amount"] - y["amount"]) <= AMOUNT_TOLERANCE * high
    # Without two amounts, something else must tie the reports together.
    return bool((x["round"] and x["round"] == y["round"]) or (x["target"] and x["target"] == y["target"]))


def merge_deals(reports: list[Report]) -> list[dict]:
    """The rows of deals_merged for these reports, in the order of their first report."""
    groups: dict[tuple[str, str], list[Report]] = defaultdict(list)
    for position, report in enumerate(reports):
        groups[group_key(report.deal)].append(report)
        report.position = position
    clusters = sorted((c for group in groups.values() for c in clusters_of(group)), key=lambda c: c.first)
    return [merged_row(number, cluster) for number, cluster in enumerate(clusters, start=1)]


def reports_of(rows: dict[str, list[dict]]) -> list[Report]:
    """The deals of some tables' rows, each with its document's publication date."""
    published = {d["doc_id"]: _date(d.get("published")) for d in rows.get("documents", ())}
    return [Report(deal, published.get(deal["doc_id"])) for deal in rows.get("deals", ())]


def group_key(deal: dict) -> tuple[str, str]:
    """Only reports with the same key can be one deal."""
    return deal["company"].casefold(), deal["deal_type"]


def clusters_of(group: list[Report]) -> list[Cluster]:
    """The deals among the reports of one group (see :func:`group_key`), in input order."""
    clusters: list[Cluster] = []
    for report in group:
        cluster = next((c for c in clusters if c.admits(report)), None)
        if cluster is None:
            cluster = Cluster()
            clusters.append(cluster)
        cluster.reports.append(report)
    return clusters


def merged_row(number: int, cluster: Cluster) -> dict:
    reports = cluster.reports
    deals = [r.deal for r in reports]
    conflicts = []

    def pick(name: str, key=None, disagreement: bool = True):
        values = [d[name] for d in deals if d[name] not in (None, "")]
        if disagreement and len(set(values)) > 1:
            conflicts.append(f"{name}: " + " | ".join(_shown(v) for v in dict.fromkeys(values)))
        if not values:
            return None
        return max(values, key=key) if key else max(set(values), key=lambda v: (values.count(v), _precision(v)))

    with_amount = [d for d in deals if d["amount"] is not None]
    best = max(with_amount or deals, key=lambda d: (QUALIFIER_RANK.get(d["amount_qualifier"] or "exact", 0),
                                                   _precision(d["amount"]), _filled(d)))
    amounts = list(dict.fromkeys(d["amount"] for d in with_amount))
    if len(amounts) > 1:
        conflicts.append("amount: " + " | ".join(_shown(a) for a in amounts))
    dates = sorted(r.published for r in reports if r.published)
    evidence = max(deals, key=_filled)
    return MergedDealRow(
        deal_id=deal_id(number), company=best["company"], deal_type=best["deal_type"], round=pick("round"),
        amount=best["amount"], currency=best["currency"], amount_qualifier=best["amount_qualifier"],
        amount_max=best["amount_max"], valuation=pick("valuation"),
        investors=_union(d["investors"] for d in deals), lead_investors=_union(d["lead_investors"] for d in deals),
        target=pick("target"), status=pick("status", key=STATUS_RANK.get, disagreement=False),
        first_published=dates[0].isoformat() if dates else None,
        last_published=dates[-1].isoformat() if dates else None,
        n_documents=len(cluster.documents), doc_ids=LIST_SEPARATOR.join(dict.fromkeys(d["doc_id"] for d in deals)),
        conflicts="; ".join(conflicts), evidence=evidence["evidence"], evidence_doc_id=evidence["doc_id"],
        start_char=evidence["start_char"], end_char=evidence["end_char"],
    ).model_dump()


def deal_id(number: int) -> str:
    return f"D{number:05d}"


def _union(lists) -> str:
    names: dict[str, None] = {}
    for joined in lists:
        names.update(dict.fromkeys(filter(None, (joined or "").split(LIST_SEPARATOR))))
    return LIST_SEPARATOR.join(names)


def _precision(value) -> int:
    """Significant digits of a figure: 1,450,000,000 is more precise than 1,500,000,000.

    >>> _precision(1.45e9), _precision(1.5e9), _precision(None)
    (3, 2, 0)
    """
    if not isinstance(value, (int, float)) or value == 0:
        return 0
    return len(f"{abs(value):.15g}".replace(".", "").lstrip("0").rstrip("0").split("e")[0])


def _filled(deal: dict) -> int:
    return sum(deal[k] not in (None, "") for k in ("round", "amount", "valuation", "investors", "lead_investors",
                                                    "target"))


def _shown(value) -> str:
    return f"{value:.15g}" if isinstance(value, float) else str(value)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


class DealMerger:
    """Collects the deals of a run, file by file, then merges them: what
    :func:`merge_deals` does for rows in memory, for a run of any size.

    The reports wait in a SQLite file (``path``: a temporary file in OUTDIR,
    removed by :meth:`close`), so a run's memory does not grow with the number
    of deals it finds: they are merged one group (one company's deals of one
    type) at a time.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.unlink(missing_ok=True)  # left by a run that was killed
        self.db = sqlite3.connect(str(path), isolation_level=None)
        self.db.executescript("""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE reports (position INTEGER PRIMARY KEY, company TEXT, deal_type TEXT, published TEXT,
                                  deal TEXT);
            CREATE TABLE merged (first INTEGER, row TEXT);
            BEGIN;
        """)
        self.count = 0

    def add(self, rows: dict[str, list[dict]]) -> None:
        published = {d["doc_id"]: d.get("published") for d in rows.get("documents", ())}
        entries = []
        for deal in rows.get("deals", ()):
            entries.append((self.count, *group_key(deal), published.get(deal["doc_id"]), json.dumps(deal)))
            self.count += 1
        self.db.executemany("INSERT INTO reports VALUES (?, ?, ?, ?, ?)", entries)

    def rows(self) -> Iterator[dict]:
        """The merged deals, in the order of their first report."""
        pending: list[tuple] = []
        key = None
        # Read in slices: one group (and one slice) at a time is in memory.
        cursor = self.db.execute("SELECT position, company, deal_type, published, deal FROM reports "
                                 "ORDER BY company, deal_type, position")
        for row in iter(lambda: cursor.fetchmany(1000), []):
            for position, company, deal_type, published, deal in row:
                if (company, deal_type) != key and pending:
                    self._merge_group(pending)
                    pending = []
                key = (company, deal_type)
                pending.append((position, published, deal))
        if pending:
            self._merge_group(pending)
        merged = self.db.execute("SELECT row FROM merged ORDER BY first")
        for number, (row,) in enumerate(iter(merged.fetchone, None), start=1):
            yield json.loads(row) | {"deal_id": deal_id(number)}

    def _merge_group(self, entries: list[tuple]) -> None:
        group = [Report(json.loads(deal), _date(published), position) for position, published, deal in entries]
        self.db.executemany("INSERT INTO merged VALUES (?, ?)",
                            [(c.first, json.dumps(merged_row(0, c))) for c in clusters_of(group)])

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)
