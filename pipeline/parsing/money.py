"""Find and normalise money amounts.

``find_money`` scans running text and returns every amount with its character
offsets; ``parse_money`` reads one amount. Both are pure functions driven by the
lookup tables in ``patterns/`` (currencies.jsonl, magnitudes.json, qualifiers.json).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from pipeline.knowledge import Knowledge, default_knowledge
from pipeline.parsing.numbers import (
    NumberGrammar,
    alternation,
    as_number,
    fold,
    multiplier_value,
    number_grammar,
    number_value,
)
from pipeline.records import Money

# How far back (in characters) a qualifier or "between" may stand before an amount.
QUALIFIER_WINDOW = 40


@dataclass(frozen=True)
class MoneyMatch:
    start: int
    end: int
    money: Money


@dataclass(frozen=True)
class _Amount:
    start: int
    end: int
    unit: str
    number: Decimal
    multiplier: Decimal | None  # None when no magnitude word was written
    scale: Decimal = Decimal(1)  # of the currency form: 1/100 for "cents", 10**6 for "MEUR"


class MoneyGrammar:
    """Compiled money regexes for one set of knowledge tables."""

    def __init__(self, knowledge: Knowledge):
        self.numbers: NumberGrammar = number_grammar(knowledge)
        # Each written form maps to (ISO code, scale): "MEUR" is EUR in millions,
        # "cents" is USD in hundredths. The first currency to claim a form keeps
        # it, so the order of currencies.jsonl decides that bare "cents" is USD.
        self.prefix_unit: dict[str, tuple[str, Decimal]] = {}
        self.suffix_unit: dict[str, tuple[str, Decimal]] = {}
        self.minor_words: dict[str, frozenset[str]] = {}
        self.minor_per_unit: dict[str, Decimal] = {}
        prefix_forms: list[str] = []
        suffix_forms: list[str] = []

        def add(table: dict, forms: list[str], form: str, code: str, scale: Decimal) -> None:
            table.setdefault(_norm(form), (code, scale))
            forms.append(form)

        for currency in knowledge.currencies:
            code = currency["code"]
            scaled = [(letter + code, Decimal(str(scale))) for letter, scale in knowledge.code_scales.items()
                      if re.fullmatch(r"[A-Z]{3}", code)]
            for form, scale in [(f, Decimal(1)) for f in currency.get("prefix", ())] + scaled:
                add(self.prefix_unit, prefix_forms, form, code, scale)
            for form, scale in [(f, Decimal(1)) for f in currency.get("suffix", ())] + scaled:
                add(self.suffix_unit, suffix_forms, form, code, scale)
            minor = currency.get("minor", ())
            if minor:
                per_unit = Decimal(str(currency.get("minor_per_unit", 100)))
                self.minor_words[code] = frozenset(_norm(w) for w in minor)
                self.minor_per_unit[code] = per_unit
                # A one-letter minor form ("p") is too ambiguous to stand alone.
                for word in minor:
                    if len(word) > 1 or not word.isalpha():
                        add(self.suffix_unit, suffix_forms, word, code, 1 / per_unit)
        num, mag = self.numbers.number, self.numbers.magnitude
        prefix = _currency_alternation(prefix_forms, suffix=False)
        suffix = _currency_alternation(suffix_forms, suffix=True)
        sep = r"[\s-]{0,3}"
        # A letter-initial currency form must start a word ("US$" but not "BUS$").
        prefix_form = (
            rf"(?P<pcur>{prefix})\s{{0,2}}(?P<pnum>{num})(?:{sep}(?P<pmag>{mag}))?"
        )
        suffix_form = (
            rf"(?P<snum>{num})(?:{sep}(?P<smag>{mag}))?{sep}(?P<scur>{suffix})"
            rf"(?:\s{{0,2}}(?P<smag2>{mag}))?"
        )
        # The pieces are tried at each position in this order: a currency sign
        # first, so "$ 75 million" is never read as "75 million" plus a stray "$".
        self.amount = re.compile(
            rf"(?<![^\W\d_])(?:{prefix_form})|(?<![\w.,])(?:{suffix_form})", re.IGNORECASE
        )
        minor = alternation({w for c in knowledge.currencies for w in c.get("minor", ())})
        # "3 dollars 50 cents", "15 dollars and 50.", "17 USD 25 more": a whole
        # amount followed by its minor part, named or (before a clause end) bare.
        self.minor_tail = re.compile(
            rf"\s{{1,2}}(?:and\s{{1,2}})?(?P<num>{num})(?:[\s-]{{0,2}}(?P<minor>{minor})(?![^\W\d_])"
            rf"|(?=\s{{0,2}}(?:[.,;:!?)]|$)|\s{{1,2}}(?:more|and|or)(?![^\W\d_])))",
            re.IGNORECASE,
        ) if minor else None
        self.range_tail = re.compile(
            rf"\s{{0,2}}(?:-|–|—|to)\s{{0,2}}(?P<num>{num})(?:{sep}(?P<mag>{mag}))?(?![\w$€£¥])",
            re.IGNORECASE,
        )
        qualifier_words = {w.lower(): name for name, words in knowledge.qualifiers.items() for w in words}
        self.qualifier_unit = qualifier_words
        self.qualifier_before = re.compile(
            rf"(?<![^\W\d_])(?P<q>{alternation(qualifier_words)})\s{{0,3}}$", re.IGNORECASE
        )
        self.between_before = re.compile(r"(?<![^\W\d_])between\s{1,3}$", re.IGNORECASE)
        self.from_before = re.compile(r"(?<![^\W\d_])from\s{1,3}$", re.IGNORECASE)
        self.range_join = re.compile(r"^\s{0,3}(?:-|–|—|to|and)\s{0,3}$", re.IGNORECASE)

    def minor_value(self, unit: str, number: Decimal, word: str | None) -> Decimal | None:
        """The minor part as a fraction of one unit, or None when it is not one."""
        per_unit = self.minor_per_unit.get(unit)
        if per_unit is None or not 0 < number < per_unit or number != number.to_integral_value():
            return None
        if word is not None and _norm(word) not in self.minor_words[unit]:
            return None
        return number / per_unit


def _norm(form: str) -> str:
    return fold(re.sub(r"\s+", "", form))


def _form_regex(form: str) -> str:
    """A currency form as regex: a space in the data matches one or two spaces.

    Spaced variants ("c $", "hk $") are listed in the data on purpose: "a $5m
    round" must stay dollars, so no space is ever allowed implicitly.
    """
    return r"\s{1,2}".join(re.escape(part) for part in form.split())


def _currency_alternation(forms, *, suffix: bool) -> str:
    ordered = sorted(forms, key=lambda f: (-len(f), f))
    words = [_form_regex(f) for f in ordered if f.replace(" ", "").replace(".", "").isalpha()]
    signs = [_form_regex(f) for f in ordered if not f.replace(" ", "").replace(".", "").isalpha()]
    parts = []
    if words:
        # A code glued to digits ("3 USD50") is written before its number.
        parts.append(rf"(?:{'|'.join(words)})" + (r"(?!\w)" if suffix else r"(?![^\W\d_])"))
    if signs:
        # After a number, a sign followed by another number starts the next amount.
        parts.append(rf"(?:{'|'.join(signs)})" + (r"(?!\s{0,2}\d)" if suffix else ""))
    return "|".join(parts)


@lru_cache(maxsize=8)
def money_grammar(knowledge: Knowledge | None = None) -> MoneyGrammar:
    return MoneyGrammar(knowledge or default_knowledge())


def _amounts(text: str, g: MoneyGrammar) -> list[_Amount]:
    found = []
    for m in g.amount.finditer(text):
        if m.group("pcur") is not None:
            unit, scale = g.prefix_unit[_norm(m.group("pcur"))]
            number = number_value(m.group("pnum"), g.numbers)
            mag = m.group("pmag")
        else:
            unit, scale = g.suffix_unit[_norm(m.group("scur"))]
            number = number_value(m.group("snum"), g.numbers)
            mag = m.group("smag") or m.group("smag2")
        if number is None:
            continue
        multiplier = multiplier_value(mag, g.numbers) if mag else None
        if scale != 1:
            multiplier = (multiplier or 1) * scale
        found.append(_Amount(m.start(), m.end(), unit, number, multiplier, scale))
    return found


def _with_minor_part(text: str, amount: _Amount, g: MoneyGrammar) -> tuple[Decimal, int] | None:
    """Value and end of "3 dollars 50 cents" when a minor part follows ``amount``."""
    if g.minor_tail is None or amount.multiplier is not None:
        return None
    tail = g.minor_tail.match(text, amount.end)
    if not tail:
        return None
    number = number_value(tail.group("num"), g.numbers)
    if number is None or amount.number != amount.number.to_integral_value():
        return None
    fraction = g.minor_value(amount.unit, number, tail.group("minor"))
    return None if fraction is None else (amount.number + fraction, tail.end())


def find_money(text: str, knowledge: Knowledge | None = None) -> list[MoneyMatch]:
    """Every money amount in ``text`` with its offsets.

    >>> [(m.start, m.end, m.money.value, m.money.unit) for m in find_money("It raised $2 billion.")]
    [(10, 20, 2000000000.0, 'USD')]
    >>> [m.money.qualifier for m in find_money("about €5m and up to £1bn")]
    ['about', 'up_to']
    >>> find_money("120 billion parameters in 2026")
    []
    """
    g = money_grammar(knowledge)
    amounts = _amounts(text, g)
    results: list[MoneyMatch] = []
    i = 0
    while i < len(amounts):
        first = amounts[i]
        before = text[max(0, first.start - QUALIFIER_WINDOW) : first.start]
        low = first.number * (first.multiplier or 1)
        # Two amounts joined by "-", "to" or "between ... and" form a range.
        if i + 1 < len(amounts):
            second = amounts[i + 1]
            joiner = text[first.end : second.start]
            if (
                g.range_join.match(joiner)
                and (second.unit, second.scale) == (first.unit, first.scale)
                and ("and" not in joiner.lower() or g.between_before.search(before))
                and not (joiner.strip().lower() == "to" and g.from_before.search(before))
            ):
                high = second.number * (second.multiplier or 1)
                if first.multiplier is None and second.multiplier is not None:
                    shared = first.number * second.multiplier
                    if shared <= high:
                        low = shared
                if low <= high:
                    results.append(
                        MoneyMatch(first.start, second.end, Money(value=as_number(low), unit=first.unit,
                                                                  qualifier="range", value_max=as_number(high)))
                    )
                    i += 2
                    continue
        # "$10-12 billion": a bare number after the amount shares its currency.
        tail = g.range_tail.match(text, first.end)
        if tail and not g.from_before.search(before):
            tail_number = number_value(tail.group("num"), g.numbers)
            tail_mult = multiplier_value(tail.group("mag"), g.numbers) if tail.group("mag") else first.multiplier
            if tail_number is not None:
                high = tail_number * (tail_mult or 1)
                if first.multiplier is None and tail_mult is not None and first.number * tail_mult <= high:
                    low = first.number * tail_mult
                if low < high:
                    results.append(
                        MoneyMatch(first.start, tail.end(), Money(value=as_number(low), unit=first.unit,
                                                                  qualifier="range", value_max=as_number(high)))
                    )
                    i += 1
                    continue
        end = first.end
        compound = _with_minor_part(text, first, g)
        if compound:
            low, end = compound
            while i + 1 < len(amounts) and amounts[i + 1].start < end:
                i += 1
        qualifier = "exact"
        q = g.qualifier_before.search(before)
        if q:
            qualifier = g.qualifier_unit[" ".join(fold(q.group("q")).split())]
        results.append(MoneyMatch(first.start, end, Money(value=as_number(low), unit=first.unit,
                                                          qualifier=qualifier)))
        i += 1
    return results


def parse_money(text: str, knowledge: Knowledge | None = None) -> Money | None:
    """Read one money expression; None when ``text`` holds no amount.

    >>> parse_money("$14.6 billion")
    Money(value=14600000000.0, unit='USD', qualifier='exact', value_max=None)
    >>> parse_money("between $450 million and $500 million").value_max
    500000000.0
    >>> parse_money("$10-$12 billion").value
    10000000000.0
    >>> parse_money("half a billion dollars").value
    500000000.0
    >>> parse_money("hk $ 10.05 billion").unit
    'HKD'
    >>> parse_money("1 billion transactions") is None
    True
    """
    found = find_money(text, knowledge)
    return found[0].money if found else None
