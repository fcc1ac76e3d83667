"""``infra_products``: chips and AI models that no catalogue lists yet.

Launch news names new parts and models with product codes ("CV-9", "K2",
"Argo-2", "Sutra-13B"). A code-shaped token becomes a CHIP or a MODEL by the
nearest telling word around it (accelerator, chip, nm process vs. model,
parameters, context window); the label then holds for the code everywhere in
the document. Catalogue names followed by a version or size ("Mistral Large"
+ "3", "Qwen3" + "-235B") are extended to the full name.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.base import KnowledgeComponent, add_entities, entity_mask, is_headline_case
from pipeline.components.phrases import Phrases

# Product codes in running text: "CV-9", "K2", "Sutra-13B", "Okapi-VLA 2" (a
# code without digits is still a product when a version number follows).
PRODUCT_CODE = re.compile(
    r"(?<![\w.-])(?:[A-ZÀ-Þ][^\W\d_]{0,11}(?:-[^\W\d_]{1,8}){0,2}-?\d[\dA-Za-z]{0,6}(?:\.\d{1,2})?"
    r"|[A-ZÀ-Þ][^\W\d_]{1,11}-[A-Z]{2,6} \d{1,3}(?:\.\d)?)(?![\w-])"
)
VERSION = re.compile(r"^(?:v?\d{1,3}(?:\.\d{1,2})?[A-Za-z]?|\d{1,4}[BMK])$")
WINDOW = 12
# A size suffix such as "-70B" or "8B" is a parameter count: the code names a model.
MODEL_SIZE = re.compile(r"\d(?:\.\d)?[BM]$")
MODEL_WORDS = ("model", "models", "llm", "llms", "parameters", "parameter", "parameter-", "open-weights",
               "open-weight", "weights", "weight", "mixture", "experts", "chatbot", "agent", "agents", "context", "tokens", "reasoning", "multimodal", "vla")
CHIP_WORDS = ("nm", "nanometer", "nanometre", "transistors", "hbm", "hbm3e", "hbm4", "tape", "wafer", "card",
              "cards", "silicon", "die", "package", "sram", "tsmc", "foundry", "fabricated", "teraflops",
              "petaflops", "tops")


@Language.factory("infra_products", default_config={})
def make_product_finder(nlp: Language, name: str) -> "ProductFinder":
    return ProductFinder(nlp, name)


class ProductFinder(KnowledgeComponent):
    def setup(self) -> None:
        cues = self.knowledge.cues
        self.chip_words = frozenset(w.lower() for w in (*cues.get("chip_nouns", ()), *CHIP_WORDS) if " " not in w)
        self.model_words = frozenset(w.lower() for w in (*cues.get("model_nouns", ()), *MODEL_WORDS) if " " not in w)
        self.not_names = frozenset(cues.get("not_names", ())) | frozenset(cues.get("months", ()))
        self.process_nouns = Phrases(self.nlp, cues.get("process_nouns", ()))
        self.system_nouns = Phrases(self.nlp, cues.get("system_nouns", ()))
        self.variant_words = frozenset(cues.get("variant_words", ()))

    def _kind(self, doc: Doc, start: int, end: int) -> tuple[str | None, int]:
        """The label of the nearest telling word around one mention, and its distance."""
        sent = doc[start].sent
        best, best_dist = None, WINDOW + 1
        for k in range(max(sent.start, start - WINDOW), min(sent.end, end + WINDOW)):
            if start <= k < end or doc[k].ent_type_ == "ORG":  # "Fathom Silicon" is a name, not a cue
                continue
            word = doc[k].lower_.strip("-")
            label = "CHIP" if word in self.chip_words else "MODEL" if word in self.model_words else None
            if label is None and word.endswith("nm") and word[:-2].replace(".", "").isdigit():
                label = "CHIP"
            if label:
                dist = start - k if k < start else k - end + 1
                if dist < best_dist:
                    best, best_dist = label, dist
        return best, best_dist

    def __call__(self, doc: Doc) -> Doc:
        in_ent = entity_mask(doc)
        lower = [t.lower_ for t in doc]
        spans: list[Span] = []
        labels: dict[str, str] = {}
        headline = {sent.start for sent in doc.sents if is_headline_case(sent)}
        candidates = []
        for m in PRODUCT_CODE.finditer(doc.text):
            span = doc.char_span(m.start(), m.end())
            if span is None or any(in_ent[span.start:span.end]) or span.text.lower() in self.not_names:
                continue
            if doc[span.start].sent.start in headline and not self._seen_elsewhere(doc, span.text):
                continue
            if self.process_nouns.starting_at(lower, span.end) or self.system_nouns.starting_at(lower, span.end):
                continue  # "TSMC's N3P process", "the HX-2 server": a process or a whole system
            candidates.append((span.start, span.end))
        # One label per code for the whole document: the closest cue over all its mentions.
        closest: dict[str, tuple[int, str]] = {}
        for start, end in candidates:
            text = doc[start:end].text
            kind, dist = ("MODEL", 0) if MODEL_SIZE.search(text) else self._kind(doc, start, end)
            if kind and (text not in closest or dist < closest[text][0]):
                closest[text] = (dist, kind)
        labels.update({text: kind for text, (_, kind) in closest.items()})
        for start, end in candidates:
            kind = labels.get(doc[start:end].text)
            if kind:
                spans.append(Span(doc, start, end, label=kind, span_id=doc[start:end].text))
        add_entities(doc, spans, replace=False)
        self._extend_versions(doc)
        return doc

    @staticmethod
    def _seen_elsewhere(doc: Doc, text: str) -> bool:
        return doc.text.count(text) > 1

    def _extend_versions(self, doc: Doc) -> None:
        """"Mistral Large" + "3" -> "Mistral Large 3"; "Qwen3" + "-235B" -> "Qwen3-235B";
        a variant word names a product of its own: "Halden-2" + "Air"."""
        ents = list(doc.ents)
        changed = False
        for n, ent in enumerate(ents):
            if ent.label_ not in ("MODEL", "CHIP"):
                continue
            end = ent.end
            nxt_start = ents[n + 1].start if n + 1 < len(ents) else len(doc)
            if end < nxt_start and doc[end].text == "-" and not doc[end - 1].whitespace_ and end + 1 < nxt_start \
                    and VERSION.match(doc[end + 1].text):
                end += 2
            elif end < nxt_start and VERSION.match(doc[end].text) and not doc[end].like_num or (
                    end < nxt_start and doc[end].like_num and len(doc[end].text) <= 4 and "," not in doc[end].text
                    and ent.label_ == "MODEL"):
                end += 1
            if end < nxt_start and doc[end].text in self.variant_words and doc[end - 1].whitespace_:
                end += 1
            if end != ent.end:
                ents[n] = Span(doc, ent.start, end, label=ent.label_, span_id=doc[ent.start:end].text)
                changed = True
        if changed:
            doc.ents = ents
