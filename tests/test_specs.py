import pytest

from pipeline.parsing.specs import find_specs

# (text, attribute, value, unit, qualifier, precision)
SPECS = [
    ("141GB of HBM3e", "memory", 141, "GB", "exact", None),
    ("230MB of SRAM", "memory", 0.23, "GB", "exact", None),
    ("4.8 TB/s of bandwidth", "memory_bandwidth", 4.8, "TB/s", "exact", None),
    ("3,350 GB/s", "memory_bandwidth", 3.35, "TB/s", "exact", None),
    ("120 billion parameters", "parameters", 120e9, "params", "exact", None),
    ("a 405-billion-parameter model", "parameters", 405e9, "params", "exact", None),
    ("a 128K-token context window", "context_window", 128000, "tokens", "exact", None),
    ("a 200K context window", "context_window", 200000, "tokens", "exact", None),
    ("a context window of 32,768 tokens", "context_window", 32768, "tokens", "exact", None),
    ("trained on 15 trillion tokens", "training_tokens", 15e12, "tokens", "exact", None),
    ("1,200 tokens per second", "throughput", 1200, "tokens/s", "exact", None),
    ("up to 1 billion transactions per second", "throughput", 1e9, "TPS", "up_to", None),
    ("15 petaflops of FP8", "compute", 15000, "TFLOPS", "exact", "FP8"),
    ("989 teraflops of BF16 compute", "compute", 989, "TFLOPS", "exact", "BF16"),
    ("1.4 exaflops of FP4", "compute", 1.4e6, "TFLOPS", "exact", "FP4"),
    ("1.2 kW", "power", 1200, "W", "exact", None),
    ("draws 700W", "power", 700, "W", "exact", None),
    ("208 billion transistors", "transistors", 208e9, "count", "exact", None),
    # Spec lists label the figure instead of naming a unit after it.
    ("Transistors: more than 140 billion", "transistors", 140e9, "count", "over", None),
    ("Parameters: 405B (dense)", "parameters", 405e9, "params", "exact", None),
    ("Training data: 15T tokens", "training_tokens", 15e12, "tokens", "exact", None),
    ("88 custom cores", "cores", 88, "count", "exact", None),
    ("72 Arm cores", "cores", 72, "count", "exact", None),
    ("a 3nm process", "process_node", 3, "nm", "exact", None),
    ("a 5-nanometer process", "process_node", 5, "nm", "exact", None),
    ("exceeding 120 billion parameters", "parameters", 120e9, "params", "over", None),
]


@pytest.mark.parametrize("text,attribute,value,unit,qualifier,precision", SPECS, ids=[s[0] for s in SPECS])
def test_find_specs(text, attribute, value, unit, qualifier, precision):
    found = find_specs(text)
    assert len(found) == 1
    spec = found[0].spec
    assert (spec.attribute, spec.unit, spec.qualifier, spec.precision) == (attribute, unit, qualifier, precision)
    assert spec.value == pytest.approx(value)


def test_each_line_of_a_spec_list_keeps_its_label():
    found = find_specs("Context window: 128K tokens\nTraining data: 15T tokens")
    assert [(f.spec.attribute, f.spec.value) for f in found] == [("context_window", 128000), ("training_tokens", 15e12)]


NOT_SPECS = ["four times the performance", "30% more memory", "2 billion tokens per day of traffic", "in 2026"]


@pytest.mark.parametrize("text", NOT_SPECS, ids=NOT_SPECS)
def test_not_specs(text):
    assert find_specs(text) == []


def test_a_token_cue_in_the_next_sentence_does_not_decide():
    found = find_specs("It has a context window of 64K tokens. It was trained on 9 trillion tokens.")
    assert [(m.spec.attribute, m.spec.value) for m in found] == [("context_window", 64000), ("training_tokens", 9e12)]
