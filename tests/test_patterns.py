"""Every pattern record that carries examples gives what it promises on them
(the same check as `infra-extract patterns test`)."""

import pytest

from pipeline.knowledge import RULER_FILES, builtin_dir, read_jsonl
from pipeline.pattern_examples import collect_examples, found_in, gives

EXAMPLES = collect_examples([builtin_dir()])


def test_every_canonical_name_has_an_example():
    for name in RULER_FILES:
        records = [record for _, record in read_jsonl(builtin_dir() / name)]
        shown = {r["id"] for r in records if r.get("examples")}
        assert {r["id"] for r in records} <= shown, f"{name}: ids without an example"


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.path.rsplit('/', 1)[-1]}:{e.line}:{e.value}" for e in EXAMPLES])
def test_pattern_examples(nlp, example):
    found = found_in(nlp(example.text), example.label)
    assert gives(example, found), f"expected {example.label} {example.value!r}; found {sorted(found)}"


def test_knowledge_base_names_are_whole():
    """A register name cut before its last word ('Bank of', 'Rivian Automotive Inc. / de')
    matches the start of every longer name and stops it there."""
    from pipeline.kb_build import CONNECTORS

    records = [record for _, record in read_jsonl(builtin_dir() / "kb" / "companies.jsonl")]
    cut = [r["pattern"] for r in records
           if isinstance(r["pattern"], str) and (r["pattern"].split()[-1].lower() in CONNECTORS or r["pattern"].endswith("/"))]
    assert cut == []
