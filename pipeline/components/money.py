"""``infra_money``: MONEY entities with normalised values in ``doc._.money``."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.components.base import KnowledgeComponent, add_entities, doc_text
from pipeline.parsing.money import find_money


@Language.factory("infra_money", default_config={})
def make_money_finder(nlp: Language, name: str) -> "MoneyFinder":
    return MoneyFinder(nlp, name)


class MoneyFinder(KnowledgeComponent):
    def __call__(self, doc: Doc) -> Doc:
        spans, records = [], []
        for match in find_money(doc_text(doc), self.knowledge):
            span = doc.char_span(match.start, match.end, label="MONEY", alignment_mode="expand")
            if span is None:
                continue
            spans.append(span)
            records.append({"start_char": span.start_char, "end_char": span.end_char, **match.money.model_dump()})
        add_entities(doc, spans, replace=True)
        kept = {(e.start_char, e.end_char) for e in doc.ents if e.label_ == "MONEY"}
        doc._.money = [r for r in records if (r["start_char"], r["end_char"]) in kept]
        return doc
