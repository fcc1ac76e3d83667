"""``infra_specs``: SPEC entities, normalised, each attached to the chip or
model it describes (same sentence first, else the last one named just before)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.base import KnowledgeComponent, add_entities
from pipeline.parsing.specs import find_specs

SUBJECT_LABELS = frozenset({"CHIP", "MODEL"})
# How many earlier sentences may hold the subject ("The chip pairs with 44GB...").
LOOKBACK_SENTENCES = 2
PROTECTED = frozenset({"MONEY", "CHIP", "MODEL", "ORG"})
# Attributes that describe a model rather than a chip; a subject of the
# matching kind is preferred when both are near.
MODEL_ATTRIBUTES = frozenset({"parameters", "context_window", "training_tokens"})


@Language.factory("infra_specs", default_config={})
def make_spec_finder(nlp: Language, name: str) -> "SpecFinder":
    return SpecFinder(nlp, name)


class SpecFinder(KnowledgeComponent):
    def __call__(self, doc: Doc) -> Doc:
        protected = [e for e in doc.ents if e.label_ in PROTECTED]
        spans, records = [], []
        for match in find_specs(doc.text, self.knowledge):
            span = doc.char_span(match.start, match.end, label="SPEC", alignment_mode="expand")
            if span is None or any(e.start < span.end and span.start < e.end for e in protected):
                continue
            subject = self._subject(doc, span, match.spec)
            spans.append(span)
            records.append({
                "start_char": span.start_char,
                "end_char": span.end_char,
                "text": span.text,
                "subject": subject,
                "sentence": span.sent.text.strip(),
                **match.spec.model_dump(),
            })
        add_entities(doc, spans, replace=True)
        doc._.specs = records
        return doc

    @staticmethod
    def _name(ent: Span) -> str:
        return ent.ent_id_ or ent.text

    def _subject(self, doc: Doc, span: Span, spec) -> str | None:
        preferred = "MODEL" if spec.attribute in MODEL_ATTRIBUTES or spec.unit == "tokens/s" else "CHIP"
        return self._nearest(doc, span, {preferred}) or self._nearest(doc, span, SUBJECT_LABELS)

    @staticmethod
    def _in_aside(doc: Doc, ent: Span, span: Span) -> bool:
        opens = any(t.text == "," for t in doc[ent.sent.start : ent.start])
        closes = any(t.text == "," for t in doc[ent.end : span.start])
        return opens and closes

    def _nearest(self, doc: Doc, span: Span, labels) -> str | None:
        sent = span.sent
        in_sent = [e for e in sent.ents if e.label_ in labels]
        before = [e for e in in_sent if e.end <= span.start]
        # "The X processor, derived from Y capacity, is rated at ...": an entity inside
        # a comma-delimited aside is not what the main clause describes.
        while len(before) > 1 and self._in_aside(doc, before[-1], span):
            before.pop()
        if before:
            return self._name(before[-1])
        after = [e for e in in_sent if e.start >= span.end]
        if after:
            return self._name(after[0])
        k = sent.start - 1
        seen = 0
        while k >= 0 and seen < LOOKBACK_SENTENCES:
            prev = doc[k].sent
            cands = [e for e in prev.ents if e.label_ in labels]
            if cands:
                return self._name(cands[-1])
            k = prev.start - 1
            if not doc[prev.start].is_space:
                seen += 1
        return None
