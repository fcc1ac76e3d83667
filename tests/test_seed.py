"""The seed article from ../shared (skipped on machines without it)."""

import pytest

from pipeline.extract import extract
from tests.conftest import SHARED

SEED = sorted((SHARED / "seed").glob("*.txt")) if (SHARED / "seed").is_dir() else []


@pytest.mark.skipif(not SEED, reason="../shared/seed is not on this machine")
def test_seed_article(nlp):
    tables, summary = extract(nlp, SEED[:1])
    assert summary.read == 1
    deals = {(d["company"], d["amount"]) for d in tables.rows["deals"]}
    assert ("OpenAI", 110e9) in deals
    assert ("Nscale", 2e9) in deals
    nscale = next(d for d in tables.rows["deals"] if d["company"] == "Nscale")
    assert nscale["valuation"] == 14.6e9
    money = {m["value"] for m in tables.rows["mentions"] if m["label"] == "MONEY"}
    assert 1e9 in money and not any(m["text"].startswith("1 billion transactions") for m in tables.rows["mentions"]
                                    if m["label"] == "MONEY")
    # issue 19: a sector investment made through named partners is a deal; a headline's
    # "Megafunding" is no part of a company's name
    assert ("Nvidia", 20e9) in deals
    companies = {c["company"] for c in tables.rows["companies"]}
    assert not any(name.endswith("Megafunding") for name in companies)
