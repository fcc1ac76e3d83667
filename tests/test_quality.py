"""The corpus gold keeps extraction quality from sliding back."""

import pytest

from pipeline.evaluate import evaluate, load_gold
from pipeline.extract import extract
from tests.conftest import CORPUS

# Issue 2's floor for every table on corpus/ (dev and test together).
MIN_F1 = 0.90


@pytest.fixture(scope="module")
def corpus_result(nlp):
    tables, summary = extract(nlp, [CORPUS])
    assert summary.failed == 0
    return evaluate(load_gold(CORPUS / ".gold"), tables.frames())


@pytest.mark.parametrize("table", ["companies", "money", "deals", "chips", "specs"])
def test_corpus_f1(corpus_result, table):
    assert corpus_result["documents"] >= 15
    assert corpus_result["tables"][table]["f1"] >= MIN_F1, corpus_result["tables"][table]
