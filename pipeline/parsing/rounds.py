"""Round names: "Series B" becomes ``series_b``, "pre-seed" ``pre_seed``.

The names and the ways articles write them live in ``patterns/rounds.jsonl``
(``{"round", "forms"}``), so a source with its own conventions ("Pre-A",
"A+ round") adds forms without code. Forms match case-insensitively, as whole
words, except a round's letter, which articles capitalise: "a round" is no
"A round". At one place the longest form wins, so "Series A+" beats "Series A".
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.knowledge import Knowledge, default_knowledge
from pipeline.parsing.numbers import alternation, fold

# A lone lower-case letter in a matched form: "in a round" is the article, not round A.
LOWER_LETTER = re.compile(r"(?<![\w+])[a-z](?![\w+])")

# Newsletter shorthand: "$30M A, Sequoia lead", "$87M B @ $1.1B post": a round letter right after the amount.
SHORT_ROUND = re.compile(r"(?:[$€£¥]|\b[A-Z]{3}\s?)[\d.,]+\s?(?:[KMB]|bn|mn|m|k)\s([A-H])(?=[\s,.;]|$)")


@lru_cache(maxsize=8)
def round_grammar(knowledge: Knowledge) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """The pattern of every form, and each lower-cased form's round name."""
    names = {" ".join(form.lower().split()): record["round"] for record in knowledge.rounds
             for form in record.get("forms", ())}
    if not names:
        return None, names
    return re.compile(rf"(?<![\w-])(?:{alternation(names)})(?![\w])", re.I), names


def find_round(text: str, knowledge: Knowledge | None = None) -> str | None:
    """The first round ``text`` names, or None.

    >>> find_round("Quorra closed a $12 million Series B led by Harbor Peak.")
    'series_b'
    >>> find_round("the pre-seed round")
    'pre_seed'
    >>> find_round("$30M A, Harbor Peak lead")
    'series_a'
    >>> find_round("Quorra raised $12 million from seedlings.") is None
    True
    >>> find_round("Quorra raised $12 million in a round led by Harbor Peak.") is None
    True
    """
    pattern, names = round_grammar(knowledge or default_knowledge())
    for m in pattern.finditer(text) if pattern else ():
        if not LOWER_LETTER.search(m.group(0)):
            return names[" ".join(fold(m.group(0)).split())]
    short = SHORT_ROUND.search(text)
    if short and f"series_{short.group(1).lower()}" in names.values():
        return f"series_{short.group(1).lower()}"
    return None
