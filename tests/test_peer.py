"""The third-party suite scorer: matching rules, the CLI, and the real suite when present."""

import json

import pytest
from click.testing import CliRunner

from pipeline.cli import EXIT_USAGE, main
from pipeline.peer import Case, Mention, iso_only, load_suite, money_finder, same_mention, score

from .conftest import SHARED

RECOGNIZERS = SHARED / "peer-suites" / "recognizers-text-currency-en.jsonl"

# Written for these tests in the suite's layout; offsets are end-exclusive.
CASES = [
    {"text": "the unit won a $ 48.2 million contract .",
     "expected": [{"start": 15, "end": 29, "value": 48.2e6, "unit": "USD"}]},
    {"text": "it paid 3 dollars 50 cents for a multibillion - dollar idea",
     "expected": [{"start": 8, "end": 26, "value": 3.5, "unit": "USD"},
                  {"start": 47, "end": 53, "value": None, "unit": "USD"}]},
    {"text": "the bonds fell 5 points in 1989 .", "expected": []},
    {"text": "a fee of 20 cents", "expected": [{"start": 9, "end": 17, "value": 20, "unit": "Cent"}]},
]


@pytest.fixture
def suite(tmp_path):
    path = tmp_path / "suite.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in CASES), encoding="utf-8")
    return path


MATCHES = [
    ("same span and value", Mention(0, 10, 5e6, "USD"), Mention(0, 10, 5e6, "USD"), True),
    ("overlapping span", Mention(2, 10, 5e6, "USD"), Mention(0, 8, 5e6, "USD"), True),
    ("disjoint span", Mention(0, 10, 5e6, "USD"), Mention(10, 20, 5e6, "USD"), False),
    ("other value", Mention(0, 10, 5e6, "USD"), Mention(0, 10, 5e5, "USD"), False),
    ("other currency", Mention(0, 10, 5e6, "USD"), Mention(0, 10, 5e6, "CAD"), False),
]


@pytest.mark.parametrize("expected,predicted,same", [m[1:] for m in MATCHES], ids=[m[0] for m in MATCHES])
def test_same_mention(expected, predicted, same):
    assert same_mention(expected, predicted) is same


def test_load_suite_keeps_unvalued_mentions(suite):
    cases = load_suite(suite)
    assert [len(c.expected) for c in cases] == [1, 2, 0, 1]
    assert cases[1].expected[1].value is None
    assert [iso_only(c) for c in cases] == [True, True, True, False]


def test_load_suite_names_the_bad_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "x", "expected": []}\n{"text": "y"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:2: not a suite case"):
        load_suite(path)


def test_score_counts_hits_misses_and_false_alarms():
    cases = [Case(1, "a", [Mention(0, 5, 1.0, "USD")]), Case(2, "b", [Mention(0, 5, 2.0, "EUR")]), Case(3, "c", [])]
    predicted = [[Mention(0, 5, 1.0, "USD")], [], [Mention(0, 3, 9.0, "USD")]]
    result = score(cases, lambda texts: predicted)
    assert (result.true_positives, result.expected, result.predicted) == (1, 2, 2)
    assert result.precision == 0.5 and result.recall == 0.5
    assert [case.line for case, _, _ in result.misses] == [2, 3]


def test_score_with_the_pipeline(nlp, suite):
    cases = [c for c in load_suite(suite) if iso_only(c)]
    result = score(cases, money_finder(nlp))
    assert (result.true_positives, result.expected, result.predicted, result.unvalued) == (2, 2, 2, 1)


def test_peer_command(suite):
    result = CliRunner().invoke(main, ["peer", str(suite), "--show-misses"])
    assert result.exit_code == 0, result.output
    assert "3 cases, 2 expected, 2 predicted, 2 matched, 1 bare currency words not scored" in result.output
    assert "precision 1.000 recall 1.000" in result.output


def test_peer_command_all_units(suite):
    result = CliRunner().invoke(main, ["peer", "--all-units", str(suite)])
    assert result.exit_code == 0, result.output
    assert "4 cases, 3 expected" in result.output


def test_peer_command_rejects_a_bad_suite(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("not json\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["peer", str(path)])
    assert result.exit_code == EXIT_USAGE
    assert "bad.jsonl:1" in result.output


@pytest.mark.skipif(not RECOGNIZERS.exists(), reason="../shared/peer-suites is not beside the project")
def test_recognizers_currency_suite_reaches_the_target(nlp):
    cases = [c for c in load_suite(RECOGNIZERS) if iso_only(c)]
    result = score(cases, money_finder(nlp))
    assert result.precision >= 0.9 and result.recall >= 0.9, (result.precision, result.recall)
