"""Sentences of the project's own study splits with their names marked, for training.

The rules (without the trained NER) mark the names of ``corpus/dev`` and
``corpus/real-dev``; the gold then corrects them. A rule's company that the gold
does not list is left unmarked, and a gold company, person or place the rules
missed is marked wherever its exact words stand in the text. Blind splits
(``test``, ``real-test``) never enter training.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.evaluate import load_gold, norm_name
from pipeline.ingest import Article, SourceFile, iter_files, read_file

STUDY_SPLITS = ("dev", "real-dev")
RULE_LABELS = {"ORG": "ORG", "PERSON": "PER", "GPE": "LOC"}
GOLD_LABELS = {"companies": "ORG", "people": "PER", "places": "LOC"}


def marked_spans(doc: Doc, gold: dict) -> list[Span]:
    """The rules' names the gold confirms, plus the gold's names where the text writes them."""
    wanted = {label: {norm_name(n) for n in gold.get(key) or []} for key, label in GOLD_LABELS.items()}
    spans = []
    for ent in doc.ents:
        label = RULE_LABELS.get(ent.label_)
        if label is None:
            continue
        if label == "ORG" and not ({norm_name(ent.text), norm_name(ent.ent_id_ or ent.text)} & wanted["ORG"]):
            continue
        spans.append(Span(doc, ent.start, ent.end, label=label))
    for key, label in GOLD_LABELS.items():
        for name in gold.get(key) or []:
            for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", doc.text):
                span = doc.char_span(match.start(), match.end(), label=label)
                if span is not None:
                    spans.append(span)
    return filter_spans(spans)


def study_sentences(nlp: Language, corpus: Path, splits: Iterable[str] = STUDY_SPLITS) -> Iterator[Doc]:
    """One Doc per sentence of the study splits, its names in ``ents``."""
    gold = load_gold(corpus / ".gold")
    for split in splits:
        for source in iter_files([corpus / split]):
            if not isinstance(source, SourceFile):
                continue
            for article in read_file(source.path, f"{split}/{source.doc_id}"):
                if not isinstance(article, Article) or article.doc_id not in gold:
                    continue
                doc = nlp(article.text)
                doc.ents = marked_spans(doc, gold[article.doc_id])
                for sent in doc.sents:
                    if any(not t.is_space for t in sent):
                        yield sent.as_doc()
