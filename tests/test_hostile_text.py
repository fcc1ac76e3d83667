"""Hostile text: what no article should contain must still not break the tool.

Guards four promises:

* the pure parsers (money, specs, rounds) never raise, whatever the text, and
  what they return is finite and points inside the text;
* the ingest layer turns any bytes into rows with a status, never an exception;
* an amount written the ways financial news writes it reads back as its value;
* pathological inputs (long runs of one character) finish: no regular
  expression may backtrack catastrophically.

Each trap this file found (a tokenizer hang on 100,000 "$", letters that
case-fold to ASCII, JSON nested too deep) has its own example, so it stays fixed.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest import Article, InputError, decode, parse_file
from pipeline.knowledge import default_knowledge
from pipeline.language import make_nlp
from pipeline.parsing.money import find_money, parse_money
from pipeline.parsing.rounds import find_round
from pipeline.parsing.specs import find_specs, find_table_specs, parse_spec
from pipeline.records import DocumentRow, Money, Spec

KNOWLEDGE = default_knowledge()
ROUND_NAMES = frozenset(record["round"] for record in KNOWLEDGE.rounds)
CURRENCIES = {record["code"]: record for record in KNOWLEDGE.currencies}
# Magnitude words match case-insensitively ("MM" and "mm" alike).
MULTIPLIERS = {word.lower(): value for word, value in KNOWLEDGE.multipliers.items()}

# Every @settings below passes database=None: a run must leave nothing (no
# .hypothesis/ examples) behind in the checkout.


# --- checks shared by the property tests -------------------------------------

def check_money(money: Money | None) -> None:
    if money is None:
        return
    assert math.isfinite(money.value) and money.value >= 0
    if money.value_max is not None:
        assert math.isfinite(money.value_max) and money.value <= money.value_max


def check_spec(spec: Spec | None) -> None:
    if spec is not None:
        assert math.isfinite(spec.value) and spec.value >= 0


def check_money_matches(text: str, matches) -> None:
    assert isinstance(matches, list)
    for match in matches:
        assert 0 <= match.start < match.end <= len(text)
        check_money(match.money)


def check_spec_matches(text: str, matches) -> None:
    assert isinstance(matches, list)
    for match in matches:
        assert 0 <= match.start < match.end <= len(text)
        check_spec(match.spec)


def check_table_specs(text: str, found) -> None:
    assert isinstance(found, list)
    for item in found:
        assert 0 <= item.start < item.end <= len(text)
        assert item.subject and 0 <= item.subject_start < len(text)
        check_spec(item.spec)


def check_round(result) -> None:
    assert result is None or result in ROUND_NAMES


# --- strategies ----------------------------------------------------------------

# Whole pieces rather than single characters: "million" or "between" assembled
# letter by letter is too rare for the search to reach the code behind it.
MONEY_PIECES = [*"0123456789$€£¥.,-– ", "\n", "m", "b", "k", "bn", "mn", "M", "B", "K", "million", "billion",
                "trillion", "USD", "EUR", "US$", "HK$", "C$", "dollars", "euros", "cents", "to", "and", "between",
                "from", "about", "over", "up to", "more than", "half a", "a", "five", "MEUR"]
SPEC_PIECES = [*"0123456789.,|-x× ", "\n", "\t", "  ", "GB", "TB", "TB/s", "W", "kW", "TFLOPS", "petaflops",
               "HBM3e", "nm", "GHz", "parameters", "billion", "B", "K", "T", "tokens", "context window",
               "trained on", "FP8", "FP4", "Parameters", "TDP", "Memory", "Context window (tokens)", ":", "---",
               "over", "about", "cores", "transistors"]
ROUND_PIECES = [*"ABCDEFGH$0123456789.,+- ", "Series", "series", "pre-seed", "seed", "round", "M", "m", "bn",
                "USD ", "\n"]


def pieces(alphabet: list[str], max_size: int = 40) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(alphabet), max_size=max_size).map("".join)


def pipe_tables(alphabet: list[str]) -> st.SearchStrategy[str]:
    """Pipe tables (with and without a rule line) whose cells are drawn from ``alphabet``."""
    cell = pieces(alphabet, max_size=4)
    row = st.lists(cell, min_size=1, max_size=4).map(lambda cells: "| " + " | ".join(cells) + " |")
    rule = st.just("|---|---|---|")
    return st.lists(st.one_of(row, rule), max_size=6).map("\n".join)


# Letters a case-insensitive regex takes for ASCII ones (see CASE_FOLD_TRAPS).
FOLDING = ["ſ", "ı", "İ", "\u212a"]
MONEY_TEXT = st.one_of(st.text(), pieces(MONEY_PIECES + FOLDING))
SPEC_TEXT = st.one_of(st.text(), pieces(SPEC_PIECES + FOLDING), pipe_tables(SPEC_PIECES + FOLDING))
ROUND_TEXT = st.one_of(st.text(), pieces(ROUND_PIECES + FOLDING))


# --- 1a-c: the parsers never raise ---------------------------------------------

@settings(max_examples=400, deadline=None, database=None)
@given(text=MONEY_TEXT)
def test_money_parsers_never_raise(text):
    check_money_matches(text, find_money(text))
    check_money(parse_money(text))


@settings(max_examples=300, deadline=None, database=None)
@given(text=SPEC_TEXT)
def test_spec_parsers_never_raise(text):
    check_spec_matches(text, find_specs(text))
    check_spec(parse_spec(text))
    check_table_specs(text, find_table_specs(text))


@settings(max_examples=300, deadline=None, database=None)
@given(text=ROUND_TEXT)
def test_find_round_never_raises(text):
    check_round(find_round(text))


# re.IGNORECASE lets "ſ" (long s) match "s" and "ı"/"İ" (Turkish dotless and
# dotted i) match "i", but str.lower() does not map them back: a lookup of the
# matched form in a lower-cased table raised KeyError until the parsers looked
# words up by pipeline.parsing.numbers.fold.
CASE_FOLD_TRAPS = [
    ("money-prefix-Rs", find_money, "Rſ 5"),
    ("money-prefix-S$", find_money, "ſ$5"),
    ("money-suffix-dollars", find_money, "5 dollarſ"),
    ("money-multiplier-billion", find_money, "$5 bıllion"),
    ("money-qualifier-some", find_money, "ſome $5"),
    ("money-qualifier-in-excess-of", find_money, "İn excess of $5"),
    ("spec-unit-parameters", find_specs, "405 billion parameterſ"),
    ("spec-label-parameters", find_specs, "Parameterſ: 405B"),
    ("spec-qualifier-some", find_specs, "ſome 5 tokens per second"),
    ("table-cell-parameters", find_table_specs, "| Model | Parameters |\n|---|---|\n| K-9 | 9 billion parameterſ |"),
    ("round-series-b", find_round, "a ſeries B"),
    ("round-seed", find_round, "a ſeed round"),
]


@pytest.mark.parametrize("parse,text", [(p, t) for _, p, t in CASE_FOLD_TRAPS], ids=[i for i, _, _ in CASE_FOLD_TRAPS])
def test_case_folded_letters_do_not_break_parsers(parse, text):
    result = parse(text)
    assert result  # read as the ASCII word it stands for


def test_case_folded_letter_in_an_article(full_nlp):
    doc = full_nlp("Acme raised $5 bıllion in a Series B.")
    assert [(m["value"], m["unit"]) for m in doc._.money] == [(5_000_000_000, "USD")]


# The Kelvin sign also case-folds to an ASCII letter, but .lower() maps it to
# "k", so it is read; it shows the traps above are about the lookup, not the regex.
def test_kelvin_sign_reads_as_thousands():
    money = parse_money("$5\u212a")
    assert money is not None and (money.value, money.unit) == (5000.0, "USD")


# --- 1d: the ingest layer ----------------------------------------------------------

SUFFIXES = (".txt", ".md", ".html", ".jsonl", ".png", "")
SUFFIX_IDS = [s or "no-suffix" for s in SUFFIXES]


def check_rows(data: bytes, suffix: str, items: list) -> None:
    shown = "f" + suffix
    assert items
    for item in items:
        assert isinstance(item, DocumentRow)
        assert item.status in {"ok", "skipped", "error"}
        assert item.path == shown and item.doc_id.startswith(shown)
        # extract.process_files sends exactly the Article items to the pipeline.
        assert isinstance(item, Article) == (item.status == "ok")
        if isinstance(item, Article):
            assert item.text.strip()
        else:
            assert item.error


@pytest.mark.parametrize("suffix", SUFFIXES, ids=SUFFIX_IDS)
@settings(max_examples=120, deadline=None, database=None)
@given(data=st.binary())
def test_parse_file_turns_any_bytes_into_rows(suffix, data):
    shown = "f" + suffix
    check_rows(data, suffix, list(parse_file(data, shown, shown)))


ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1")
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20))
JSON_VALUES = st.recursive(
    JSON_SCALARS, lambda kids: st.one_of(st.lists(kids, max_size=3), st.dictionaries(st.text(max_size=5), kids, max_size=3)),
    max_leaves=8,
)
RECORD_KEYS = ("id", "text", "body", "content", "title", "published", "date", "source", "sitename", "url")
RECORDS = st.dictionaries(st.sampled_from(RECORD_KEYS), st.one_of(JSON_VALUES, pieces(MONEY_PIECES)), max_size=5)
JSONL = st.lists(st.one_of(RECORDS.map(json.dumps), JSON_VALUES.map(json.dumps), st.text(max_size=20)),
                 max_size=5).map("\n".join)
YAML_GARBAGE = pieces([*":-[]{}!&*#|>'\" \n", "title", "date", "2024-01-01", "2024-13-45", "!!binary", "null",
                       "---", "Acme"], max_size=20)
FRONT_MATTER = st.one_of(
    st.dictionaries(st.sampled_from(("title", "date", "published", "source", "url")), JSON_SCALARS, max_size=4)
    .map(lambda meta: yaml.safe_dump(meta, allow_unicode=True)),
    YAML_GARBAGE,
)
MARKDOWN = st.tuples(st.booleans(), FRONT_MATTER, pieces([*MONEY_PIECES, "# ", "**", "[", "](", ")", "| a | b |\n",
                                                         "|---|---|\n", "> ", "- ", "```"])).map(
    lambda parts: (f"---\n{parts[1]}\n---\n" if parts[0] else "") + parts[2]
)
HTML = pieces(["<html>", "<head>", "<title>", "</title>", "<body>", "<article>", "<p>", "</p>", "<div>", "</div>",
               "<h1>", "</h1>", "<script>", "<!--", "-->", "<br/>", "&amp;", "&#0;", "&#x110000;", "<table>",
               "<tr><td>", "<meta charset='utf-16'>", "<?xml version='1.0'?>",
               " Acme raised $5 million in a Series A round led by Harbor Peak. "], max_size=30)
STRUCTURED = {".txt": pieces(MONEY_PIECES), ".md": MARKDOWN, ".html": HTML, ".jsonl": JSONL,
              ".png": st.text(), "": st.text()}


@pytest.mark.parametrize("suffix", SUFFIXES, ids=SUFFIX_IDS)
@settings(max_examples=80, deadline=None, database=None)
@given(data=st.data(), encoding=st.sampled_from(ENCODINGS))
def test_parse_file_turns_almost_valid_files_into_rows(suffix, data, encoding):
    # Random bytes rarely get past decoding; text shaped like each format reaches
    # the front matter, JSON and HTML readers behind it.
    raw = data.draw(STRUCTURED[suffix]).encode(encoding, errors="replace")
    shown = "f" + suffix
    check_rows(raw, suffix, list(parse_file(raw, shown, shown)))


@settings(max_examples=500, deadline=None, database=None)
@given(data=st.one_of(st.binary(), st.text().map(lambda t: t.encode("utf-8"))))
def test_decode_returns_text_or_input_error(data):
    try:
        text, encoding = decode(data)
    except InputError:
        return
    assert isinstance(text, str)
    assert isinstance(encoding, str) and encoding


HOSTILE_FILES = [
    ("jsonl-nested-100k-deep", ".jsonl", b"[" * 100_000),
    ("jsonl-5000-digit-id", ".jsonl", b'{"text": "Acme raised $5 million.", "id": ' + b"9" * 5000 + b"}"),
    ("jsonl-only-nbsp", ".jsonl", b"\xa0"),
    ("jsonl-only-line-separator", ".jsonl", "\u2028\n\u00a0".encode()),
    ("txt-utf16-bom-odd-length", ".txt", b"\xff\xfeA"),
    ("txt-utf8-bom-then-junk", ".txt", b"\xef\xbb\xbf\xff\xfe"),
    ("md-yaml-alias-loop", ".md", b"---\na: &a [*a]\n---\nAcme raised $5M."),
    ("md-yaml-python-tag", ".md", b"---\ntitle: !!python/name:os.system\n---\nbody"),
    ("md-deep-blockquote", ".md", b">" * 100_000 + b" a"),
    ("html-deep-divs", ".html", b"<div>" * 100_000 + b"x"),
    ("html-bad-char-ref", ".html", b"<p>&#x110000; Acme raised $5 million in a seed round.</p>"),
    ("txt-nbsp-only", ".txt", b"\xa0"),
]


@pytest.mark.parametrize("suffix,data", [(x, d) for _, x, d in HOSTILE_FILES], ids=[n for n, _, _ in HOSTILE_FILES])
def test_hostile_files_become_rows(suffix, data):
    shown = "f" + suffix
    items = list(parse_file(data, shown, shown))
    assert items
    check_rows(data, suffix, items)


# JSON that json.loads refuses with other errors than JSONDecodeError, and a
# feed of nothing but Unicode spaces (it passes the bytes-level empty check).
JSONL_TRAPS = [
    ("nested-100k-deep", b"[" * 100_000, "error", "line 1: invalid JSON (nested too deeply)"),
    ("5000-digit-id", b'{"text": "Acme.", "id": ' + b"9" * 5000 + b"}", "error", "line 1: invalid JSON (Exceeds"),
    ("only-unicode-spaces", "\u2028\n\u00a0".encode(), "skipped", "empty file (no records)"),
]


@pytest.mark.parametrize("data,status,error", [t[1:] for t in JSONL_TRAPS], ids=[t[0] for t in JSONL_TRAPS])
def test_jsonl_traps_are_rows(data, status, error):
    [row] = parse_file(data, "f.jsonl", "f.jsonl")
    assert row.status == status and row.error.startswith(error)


# --- 1e: a written amount reads back as its value -----------------------------------

# (template, currency form, where the table declares it, ISO code). {n} is the
# number, {m} the magnitude with its joiner.
WRITTEN_STYLES = [
    ("${n}{m}", "$", "prefix", "USD"),
    ("US${n}{m}", "US$", "prefix", "USD"),
    ("U.S. ${n}{m}", "U.S. $", "prefix", "USD"),
    ("USD {n}{m}", "USD", "prefix", "USD"),
    ("USD{n}{m}", "USD", "prefix", "USD"),
    ("€{n}{m}", "€", "prefix", "EUR"),
    ("EUR {n}{m}", "EUR", "prefix", "EUR"),
    ("£{n}{m}", "£", "prefix", "GBP"),
    ("GBP {n}{m}", "GBP", "prefix", "GBP"),
    ("¥{n}{m}", "¥", "prefix", "JPY"),
    ("C${n}{m}", "C$", "prefix", "CAD"),
    ("A${n}{m}", "A$", "prefix", "AUD"),
    ("HK${n}{m}", "HK$", "prefix", "HKD"),
    ("₹{n}{m}", "₹", "prefix", "INR"),
    ("Rs. {n}{m}", "Rs.", "prefix", "INR"),
    ("CHF {n}{m}", "CHF", "prefix", "CHF"),
    ("{n}{m} dollars", "dollars", "suffix", "USD"),
    ("{n}{m} US dollars", "US dollars", "suffix", "USD"),
    ("{n}{m} USD", "USD", "suffix", "USD"),
    ("{n}{m} euros", "euros", "suffix", "EUR"),
    ("{n}{m} pounds", "pounds", "suffix", "GBP"),
    ("{n}{m} yen", "yen", "suffix", "JPY"),
    ("{n}{m} yuan", "yuan", "suffix", "CNY"),
    ("{n}{m} Swiss francs", "Swiss francs", "suffix", "CHF"),
]
STYLE_IDS = [template.format(n="N", m="M") for template, *_ in WRITTEN_STYLES]


@pytest.mark.parametrize("template,form,side,code", WRITTEN_STYLES, ids=STYLE_IDS)
def test_written_styles_use_declared_forms(template, form, side, code):
    # The round trip below must only exercise what currencies.jsonl declares.
    assert form in CURRENCIES[code][side]


def magnitudes() -> st.SearchStrategy[tuple[str, str]]:
    """A magnitude from magnitudes.json with a joiner news uses: abbreviations
    glued or spaced ("$14.6bn", "$14.6 bn"), words spaced or hyphenated."""
    def joiners(word: str) -> st.SearchStrategy[tuple[str, str]]:
        if len(word) <= 3:
            return st.sampled_from([("", word), (" ", word)])
        return st.sampled_from([(" ", word), ("-", word), (" ", word.title())])
    return st.sampled_from(sorted(KNOWLEDGE.multipliers)).flatmap(joiners)


@settings(max_examples=400, deadline=None, database=None)
@given(style=st.sampled_from(WRITTEN_STYLES), cents=st.integers(100, 99_999), magnitude=magnitudes())
def test_amount_with_magnitude_round_trips(style, cents, magnitude):
    template, _, _, code = style
    joiner, word = magnitude
    number = Decimal(cents) / 100  # 1.00 to 999.99
    written = f"{number.normalize():f}"  # "14.6", not "14.60" or "1.46E+1"
    text = template.format(n=written, m=joiner + word)
    money = parse_money(text)
    assert money is not None, text
    expected = float(number * Decimal(str(MULTIPLIERS[word.lower()])))
    assert money.unit == code, text
    assert math.isclose(money.value, expected, rel_tol=1e-9), (text, money.value, expected)


@settings(max_examples=300, deadline=None, database=None)
@given(style=st.sampled_from(WRITTEN_STYLES), whole=st.integers(1_000, 999_999_999), cents=st.integers(0, 99),
       with_cents=st.booleans())
def test_full_figure_round_trips(style, whole, cents, with_cents):
    # "$1,250,000" and "$1,250,000.50": thousands separators, no magnitude word.
    template, _, _, code = style
    written = f"{whole:,}" + (f".{cents:02d}" if with_cents else "")
    text = template.format(n=written, m="")
    money = parse_money(text)
    assert money is not None, text
    assert money.unit == code, text
    expected = float(Decimal(whole) + (Decimal(cents) / 100 if with_cents else 0))
    assert math.isclose(money.value, expected, rel_tol=1e-9), (text, money.value, expected)


# The brief's own examples, spelled out so a failure names a form a reader knows.
READ_BACK = [
    ("$14.6 billion", 14.6e9, "USD"),
    ("$14.6bn", 14.6e9, "USD"),
    ("US$14.6 billion", 14.6e9, "USD"),
    ("€460 million", 460e6, "EUR"),
    ("EUR 460 million", 460e6, "EUR"),
    ("£2.5m", 2.5e6, "GBP"),
    ("$1,250,000", 1_250_000.0, "USD"),
    ("USD 3.4 million", 3.4e6, "USD"),
    ("₹3.5 crore", 35e6, "INR"),
    ("$999.99 trillion", 999.99e12, "USD"),
]


@pytest.mark.parametrize("text,value,unit", READ_BACK, ids=[r[0] for r in READ_BACK])
def test_news_styles_read_back(text, value, unit):
    money = parse_money(text)
    assert money is not None
    assert money.unit == unit
    assert math.isclose(money.value, value, rel_tol=1e-9)


# --- 2: pathological input finishes ---------------------------------------------------

PATHOLOGICAL = [
    ("digits-100k", "1" * 100_000),
    ("dollar-then-100k-nines", "$" + "9" * 100_000),
    ("dollar-signs-100k", "$" * 100_000),
    ("dollar-then-50k-one-comma", "$" + "1," * 50_000),
    # spaCy's nlp.max_length is 1,000,000 characters; this is exactly at it.
    ("one-word-1m-chars", "a" * 1_000_000),
    ("dots-100k", "." * 100_000),
    ("one-dot-50k", "1." * 50_000),
    ("pipe-row-50k-cells", "| " * 50_000 + "\n"),
    ("dashes-100k", "-" * 100_000),
]
PARSERS = [
    ("find_money", find_money, check_money_matches),
    ("find_specs", find_specs, check_spec_matches),
    ("find_table_specs", find_table_specs, check_table_specs),
    ("find_round", find_round, lambda text, result: check_round(result)),
]
@pytest.fixture(scope="module")
def full_nlp():
    return make_nlp()


# The timeouts below are hang guards, not speed measurements: every case takes
# well under a few seconds, and 60 s only stops a catastrophic backtrack from
# stalling the suite.
@pytest.mark.timeout(60)
@pytest.mark.parametrize("name,parse,check", PARSERS, ids=[p[0] for p in PARSERS])
@pytest.mark.parametrize("text", [t for _, t in PATHOLOGICAL], ids=[n for n, _ in PATHOLOGICAL])
def test_parsers_finish_on_pathological_text(text, name, parse, check):
    check(text, parse(text))


# spaCy's tokenizer strips affixes one character at a time and searches the
# rest each time, so 100,000 "$" once took hours; pipeline.tokenizer keeps a
# run that long as one token (LONG_RUN).
@pytest.mark.timeout(60)
@pytest.mark.parametrize("text", [t for _, t in PATHOLOGICAL], ids=[n for n, _ in PATHOLOGICAL])
def test_pipeline_finishes_on_pathological_text(full_nlp, text):
    doc = full_nlp(text)
    assert doc.text == text
    assert all(0 <= ent.start_char < ent.end_char <= len(text) for ent in doc.ents)
