"""The HTML pages of ``infra-extract show`` (one file: its text with every
entity highlighted by spaCy's displaCy, and the deals, chips and specs found,
each linked to its sentence) and ``infra-extract report`` (a run: deals by
size, money raised per company as a chart, chips beside their specs, the
documents that failed).

Pages are self-contained: styles inline, the chart an inline SVG, no script
and nothing fetched. Text is escaped by the templates (``pipeline/templates``).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from pathlib import Path

from spacy import displacy
from spacy.language import Language

from pipeline.records import LIST_SEPARATOR

# Colours of the labels displaCy does not know.
LABEL_COLOURS = {"CHIP": "#f6c98b", "SPEC": "#c6e2b3", "MODEL": "#d9c8f0", "MONEY": "#e4e7d2"}
# Deal types in which the company is the one raising money.
RAISING = {"equity_round", "debt", "ipo"}
CHART_BARS, CHART_WIDTH, CHART_LABEL_WIDTH = 20, 760, 220


def _environment():
    import jinja2

    from pipeline import __version__

    env = jinja2.Environment(loader=jinja2.PackageLoader("pipeline", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["money"] = _money
    env.filters["number"] = _number
    env.globals["version"] = __version__
    return env


def _money(value) -> str:
    """
    >>> _money(14600000000.0), _money(None), _money(float("nan"))
    ('14,600,000,000', '', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _number(value) -> str:
    """
    >>> _number(4.8), _number(141.0)
    ('4.8', '141')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.15g}" if not float(value).is_integer() else f"{value:,.0f}"


def show_page(path: Path, nlp: Language) -> str:
    """The page of one input file: each article in it (a JSONL feed has many)."""
    from pipeline.extract import piece_rows, pieces_for
    from pipeline.ingest import Article, read_file

    articles = []
    for number, item in enumerate(read_file(path, path.name), start=1):
        anchor = f"a{number}"
        view = {"anchor": anchor, "doc_id": item.doc_id, "title": item.title, "published": item.published,
                "status": item.status, "problem": item.error}
        if not isinstance(item, Article):
            articles.append(view)
            continue
        sentences, rows = [], defaultdict(list)
        for offset, piece in pieces_for(nlp, item.text):
            doc = nlp(piece)
            for name, found in piece_rows(item.doc_id, doc, offset).items():
                rows[name].extend(found)
            for sent in doc.sents:
                ents = [{"start": e.start_char - sent.start_char, "end": e.end_char - sent.start_char,
                         "label": e.label_} for e in sent.ents]
                html = displacy.render([{"text": sent.text, "ents": ents, "title": None}], style="ent",
                                       manual=True, page=False, options={"colors": LABEL_COLOURS})
                sentences.append({"start": offset + sent.start_char, "html": html,
                                  "anchor": f"{anchor}-s{len(sentences) + 1}"})
        starts = [s["start"] for s in sentences]

        def locate(row: dict) -> dict:
            index = max(0, bisect_right(starts, row["start_char"]) - 1)
            return {**row, "anchor": sentences[index]["anchor"], "sentence_number": index + 1}

        deal_sentences = {locate(d)["anchor"] for d in rows["deals"]}
        money = [locate(m) for m in rows["mentions"] if m["label"] == "MONEY"]
        view.update(
            n_chars=len(item.text), sentences=sentences,
            deals=[locate(d) for d in rows["deals"]], chips=[locate(c) for c in rows["chips"]],
            specs=[locate(s) for s in rows["specs"]],
            loose_money=[m for m in money if m["anchor"] not in deal_sentences],
            counts=", ".join(f"{len(rows[n])} {n}" for n in ("mentions", "deals", "chips", "specs")),
        )
        articles.append(view)
    return _environment().get_template("show.html").render(title=f"infra-extract: {path.name}", source=str(path),
                                                           articles=articles)


def report_page(outdir: Path) -> str:
    """The summary page of the tables in ``outdir``."""
    from pipeline.csv_cells import read_table

    def table(name: str):
        path = outdir / f"{name}.csv"
        if not path.exists():
            raise FileNotFoundError(f"{path}: table not found; run `infra-extract run -o {outdir}` first")
        return read_table(path, name).astype(object).where(lambda f: f.notna(), None)

    documents, merged, deals = table("documents"), table("deals_merged"), table("deals")
    chips, specs, companies = table("chips"), table("specs"), table("companies")
    merged_rows = merged.to_dict("records")
    by_size = sorted(merged_rows, key=lambda d: (d["currency"] or "~", -(d["amount"] or -1)))
    statuses = documents["status"].value_counts().to_dict()
    return _environment().get_template("report.html").render(
        title=f"infra-extract report: {outdir}", outdir=str(outdir),
        documents={s: statuses.get(s, 0) for s in ("ok", "skipped", "error")},
        n_deals=len(deals), n_merged=len(merged), n_companies=len(companies), n_chips=len(chips), n_specs=len(specs),
        chart=_raised_chart(merged_rows), deals=by_size, **_chips_and_specs(chips.to_dict("records"),
                                                                         specs.to_dict("records")),
        problems=documents[documents["status"] != "ok"].to_dict("records"),
    )


def _raised_chart(deals: list[dict]) -> dict | None:
    """Bars of money raised per company, in the currency most deals use."""
    raised = [d for d in deals if d["deal_type"] in RAISING and d["amount"]]
    if not raised:
        return None
    currencies = defaultdict(int)
    for d in raised:
        currencies[d["currency"]] += 1
    currency = max(currencies, key=lambda c: (currencies[c], c == "USD"))
    totals: dict[str, float] = defaultdict(float)
    for d in raised:
        if d["currency"] == currency:
            totals[d["company"]] += d["amount"]
    top = sorted(totals.items(), key=lambda item: -item[1])[:CHART_BARS]
    longest = top[0][1]
    room = CHART_WIDTH - CHART_LABEL_WIDTH - 130
    bars = [{"company": company, "amount": amount, "y": 24 * i, "length": max(1, round(room * amount / longest))}
            for i, (company, amount) in enumerate(top)]
    return {"currency": currency, "bars": bars, "width": CHART_WIDTH, "height": 24 * len(bars),
            "label_width": CHART_LABEL_WIDTH}


def _chips_and_specs(chips: list[dict], specs: list[dict]) -> dict:
    """Each chip once, with its vendor, beside the figures given for it."""
    figures: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for s in specs:
        shown = f"{_number(s['value'])} {s['unit']}"
        if shown not in figures[s["subject"]][s["attribute"]]:
            figures[s["subject"]][s["attribute"]].append(shown)
    vendors: dict[str, str | None] = {}
    for c in chips:
        vendors[c["chip"]] = vendors.get(c["chip"]) or c["vendor"]
    attributes = sorted({a for chip in vendors for a in figures.get(chip, {})},
                        key=lambda a: -sum(a in figures.get(chip, {}) for chip in vendors))
    rows = [{"chip": chip, "vendor": vendor,
             "specs": {a: f" {LIST_SEPARATOR} ".join(v) for a, v in figures.get(chip, {}).items()}}
            for chip, vendor in sorted(vendors.items(), key=lambda item: item[0].lower())]
    return {"chips": rows, "spec_attributes": attributes}
