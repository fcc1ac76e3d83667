"""What every infra-extract component shares: the knowledge tables it was built
with (saved with the pipeline) and the ``doc._`` fields it writes."""

from __future__ import annotations

import json
from pathlib import Path

from spacy.attrs import IS_ALPHA, IS_STOP, IS_UPPER, SPACY
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


def is_headline_case(words: list[tuple[str, bool, bool]]) -> bool:
    """Title Case or ALL CAPS: capitals there say nothing about names.

    ``words`` holds each alphabetic token of the line as (text, is_upper,
    is_stop). Function words and short words do not count, so "Veloxa raises
    funds for its chips" is not a headline-case line but "Veloxa Raises Funds
    for its Chips" is.

    >>> is_headline_case([("HEXFIELD", True, False), ("TO", True, True), ("BUY", True, False), ("QUILL", True, False)])
    True
    >>> line = [(w, False, w in ("for", "its")) for w in "Veloxa Raises Funds for its Chips".split()]
    >>> is_headline_case(line), is_headline_case([(w.lower(), u, s) for w, u, s in line])
    (True, False)
    """
    letters = [upper for text, upper, _ in words if len(text) > 1]
    if len(letters) >= 3 and all(letters):
        return True  # "HEXFIELD TO BUY QUILLFEATHER"
    content = [text for text, _, stop in words if len(text) > 3 and not stop]
    if len(content) < 4:
        return False
    return all(text[0].isupper() for text in content)


def entity_mask(doc: Doc) -> list[bool]:
    """For each token, whether an entity already covers it."""
    return _covered(len(doc), doc.ents)


# The keys of the DocView and the token texts in doc.user_data; the last stage removes them.
VIEW_KEY = "infra_extract.view"
TOKENS_KEY = "infra_extract.tokens"
TEXT_KEY = "infra_extract.text"


class DocView:
    """What the finders read over and over, as plain lists made once per Doc:
    token texts as written and lower-cased, whether a space follows each
    token, the sentence start of each token and the starts of headline-case
    sentences. Profiling showed each finder rebuilding these one Token at a
    time, and asking each token for its sentence, at a cost greater than the
    rules themselves. Tokens and sentences never change after the sentence
    splitter, so one view serves every finder."""

    __slots__ = ("text", "lower", "spaced", "sent_start", "sent_end", "headline_starts")

    def __init__(self, doc: Doc) -> None:
        self.text, self.lower, self.spaced = token_lists(doc)
        self.sent_start = [0] * len(doc)
        self.sent_end: dict[int, int] = {}
        self.headline_starts: set[int] = set()
        # Token flags in one call: asking each Token costs more than the test itself.
        flags = doc.to_array([IS_ALPHA, IS_UPPER, IS_STOP]).astype(bool).reshape(len(doc), 3)
        alpha, upper, stop = flags.T.tolist()
        text = self.text
        for sent in doc.sents:
            start, end = sent.start, sent.end
            self.sent_start[start:end] = [start] * (end - start)
            self.sent_end[start] = end
            if is_headline_case([(text[k], upper[k], stop[k]) for k in range(start, end) if alpha[k]]):
                self.headline_starts.add(start)


def doc_text(doc: Doc) -> str:
    """``doc.text``, made once: spaCy joins it from every token on each call."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def token_lists(doc: Doc) -> tuple[list[str], list[str], list[bool]]:
    """Each token's text, lower-case text and whether a space follows it,
    made once per Doc for the sentence splitter and the view (read only:
    never change the lists)."""
    lists = doc.user_data.get(TOKENS_KEY)
    if lists is None or len(lists[0]) != len(doc):
        text, lower = [], []
        for token in doc:  # one pass: making each Token object is the cost
            text.append(token.text)
            lower.append(token.lower_)
        spaced = doc.to_array([SPACY]).astype(bool).tolist() if len(doc) else []
        lists = doc.user_data[TOKENS_KEY] = (text, lower, spaced)
    return lists


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
    for key in (VIEW_KEY, TOKENS_KEY, TEXT_KEY):
        doc.user_data.pop(key, None)
