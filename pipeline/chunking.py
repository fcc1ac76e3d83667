"""Cut a text longer than the pipeline takes at once into pieces, at sentence
ends where it can, so a 50 MB dump on one line is processed, not skipped.

A pure function of the text: each piece comes with its offset, so the rows
found in it point into the whole text.
"""

from __future__ import annotations

import re

# Characters per piece. spaCy refuses a text over ``nlp.max_length`` (a
# million by default); pieces are kept well below it so a piece's Doc stays
# small, and an article of ordinary length is never cut.
PIECE_CHARS = 200_000
# A sentence ends at a stop, then closing quotes or brackets, then space.
SENTENCE_END = re.compile(r"[.!?][\"'’”)\]]*\s+")


def text_pieces(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """``(offset, piece)`` pairs that put ``text`` back together, each piece at
    most ``limit`` characters.

    A piece ends at the last line break in the second half of its room, else
    at the last sentence end there, else at the last space, else at the limit
    (a single word longer than the limit has nowhere better to be cut).

    >>> text_pieces("Acme raised $5m. Beta raised $6m. Gamma raised $7m.", 40)
    [(0, 'Acme raised $5m. Beta raised $6m. '), (34, 'Gamma raised $7m.')]
    >>> text_pieces("para one\\npara two", 12)
    [(0, 'para one\\n'), (9, 'para two')]
    >>> text_pieces("x" * 10, 4)
    [(0, 'xxxx'), (4, 'xxxx'), (8, 'xx')]
    >>> text_pieces("short", 40)
    [(0, 'short')]
    """
    if limit < 2:
        raise ValueError("limit must be at least 2 characters")
    pieces = []
    start = 0
    while len(text) - start > limit:
        end = _cut(text, start + limit // 2, start + limit)
        pieces.append((start, text[start:end]))
        start = end
    pieces.append((start, text[start:]))
    return pieces


def _cut(text: str, low: int, high: int) -> int:
    """Where to end a piece: a position in (low, high]."""
    newline = text.rfind("\n", low, high)
    if newline >= 0:
        return newline + 1
    last = None
    for last in SENTENCE_END.finditer(text, low, high):
        pass
    if last is not None and last.end() > low:
        return last.end()
    space = max(text.rfind(" ", low, high), text.rfind("\t", low, high))
    if space >= 0:
        return space + 1
    return high
