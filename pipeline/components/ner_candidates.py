"""``infra_ner_candidates``: the trained recogniser's names become evidence, not answers.

The pipeline's statistical NER (``infra_ner``: spaCy's ``ner``, trained by
``make train`` on Universal NER, GUM and the project's study splits, see
``pipeline/training/``) sits in the pipeline switched off, so it is saved and
loaded with it but never writes ``doc.ents``. This stage, right after the
entity ruler, runs it on the sentences where the company finder will have to
decide about a name: those with a capitalised word the gazetteer did not
claim. Its PER, ORG and LOC spans go to ``doc.spans[NER_KEY]``; the company
finder reads them as one more piece of evidence for a name (ORG) or against
it (PER, LOC). Sentences with no such word, a third to a half of news text,
cost nothing.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

NER_KEY = "infra_ner"


@Language.factory("infra_ner_candidates", default_config={"ner_pipe": "infra_ner"})
def make_ner_candidates(nlp: Language, name: str, ner_pipe: str) -> "NerCandidates":
    return NerCandidates(nlp, name, ner_pipe)


class NerCandidates:
    def __init__(self, nlp: Language, name: str, ner_pipe: str):
        self.nlp = nlp
        self.name = name
        self.ner_pipe = ner_pipe

    def __call__(self, doc: Doc) -> Doc:
        ner = self.nlp.get_pipe(self.ner_pipe)
        taken = [False] * len(doc)
        for ent in doc.ents:
            for k in range(ent.start, ent.end):
                taken[k] = True
        sents = [s for s in doc.sents if _has_open_name(s, taken)]
        # Fresh Docs: a sentence copied with as_doc() would carry the ruler's entities,
        # and the recogniser treats every preset token as settled.
        pieces = [Doc(doc.vocab, words=[t.text for t in s], spaces=[bool(t.whitespace_) for t in s]) for s in sents]
        found = []
        for sent, piece in zip(sents, ner.pipe(pieces)):
            found += [Span(doc, sent.start + e.start, sent.start + e.end, label=e.label_) for e in piece.ents]
        doc.spans[NER_KEY] = found
        return doc


def _has_open_name(sent: Span, taken: list[bool]) -> bool:
    """A capitalised word no entity holds, other than a stop word opening the sentence."""
    for token in sent:
        if taken[token.i] or not token.text[:1].isupper() or len(token.text) < 2:
            continue
        if token.i == sent.start and token.is_stop:
            continue
        return True
    return False


def ner_labels(doc: Doc) -> dict[tuple[int, int], str]:
    """``(start, end) -> label`` of the recogniser's spans; empty without one."""
    return {(s.start, s.end): s.label_ for s in doc.spans.get(NER_KEY, ())}
