"""The trained NER: its data readers, its place in the pipeline, and how the rules use it."""

from __future__ import annotations

import pytest
from spacy.tokens import Span

from pipeline.components.ner_candidates import NER_KEY
from pipeline.components.ner_candidates import NER_PIPE
from pipeline.language import make_nlp
from pipeline.training import silver


@pytest.fixture(scope="module")
def rules_only():
    return make_nlp(trained_ner=False)


def test_the_trained_ner_runs_only_where_the_rules_left_a_name_undecided(nlp):
    # Switched off in the pipeline (saved and loaded with it); the company finder calls it.
    assert NER_PIPE in nlp.component_names and NER_PIPE in nlp.disabled
    doc = nlp("Kestrel Ortiz said Monday that Orbel had hired her in Lisbon.")
    assert NER_KEY in doc.spans
    # The recogniser's own labels never reach the tables' entities.
    assert not {e.label_ for e in doc.ents} & {"PER", "LOC"}
    # Every name here is decided by a rule (a known company, a raise verb): no call.
    assert NER_KEY not in nlp("Nvidia invested $5 billion in Intel.").spans


def test_without_the_trained_ner_nothing_is_added(rules_only):
    assert NER_PIPE not in rules_only.pipe_names
    assert not rules_only("Investors shrugged as Quorline slipped 4% on Tuesday.").spans.get(NER_KEY)


def _with_ner_spans(nlp, text: str, spans: list[tuple[str, str]]):
    """Run the rules with ``spans`` (words, label) standing in for the recogniser's output."""
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "infra_companies":
            found = []
            for words, label in spans:
                start = text.index(words)
                found.append(doc.char_span(start, start + len(words), label=label))
            doc.spans[NER_KEY] = found
        doc = proc(doc)
    return doc


# A capitalised name with no cue around it: the recogniser's ORG is the evidence.
TAGGED = [
    ("bare-name-tagged", "Investors shrugged as Quorline slipped 4% on Tuesday.", [("Quorline", "ORG")], "Quorline", True),
    ("the-name-tagged", "Analysts at the Vantmoor Group expect a slower year.", [("the Vantmoor Group", "ORG")],
     "Vantmoor Group", True),
    ("tagged-as-person", "Investors shrugged as Quorline slipped 4% on Tuesday.", [("Quorline", "PER")], "Quorline", False),
    ("not-tagged", "Investors shrugged as Quorline slipped 4% on Tuesday.", [], "Quorline", False),
]


@pytest.mark.parametrize("text, spans, name, is_company", [c[1:] for c in TAGGED], ids=[c[0] for c in TAGGED])
def test_a_tagged_org_is_evidence_for_a_company(rules_only, text, spans, name, is_company):
    doc = _with_ner_spans(rules_only, text, spans)
    orgs = {e.text for e in doc.ents if e.label_ == "ORG"}
    assert (name in orgs) is is_company


def test_study_sentences_take_the_gold_over_the_rules(rules_only):
    doc = rules_only("Brightwell Robotics raised $20 million from Harbor Peak. Dana Reyes runs it from Leeds.")
    gold = {"companies": ["Brightwell Robotics", "Harbor Peak"], "people": ["Dana Reyes"], "places": ["Leeds"]}
    assert [(s.text, s.label_) for s in silver.marked_spans(doc, gold)] == [
        ("Brightwell Robotics", "ORG"), ("Harbor Peak", "ORG"), ("Dana Reyes", "PER"), ("Leeds", "LOC")]
    # A company the gold does not list is left unmarked.
    assert "Harbor Peak" not in [s.text for s in silver.marked_spans(doc, {"companies": ["Brightwell Robotics"]})]


def test_make_train_runs_end_to_end_on_a_few_steps(tmp_path):
    from pipeline.training.train import main

    out = tmp_path / "model"
    main(["--no-corpus", "--work", str(tmp_path / "work"), "--max-steps", "2", "--out", str(out)])
    assert (out / "meta.json").is_file() and (out / "ner" / "model").is_file()
    import spacy

    from pipeline.language import add_trained_ner

    nlp = make_nlp(trained_ner=False)
    add_trained_ner(nlp, source=spacy.load(out))
    assert NER_KEY in nlp("Investors shrugged as Quorline slipped 4% on Tuesday.").spans


# Names no rule decides, so the recogniser runs on each; one has none.
BATCHED = [
    "Investors shrugged as Quorline slipped 4% on Tuesday.",
    "Kestrel Ortiz said Monday that Vantmoor had hired her in Lisbon.",
    "Nvidia invested $5 billion in Intel.",
    "Shares of Tessary and Brindlewood fell after the Dow Jones closed lower.",
]


def _entities(doc):
    return [(e.text, e.label_, e.id_) for e in doc.ents], sorted((s.start, s.end, s.label_) for s in doc.spans.get(NER_KEY, []))


def test_a_batch_of_documents_gets_what_each_gets_alone(nlp):
    alone = [_entities(nlp(text)) for text in BATCHED]
    assert [_entities(doc) for doc in nlp.pipe(BATCHED, batch_size=3)] == alone
    # The recogniser saw the names of three documents, the fourth had none.
    assert sum(NER_KEY in doc.spans for doc in nlp.pipe(BATCHED)) == 3


def test_a_batch_runs_the_recogniser_once(nlp, monkeypatch):
    from pipeline.components import companies, ner_candidates

    calls = []

    def counted(nlp_, requests):
        requests = list(requests)
        calls.append(len(requests))
        return ner_candidates.recognise_docs(nlp_, requests)

    monkeypatch.setattr(companies, "recognise_docs", counted)
    list(nlp.pipe(BATCHED, batch_size=len(BATCHED)))
    assert calls == [3]


def test_the_recogniser_multiplies_with_numpy_blas(nlp):
    assert all(not getattr(node.ops, "use_blis", True) for node in nlp.get_pipe(NER_PIPE).model.walk())


def _weight_dtypes(model) -> set[str]:
    return {str(node.get_param(name).dtype) for node in model.walk()
            for name in node.param_names if node.has_param(name)}


def test_the_shipped_ner_is_stored_in_half_precision_and_runs_in_full(nlp):
    import spacy

    from pipeline.language import ner_model_path

    with ner_model_path() as path:
        stored = spacy.load(path)
    assert _weight_dtypes(stored.get_pipe("ner").model) == {"float16"}
    assert _weight_dtypes(nlp.get_pipe(NER_PIPE).model) == {"float32"}
