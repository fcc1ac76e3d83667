"""Tokenizer changes for financial and hardware news.

They must be applied before any pattern is added: phrase patterns are
tokenised with this tokenizer, and a pattern tokenised differently from the
text silently never matches.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.symbols import ORTH
from spacy.util import compile_infix_regex, compile_suffix_regex

# Unit and magnitude abbreviations glued to a number split off it: "1.5B",
# "500bn", "3nm", "1.2kW", "4.8TB/s" (only after a digit, so "GB200" and
# "MI300X" stay whole).
NUMBER_SUFFIXES = [
    r"(?<=[0-9])(?:TB/s|GB/s|TBps|GBps|bn|mn|tn|mln|bln|TFLOPS|PFLOPS|EFLOPS|GB|TB|MB|GiB|kW|MW|GW|nm|W|B|M|K|k|m|b|T)",
]
# "$10-$12 billion": a hyphen between a digit and a currency sign is a range.
INFIXES = [r"(?<=[0-9])[-–](?=[$€£¥])"]
# Abbreviations that end in a period but never end a sentence in this genre.
SPECIAL_CASES = ["No.", "Nos.", "approx.", "est.", "vs.", "Jr.", "Sr.", "St."]


def customize_tokenizer(nlp: Language) -> None:
    tokenizer = nlp.tokenizer
    suffixes = list(nlp.Defaults.suffixes or []) + NUMBER_SUFFIXES
    tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    infixes = list(nlp.Defaults.infixes or []) + INFIXES
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    for case in SPECIAL_CASES:
        tokenizer.add_special_case(case, [{ORTH: case}])
