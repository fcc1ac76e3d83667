"""Patterns that test themselves: run the ``examples`` a pattern record carries.

Each example must make its record fire in the pipeline built from the same
folders:

- a ruler record (companies, chips, models, places): an entity with the
  record's label and canonical id;
- a currency: an amount in that currency;
- a spec unit: a spec of that attribute, in the attribute's canonical unit;
- a round name: a deal in that round.

``collect_examples`` reads JSON only; ``run_examples`` needs a pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.knowledge import RULER_FILES, read_jsonl
from pipeline.parsing.specs import CONTEXT_ATTRIBUTE

MONEY, SPEC, ROUND = "MONEY", "SPEC", "ROUND"


@dataclass(frozen=True)
class Example:
    """One example sentence and what it must give: ``(label, value)``.

    ``value`` is the canonical id for ruler labels, the currency code for
    MONEY, ``"attribute in unit"`` for SPEC and the round name for ROUND.
    """

    path: str
    line: int
    text: str
    label: str
    value: str


@dataclass(frozen=True)
class ExampleFailure:
    example: Example
    found: tuple[str, ...]

    def __str__(self) -> str:
        e = self.example
        found = ", ".join(self.found) or "nothing"
        return f"{e.path}:{e.line}: expected {e.label} {e.value!r} in {e.text!r}; found {found}"


def _expected(file_name: str, record: dict) -> tuple[str, str] | None:
    if file_name in RULER_FILES:
        return (record["label"], record["id"]) if "label" in record and "id" in record else None
    if file_name == "currencies.jsonl":
        return (MONEY, record["code"]) if "code" in record else None
    if file_name == "spec_units.jsonl" and "attribute" in record and "unit" in record:
        return SPEC, f"{record['attribute']} in {record.get('canonical', record['unit'])}"
    if file_name == "rounds.jsonl" and "round" in record:
        return ROUND, record["round"]
    return None


EXAMPLE_FILES = (*RULER_FILES, "currencies.jsonl", "spec_units.jsonl", "rounds.jsonl")


def collect_examples(folders: Iterable[Traversable | Path]) -> list[Example]:
    """Every example in the folders' pattern files, in folder and file order."""
    examples = []
    for folder in folders:
        for name in EXAMPLE_FILES:
            path = folder / name
            if not path.is_file():
                continue
            for line, record in read_jsonl(path):
                expected = _expected(name, record)
                texts = record.get("examples") or []
                if expected is None or not isinstance(texts, list):
                    continue
                examples += [Example(str(path), line, text, *expected) for text in texts if isinstance(text, str)]
    return examples


def found_in(doc: Doc, label: str) -> set[str]:
    """What ``doc`` gives for ``label``, in the form :class:`Example` expects."""
    if label == MONEY:
        return {m["unit"] for m in doc._.money or ()}
    if label == ROUND:
        return {d["round"] for d in doc._.deals or () if d.get("round")}
    if label == SPEC:
        return {f"{s['attribute']} in {s['unit']}" for s in doc._.specs or ()}
    return {ent.ent_id_ or ent.text for ent in doc.ents if ent.label_ == label}


def gives(example: Example, found: set[str]) -> bool:
    """Whether ``found`` holds what the example expects; a unit whose attribute
    is read from context may give any attribute in that unit."""
    if example.value in found:
        return True
    attribute, _, unit = example.value.partition(" in ")
    return example.label == SPEC and attribute == CONTEXT_ATTRIBUTE and any(f.endswith(f" in {unit}") for f in found)


def run_examples(nlp: Language, examples: list[Example], batch_size: int = 64) -> list[ExampleFailure]:
    """The examples that do not give what their record promises."""
    failures = []
    for example, doc in zip(examples, nlp.pipe((e.text for e in examples), batch_size=batch_size)):
        found = found_in(doc, example.label)
        if not gives(example, found):
            failures.append(ExampleFailure(example, tuple(sorted(found))))
    return failures
