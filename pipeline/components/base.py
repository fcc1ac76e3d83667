"""What every infra-extract component shares: the knowledge tables it was built
with (saved with the pipeline) and the ``doc._`` fields it writes."""

from __future__ import annotations

import json
from pathlib import Path

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.knowledge import Knowledge, default_knowledge, knowledge_from_dict, knowledge_to_dict

# Plain data only: lists of dicts, never Spans, so Docs pickle and travel.
DOC_FIELDS = ("money", "specs", "chips", "deals")
# Scratch fields a component fills and clears within its own call.
SCRATCH_FIELDS = ("money_by_start",)


def register_extensions() -> None:
    for name in (*DOC_FIELDS, *SCRATCH_FIELDS):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


class KnowledgeComponent:
    """Base for components driven by the tables in ``patterns/``."""

    knowledge_file = "knowledge.json"

    def __init__(self, nlp, name: str, knowledge: Knowledge | None = None):
        register_extensions()
        self.nlp = nlp
        self.name = name
        self.knowledge = knowledge or default_knowledge()
        self.setup()

    def setup(self) -> None:
        """Compile whatever the component derives from its knowledge."""

    def set_knowledge(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.setup()

    def to_disk(self, path, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / self.knowledge_file).write_text(json.dumps(knowledge_to_dict(self.knowledge)), encoding="utf-8")

    def from_disk(self, path, exclude=()):
        data = json.loads((Path(path) / self.knowledge_file).read_text(encoding="utf-8"))
        self.set_knowledge(knowledge_from_dict(data))
        return self

    def to_bytes(self, exclude=()):
        return json.dumps(knowledge_to_dict(self.knowledge)).encode("utf-8")

    def from_bytes(self, data, exclude=()):
        self.set_knowledge(knowledge_from_dict(json.loads(data)))
        return self


def add_entities(doc: Doc, spans: list[Span], *, replace: bool) -> None:
    """Put ``spans`` into ``doc.ents``.

    replace=True: a new span wins over existing entities it overlaps (money and
    specs are unambiguous); replace=False: it only fills gaps (guessed names
    never override the curated gazetteer).
    """
    if not spans:
        return
    existing = list(doc.ents)
    # Two spans overlap when they share a token: one mask of the winners'
    # tokens replaces comparing every pair.
    if replace:
        taken = filter_spans(spans)
        covered = _covered(len(doc), taken)
        kept = [e for e in existing if not any(covered[e.start:e.end])]
    else:
        kept = existing
        covered = _covered(len(doc), existing)
        taken = [s for s in filter_spans(spans) if not any(covered[s.start:s.end])]
    doc.ents = sorted(kept + taken, key=lambda s: s.start)


def _covered(n: int, spans: list[Span]) -> list[bool]:
    mask = [False] * n
    for span in spans:
        mask[span.start:span.end] = [True] * (span.end - span.start)
    return mask


def is_headline_case(sent: Span) -> bool:
    """Title Case or ALL CAPS: capitals there say nothing about names.

    Function words do not count, so "Veloxa raises $40M for chips" is not a
    headline-case line but "Veloxa Raises $40M For New Chips" is.
    """
    letters = [t for t in sent if t.is_alpha and len(t.text) > 1]
    if len(letters) >= 3 and all(t.is_upper for t in letters):
        return True  # "HEXFIELD TO BUY QUILLFEATHER"
    words = [t for t in sent if t.is_alpha and len(t.text) > 3 and not t.is_stop]
    if len(words) < 4:
        return False
    return all(t.text[0].isupper() for t in words)


def entity_mask(doc: Doc) -> list[bool]:
    """For each token, whether an entity already covers it."""
    return _covered(len(doc), doc.ents)


# The keys of the DocView and the token texts in doc.user_data; the last stage removes them.
VIEW_KEY = "infra_extract.view"
TOKENS_KEY = "infra_extract.tokens"


class DocView:
    """What the finders read over and over, as plain lists made once per Doc:
    lower-case token texts, the sentence start of each token and the starts of
    headline-case sentences. Profiling showed each finder rebuilding these one
    Token at a time, and asking each token for its sentence, at a cost greater
    than the rules themselves. Tokens and sentences never change after the
    sentence splitter, so one view serves every finder."""

    __slots__ = ("text", "lower", "sent_start", "sent_end", "headline_starts")

    def __init__(self, doc: Doc) -> None:
        self.text, self.lower = token_texts(doc)
        self.sent_start = [0] * len(doc)
        self.sent_end: dict[int, int] = {}
        self.headline_starts: set[int] = set()
        for sent in doc.sents:
            self.sent_start[sent.start:sent.end] = [sent.start] * (sent.end - sent.start)
            self.sent_end[sent.start] = sent.end
            if is_headline_case(sent):
                self.headline_starts.add(sent.start)


def token_texts(doc: Doc) -> tuple[list[str], list[str]]:
    """Each token's text and lower-case text, made once per Doc for the
    sentence splitter and the view (read only: never change the lists)."""
    texts = doc.user_data.get(TOKENS_KEY)
    if texts is None or len(texts[0]) != len(doc):
        text, lower = [], []
        for token in doc:  # one pass: making each Token object is the cost
            text.append(token.text)
            lower.append(token.lower_)
        texts = doc.user_data[TOKENS_KEY] = (text, lower)
    return texts


def doc_view(doc: Doc) -> DocView:
    """The shared view of ``doc`` (read only: never change its lists)."""
    view = doc.user_data.get(VIEW_KEY)
    if view is None or len(view.lower) != len(doc):
        view = doc.user_data[VIEW_KEY] = DocView(doc)
    return view


def entities_by_sentence(doc: Doc) -> dict[int, list[Span]]:
    """The entities wholly inside each sentence, keyed by the sentence's start.

    The same as ``sent.ents`` for every sentence, from one pass: ``Span.ents``
    rebuilds all of the Doc's entities on each call. Valid until the next
    change to ``doc.ents``; the lists are shared, so never change them.
    """
    view = doc_view(doc)
    found: dict[int, list[Span]] = {}
    for ent in doc.ents:
        start = view.sent_start[ent.start]
        if ent.end <= view.sent_end[start]:
            found.setdefault(start, []).append(ent)
    return found


def drop_doc_view(doc: Doc) -> None:
    doc.user_data.pop(VIEW_KEY, None)
    doc.user_data.pop(TOKENS_KEY, None)
