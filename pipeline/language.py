"""Build the spaCy pipeline: tokenizer rules, sentences, the entity ruler with
the pattern files, then the finders for money, companies, chips, specs and deals.

    make_nlp()                       # spacy.blank("en") + infra-extract
    make_nlp(model="en_core_web_sm") # an installed pipeline; our ruler runs before its ner
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, replace
from importlib import resources
from functools import lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Iterable, Iterator

import spacy
from spacy.language import Language

# Importing the modules registers the factories.
from pipeline.components import (  # noqa: F401
    chips, companies, deals, model_entities, money, products, register_names, sentences, specs)
from pipeline.components.ner_candidates import NER_PIPE, use_numpy_blas, widen_weights
from pipeline.components.model_entities import RULER_KEY
from pipeline.components.base import register_extensions
from pipeline.knowledge import Knowledge, load_knowledge, pattern_folders
from pipeline.tokenizer import customize_tokenizer

RULER = "infra_entity_ruler"
RULER_CONFIG = {"spans_key": RULER_KEY, "annotate_ents": True, "overwrite": False,
                "ents_filter": {"@misc": "spacy.prioritize_new_ents_filter.v1"}}
# Stage order matters: each finder respects the entities found before it, so
# the curated gazetteer wins over guesses, and deals see every entity.
STAGES = ("infra_register_names", "infra_money", "infra_products", "infra_companies", "infra_chips", "infra_specs", "infra_deals")


# The statistical NER that ships in the package (pipeline/models/, rebuilt by `make train`).
NER_MODEL = "ner-names"


class ModelNotFound(RuntimeError):
    pass


@contextmanager
def ner_model_path() -> Iterator[Path]:
    """The shipped NER pipeline's folder, wherever the package is installed."""
    with resources.as_file(resources.files("pipeline.models") / NER_MODEL) as path:
        if not (path / "meta.json").is_file():
            raise ModelNotFound(f"the trained NER is missing from {path}: run `make train` to rebuild it")
        yield path


@lru_cache(maxsize=1)
def _trained_ner() -> Language:
    with ner_model_path() as path:
        return spacy.load(path)


def add_trained_ner(nlp: Language, source: Language | None = None) -> None:
    """The ``ner`` pipe of ``source`` (by default the shipped one) as ``infra_ner``, switched
    off: the company finder runs it on the sentences that need it (components/ner_candidates.py)."""
    model = nlp.add_pipe("ner", name=NER_PIPE, source=source or _trained_ner()).model
    widen_weights(model)  # shipped in half precision (make train)
    use_numpy_blas(model)
    nlp.disable_pipe(NER_PIPE)


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
             knowledge: Knowledge | None = None, sources: Iterable[str] = (),
             stages: Iterable[str] = STAGES, trained_ner: bool = True) -> Language:
    """The pipeline over the built-in patterns, then source packs by name, then ``pattern_dirs``.

    ``stages`` are the finders added after the ruler, in order; the benchmark
    leaves them out to measure what everything else costs. ``trained_ner=False``
    leaves out the shipped statistical NER (``infra_ner``).
    """
    register_extensions()
    nlp = load_base(model)
    knowledge = knowledge or load_knowledge(folders=pattern_folders(sources, pattern_dirs))
    customize_tokenizer(nlp)
    # News sentences are cut by the project's own splitter, with a model too: a model's
    # parser respects boundaries already set, and its own cuts of headlines, datelines
    # and list items made the deals table worse on the real-text splits.
    if not nlp.has_pipe("infra_sentences"):
        nlp.add_pipe("infra_sentences", first=True)
    if trained_ner and stages and NER_PIPE not in nlp.component_names:
        add_trained_ner(nlp)
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
    # A model's own entities are candidates for the rules, never answers (components/model_entities.py).
    for stage in (("infra_model_entities",) if nlp.has_pipe("ner") and stages else ()) + tuple(stages):
        component = nlp.add_pipe(stage)
        component.set_knowledge(knowledge)
    empty_tokenizer_cache(nlp)
    return nlp


def empty_tokenizer_cache(nlp: Language) -> None:
    """Start the tokenizer's cache afresh, for the articles' words.

    Tokenising the phrase patterns and word lists (tens of thousands of names) fills
    the cache, which takes no new chunk past max_cache_size (10,000); after that no word
    of an article was cached and tokenising ran four times slower (found by make bench).
    Assigning the rules is the tokenizer's public way to a new, empty cache (deleting
    keys one by one leaves the cache counted full); the rules stay the same.
    """
    nlp.tokenizer.rules = nlp.tokenizer.rules


@dataclass(frozen=True)
class PipelineSpec:
    """What a worker needs to build the pipeline: plain, picklable data.

    The knowledge travels already merged from its folders, so a worker on
    another machine needs the package (and ``model``, if one is named) but
    not the pattern folders. ``fingerprint`` names this exact pipeline: the
    tool's code, every pattern file layered and the model name; rows stored
    under another fingerprint are stale. Runs always use every stage;
    :meth:`without_finders` is the benchmark's floor.
    """

    model: str | None
    knowledge: Knowledge
    fingerprint: str
    stages: tuple[str, ...] = STAGES
    trained_ner: bool = True

    @classmethod
    def create(cls, model: str | None = None, pattern_dirs: Iterable[str | Path] = (),
               sources: Iterable[str] = ()) -> "PipelineSpec":
        folders = pattern_folders(sources, pattern_dirs)
        return cls(model=model, knowledge=load_knowledge(folders=folders),
                   fingerprint=pipeline_fingerprint(model, folders))

    def without_finders(self) -> "PipelineSpec":
        """The same pipeline up to the ruler: tokenizer, sentences and patterns, no finder."""
        return replace(self, stages=(), fingerprint=f"{self.fingerprint}-without-finders")

    def build(self) -> Language:
        return make_nlp(model=self.model, knowledge=self.knowledge, stages=self.stages, trained_ner=self.trained_ner)


def pipeline_fingerprint(model: str | None, folders: Iterable[Traversable | Path]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"spacy {spacy.__version__}\0model {model}\0".encode())
    for name, path in sorted(_python_files(resources.files("pipeline"))):
        digest.update(name.encode() + b"\0" + path.read_bytes())
    for name, path in sorted(_files(resources.files("pipeline.models") / NER_MODEL)):
        digest.update(name.encode() + b"\0" + path.read_bytes())
    for layer, folder in enumerate(folders):
        # Top-level files only: source packs under patterns/sources/ are layered
        # (and fingerprinted) as folders of their own when switched on.
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_file() and not entry.name.startswith("."):
                digest.update(f"{layer}/{entry.name}".encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()


def _files(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    """``(name within folder, file)`` for every file below ``folder``."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _files(entry, f"{prefix}{entry.name}/")
        else:
            yield f"{prefix}{entry.name}", entry


def _python_files(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    """``(name within the package, file)`` for every module, wherever the package is installed."""
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name != "__pycache__":
            yield from _python_files(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith(".py"):
            yield f"{prefix}{entry.name}", entry
