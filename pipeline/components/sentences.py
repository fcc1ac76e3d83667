"""Sentence boundaries for a pipeline without a parser.

spaCy's ``sentencizer`` splits on every final punctuation token and never on a
line break. News needs the opposite in places: headlines and list items end at
the line break without punctuation, while "Inc." or "U.S." inside a sentence
are single tokens that must not end it.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

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
        soft = self._soft_breaks(doc)
        doc[0].is_sent_start = True
        for i in range(1, len(doc)):
            doc[i].is_sent_start = self._starts(doc, i, soft)
        return doc

    @staticmethod
    def _soft_breaks(doc: Doc) -> set[int]:
        """Line breaks inside a sentence of hard-wrapped text.

        A single line break after a line with no closing punctuation is a wrap
        when the next line goes on in lower case; once a text shows that it is
        wrapped (WRAPPED_EVIDENCE such breaks), every single break after an
        unfinished line is one. Blank lines still end paragraphs.
        """
        candidates, lowercase = [], 0
        for k, tok in enumerate(doc[:-1]):
            if not (tok.is_space and tok.text.count("\n") == 1) or k == 0:
                continue
            last = doc[k - 1]
            nxt = doc[k + 1]
            if last.text in TERMINALS or last.text in (":", ";") or last.text in CLOSERS or nxt.text in BULLETS:
                continue
            candidates.append(k)
            if nxt.text[:1].islower() or nxt.text[:1].isdigit():
                lowercase += 1
        if lowercase >= WRAPPED_EVIDENCE:
            return set(candidates)
        return {k for k in candidates if doc[k + 1].text[:1].islower()}

    @staticmethod
    def _starts(doc: Doc, i: int, soft: set[int] = frozenset()) -> bool:
        token, prev = doc[i], doc[i - 1]
        if token.is_space:
            return False
        if prev.is_space and "\n" in prev.text:
            return (i - 1) not in soft
        j = i - 1
        while j > 0 and (doc[j].text in CLOSERS or doc[j].is_space):
            j -= 1
        last = doc[j]
        first_char = token.text[:1]
        if last.text in TERMINALS:
            # "Aether.Grid", "Node.js": a full stop with no space after it is inside a word.
            return not first_char.islower() and bool(doc[i - 1].whitespace_ or doc[i - 1].is_space or j < i - 1)
        if len(last.text) == 2 and last.text[0].isupper() and last.text[1] == "." and j > 0 \
                and doc[j - 1].lower_ in LETTERED:
            # "a Series A." ends the sentence; English keeps "A." whole as an initial
            return not first_char.islower()
        if len(last.text) > 1 and last.text.endswith(".") and not last.like_num:
            # An abbreviation ("Inc.", "U.S.") usually sits inside a sentence.
            return token.lower_ in STARTERS and first_char.isupper()
        return False
