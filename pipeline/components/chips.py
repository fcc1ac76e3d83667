"""``infra_chips``: chips from the catalogue and from context, with their vendor.

The catalogue (patterns/chips.jsonl) names known parts. Unknown parts are read
from how launches are written: a part-number or product name right before a
chip noun ("its new K2 accelerator", "the Cerebras N9 chip"). The vendor comes
from the text first (an ORG right before the chip, possessive or not, or the
company whose "its new ... chip" it is), then from the catalogue.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.base import KnowledgeComponent, add_entities, doc_view
from pipeline.components.phrases import Phrases

PART_NUMBER = re.compile(r"^(?=.*\d)[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")
PLURAL_PART = re.compile(r"^(.*\d[A-Za-z]?)s$")
POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
OPEN_QUOTES = frozenset({"“", "‘", '"', "'", "«"})
CLOSE_QUOTES = frozenset({"”", "’", '"', "'", "»"})
QUOTED_REACH = 5  # tokens a quoted chip name may span


def canonical_chip(text: str) -> str:
    """Singular chip name: "H100s" -> "H100".

    >>> canonical_chip("H100s"), canonical_chip("MI300X"), canonical_chip("Blackwell")
    ('H100', 'MI300X', 'Blackwell')
    """
    m = PLURAL_PART.match(text)
    return m.group(1) if m else text


@Language.factory("infra_chips", default_config={})
def make_chip_finder(nlp: Language, name: str) -> "ChipFinder":
    return ChipFinder(nlp, name)


class ChipFinder(KnowledgeComponent):
    def setup(self) -> None:
        cues = self.knowledge.cues
        self.chip_nouns = Phrases(self.nlp, cues.get("chip_nouns", ()))
        self.generic = frozenset(cues.get("generic_modifiers", ())) | frozenset(cues.get("not_names", ()))
        self.modifiers = frozenset(cues.get("chip_modifiers", ()))

    def _candidate(self, doc: Doc, noun_at: int) -> tuple[int, int] | None:
        before = doc[noun_at - 1]
        if before.ent_type_ == "MODEL":
            # "the Nemotron 3 Ultra chip": a name read as a model is a chip's here
            start = noun_at - 1
            while start > 0 and doc[start].ent_iob_ == "I":
                start -= 1
            return start, noun_at
        # "The Kelpie inference processor": the name stands before the kind of chip
        while noun_at > 1 and doc[noun_at - 1].lower_ in self.modifiers and noun_at - 1 > doc[noun_at].sent.start:
            noun_at -= 1
        quoted = self._quoted_name(doc, noun_at)
        if quoted is not None:
            return quoted
        k = noun_at
        while k > 0 and noun_at - k < 3:
            t = doc[k - 1]
            if t.ent_type_ or t.is_punct or t.lower_ in self.generic:
                break
            if not (PART_NUMBER.match(t.text) or (t.text[:1].isupper() and t.text.isalpha()) or
                    (t.like_num and k - 1 > 0 and doc[k - 2].text[:1].isupper() and not doc[k - 2].ent_type_)):
                break
            k -= 1
        if k == noun_at or doc[k].like_num:
            return None
        if k > 1 and doc[k - 1].text == "-" and not doc[k - 1].whitespace_ and not doc[k - 2].whitespace_:
            return None  # "RISC-V AI chips": the end of a hyphenated word describes the chips
        # A lone capitalised word is a chip name only if it is not sentence-initial.
        if noun_at - k == 1 and not PART_NUMBER.match(doc[k].text) and doc[k].is_sent_start:
            return None
        return k, noun_at

    @staticmethod
    def _quoted_name(doc: Doc, noun_at: int) -> tuple[int, int] | None:
        """"its “Falke” inference accelerator": a name in quotes before the kind of chip."""
        close = noun_at - 1
        if close < 2 or doc[close].text not in CLOSE_QUOTES:
            return None
        for k in range(close - 1, max(doc[close].sent.start, close - QUOTED_REACH) - 1, -1):
            if doc[k].text in OPEN_QUOTES:
                if k + 1 < close and doc[k + 1].text[:1].isupper() and not any(t.ent_type_ for t in doc[k + 1:close]):
                    return k + 1, close
                return None
        return None

    def __call__(self, doc: Doc) -> Doc:
        view = doc_view(doc)
        lower, sent_start, headline = view.lower, view.sent_start, view.headline_starts
        spans = []
        for i in range(1, len(doc)):
            if sent_start[i] in headline:
                continue
            if self.chip_nouns.starting_at(lower, i):
                cand = self._candidate(doc, i)
                if cand:
                    start, end = cand
                    # "Nemotron 3" + "Super chip": the name the catalogue knew is part of the chip's
                    k = start
                    while k > 0 and not doc[k - 1].is_punct and doc[k - 1].ent_type_ in ("MODEL", "CHIP") \
                            and doc[k - 1].whitespace_:
                        k -= 1
                        while k > 0 and doc[k - 1].ent_iob_ == "I" and doc[k].ent_iob_ != "B":
                            k -= 1
                    start = k
                    text = doc[start:end].text
                    spans.append(Span(doc, start, end, label="CHIP", span_id=canonical_chip(text)))
        add_entities(doc, spans, replace=True)
        self._merge_line_names(doc)
        self._resolve_short_codes(doc)

        chips: dict[str, dict] = {}
        for ent in doc.ents:
            if ent.label_ != "CHIP":
                continue
            name = ent.ent_id_ or canonical_chip(ent.text)
            vendor = self._vendor_from_text(doc, ent) or self.knowledge.chip_vendor.get(name)
            record = chips.get(name)
            if record is None:
                chips[name] = {
                    "chip": name,
                    "vendor": vendor,
                    "family": self.knowledge.chip_family.get(name),
                    "start_char": ent.start_char,
                    "end_char": ent.end_char,
                    "sentence": ent.sent.text.strip(),
                }
            elif record["vendor"] is None and vendor:
                record["vendor"] = vendor
        doc._.chips = list(chips.values())
        return doc

    def _merge_line_names(self, doc: Doc) -> None:
        """Two chip names side by side that name one chip and its product line:
        "Ironwood TPU" (a member, then its family: the member) and "Blackwell Ultra
        B300" (a family or generation, then a part of it: the part)."""
        family = self.knowledge.chip_family
        ents = list(doc.ents)
        kept = []
        for ent in ents:
            prev = kept[-1] if kept else None
            if prev is not None and prev.label_ == "CHIP" and ent.label_ == "CHIP" and prev.end == ent.start:
                name = self._line_member(prev.ent_id_ or canonical_chip(prev.text), ent.ent_id_, prev.text, ent.text,
                                         family)
                if name is not None:
                    kept[-1] = Span(doc, prev.start, ent.end, label="CHIP", span_id=name)
                    continue
            kept.append(ent)
        if len(kept) != len(ents):
            doc.ents = kept

    @staticmethod
    def _line_member(first: str, second: str, first_text: str, second_text: str, family: dict) -> str | None:
        """The chip two adjacent names stand for, or None when they are two chips."""
        if family.get(second) == second and family.get(first) == second:
            return first  # "Ironwood TPU"
        if (not any(c.isdigit() for c in first_text) and any(c.isdigit() for c in second_text)
                and family.get(second) is not None and family.get(second) in (family.get(first), first)):
            return second  # "Blackwell Ultra B300"
        return None

    def _resolve_short_codes(self, doc: Doc) -> None:
        """"TPU v6e capacity ... each v6e chip": a code read from context that ends a
        chip named in full in the same document refers to that chip."""
        chips = [e for e in doc.ents if e.label_ == "CHIP"]
        full = {e[-1].text: e.ent_id_ or e.text for e in chips if len(e) > 1}
        known = self.knowledge.chip_vendor
        ents = list(doc.ents)
        changed = False
        for n, ent in enumerate(ents):
            name = ent.ent_id_ or ent.text
            if ent.label_ == "CHIP" and len(ent) == 1 and name not in known and full.get(ent.text, name) != name:
                ents[n] = Span(doc, ent.start, ent.end, label="CHIP", span_id=full[ent.text])
                changed = True
        if changed:
            doc.ents = ents

    def _vendor_from_text(self, doc: Doc, ent: Span) -> str | None:
        k = ent.start - 1
        # skip "the", possessive and a family name: "Nvidia's Blackwell B200", "AMD Instinct MI300X"
        while k >= 0 and ent.start - k <= 3 and (doc[k].lower_ in ("the", "new", "its", "latest") or doc[k].text in POSSESSIVE
                                                 or doc[k].ent_type_ == "CHIP" or doc[k].text in OPEN_QUOTES):
            k -= 1
        if k >= 0 and doc[k].ent_type_ == "ORG":
            org = next(e for e in doc.ents if e.start <= k < e.end)
            return org.ent_id_ or org.text
        # "X unveiled its new K2 chip": the company the sentence is about.
        window = [t.lower_ for t in doc[max(ent.sent.start, ent.start - 8) : ent.start]]
        if "its" in window:
            orgs = [e for e in ent.sent.ents if e.label_ == "ORG" and e.end <= ent.start]
            if orgs:
                return orgs[0].ent_id_ or orgs[0].text
            # "Its CV-9 accelerator ...": the company the previous sentence was about
            k = ent.sent.start - 1
            while k >= 0 and ent.sent.start - k < 400:
                prev = doc[k].sent
                orgs = [e for e in prev.ents if e.label_ == "ORG"]
                if orgs:
                    return orgs[0].ent_id_ or orgs[0].text
                if prev.text.strip():
                    break
                k = prev.start - 1
        return None
