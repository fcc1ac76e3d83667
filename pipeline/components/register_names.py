""""``infra_register_names``: names from the public registers give way to a
longer name written around them, and to products named like them.

The imported knowledge base (``patterns/kb``) knows thousands of listed
companies whose names are ordinary words of startup names: "Kestrel",
"Helios", "Aether". Inside "Kestrel Compute", "Helios H2e" or "Aether.Grid"
such a match is a fragment of another name, so the ruler's match is dropped
and the later finders read the whole capitalised run. Curated names keep
their match ("Nvidia Blackwell" is Nvidia's chip). A legal form or a
designator after the name ("General Motors Corporation", "Fiat Group") makes
no other company: the match grows over it and keeps the register's name. It
runs right after the ruler, before any finder reads the entities.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.base import KnowledgeComponent

# Written inside one word: "Aether.Grid", "Run:ai".
JOINERS_TIGHT = frozenset({"-", ":", ".", "/"})


@Language.factory("infra_register_names", default_config={})
def make_register_names(nlp: Language, name: str) -> "RegisterNames":
    return RegisterNames(nlp, name)


def namey(text: str) -> bool:
    """A word that may continue a name: capitalised, or an inner capital ("xAI").

    >>> namey("Compute"), namey("H2e"), namey("xAI"), namey("raised"), namey("&")
    (True, True, True, False, True)
    """
    return text == "&" or text[:1].isupper() or text[:1].islower() and any(c.isupper() for c in text[1:])


class RegisterNames(KnowledgeComponent):
    def setup(self) -> None:
        self.register_names = frozenset(self.knowledge.register_names)
        cues = self.knowledge.cues
        # "Kestrel Raises $5M" in a Title Case headline: a verb is no part of the name.
        self.verbs = frozenset(w for w in (*cues.get("equity_verbs", ()), *cues.get("acquisition_verbs", ()))
                               if " " not in w)
        # "Aurelic's Helios accelerator": before a product noun, or after an owner, the name is a product's.
        self.product_nouns = frozenset(w for name in ("chip_nouns", "system_nouns", "model_nouns", "product_nouns")
                                       for w in cues.get(name, ()) if " " not in w)
        self.designators = frozenset((*cues.get("legal_suffixes", ()), *cues.get("name_designators", ())))
        # "On Friday Ford Motor ...", "South Korean Hyundai Motor": a date or a describing
        # word ("Korean", "global") before a name is no part of it.
        self.not_name_starts = frozenset(w.lower() for w in (*cues.get("months", ()), *cues.get("weekdays", ()),
                                                             *cues.get("generic_modifiers", ())))

    def __call__(self, doc: Doc) -> Doc:
        if not self.register_names:
            return doc
        kept, changed = [], False
        for ent in doc.ents:
            if ent.label_ != "ORG" or ent.text not in self.register_names:
                kept.append(ent)
                continue
            end = self._designated_end(doc, ent.end)
            if end > ent.end:
                ent = Span(doc, ent.start, end, label="ORG", span_id=ent.ent_id_ or ent.text)
                changed = True
            if self._inside(doc, ent):
                changed = True
            else:
                kept.append(ent)
        if changed:
            doc.ents = kept
        return doc

    def _designated_end(self, doc: Doc, end: int) -> int:
        """Past the legal forms and designators that close the name at ``end``
        ("Motors Corporation", "Apple, Inc."), when nothing name-like follows them."""
        j = end
        while True:
            k = j + 1 if j + 1 < len(doc) and doc[j].text == "," else j
            if k < len(doc) and doc[k].text in self.designators and not doc[k].ent_type_ and not doc[k].is_sent_start:
                j = k + 1
            else:
                break
        return j if j == end or not self._continues(doc, j) else end

    def _continues(self, doc: Doc, i: int, opens: bool = False) -> bool:
        """Token i may be part of the same name; ``opens``: it may be the sentence's first word."""
        return 0 <= i < len(doc) and not doc[i].ent_type_ and (opens or not doc[i].is_sent_start) \
            and namey(doc[i].text) and doc[i].lower_ not in self.verbs

    def _inside(self, doc: Doc, ent) -> bool:
        after, before = ent.end, ent.start - 1
        # "France's Thales": a place's possessive says where the company is from, not whose product it is.
        owned = before >= 1 and doc[before].lower_ in ("'s", "’s") and doc[before - 1].ent_type_ != "GPE"
        if after < len(doc) and doc[after].lower_ in self.product_nouns or owned:
            return True
        if self._continues(doc, after) and doc[after - 1].whitespace_:
            return True
        if after + 1 < len(doc) and doc[after].text in JOINERS_TIGHT and not doc[after - 1].whitespace_ \
                and not doc[after].whitespace_ and self._continues(doc, after + 1):
            return True
        # "Hyper-Lattice": glued to a word before it
        if before >= 1 and doc[before].text in JOINERS_TIGHT and not doc[before].whitespace_ \
                and not doc[before - 1].whitespace_ and self._continues(doc, before - 1, opens=True):
            return True
        # "State Bank of India": the register's "State Bank" opens a longer name
        if after + 1 < len(doc) and doc[after].lower_ == "of" and namey(doc[after + 1].text):
            return True
        return not doc[ent.start].is_sent_start and self._continues(doc, before, opens=True) and doc[before].whitespace_ \
            and doc[before].lower_ not in self.not_name_starts
