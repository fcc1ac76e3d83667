"""Every pattern record that carries examples fires on them with its canonical id."""

import json

import pytest

from pipeline.knowledge import RULER_FILES, builtin_dir


def example_cases():
    cases = []
    for name in RULER_FILES:
        path = builtin_dir() / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, start=1):
                record = json.loads(line)
                for example in record.get("examples", ()):
                    cases.append(pytest.param(record["label"], record["id"], example, id=f"{name}:{line_number}"))
    return cases


CASES = example_cases()


def test_every_ruler_file_has_examples():
    assert len(CASES) > 100


@pytest.mark.parametrize("label,canonical,example", CASES)
def test_pattern_examples(nlp, label, canonical, example):
    doc = nlp(example)
    assert (label, canonical) in {(e.label_, e.ent_id_) for e in doc.ents}, [(e.text, e.label_, e.ent_id_) for e in doc.ents]
