"""Numbers as news writes them: digits with separators, number words, fractions,
and magnitude words or abbreviations ("14.6 billion", "$1.5B", "half a billion").

Every regular expression here is built from alternations of literal words and
bounded repetitions, so matching stays linear on hostile input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from pipeline.knowledge import Knowledge, default_knowledge

# Digits with optional thousands separators (western "1,234,567" and Indian
# "12,34,567") and decimals. Bounded so a 100,000-digit run cannot backtrack.
DIGITS = r"(?:\d{1,15}(?:,\d{2,3}){0,8}(?:\.\d{1,12})?|\.\d{1,12})"


# Python's case-insensitive regex matching takes these letters for "i", "i"
# and "s", but str.lower() keeps them apart: a word matched with them is
# looked up by its folded form, or the lookup fails.
CASE_FOLDS = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})


def fold(text: str) -> str:
    """The key a word matched case-insensitively is looked up by.

    >>> fold("Bıllion"), fold("SERİES"), fold("ſeries")
    ('billion', 'series', 'series')
    """
    return text.translate(CASE_FOLDS).lower()


def alternation(words) -> str:
    """Regex alternation of literal words, longest first so "mn" wins over "m"."""
    unique = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in unique)


@dataclass(frozen=True)
class NumberGrammar:
    number: str  # regex for a bare number (digits or words)
    magnitude: str  # regex for a multiplier word / abbreviation
    multipliers: dict[str, float]
    number_words: dict[str, float]
    fractions: dict[str, float]


@lru_cache(maxsize=8)
def number_grammar(knowledge: Knowledge | None = None) -> NumberGrammar:
    kn = knowledge or default_knowledge()
    multipliers = {k.lower(): float(v) for k, v in kn.multipliers.items()}
    words = {k: float(v) for k, v in kn.number_words.items() if v is not None and k not in ("a", "an")}
    magnitude = rf"(?:{alternation(multipliers)})(?![^\W\d_])"
    word = rf"(?:{alternation(words)})"
    # "a"/"an" and fractions only count as numbers before a multiplier spelled as
    # a word: "a billion dollars", "half a billion dollars", but not "at USD"
    # read as "a" + "t" (trillion).
    spelled = [m for m in multipliers if len(m) >= 3]
    before_magnitude = rf"(?=[\s-]{{1,3}}(?:{alternation(spelled)})(?![^\W\d_]))"
    fraction = rf"(?:{alternation(kn.fractions)}){before_magnitude}"
    article = rf"(?:an?){before_magnitude}"
    number = (
        rf"(?:{DIGITS}|(?<![^\W\d_]){fraction}|(?<![^\W\d_])(?:{word})(?:[\s-]{{1,3}}(?:{word})){{0,2}}(?![^\W\d_])"
        rf"|(?<![^\W\d_]){article})"
    )
    return NumberGrammar(number, magnitude, multipliers, words, {k.lower(): v for k, v in kn.fractions.items()})


def number_value(text: str, grammar: NumberGrammar | None = None) -> Decimal | None:
    """Value of a number written in digits or words.

    >>> number_value("1,234.5")
    Decimal('1234.5')
    >>> int(number_value("twenty five"))
    25
    >>> number_value("half a")
    Decimal('0.5')
    >>> number_value("lots") is None
    True
    """
    g = grammar or number_grammar()
    cleaned = " ".join(fold(text).replace("-", " ").split())
    if not cleaned:
        return None
    if cleaned[0].isdigit() or cleaned[0] == ".":
        try:
            return Decimal(cleaned.replace(",", "").replace(" ", ""))
        except InvalidOperation:
            return None
    if cleaned in g.fractions:
        return Decimal(str(g.fractions[cleaned]))
    if cleaned in ("a", "an"):
        return Decimal(1)
    total = Decimal(0)
    current = Decimal(0)
    for word in cleaned.split():
        if word not in g.number_words:
            return None
        value = Decimal(str(g.number_words[word]))
        if value >= 100:
            current = (current or Decimal(1)) * value
            if value >= 1000:
                total, current = total + current, Decimal(0)
        else:
            current += value
    return total + current


def multiplier_value(text: str | None, grammar: NumberGrammar | None = None) -> Decimal:
    """Multiplier for a magnitude word; 1 when there is none.

    >>> [int(multiplier_value(w)) for w in ("bn", "M", "k", None)]
    [1000000000, 1000000, 1000, 1]
    """
    if not text:
        return Decimal(1)
    g = grammar or number_grammar()
    return Decimal(str(g.multipliers[fold(text)]))


def as_number(value: Decimal) -> float:
    """A Decimal as a float, exact for the magnitudes news uses."""
    return float(value)
