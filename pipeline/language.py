"""Build the spaCy pipeline: tokenizer rules, sentences, the entity ruler with
the pattern files, then the finders for money, companies, chips, specs and deals.

    make_nlp()                       # spacy.blank("en") + infra-extract
    make_nlp(model="en_core_web_sm") # an installed pipeline; our ruler runs before its ner
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import spacy
from spacy.language import Language

# Importing the modules registers the factories.
from pipeline.components import chips, companies, deals, money, products, sentences, specs  # noqa: F401
from pipeline.knowledge import Knowledge, load_knowledge, pattern_folders
from pipeline.tokenizer import customize_tokenizer

RULER = "infra_entity_ruler"
RULER_CONFIG = {"spans_key": None, "annotate_ents": True, "overwrite": False,
                "ents_filter": {"@misc": "spacy.prioritize_new_ents_filter.v1"}}
# Stage order matters: each finder respects the entities found before it, so
# the curated gazetteer wins over guesses, and deals see every entity.
STAGES = ("infra_money", "infra_products", "infra_companies", "infra_chips", "infra_specs", "infra_deals")


class ModelNotFound(RuntimeError):
    pass


def load_base(model: str | None) -> Language:
    if model is None:
        return spacy.blank("en")
    try:
        return spacy.load(model)
    except OSError:
        raise ModelNotFound(
            f"spaCy pipeline {model!r} is not installed: give a package name that `python -m spacy info` "
            "lists, or a path to a saved pipeline folder"
        ) from None


def make_nlp(model: str | None = None, pattern_dirs: Iterable[str | Path] = (),
             knowledge: Knowledge | None = None, sources: Iterable[str] = ()) -> Language:
    """The pipeline over the built-in patterns, then source packs by name, then ``pattern_dirs``."""
    nlp = load_base(model)
    knowledge = knowledge or load_knowledge(folders=pattern_folders(sources, pattern_dirs))
    customize_tokenizer(nlp)
    if not (nlp.has_pipe("parser") or nlp.has_pipe("senter") or nlp.has_pipe("sentencizer")):
        nlp.add_pipe("infra_sentences", first=True)
    ruler_position = {"before": "ner"} if nlp.has_pipe("ner") else {}
    # A span ruler that writes doc.ents, new spans winning over overlapping ones
    # (a model's ner). Unlike entity_ruler, its cost per document does not grow
    # with the number of canonical ids, which matters for imported gazetteers.
    ruler = nlp.add_pipe("span_ruler", name=RULER, config=RULER_CONFIG, **ruler_position)
    # Patterns are added after the tokenizer is customised (see pipeline.tokenizer).
    # Phrase patterns match on ORTH, so they need the tokenizer only: with the
    # other pipes off, a large gazetteer loads without running them on every name.
    with nlp.select_pipes(disable=nlp.pipe_names):
        ruler.add_patterns(list(knowledge.ruler_patterns))
    for stage in STAGES:
        component = nlp.add_pipe(stage)
        component.set_knowledge(knowledge)
    return nlp
