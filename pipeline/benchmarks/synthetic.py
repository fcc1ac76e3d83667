"""A synthetic corpus for benchmarks: N articles made from real ones.

Each article is one of the given articles with its companies, money amounts
and chips swapped for others (a consistent swap within the article), so the
pipeline does the same kind of work as on real news, on text it has not
seen, at any size.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

# Name parts for synthetic companies: two invented syllable stems and a
# suffix give well over 50,000 distinct names that read like real ones.
ONSETS = ("b", "br", "c", "ch", "d", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "qu", "r", "s", "st", "t", "tr",
          "v", "w", "z")
VOWELS = ("a", "e", "i", "o", "u", "ae", "io", "ou")
CODAS = ("", "n", "r", "l", "x", "th", "m", "s", "v")
SUFFIXES = ("Labs", "Systems", "Compute", "AI", "Robotics", "Capital", "Ventures", "Semiconductor", "Networks",
            "Data", "Cloud", "Technologies", "Partners", "Dynamics", "Silicon")


def synthetic_names(n: int, seed: int = 7) -> list[str]:
    """``n`` distinct company names, the same for the same seed.

    >>> names = synthetic_names(1000)
    >>> len(names), len(set(names))
    (1000, 1000)
    >>> synthetic_names(3) == synthetic_names(3)
    True
    """
    stems = ["".join(parts).capitalize() for parts in itertools.product(ONSETS, VOWELS, CODAS)]
    rng = random.Random(seed)
    names: dict[str, None] = {}
    while len(names) < n:
        first, second = rng.choice(stems), rng.choice(stems).lower()
        names[f"{first}{second} {rng.choice(SUFFIXES)}"] = None
    return list(names)



# Swapped-in amounts, written the ways news writes them.
AMOUNT_FORMS = ("${n} million", "${n}.{d} billion", "€{n} million", "${n}M", "US${n} million", "{n} million dollars")
SWAPPED = ("ORG", "MONEY", "CHIP")
# Files per subfolder: big folders are walked one subfolder at a time.
FILES_PER_FOLDER = 1000


@dataclass
class Template:
    """An article and the entities to swap: ``(start, end, label, text)``."""

    text: str
    spans: list[tuple[int, int, str, str]]


def templates_of(nlp, texts: Iterable[str]) -> list[Template]:
    templates = []
    for doc in nlp.pipe(texts):
        spans = [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents if e.label_ in SWAPPED]
        templates.append(Template(doc.text, spans))
    return templates


def chip_names(nlp_knowledge) -> list[str]:
    """The built-in chip names written as single phrases (so vendors still resolve)."""
    return sorted({p["pattern"] for p in nlp_knowledge.ruler_patterns
                   if p["label"] == "CHIP" and isinstance(p["pattern"], str)})


def variant(template: Template, rng: random.Random, companies: list[str], chips: list[str]) -> str:
    """The template with each distinct entity swapped, the same way every time it occurs."""
    swaps: dict[tuple[str, str], str] = {}
    parts, last = [], 0
    for start, end, label, text in template.spans:
        key = (label, text)
        if key not in swaps:
            if label == "ORG":
                swaps[key] = rng.choice(companies)
            elif label == "CHIP":
                swaps[key] = rng.choice(chips)
            else:
                form = rng.choice(AMOUNT_FORMS)
                swaps[key] = form.format(n=rng.randint(2, 950), d=rng.randint(1, 9))
        parts.append(template.text[last:start])
        parts.append(swaps[key])
        last = end
    parts.append(template.text[last:])
    return "".join(parts)


def write_corpus(folder: Path, templates: list[Template], n: int, companies: list[str], chips: list[str],
                 seed: int = 11) -> int:
    """Write ``n`` articles as .txt files under ``folder``; return their number of words."""
    rng = random.Random(seed)
    words = 0
    for i in range(n):
        text = variant(templates[i % len(templates)], rng, companies, chips)
        path = folder / f"part_{i // FILES_PER_FOLDER:04d}" / f"article_{i:07d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        words += len(text.split())
    return words
