"""Score output tables against gold annotations (``corpus/.gold/<split>/*.yaml``).

Matching keys, per document:
- companies: a gold name matches a predicted company when it is the
  company's canonical name or one of the names the document writes it with
  (its mentions), so "Apple Computer" in a 2006 article matches the canonical
  "Apple" mentioned as "Apple Computer"; each predicted company matches once;
- money: (value, currency); chips: chip name;
- deals: (company, amount); specs: (subject, attribute, value in canonical unit).
Names are compared ignoring case, punctuation, a leading "The" and legal suffixes.
Deal fields are scored as accuracy over matched deals.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from pipeline.csv_cells import read_table

TABLES = ("companies", "money", "deals", "chips", "specs")
DEAL_FIELDS = ("deal_type", "round", "currency", "amount_qualifier", "valuation", "target", "status",
               "investors", "lead_investors")
LEGAL = re.compile(r"\b(inc|corp|corporation|ltd|limited|llc|llp|plc|gmbh|ag|sa|co)\b\.?$")


def norm_name(name) -> str:
    """Comparable form of a company or chip name.

    >>> norm_name("NVIDIA Corp."), norm_name("Run:ai"), norm_name("Gaudi 3"), norm_name("The Verge")
    ('nvidia', 'runai', 'gaudi3', 'verge')
    """
    if name is None or (isinstance(name, float) and name != name):
        return ""
    text = str(name).casefold().strip()
    text = LEGAL.sub("", text).strip(" ,.")
    text = text[4:] if text.startswith("the ") else text
    return re.sub(r"[^\w]+", "", text)


def norm_value(value) -> float | None:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    return round(float(value), 4)


def names(value) -> frozenset[str]:
    if value is None or (isinstance(value, float) and value != value):
        return frozenset()
    items = value if isinstance(value, list) else str(value).split(";")
    return frozenset(n for n in (norm_name(i) for i in items) if n)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, gold: Counter, pred: Counter) -> None:
        overlap = sum((gold & pred).values())
        self.tp += overlap
        self.fp += sum(pred.values()) - overlap
        self.fn += sum(gold.values()) - overlap


def load_gold(path: Path) -> dict[str, dict[str, list[dict]]]:
    """doc_id -> gold document, from every YAML file below ``path``."""
    files = sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
    gold = {}
    for file in files:
        for entry in yaml.safe_load(file.read_text(encoding="utf-8")) or []:
            gold[entry["doc_id"]] = entry
    return gold


def _keys(table: str, doc: dict) -> Counter:
    """Matching keys of one document's rows (gold or predicted alike)."""
    rows = doc.get(table) or []
    if table == "companies":
        return Counter({norm_name(c): 1 for c in rows})
    if table == "money":
        return Counter((norm_value(m["value"]), m["unit"]) for m in rows)
    if table == "deals":
        return Counter((norm_name(d["company"]), norm_value(d.get("amount"))) for d in rows)
    if table == "chips":
        return Counter({norm_name(c["chip"]): 1 for c in rows})
    if table == "specs":
        return Counter((norm_name(s["subject"]), s["attribute"], norm_value(s["value"])) for s in rows)
    raise KeyError(table)


def predicted_by_doc(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, list[dict]]]:
    out: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    mentions = tables["mentions"]
    for row in mentions.to_dict("records"):
        if row["label"] == "ORG":
            out[row["doc_id"]]["companies"].append(row["canonical"])
            out[row["doc_id"]]["company_names"].append((row["canonical"], row["text"]))
        elif row["label"] == "MONEY":
            out[row["doc_id"]]["money"].append({"value": row["value"], "unit": row["unit"]})
    for name in ("deals", "chips", "specs"):
        for row in tables[name].to_dict("records"):
            out[row["doc_id"]][name].append(row)
    return out


def written_forms(written: list[tuple[str, str]]) -> dict[str, set[str]]:
    """Each predicted canonical name (normalised) with the forms the document wrote it in.

    >>> {k: sorted(v) for k, v in written_forms([("Apple", "Apple Computer"), ("Apple", "Apple")]).items()}
    {'apple': ['apple', 'applecomputer']}
    """
    forms: dict[str, set[str]] = defaultdict(set)
    for canonical, text in written:
        key = norm_name(canonical)
        if key:
            forms[key].update({key, norm_name(text)})
    return dict(forms)


def company_score(gold_names: list[str], written: list[tuple[str, str]]) -> Score:
    """Match gold names to predicted companies by canonical name or by a name as written.

    >>> s = company_score(["Apple Computer", "Pixar"], [("Apple", "Apple Computer"), ("Apple", "Apple"), ("Intel", "Intel")])
    >>> (s.tp, s.fp, s.fn)
    (1, 1, 1)
    """
    forms = written_forms(written)
    score = Score()
    unmatched = set(forms)
    for gold in {norm_name(g) for g in gold_names} - {""}:
        hit = gold if gold in unmatched else next((k for k in sorted(unmatched) if gold in forms[k]), None)
        if hit is None:
            score.fn += 1
        else:
            score.tp += 1
            unmatched.discard(hit)
    score.fp += len(unmatched)
    return score


def names_as_gold(gold_names: list[str], written: list[tuple[str, str]]) -> dict[str, str]:
    """Predicted canonical names (normalised) that the gold writes in another form the
    document used, mapped to the gold's form: deals are matched on the name the way
    companies are.

    >>> names_as_gold(["Penske Automotive Group"], [("Penske Automotive", "Penske Automotive Group")])
    {'penskeautomotive': 'penskeautomotivegroup'}
    """
    forms = written_forms(written)
    mapping = {}
    for gold in {norm_name(g) for g in gold_names} - {""}:
        if gold in forms:
            continue
        hit = next((k for k in sorted(forms) if gold in forms[k] and k not in mapping), None)
        if hit is not None:
            mapping[hit] = gold
    return mapping


def _deals_named_as_gold(deals: list[dict], mapping: dict[str, str]) -> list[dict]:
    if not mapping:
        return deals

    def name(value):
        return mapping.get(norm_name(value), value) if isinstance(value, str) else value

    def listed(value):
        return sorted(name(n) for n in names(value))

    return [{**d, "company": name(d.get("company")), "target": name(d.get("target")),
             "investors": listed(d.get("investors")), "lead_investors": listed(d.get("lead_investors"))}
            for d in deals]


def people_and_places_as_companies(gold_doc: dict, companies: list[str]) -> list[str]:
    """Predicted companies that the gold names as a person (full name or surname) or a place.

    >>> people_and_places_as_companies({"people": ["Tim Cook"], "places": ["Detroit"]}, ["Cook", "Detroit", "Apple"])
    ['Cook', 'Detroit']
    """
    people = gold_doc.get("people") or []
    others = {norm_name(p) for p in people} | {norm_name(p.split()[-1]) for p in people if p.split()}
    others |= {norm_name(p) for p in gold_doc.get("places") or []}
    gold_companies = {norm_name(c) for c in gold_doc.get("companies") or []}
    others -= gold_companies | {""}
    return sorted({c for c in companies if norm_name(c) in others})


def _field(name: str, value):
    if name in ("investors", "lead_investors"):
        return names(value)
    if name == "target":
        return norm_name(value) or None
    if name == "valuation":
        return norm_value(value)
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    return str(value)


def evaluate(gold: dict[str, dict], tables: dict[str, pd.DataFrame]) -> dict:
    """Precision/recall/F1 per table and accuracy per deal field, over the gold docs."""
    predicted = predicted_by_doc(tables)
    scores = {t: Score() for t in TABLES}
    field_hits = Counter()
    field_total = Counter()
    investors = Score()
    misnamed: list[str] = []
    for doc_id, gdoc in gold.items():
        pdoc = predicted.get(doc_id, {})
        misnamed += [f"{doc_id}: {name}" for name in people_and_places_as_companies(gdoc, pdoc.get("companies", []))]
        mapping = names_as_gold(gdoc.get("companies") or [], pdoc.get("company_names", []))
        pdoc = {**pdoc, "deals": _deals_named_as_gold(pdoc.get("deals", []), mapping)}
        for table in TABLES:
            if table == "companies":
                found = company_score(gdoc.get("companies") or [], pdoc.get("company_names", []))
                scores[table].tp += found.tp
                scores[table].fp += found.fp
                scores[table].fn += found.fn
                continue
            scores[table].add(_keys(table, gdoc), _keys(table, pdoc))
        pred_deals = {(norm_name(d["company"]), norm_value(d["amount"])): d for d in pdoc.get("deals", [])}
        for gdeal in gdoc.get("deals") or []:
            pdeal = pred_deals.get((norm_name(gdeal["company"]), norm_value(gdeal.get("amount"))))
            if pdeal is None:
                continue
            for name in DEAL_FIELDS:
                field_total[name] += 1
                field_hits[name] += _field(name, gdeal.get(name)) == _field(name, pdeal.get(name))
            investors.add(Counter(names(gdeal.get("investors"))), Counter(names(pdeal.get("investors"))))
    return {
        "documents": len(gold),
        "tables": {t: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "tp": s.tp, "fp": s.fp, "fn": s.fn}
                   for t, s in scores.items()},
        "deal_fields": {name: field_hits[name] / field_total[name] if field_total[name] else None
                        for name in DEAL_FIELDS},
        "investors_f1": investors.f1,
        "people_places_as_companies": misnamed,
        "has_people_places": any("people" in g or "places" in g for g in gold.values()),
    }


def read_tables(outdir: Path) -> dict[str, pd.DataFrame]:
    frames = {}
    for name in ("mentions", "deals", "chips", "specs"):
        path = outdir / f"{name}.csv"
        if not path.exists():
            raise FileNotFoundError(f"{path}: table not found; run `infra-extract run` first")
        frames[name] = read_table(path, name)
    return frames


def split_of(doc_id: str) -> str:
    return doc_id.split("/", 1)[0] if "/" in doc_id else "."


def format_report(result: dict, title: str) -> str:
    lines = [f"{title}: {result['documents']} documents",
             f"  {'table':<10} {'P':>6} {'R':>6} {'F1':>6}   (tp/fp/fn)"]
    for table, s in result["tables"].items():
        lines.append(f"  {table:<10} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f}   "
                     f"({s['tp']}/{s['fp']}/{s['fn']})")
    fields = ", ".join(f"{k} {v:.2f}" for k, v in result["deal_fields"].items() if v is not None)
    lines.append(f"  deal fields (accuracy on matched deals): {fields}")
    lines.append(f"  investors of matched deals: F1 {result['investors_f1']:.3f}")
    if result.get("has_people_places"):
        wrong = result["people_places_as_companies"]
        lines.append(f"  people and places in companies: {len(wrong)}" + (f" ({'; '.join(wrong[:8])})" if wrong else ""))
    return "\n".join(lines)
