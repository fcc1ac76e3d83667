"""``infra_products``: chips and AI models that no catalogue lists yet.

Launch news names new parts and models with product codes ("CV-9", "K2",
"Argo-2", "Sutra-13B"). A code-shaped token becomes a CHIP or a MODEL by the
nearest telling word around it (accelerator, chip, nm process vs. model,
parameters, context window); the label then holds for the code everywhere in
the document. Names without a code are taken where a launch introduces them:
"released Sable 4, a ... model", "its flagship model, Zephyr Ultra,", "a chip
called Talon". Catalogue names followed by a version or size ("Mistral Large"
+ "3", "Qwen3" + "-235B") are extended to the full name.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.base import KnowledgeComponent, add_entities, doc_text, doc_view, entity_mask
from pipeline.components.phrases import Phrases

# Product codes in running text: "CV-9", "K2", "Sutra-13B", "Okapi-VLA 2" (a
# code without digits is still a product when a version number follows).
PRODUCT_CODE = re.compile(
    r"(?<![\w.-])(?:[A-ZÀ-Þ][^\W\d_]{0,11}(?:-[^\W\d_]{1,8}){0,2}-?\d[\dA-Za-z]{0,6}(?:\.\d{1,2})?"
    r"|[A-ZÀ-Þ][^\W\d_]{1,11}-[A-Z]{2,6} \d{1,3}(?:\.\d)?)(?![\w-])"
)
# A product code without its generation number: "Helix-2" -> "Helix-".
PRODUCT_LINE = re.compile(r"\d[\dA-Za-z.]*$")
VERSION = re.compile(r"^(?:v?\d{1,3}(?:\.\d{1,2})?[A-Za-z]?|\d{1,4}[BMK])$")
WINDOW = 12
NAME_REACH = 5  # tokens an introduced product name may span: "Kairo-Max 3", "Zephyr Ultra"
HEAD_REACH = 16  # tokens after "released X," in which the kind of product must be named
# Words that end the noun phrase describing an introduced product ("a 1.2T model with ...").
PHRASE_ENDS = frozenset({",", ".", ";", ":", "with", "that", "which", "for", "designed", "built", "trained",
                         "and", "—", "–", "(", "to", "on", "in", "at", "by", "from"})
Named = tuple[tuple[str, ...], str]  # a product name's tokens and its label
UNDECIDED = "PRODUCT"
# Words after which a name and an apposition describe a product ("With Tern, its ... accelerator").
APPOSITION_OPENERS = frozenset({"with", "over", "than", "from", "of", "and", "on", "using", "to", "like", "is", "for"})
INTRO_DETERMINERS = frozenset({"the", "its", "their", "a", "an", "new"})
OWNER_WORDS = frozenset({"its", "the", "their", "'s", "’s", "new", "flagship", "latest"})
# A size suffix such as "-70B" or "8B" is a parameter count: the code names a model.
MODEL_SIZE = re.compile(r"\d(?:\.\d)?[BM]$")
MODEL_WORDS = ("model", "models", "llm", "llms", "parameters", "parameter", "parameter-", "open-weights",
               "open-weight", "weights", "weight", "mixture", "experts", "chatbot", "agent", "agents", "context", "tokens", "reasoning", "multimodal", "vla")
CHIP_WORDS = ("nm", "nanometer", "nanometre", "transistors", "hbm", "hbm2e", "hbm3", "hbm3e", "hbm4", "hbm4e",
              "lpddr5", "lpddr5x", "gddr6", "gddr7", "tape", "taped", "tapes", "taping", "tapeout", "wafer", "card",
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
        self.company_suffixes = frozenset(cues.get("legal_suffixes", ()))
        # "TSMC's N3E", "N3P": a foundry's process, never a chip
        self.process_names = frozenset(cues.get("process_names", ()))
        self.foundries = frozenset(cues.get("foundries", ()))
        self.launch_verbs = Phrases(self.nlp, cues.get("launch_verbs", ()))
        self.naming_words = Phrases(self.nlp, cues.get("naming_words", ()))
        self.chip_nouns = Phrases(self.nlp, cues.get("chip_nouns", ()))
        self.anaphors = Phrases(self.nlp, cues.get("subject_anaphors", ()))
        self.model_nouns = Phrases(self.nlp, cues.get("model_nouns", ()))
        self.product_nouns = Phrases(self.nlp, cues.get("product_nouns", ()))
        # Words that can open a launch phrase or a kind of product: the only
        # places (besides after an apposition opener) a product is introduced.
        self.intro_words = frozenset().union(*(p.by_first for p in (
            self.launch_verbs, self.chip_nouns, self.model_nouns, self.product_nouns)))
        self.not_product = self.not_names | frozenset(cues.get("weekdays", ()))
        self.common = frozenset(cues.get("common_words", ())) | frozenset(cues.get("generic_modifiers", ()))

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
        if best is None:
            # "... the TZ-200, which taped out in July. The chip is built on ...": the next
            # sentence names the kind of product when it opens by referring back.
            nxt = sent.end
            while nxt < len(doc) and doc[nxt].is_space:
                nxt += 1
            opening = [t.lower_ for t in doc[nxt:nxt + 4]]
            n = self.anaphors.starting_at(opening, 0)
            kind = self._kind_of_noun(opening, n - 1)[0] if n else None
            if kind:
                return kind, WINDOW
        return best, best_dist

    def __call__(self, doc: Doc) -> Doc:
        in_ent = entity_mask(doc)
        view = doc_view(doc)
        lower, headline = view.lower, view.headline_starts
        spans: list[Span] = []
        labels: dict[str, str] = {}
        candidates = []
        for m in PRODUCT_CODE.finditer(doc_text(doc)):
            span = doc.char_span(m.start(), m.end())
            if span is None or any(in_ent[span.start:span.end]) or span.text.lower() in self.not_names:
                continue
            if view.sent_start[span.start] in headline and not self._seen_elsewhere(doc, span.text):
                continue
            if self.process_nouns.starting_at(lower, span.end) or self.system_nouns.starting_at(lower, span.end):
                continue  # "TSMC's N3P process", "the HX-2 server": a process or a whole system
            if span.text in self.process_names or self._after_foundry(lower, span.start):
                continue
            candidates.append((span.start, span.end))
        # "Fabric9 Inc.", "Fabric9, Inc.": a code with a company suffix names the company, everywhere.
        companies = {doc[s:e].text for s, e in candidates if self._suffix_follows(doc, e)}
        candidates = [(s, e) for s, e in candidates if doc[s:e].text not in companies]
        # One label per code for the whole document: the closest cue over all its mentions.
        closest: dict[str, tuple[int, str]] = {}
        for start, end in candidates:
            text = doc[start:end].text
            kind, dist = ("MODEL", 0) if MODEL_SIZE.search(text) else self._kind(doc, start, end)
            if kind and (text not in closest or dist < closest[text][0]):
                closest[text] = (dist, kind)
        # "Helix-2 succeeds Helix-1": generations of one line are the same kind of product.
        by_line: dict[str, tuple[int, str]] = {}
        for text, (dist, kind) in closest.items():
            line = PRODUCT_LINE.sub("", text)
            if line and (line not in by_line or dist < by_line[line][0]):
                by_line[line] = (dist, kind)
        for start, end in candidates:
            text = doc[start:end].text
            line = PRODUCT_LINE.sub("", text)
            if text not in closest and line in by_line:
                closest[text] = by_line[line]
        labels.update({text: kind for text, (_, kind) in closest.items()})
        named = self._named_codes(doc, candidates, in_ent)
        for start, end in candidates:
            kind = labels.get(doc[start:end].text)
            if kind:
                start = named.get(start, start)
                spans.append(Span(doc, start, end, label=kind, span_id=doc[start:end].text))
        # A launch's own words about a name outrank a code inside it ("the Helios H2, its ... accelerator").
        introduced = self._introduced(doc)
        add_entities(doc, introduced, replace=False)
        # "The H2e is configured with ...": a code on its own is short for the name it ended.
        full = {ent[-1].text: ent.ent_id_ for ent in introduced if len(ent) > 1}
        spans = [Span(doc, s.start, s.end, label=s.label_, span_id=full.get(s.text, s.ent_id_)) for s in spans]
        add_entities(doc, spans, replace=False)
        self._extend_versions(doc)
        return doc

    def _named_codes(self, doc: Doc, candidates: list[tuple[int, int]], in_ent: list[bool]) -> dict[int, int]:
        """"Talon X2": a capitalised word that only ever stands before a code is
        the product's name; a word also seen alone ("Ferrolith bags $85M") is its maker."""
        named = {}
        view = doc_view(doc)
        lower, headline = view.lower, view.headline_starts
        followers: dict[str, set[str]] = {}
        for tok in doc[:-1]:
            if tok.text[:1].isupper():
                followers.setdefault(tok.text, set()).add(doc[tok.i + 1].text)
        for start, _ in candidates:
            k = start - 1
            if k < 0 or in_ent[k] or not doc[k].whitespace_ or not doc[k].is_alpha or not doc[k].text[:1].isupper() \
                    or doc[k].lower_ in self.common or doc[k].lower_ in self.not_product \
                    or view.sent_start[k] in headline or self.launch_verbs.starting_at(lower, k):
                continue
            if followers.get(doc[k].text) == {doc[start].text}:
                named[start] = k
        return named

    def _kind_of_noun(self, lower: list[str], i: int) -> tuple[str | None, int]:
        """The kind of product a chip or model noun at ``i`` names, and its length."""
        n = self.chip_nouns.starting_at(lower, i)
        if n:
            return "CHIP", n
        n = self.model_nouns.starting_at(lower, i)
        return ("MODEL", n) if n else (None, 0)

    def _name_end(self, doc: Doc, start: int, in_ent: list[bool]) -> int:
        """End of a product name opening at ``start``: capitalised words, codes and
        version numbers, glued hyphens ("Kairo-Max 3"); ``start`` when there is none."""
        first = doc[start].text
        if in_ent[start] or not first[:1].isupper() or doc[start].lower_ in self.not_product:
            return start
        end = start + 1
        while end < len(doc) and end - start < NAME_REACH and not in_ent[end] and not doc[end].is_sent_start:
            tok = doc[end]
            glued = not doc[end - 1].whitespace_
            if tok.text == "-" and glued and not tok.whitespace_ and end + 1 < len(doc):
                end += 1
                continue
            if tok.text[:1].isupper() or tok.like_num and len(tok.text) <= 4 and "," not in tok.text \
                    or VERSION.match(tok.text) or glued and doc[end - 1].text == "-" and tok.text[:1].isalnum():
                end += 1
                continue
            break
        return end if doc[end - 1].text != "-" else end - 1

    def _described_as(self, doc: Doc, lower: list[str], at: int) -> str | None:
        """The kind named by the phrase after "X, ": "a reasoning model with ..." -> MODEL."""
        if at >= len(doc) or lower[at] not in ("a", "an", "its", "the", "their", "his", "her"):
            return None
        for k in range(at + 1, min(len(doc), at + 1 + HEAD_REACH)):
            if lower[k] in PHRASE_ENDS or doc[k].is_sent_start:
                break
            kind, _ = self._kind_of_noun(lower, k)
            if kind:
                return kind
            if self.product_nouns.starting_at(lower, k):
                # "an air-cooled variant for standard servers": the nearest cue says which
                # kind, or else the product it is a variant of
                return self._kind(doc, at - 1, at)[0] or UNDECIDED
        return None

    def _introduced(self, doc: Doc) -> list[Span]:
        """Names that launch news introduces, labelled everywhere in the document."""
        in_ent = entity_mask(doc)
        lower = doc_view(doc).lower
        found: dict[tuple[str, ...], str] = {}
        intro = self.intro_words
        at = [i for i, word in enumerate(lower) if word in intro or (i and lower[i - 1] in APPOSITION_OPENERS)]
        for i in at:
            for name in (self._after_launch_verb(doc, lower, i, in_ent) or self._apposed(doc, lower, i, in_ent),
                         *self._around_noun(doc, lower, i, in_ent)):
                if name is not None:
                    found.setdefault(*name)
        # "the Helios H2e, an air-cooled variant": the kind of the product whose name it extends
        kinds = {tokens[0]: kind for tokens, kind in found.items() if kind != UNDECIDED}
        kinds.update({e[0].text: e.label_ for e in doc.ents if e.label_ in ("CHIP", "MODEL")})
        found = {tokens: kinds.get(tokens[0], kind) if kind == UNDECIDED else kind for tokens, kind in found.items()}
        found = {tokens: kind for tokens, kind in found.items() if kind != UNDECIDED}
        spans = []
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for tokens, kind in found.items():
            by_first.setdefault(tokens[0], []).append((tokens, kind))
        text = doc_view(doc).text
        for i, word in enumerate(text if found else ()):
            for tokens, kind in by_first.get(word, ()):
                j = i + len(tokens)
                if j <= len(doc) and not any(in_ent[i:j]) and tuple(text[i:j]) == tokens \
                        and not (j < len(doc) and text[j][:1].isupper() and doc[j - 1].whitespace_):
                    spans.append(Span(doc, i, j, label=kind, span_id=doc[i:j].text))
        return spans

    def _after_launch_verb(self, doc: Doc, lower: list[str], i: int, in_ent: list[bool]) -> Named | None:
        """"released Sable 4, a 1.2-trillion-parameter model with ...", "announced the Helios H2, its ..."."""
        verb = self.launch_verbs.starting_at(lower, i)
        if not verb:
            return None
        start = i + verb
        while start < len(doc) and lower[start] in INTRO_DETERMINERS:
            start += 1
        end = self._name_end(doc, start, in_ent) if start < len(doc) else start
        if end > start and end < len(doc) and lower[end] == ",":
            kind = self._described_as(doc, lower, end + 1)
            if kind:
                return tuple(t.text for t in doc[start:end]), kind
        return None

    def _apposed(self, doc: Doc, lower: list[str], i: int, in_ent: list[bool]) -> Named | None:
        """"With Tern, its second-generation accelerator, ...", "over Petrel, the first-generation part"."""
        if i == 0 or lower[i - 1] not in APPOSITION_OPENERS or not doc[i].text[:1].isupper():
            return None
        end = self._name_end(doc, i, in_ent)
        if end > i and end + 1 < len(doc) and lower[end] == "," and lower[end + 1] in ("its", "the", "their") \
                and not all(w in self.common for w in lower[i:end]):
            kind = self._described_as(doc, lower, end + 1)
            if kind:
                return tuple(t.text for t in doc[i:end]), kind
        return None

    def _around_noun(self, doc: Doc, lower: list[str], i: int, in_ent: list[bool]) -> tuple[Named | None, Named | None]:
        """Names next to the kind of product: before it ("its Halcyon-Serve model") and
        after it ("its flagship model, Zephyr Ultra, has", "an inference chip called Talon")."""
        kind, n = self._kind_of_noun(lower, i)
        before = None
        if not kind:
            # "its photonic matrix engine, called Lyra,": a product noun that says
            # nothing of the kind; the nearest cue decides ("7nm process").
            n = self.product_nouns.starting_at(lower, i)
            if not n:
                return None, None
        elif i > 1 and lower[i - 1] != "-":
            start = i - 1
            while start > 0 and i - start < NAME_REACH and not in_ent[start - 1] and (
                    doc[start - 1].text[:1].isupper() or doc[start - 1].text == "-"):
                start -= 1
            if start < i and self._name_end(doc, start, in_ent) == i and lower[start - 1] in OWNER_WORDS \
                    and not all(w in self.common for w in lower[start:i]):
                before = tuple(t.text for t in doc[start:i]), kind
        k = i + n
        comma = k < len(doc) and lower[k] == ","
        k += comma
        named = self.naming_words.starting_at(lower, k) if k < len(doc) else 0
        start = k + named
        if start >= len(doc) or not (named or comma):
            return before, None
        end = self._name_end(doc, start, in_ent)
        closes = end < len(doc) and (lower[end] in (",", ".", ";") or (named and not doc[end].text[:1].isupper()))
        if end > start and closes and (named or lower[end] == ","):
            kind = kind or self._kind(doc, start, end)[0]
            if kind:
                return before, (tuple(t.text for t in doc[start:end]), kind)
        return before, None

    def _after_foundry(self, lower: list[str], start: int) -> bool:
        return start >= 2 and lower[start - 1] in ("'s", "’s") and lower[start - 2] in self.foundries

    def _suffix_follows(self, doc: Doc, end: int) -> bool:
        if end < len(doc) and doc[end].text == ",":
            end += 1
        return end < len(doc) and doc[end].text in self.company_suffixes and doc[end - 1].whitespace_ != ""

    @staticmethod
    def _seen_elsewhere(doc: Doc, text: str) -> bool:
        return doc_text(doc).count(text) > 1

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
