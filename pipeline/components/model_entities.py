"""``infra_model_entities``: an installed model's entities give way to the rules.

With ``--model``, the model's ``ner`` runs after the ruler and adds entities
where the ruler found none. Taken as they come, they made every table worse
on the real-text splits: its ORG entities include indices, public bodies and
products, and its CARDINAL, QUANTITY and PRODUCT entities hide amounts and
specs from the finders. Used more carefully, as evidence for a company the
rules would otherwise drop (an ORG tagged twice in a document) or against one
(a run tagged PERSON), they still cost F1 on the real-text and in-house
splits with a small English pipeline (README, "A model of your own"). So
this stage, the first after the model, keeps the ruler's entities only; the
finders then decide, and the model's other pipes (tagger, parser) stay
available on the Doc.

The ruler's matches are told apart by ``doc.spans[RULER_KEY]``, where the
ruler also writes them.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.components.base import KnowledgeComponent

RULER_KEY = "infra_ruler"


@Language.factory("infra_model_entities", default_config={})
def make_model_entities(nlp: Language, name: str) -> "ModelEntities":
    return ModelEntities(nlp, name)


class ModelEntities(KnowledgeComponent):
    def __call__(self, doc: Doc) -> Doc:
        ruler = {(s.start, s.end, s.label_) for s in doc.spans.get(RULER_KEY, ())}
        kept = [e for e in doc.ents if (e.start, e.end, e.label_) in ruler]
        if len(kept) != len(doc.ents):
            doc.ents = kept
        return doc
