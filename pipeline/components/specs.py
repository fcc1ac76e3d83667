"""``infra_specs``: SPEC entities, normalised, each attached to the chip or
model it describes (same sentence first, else the last one named just before)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.base import KnowledgeComponent, add_entities, doc_text, doc_view, entities_by_sentence
from pipeline.components.phrases import Phrases
from pipeline.parsing.specs import find_specs, find_table_specs

SUBJECT_LABELS = frozenset({"CHIP", "MODEL"})
# How many earlier sentences may hold the subject ("The chip pairs with 44GB...").
LOOKBACK_SENTENCES = 5
PROTECTED = frozenset({"MONEY", "CHIP", "MODEL", "ORG"})
# Attributes that describe a model rather than a chip; a subject of the
# matching kind is preferred when both are near.
MODEL_ATTRIBUTES = frozenset({"parameters", "context_window", "training_tokens"})
# Tokens around a figure searched for words that make it a site's ("per rack").
SITE_REACH = 6
# How far back from a figure an appositive may open (", a 5nm part").
APPOSITIVE_REACH = 5
# Tokens from a comparison word to the chip it compares with ("up from 192GB on the B200").
COMPARISON_REACH = 6
ASIDE_REACH = 12
SETTING_REACH = 6  # tokens from "on" to the hardware it names: "on a single eight-GPU MI355X"
CLAUSE_CONJUNCTIONS = frozenset({"and", "but", "while", "whereas", "yet", "so"})


@Language.factory("infra_specs", default_config={})
def make_spec_finder(nlp: Language, name: str) -> "SpecFinder":
    return SpecFinder(nlp, name)


class SpecFinder(KnowledgeComponent):
    def setup(self) -> None:
        self._sentence_ents: dict[int, list[Span]] = {}
        cues = self.knowledge.cues
        self.not_chip_context = Phrases(self.nlp, cues.get("not_chip_spec_context", ()))
        self.comparison = Phrases(self.nlp, cues.get("comparison_words", ()))
        self.workload = frozenset(cues.get("workload_words", ()))
        self.anaphor = Phrases(self.nlp, cues.get("subject_anaphors", ()))
        # "as" and "like" compare only right before a name; the rest reach further.
        self.far_comparison = Phrases(self.nlp, [w for w in cues.get("comparison_words", ()) if w not in ("as", "like")])
        self.relative = Phrases(self.nlp, cues.get("relative_claims", ()))
        self.naming = frozenset(w for phrase in cues.get("naming_words", ()) for w in phrase.split())

    def __call__(self, doc: Doc) -> Doc:
        protected = [e for e in doc.ents if e.label_ in PROTECTED]
        lower = doc_view(doc).lower
        # Subjects are chosen before this stage adds its SPEC spans, so one index serves them all.
        self._sentence_ents = entities_by_sentence(doc)
        spans, records = [], []
        matches = find_specs(doc_text(doc), self.knowledge)
        # A spec table says outright which product each figure belongs to.
        table = find_table_specs(doc_text(doc), self.knowledge)
        matches = [m for m in matches if not any(t.start < m.end and m.start < t.end for t in table)]
        # Sentences that state figures go on describing the subject named before
        # them ("Key specs:" and a list), so they do not use up the lookback.
        figure_sents = set()
        for m in matches:
            found = doc.char_span(m.start, m.end, alignment_mode="expand")
            if found is not None:
                figure_sents.add(found.sent.start)
        for match in matches:
            span = doc.char_span(match.start, match.end, label="SPEC", alignment_mode="expand")
            if span is None or any(self._blocks(e, span) for e in protected):
                continue
            if self._about_a_site(lower, span):
                continue
            spans.append(span)
            records.append(self._record(span, self._subject(doc, lower, span, match.spec, figure_sents), match.spec))
        for cell in table:
            span = doc.char_span(cell.start, cell.end, label="SPEC", alignment_mode="expand")
            if span is None or any(e.start < span.end and span.start < e.end for e in protected):
                continue
            spans.append(span)
            records.append(self._record(span, self._table_subject(doc, cell), cell.spec))
        records.sort(key=lambda r: r["start_char"])
        self._sentence_ents = {}
        add_entities(doc, spans, replace=True)
        doc._.specs = self._without_headline_repeats(doc, records)
        return doc

    def _ents(self, sent: Span) -> list[Span]:
        """``sent.ents``, from the index made before this stage's spans are added."""
        return self._sentence_ents.get(sent.start, [])

    @staticmethod
    def _record(span: Span, subject: str | None, spec) -> dict:
        return {"start_char": span.start_char, "end_char": span.end_char, "text": span.text, "subject": subject,
                "sentence": span.sent.text.strip(), **spec.model_dump()}

    def _table_subject(self, doc: Doc, cell) -> str:
        """The catalogue's name for a row's product where it knows one, else the cell as written."""
        end = cell.subject_start + len(cell.subject)
        for ent in doc.ents:
            if ent.label_ in SUBJECT_LABELS and ent.start_char < end and cell.subject_start < ent.end_char:
                return self._name(ent)
        return cell.subject.strip("*_` ")

    @staticmethod
    def _blocks(entity: Span, span: Span) -> bool:
        """Whether an entity stops a figure: a company named inside the unit
        ("72 Arm cores") is part of a unit form the spec table lists."""
        if not (entity.start < span.end and span.start < entity.end):
            return False
        return not (entity.label_ == "ORG" and span.start < entity.start and entity.end <= span.end)

    def _about_a_site(self, lower: list[str], span: Span) -> bool:
        """"rack densities of up to 140 kW", "a 300 MW campus": a building's figure, not a part's."""
        sent = span.sent
        for k in range(max(sent.start, span.start - SITE_REACH), min(sent.end, span.end + SITE_REACH)):
            if not span.start <= k < span.end and self.not_chip_context.starting_at(lower, k):
                return True
        return False

    @staticmethod
    def _without_headline_repeats(doc: Doc, records: list[dict]) -> list[dict]:
        """A headline figure that the body states again is the body's (with its subject)."""
        text = doc_text(doc)
        sents = [s for s in doc.sents if text[s.start_char:s.end_char].strip()]
        if len(sents) < 2:
            return records
        headline_end = sents[0].end_char
        body = {(r["attribute"], r["value"]) for r in records if r["start_char"] >= headline_end}
        return [r for r in records if r["start_char"] >= headline_end or (r["attribute"], r["value"]) not in body]

    @staticmethod
    def _name(ent: Span) -> str:
        return ent.ent_id_ or ent.text

    def _subject(self, doc: Doc, lower: list[str], span: Span, spec, figure_sents: set[int]) -> str | None:
        apposed = self._apposed(doc, lower, span)
        if apposed is not None:
            return self._name(apposed)
        # Throughput belongs to what the sentence is about ("its WSE-3 served Aster-2 at
        # 2,100 tokens per second"), or, in a comparison ("versus 2,050 tokens/s on the
        # H100"), to the hardware it names.
        if spec.unit == "tokens/s":
            if self.comparison.ending_at(lower, span.start):
                on = [e for e in self._ents(span.sent) if e.label_ == "CHIP" and e.start >= span.end
                      and "on" in lower[span.end:e.start]]
                if on:
                    return self._name(on[0])
            first = [e for e in self._ents(span.sent) if e.label_ in SUBJECT_LABELS and e.end <= span.start
                     and self._eligible(doc, lower, e, span)]
            # "On a single B300 server, its Halcyon-Serve model runs at ...": the
            # hardware in an opening phrase is the setting, not the subject.
            while len(first) > 1 and self._in_opener(doc, first[0], span):
                first.pop(0)
            # "On Groq's LPU it runs at 480 tokens per second": with only the setting
            # named, "it" is the model the text was about.
            if first and all(e.label_ == "CHIP" and self._setting(lower, e) for e in first):
                model = self._nearest(doc, lower, span, {"MODEL"}, figure_sents)
                if model is not None:
                    return model
            if first:
                return self._name(first[0])
            return self._nearest(doc, lower, span, SUBJECT_LABELS, figure_sents)
        # "up from 192GB on the B200": a figure stated for the chip named right after it
        on = self._figure_on(doc, lower, span)
        if on is not None:
            return self._name(on)
        preferred = "MODEL" if spec.attribute in MODEL_ATTRIBUTES else "CHIP"
        return (self._nearest(doc, lower, span, {preferred}, figure_sents)
                or self._nearest(doc, lower, span, SUBJECT_LABELS, figure_sents))

    @staticmethod
    def _apposed(doc: Doc, lower: list[str], span: Span) -> Span | None:
        """"its predecessor, Halden-1, a 5nm part": the name an appositive describes."""
        k = span.start - 1
        steps = 0
        while k > span.sent.start and steps < APPOSITIVE_REACH and lower[k] not in (",", ";", "(", ")"):
            k -= 1
            steps += 1
        if lower[k] != "," or k + 1 >= span.start or lower[k + 1] not in ("a", "an"):
            return None
        before = doc[k - 1]
        if before.ent_type_ in SUBJECT_LABELS:
            return next(e for e in doc.ents if e.start <= before.i < e.end)
        return None

    def _figure_on(self, doc: Doc, lower: list[str], span: Span) -> Span | None:
        k = span.end
        if k >= span.sent.end or lower[k] not in ("on", "for", "in"):
            return None
        # skip "the", "each", and a vendor with its possessive: "on Nvidia's B200"
        k += 1
        while k < span.sent.end and (lower[k] in ("the", "a", "an", "its", "each", "'s", "’s")
                                     or doc[k].ent_type_ == "ORG"):
            k += 1
        if k < span.sent.end and doc[k].ent_type_ == "CHIP" and doc[k].ent_iob_ == "B":
            return next(e for e in self._ents(span.sent) if e.start == k)
        return None

    def _eligible(self, doc: Doc, lower: list[str], ent: Span, span: Span) -> bool:
        """Not the object of a comparison ("as fast as Tern-1") nor the workload a
        figure was measured on ("2,400 tokens per second on Mistral Large 2")."""
        # "the MI300X, which launched with 192GB": a clause that describes the name
        if ent.end + 1 < span.start and lower[ent.end] == "," and lower[ent.end + 1] in ("which", "whose"):
            return True
        k = ent.start - 1
        while k >= ent.sent.start and (lower[k] in ("the", "its", "their", "'s", "’s") or doc[k].ent_type_ == "ORG"):
            k -= 1
        if k >= ent.sent.start and self.comparison.ending_at(lower, k + 1):
            return False
        if ent.end <= span.start and self._aside_or_compared(doc, lower, ent):
            return False  # "up from 192GB on the B200, while bandwidth holds at 8 TB/s"
        if ent.start >= span.end and any(lower[j] in self.workload for j in range(max(span.end, ent.start - 3), ent.start)):
            return False
        return True

    def _aside_or_compared(self, doc: Doc, lower: list[str], ent: Span) -> bool:
        sent = ent.sent
        lo = max(sent.start, ent.start - COMPARISON_REACH)
        if any(self.far_comparison.ending_at(lower, j) for j in range(lo, ent.start + 1)):
            return True
        # "three times the tokens per watt of Nvidia's L40S": the other side of a relative claim
        if any(self.relative.ending_at(lower, j) for j in range(sent.start, ent.start + 1)):
            return True
        # An aside describes something else: ", the mid-cycle refresh of last year's B200,".
        # A bare name between commas (", Ironwood,") is an appositive naming the subject.
        k = ent.start - 1
        while k > max(sent.start, ent.start - ASIDE_REACH) and lower[k] != ",":
            k -= 1
        if lower[k] != "," or k == ent.start - 1 or lower[k + 1] not in ("the", "a", "an", "its", "their", "last"):
            return False
        between = doc[k + 1 : ent.start]
        if any(t.ent_type_ in ("SPEC", "MONEY", "CHIP", "MODEL") for t in between):
            return False  # a clause of its own, not a descriptive aside
        words = [t for t in between if t.lower_ not in ("the", "a", "an", "'s", "’s") and t.lower_ not in self.naming
                 and not t.ent_type_]
        return bool(words) and ent.end < sent.end and lower[ent.end] in (",", ")")

    @staticmethod
    def _setting(lower: list[str], ent: Span) -> bool:
        """"on Groq's LPU", "served on a single eight-GPU MI355X node": hardware something runs on."""
        lo = max(ent.sent.start, ent.start - SETTING_REACH)
        return any(lower[j] in ("on", "using") and "," not in lower[j:ent.start] for j in range(lo, ent.start))

    @staticmethod
    def _in_opener(doc: Doc, ent: Span, span: Span) -> bool:
        sent = ent.sent
        return (doc[sent.start].is_stop and not any(t.text == "," for t in doc[sent.start : ent.start])
                and any(t.text == "," for t in doc[ent.end : span.start]))

    @staticmethod
    def _in_aside(doc: Doc, ent: Span, span: Span) -> bool:
        commas = [t.i for t in doc[ent.sent.start : ent.start] if t.text == ","]
        closes = any(t.text == "," for t in doc[ent.end : span.start])
        # ", and its MI450, due next year, will carry": a clause joined by a conjunction is no aside
        return bool(commas) and closes and doc[commas[-1] + 1].lower_ not in CLAUSE_CONJUNCTIONS

    def _nearest(self, doc: Doc, lower: list[str], span: Span, labels, figure_sents: set[int]) -> str | None:
        sent = span.sent
        in_sent = [e for e in self._ents(sent) if e.label_ in labels and self._eligible(doc, lower, e, span)]
        before = [e for e in in_sent if e.end <= span.start]
        # "The X processor, derived from Y capacity, is rated at ...": an entity inside
        # a comma-delimited aside is not what the main clause describes.
        while len(before) > 1 and self._in_aside(doc, before[-1], span):
            before.pop()
        if before:
            return self._name(before[-1])
        after = [e for e in in_sent if e.start >= span.end]
        # "The chip carries 128GB ..., double that of the earlier Ascend 910B": a
        # sentence that opens by referring back describes the earlier subject.
        if after and not self.anaphor.starting_at(lower, sent.start):
            return self._name(after[0])
        k = sent.start - 1
        seen = 0
        fallback = None
        while k >= 0 and seen < LOOKBACK_SENTENCES:
            prev = doc[k].sent
            cands = [e for e in self._ents(prev) if e.label_ in labels]
            # "Nvidia's B300, the refresh of last year's B200, is ...", "up from 192GB on the
            # B200": what an aside or a comparison names is not what the text goes on about.
            topical = [e for e in cands if not self._aside_or_compared(doc, lower, e)]
            if topical:
                return self._name(topical[-1])
            fallback = fallback or (cands[-1] if cands else None)
            k = prev.start - 1
            if not doc[prev.start].is_space and prev.start not in figure_sents:
                seen += 1
        if after:
            return self._name(after[0])
        return self._name(fallback) if fallback is not None else None
