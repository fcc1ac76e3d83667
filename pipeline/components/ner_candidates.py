"""The trained recogniser's names as evidence for the company finder, not as answers.

The pipeline's statistical NER (``infra_ner``: spaCy's ``ner``, trained by
``make train`` on Universal NER, GUM and the project's study splits, see
``pipeline/training/``) sits in the pipeline switched off, so it is saved and
loaded with it but never writes ``doc.ents``. The company finder calls
:func:`recognise` (or :func:`recognise_docs` for a batch of documents) on a
window of words around each capitalised name that nothing else decided.
The recogniser's PER, ORG and LOC spans go to ``doc.spans[NER_KEY]``.
"""

from __future__ import annotations

from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span
from thinc.api import Model, NumpyOps

from pipeline.components.base import doc_view

NER_KEY = "infra_ner"
NER_PIPE = "infra_ner"


# Tokens of context on each side of a name: the recogniser's CNN sees four tokens
# each way, and its transition features a few more. Running it on these windows
# instead of whole sentences halves its cost with the same labels on the name.
CONTEXT = 3


def windows(names: Iterable[tuple[int, int]], sents: dict[int, tuple[int, int]]) -> list[tuple[int, int]]:
    """Token windows around ``names`` (start, end), kept inside each name's sentence
    (``sents``: name start -> sentence bounds) and merged where they overlap.

    >>> windows([(10, 11), (14, 16), (40, 41)], {10: (0, 30), 14: (0, 30), 40: (30, 60)})
    [(7, 19), (37, 44)]
    """
    spans = sorted((max(sents[s][0], s - CONTEXT), min(sents[s][1], e + CONTEXT), sents[s]) for s, e in names)
    merged: list[list] = []
    for start, end, sent in spans:
        if merged and merged[-1][2] == sent and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, sent])
    return [(start, end) for start, end, _ in merged]


def use_numpy_blas(model: Model) -> None:
    """Run ``model``'s matrix products through numpy's BLAS rather than thinc's blis.

    On this pipeline's 96-wide layers blis computed a third as many products per
    second as numpy's OpenBLAS on one thread, for the same labels."""
    ops = NumpyOps(use_blis=False)
    for node in model.walk():
        node.ops = ops


def store_half_precision(model: Model) -> None:
    """Round ``model``'s weights to 16-bit floats, as the shipped NER is saved: half the
    file, and the same tables on ``corpus/`` as with 32-bit weights. :func:`widen_weights`
    turns them back into 32-bit floats on loading, for numpy's matrix products."""
    _cast_weights(model, "float16")


def widen_weights(model: Model) -> None:
    _cast_weights(model, "float32")


def _cast_weights(model: Model, dtype: str) -> None:
    for node in model.walk():
        for name in node.param_names:
            if node.has_param(name) and node.get_param(name).dtype.kind == "f":
                node.set_param(name, node.get_param(name).astype(dtype))


def recognise_docs(nlp: Language, requests: Iterable[tuple[Doc, Iterable[tuple[int, int]]]]) -> None:
    """The recogniser's names around each document's ``names``, into ``doc.spans[NER_KEY]``,
    in one pass over all the windows: a batch of documents costs less than each alone.
    Documents that already have the spans (set by an earlier call, or by a test) keep
    them; without a trained NER in ``nlp`` nothing is found."""
    requests = [(doc, list(names)) for doc, names in requests if NER_KEY not in doc.spans]
    found: dict[int, list[Span]] = {id(doc): [] for doc, _ in requests}
    if NER_PIPE in nlp.component_names:
        cuts: list[tuple[Doc, int]] = []
        pieces: list[Doc] = []
        for doc, names in requests:
            view = doc_view(doc)
            bounds = {s: (view.sent_start[s], view.sent_end[view.sent_start[s]]) for s, _ in names}
            for a, b in windows(names, bounds):
                cuts.append((doc, a))
                # A fresh Doc: a sentence copied with as_doc() would carry the ruler's
                # entities, and the recogniser treats every preset token as settled.
                pieces.append(Doc(doc.vocab, words=view.text[a:b], spaces=view.spaced[a:b]))
        for (doc, a), piece in zip(cuts, nlp.get_pipe(NER_PIPE).pipe(pieces)):
            found[id(doc)] += [Span(doc, a + e.start, a + e.end, label=e.label_) for e in piece.ents]
    for doc, _ in requests:
        doc.spans[NER_KEY] = found[id(doc)]


def recognise(nlp: Language, doc: Doc, names: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """``(start, end) -> label`` of the recogniser's names around ``names`` in ``doc``
    (see :func:`recognise_docs`)."""
    recognise_docs(nlp, [(doc, names)])
    return {(s.start, s.end): s.label_ for s in doc.spans[NER_KEY]}
