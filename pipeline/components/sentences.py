"""Sentence boundaries for a pipeline without a parser.

spaCy's ``sentencizer`` splits on every final punctuation token and never on a
line break. News needs the opposite in places: headlines and list items end at
the line break without punctuation, while "Inc." or "U.S." inside a sentence
are single tokens that must not end it.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.components.base import token_lists

# Words followed by a letter that is a name, not an initial: "Series A.", "Class B."
LETTERED = frozenset({"series", "class", "tier", "phase", "plan", "round", "type"})
BULLETS = frozenset({"-", "*", "•", "–", "—"})
# Lower-case line starts after unfinished lines that mark a text as hard-wrapped.
WRAPPED_EVIDENCE = 2
TERMINALS = frozenset({".", "!", "?", "…", "...", "。"})
CLOSERS = frozenset({'"', "'", "”", "’", ")", "]", "»"})
# Words that begin sentences: after an abbreviation such as "Inc." a new
# sentence is only assumed when one of these follows.
STARTERS = frozenset(
    "the it its this that these those they he she we in on at for as after before while when "
    "but however meanwhile separately also according under last earlier a an both".split()
)


@Language.factory("infra_sentences", default_config={})
def make_sentence_splitter(nlp: Language, name: str) -> "SentenceSplitter":
    return SentenceSplitter()


class SentenceSplitter:
    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        # The rules read plain lists, made once: reading token attributes one
        # Token at a time cost more than all the rules together.
        tokens = Tokens(doc)
        soft = self._soft_breaks(tokens)
        starts = numpy.fromiter((1 if i == 0 or self._starts(tokens, i, soft) else -1 for i in range(len(doc))),
                                dtype=numpy.int64, count=len(doc))
        # from_array takes uint64 columns; -1 ("not a start") travels as its two's complement.
        doc.from_array([SENT_START], starts.view(numpy.uint64).reshape(-1, 1))
        return doc

    @staticmethod
    def _soft_breaks(tokens: "Tokens") -> set[int]:
        """Line breaks inside a sentence of hard-wrapped text.

        A single line break after a line with no closing punctuation is a wrap
        when the next line goes on in lower case; once a text shows that it is
        wrapped (WRAPPED_EVIDENCE such breaks), every single break after an
        unfinished line is one. Blank lines still end paragraphs.
        """
        text, space = tokens.text, tokens.space
        candidates, lowercase = [], 0
        for k in range(1, len(text) - 1):
            if not (space[k] and text[k].count("\n") == 1):
                continue
            last, nxt = text[k - 1], text[k + 1]
            if last in TERMINALS or last in (":", ";") or last in CLOSERS or nxt in BULLETS:
                continue
            candidates.append(k)
            if nxt[:1].islower() or nxt[:1].isdigit():
                lowercase += 1
        if lowercase >= WRAPPED_EVIDENCE:
            return set(candidates)
        return {k for k in candidates if text[k + 1][:1].islower()}

    @staticmethod
    def _starts(tokens: "Tokens", i: int, soft: set[int] = frozenset()) -> bool:
        text, space = tokens.text, tokens.space
        if space[i]:
            return False
        if space[i - 1] and "\n" in text[i - 1]:
            return (i - 1) not in soft
        j = i - 1
        while j > 0 and (text[j] in CLOSERS or space[j]):
            j -= 1
        last = text[j]
        first_char = text[i][:1]
        if last in TERMINALS:
            # "Aether.Grid", "Node.js": a full stop with no space after it is inside a word.
            return not first_char.islower() and (tokens.spaced[i - 1] or space[i - 1] or j < i - 1)
        if len(last) == 2 and last[0].isupper() and last[1] == "." and j > 0 and tokens.lower[j - 1] in LETTERED:
            # "a Series A." ends the sentence; English keeps "A." whole as an initial
            return not first_char.islower()
        if len(last) > 1 and last.endswith(".") and not tokens.doc[j].like_num:
            # An abbreviation ("Inc.", "U.S.") usually sits inside a sentence.
            return tokens.lower[i] in STARTERS and first_char.isupper()
        return False


class Tokens:
    """The token attributes the rules read, as lists."""

    __slots__ = ("doc", "text", "lower", "space", "spaced")

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text, self.lower, self.spaced = token_lists(doc)
        self.space = doc.to_array([IS_SPACE]).astype(bool).tolist()
