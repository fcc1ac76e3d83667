"""Tokenizer changes for financial and hardware news.

Money and specs are found on the raw text and aligned to tokens afterwards, so
the default English rules can stay: the changes are special cases only.

They must be applied before any pattern is added: phrase patterns are
tokenised with this tokenizer, and a pattern tokenised differently from the
text silently never matches.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.symbols import ORTH
from spacy.util import compile_suffix_regex

# Abbreviations that end in a period but never end a sentence in this genre.
# "A/S" is a Danish and Norwegian legal form, one word like "GmbH" (cues.json's legal_suffixes).
SPECIAL_CASES = ["No.", "Nos.", "approx.", "est.", "vs.", "Jr.", "Sr.", "St.", "A/S"]


# A full stop after a number with an upper-case unit or part suffix.
UNIT_STOPS = [r"(?<=\d[A-Z])\.", r"(?<=\d[A-Z]{2})\.", r"(?<=\d[A-Z]{3})\."]

# A run without spaces this long is no word of news (a data blob, a line of
# "$" signs) and is kept as one token. spaCy strips affixes one character at a
# time and searches the whole rest of the run each time, so such a run would
# take time growing with the square of its length: 100,000 "$" take hours.
LONG_RUN = r"(?s).{500,}\Z"


def customize_tokenizer(nlp: Language) -> None:
    tokenizer = nlp.tokenizer
    # English keeps "m." or "s." whole as a lower-case initial; in this genre it is
    # a unit before a full stop ("$5m.", "4.8 TB/s."), which must end the sentence.
    tokenizer.rules = {
        key: value for key, value in tokenizer.rules.items()
        if not (len(key) == 2 and key[1] == "." and key[0].isalpha() and key[0].islower())
    }
    # English splits a final "." only after a lower-case letter or a digit, to keep
    # "U.S." whole; "$5B.", "750W." and "MI300X." end sentences all the same.
    suffixes = [*nlp.Defaults.suffixes, *UNIT_STOPS]
    tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    tokenizer.token_match = re.compile(LONG_RUN).match
    for case in SPECIAL_CASES:
        tokenizer.add_special_case(case, [{ORTH: case}])
    # ... and ends a sentence with its full stop split off: "sold to Salling Group A/S."
    tokenizer.add_special_case("A/S.", [{ORTH: "A/S"}, {ORTH: "."}])
