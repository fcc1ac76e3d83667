"""The trained recogniser's names as evidence for the company finder, not as answers.

The pipeline's statistical NER (``infra_ner``: spaCy's ``ner``, trained by
``make train`` on Universal NER, GUM and the project's study splits, see
``pipeline/training/``) sits in the pipeline switched off, so it is saved and
loaded with it but never writes ``doc.ents``. The company finder calls
:func:`recognise` on the sentences holding a capitalised name that nothing
else decided, on a window of words around each such name.
The recogniser's PER, ORG and LOC spans go to ``doc.spans[NER_KEY]``.
"""

from __future__ import annotations

from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.base import doc_view

NER_KEY = "infra_ner"
NER_PIPE = "infra_ner"


# Tokens of context on each side of a name: the recogniser's CNN sees four tokens
# each way, and its transition features a few more. Running it on these windows
# instead of whole sentences halves its cost with the same labels on the name.
CONTEXT = 6


def windows(names: Iterable[tuple[int, int]], sents: dict[int, tuple[int, int]]) -> list[tuple[int, int]]:
    """Token windows around ``names`` (start, end), kept inside each name's sentence
    (``sents``: name start -> sentence bounds) and merged where they overlap.

    >>> windows([(10, 11), (14, 16), (40, 41)], {10: (0, 30), 14: (0, 30), 40: (30, 60)})
    [(4, 22), (34, 47)]
    """
    spans = sorted((max(sents[s][0], s - CONTEXT), min(sents[s][1], e + CONTEXT), sents[s]) for s, e in names)
    merged: list[list] = []
    for start, end, sent in spans:
        if merged and merged[-1][2] == sent and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, sent])
    return [(start, end) for start, end, _ in merged]


def recognise(nlp: Language, doc: Doc, names: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """``(start, end) -> label`` of the recogniser's names around ``names``, also kept in
    ``doc.spans[NER_KEY]``. Spans already there (set by an earlier call, or by a test)
    are reused; without a trained NER in ``nlp`` nothing is found."""
    if NER_KEY not in doc.spans:
        found: list[Span] = []
        if NER_PIPE in nlp.component_names:
            names = list(names)
            view = doc_view(doc)
            bounds = {s: (view.sent_start[s], view.sent_end[view.sent_start[s]]) for s, _ in names}
            cuts = windows(names, bounds)
            # Fresh Docs: a sentence copied with as_doc() would carry the ruler's entities,
            # and the recogniser treats every preset token as settled.
            pieces = [Doc(doc.vocab, words=view.text[a:b], spaces=view.spaced[a:b]) for a, b in cuts]
            for (a, _), piece in zip(cuts, nlp.get_pipe(NER_PIPE).pipe(pieces)):
                found += [Span(doc, a + e.start, a + e.end, label=e.label_) for e in piece.ents]
        doc.spans[NER_KEY] = found
    return {(s.start, s.end): s.label_ for s in doc.spans[NER_KEY]}
