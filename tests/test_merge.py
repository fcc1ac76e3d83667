"""deals_merged: the same deal reported by several documents is one row,
with every source, the most specific values and the conflicts visible."""

import pytest

from pipeline.merge import Report, merge_deals
from pipeline.records import TABLE_COLUMNS
from pipeline.tables import Tables


def deal(doc_id, company="Veloxa Compute", deal_type="equity_round", round=None, amount=None, currency="USD",
         qualifier=None, valuation=None, investors="", leads="", target=None, status="closed"):
    return {"doc_id": doc_id, "company": company, "deal_type": deal_type, "round": round, "amount": amount,
            "currency": currency if amount is not None else None, "amount_qualifier": qualifier,
            "amount_max": None, "valuation": valuation, "investors": investors, "lead_investors": leads,
            "target": target, "status": status, "evidence": f"evidence of {doc_id}", "start_char": 0,
            "end_char": 10}


def reports(*pairs):
    from datetime import date

    return [Report(d, date.fromisoformat(day) if day else None) for d, day in pairs]


# name, reports, expected groups of doc_ids
CASES = [
    ("one round, three outlets, amounts rounded differently",
     [(deal("a", round="series_b", amount=1.45e9), "2026-03-02"), (deal("b", round="series_b", amount=1.5e9), "2026-03-03"),
      (deal("c", amount=1.5e9), "2026-03-05")], [["a", "b", "c"]]),
    ("a report without an amount joins the same named round",
     [(deal("a", round="seed", amount=5e6), "2026-01-10"), (deal("b", round="seed"), "2026-01-12")], [["a", "b"]]),
    ("a report without amount or round joins nothing",
     [(deal("a", round="seed", amount=5e6), None), (deal("b"), None)], [["a"], ["b"]]),
    ("two rounds of one company stay apart",
     [(deal("a", round="series_a", amount=20e6), None), (deal("b", round="series_b", amount=21e6), None)],
     [["a"], ["b"]]),
    ("amounts too far apart stay apart",
     [(deal("a", amount=50e6), None), (deal("b", amount=80e6), None)], [["a"], ["b"]]),
    ("other currency stays apart", [(deal("a", amount=50e6), None), (deal("b", amount=50e6, currency="EUR"), None)],
     [["a"], ["b"]]),
    ("months apart stay apart",
     [(deal("a", round="seed", amount=5e6), "2026-01-10"), (deal("b", round="seed", amount=5e6), "2026-06-10")],
     [["a"], ["b"]]),
    ("other company or type stays apart",
     [(deal("a", amount=5e6), None), (deal("b", company="Arvon", amount=5e6), None),
      (deal("c", deal_type="debt", amount=5e6), None)], [["a"], ["b"], ["c"]]),
    ("company names compare without case", [(deal("a", amount=5e6), None), (deal("b", company="VELOXA COMPUTE",
                                                                              amount=5e6), None)], [["a", "b"]]),
    ("an acquisition without amount joins the same target",
     [(deal("a", deal_type="acquisition", target="Marrow Labs", amount=4.9e9), None),
      (deal("b", deal_type="acquisition", target="Marrow Labs"), None)], [["a", "b"]]),
    ("two deals in one document stay apart",
     [(deal("a", round="seed", amount=5e6), None), (deal("a", round="seed", amount=5e6), None)], [["a"], ["a"]]),
]


@pytest.mark.parametrize("pairs,groups", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_which_reports_merge(pairs, groups):
    rows = merge_deals(reports(*pairs))
    assert [row["doc_ids"].split(";") for row in rows] == groups
    assert [row["n_documents"] for row in rows] == [len(set(g)) for g in groups]


def test_the_merged_row_keeps_the_most_specific_values_and_shows_conflicts():
    [row] = merge_deals(reports(
        (deal("a", round="series_c", amount=1.5e9, qualifier="about", valuation=12e9, investors="Harbor Peak",
              status="talks"), "2026-03-01"),
        (deal("b", round="series_c", amount=1.45e9, valuation=11.7e9, investors="Fenwick Row;Harbor Peak",
              leads="Fenwick Row", status="closed"), "2026-03-20"),
        (deal("c", amount=1.5e9, valuation=11.7e9), None),
    ))
    assert (row["amount"], row["amount_qualifier"]) == (1.45e9, None)  # exact and more precise than "about 1.5"
    assert row["valuation"] == 11.7e9  # two sources against one
    assert row["conflicts"] == "amount: 1500000000 | 1450000000; valuation: 12000000000 | 11700000000"
    assert (row["investors"], row["lead_investors"]) == ("Harbor Peak;Fenwick Row", "Fenwick Row")
    assert row["status"] == "closed" and row["round"] == "series_c"
    assert (row["first_published"], row["last_published"]) == ("2026-03-01", "2026-03-20")
    assert row["evidence_doc_id"] == "b" and row["deal_id"] == "D00001"


def test_tables_carry_deals_merged_with_its_columns(nlp):
    from pipeline.extract import extract_text

    tables = extract_text(nlp, "Veloxa Compute raised $40 million in a Series A round led by Harbor Peak Capital.")
    assert tuple(tables.deals_merged.columns) == TABLE_COLUMNS["deals_merged"]
    assert list(tables.deals_merged["company"]) == ["Veloxa Compute"]
    assert isinstance(tables, Tables)


def test_the_streaming_merger_gives_what_the_pure_function_gives(tmp_path):
    from pipeline.merge import DealMerger

    pairs = [pair for _, pairs, _ in CASES for pair in pairs]
    expected = merge_deals(reports(*pairs))
    path = tmp_path / "merge.tmp"
    merger = DealMerger(path)
    for d, day in pairs:  # one file per report, each with its document row
        merger.add({"documents": [{"doc_id": d["doc_id"], "published": day}], "deals": [d]})
    assert list(merger.rows()) == expected
    merger.close()
    assert not path.exists()
