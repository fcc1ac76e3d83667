"""Shorter forms a company's name takes later in the same article.

News introduces a company once in full and then shortens it: "General Motors
Corporation (GM)" is "GM" from then on, "European Aeronautic Defence and
Space Company" is "EADS". These functions only compute the candidate forms;
the company finder decides which of them the document really uses.
"""

from __future__ import annotations

import re

# Words of a name split at spaces and hyphens: "Rolls-Royce" gives R and R.
WORD_BREAK = re.compile(r"[\s\-]+")


def acronyms(name: str, designators: frozenset[str] = frozenset()) -> frozenset[str]:
    """The initials a name may be abbreviated to: of every capitalised word, and
    again without the designators closing it ("Company", "Corporation").
    Lower-case words ("of", "and") and "&" are skipped, as acronyms do. A name
    of fewer than two capitalised words has no acronym.

    >>> sorted(acronyms("General Motors Corporation", frozenset({"Corporation"})))
    ['GM', 'GMC']
    >>> sorted(acronyms("European Aeronautic Defence and Space Company", frozenset({"Company"})))
    ['EADS', 'EADSC']
    >>> sorted(acronyms("New York Stock Exchange")), sorted(acronyms("Hudson's Bay Company"))
    (['NYSE'], ['HBC'])
    >>> sorted(acronyms("Nvidia")), sorted(acronyms("Ford Motor", frozenset({"Motor"})))
    ([], ['FM'])
    """
    words = [w for w in WORD_BREAK.split(name) if w[:1].isupper()]
    forms = set()
    while len(words) >= 2:
        forms.add("".join(w[0] for w in words))
        if words[-1] not in designators:
            break
        words = words[:-1]
    return frozenset(forms)


def leading_words(name: str, designators: frozenset[str]) -> str | None:
    """The name without the designators that close it, when that leaves a
    shorter name: "Ford Motor Company" is also "Ford", "Fiat Group" "Fiat".

    >>> leading_words("Ford Motor Company", frozenset({"Motor", "Company"}))
    'Ford'
    >>> leading_words("Fiat Group", frozenset({"Group"})), leading_words("Fiat", frozenset({"Group"}))
    ('Fiat', None)
    >>> leading_words("Company Group", frozenset({"Company", "Group"})) is None
    True
    """
    words = name.split()
    end = len(words)
    while end > 0 and words[end - 1] in designators:
        end -= 1
    return " ".join(words[:end]) if 0 < end < len(words) else None
