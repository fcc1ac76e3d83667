"""Find and normalise specs: quantities that describe a chip or an AI model.

Each unit in ``patterns/spec_units.jsonl`` names its attribute and the factor to
the attribute's canonical unit, so "15 petaflops" becomes 15000 TFLOPS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from pipeline.knowledge import Knowledge, default_knowledge
from pipeline.parsing.numbers import (DIGITS, alternation, as_number, fold, multiplier_value, number_grammar,
                                      number_value)
from pipeline.records import Spec

# Characters around a token count that may say what the tokens are.
TOKEN_CONTEXT_WINDOW = 60
# A spec unit whose attribute is this one is read from the words around the
# figure: "tokens" are a context window or training data.
CONTEXT_ATTRIBUTE = "tokens"
PRECISION = re.compile(r"(?<![\w])(?:FP4|FP6|FP8|FP16|FP32|FP64|BF16|TF32|INT4|INT8|MXFP4|MXFP6|NVFP4)(?![\w])", re.I)
CONTEXT_CUE = re.compile(r"context", re.I)
SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]|\n\s*\n")
TRAINING_CUE = re.compile(r"(?<![\w])(?:train\w*|pre-?train\w*|dataset|corpus)(?![\w])", re.I)


@dataclass(frozen=True)
class SpecMatch:
    start: int
    end: int
    spec: Spec


class SpecGrammar:
    def __init__(self, knowledge: Knowledge):
        self.numbers = number_grammar(knowledge)
        self.units: dict[str, dict] = {}
        for record in knowledge.spec_units:
            for form in record["forms"]:
                self.units.setdefault(form.lower(), record)
        sep = r"[\s-]{0,3}"
        self.pattern = re.compile(
            rf"(?<![\w.,])(?P<num>{self.numbers.number})(?:{sep}(?P<mag>{self.numbers.magnitude}))?"
            rf"{sep}(?P<unit>{alternation(self.units)})(?![^\W\d_])",
            re.IGNORECASE,
        )
        # "Transistors: more than 140 billion", "Parameters: 405B": a labelled figure
        # in a spec list, whose unit is the label.
        self.labels = {label.lower(): record for record in knowledge.spec_units for label in record.get("labels", ())}
        self.labelled = re.compile(
            rf"(?<![\w])(?P<label>{alternation(self.labels)})\s{{0,2}}:\s{{0,3}}(?P<q>(?:[a-z]+\s){{0,2}})?"
            rf"(?P<num>{DIGITS})(?:{sep}(?P<mag>{self.numbers.magnitude}))?(?![\w.,])",
            re.IGNORECASE,
        ) if self.labels else None
        qualifier_words = {w.lower(): name for name, words in knowledge.qualifiers.items() for w in words}
        self.qualifier_unit = qualifier_words
        self.qualifier_before = re.compile(
            rf"(?<![^\W\d_])(?P<q>{alternation(qualifier_words)})\s{{0,3}}$", re.IGNORECASE
        )


@lru_cache(maxsize=8)
def spec_grammar(knowledge: Knowledge | None = None) -> SpecGrammar:
    return SpecGrammar(knowledge or default_knowledge())


def _token_attribute(text: str, start: int, end: int) -> str | None:
    """Context window or training data, by the nearest telling word."""
    lo = max(0, start - TOKEN_CONTEXT_WINDOW)
    # A label on the figure's own line decides: "Context window: 128K tokens".
    line = text[max(lo, text.rfind("\n", 0, start) + 1) : start]
    if ":" in line:
        label = line[: line.rfind(":")]
        if CONTEXT_CUE.search(label):
            return "context_window"
        if TRAINING_CUE.search(label):
            return "training_tokens"
    best, best_dist = None, TOKEN_CONTEXT_WINDOW * 2
    for cue, attribute in ((CONTEXT_CUE, "context_window"), (TRAINING_CUE, "training_tokens")):
        for m in cue.finditer(text, lo, min(len(text), end + TOKEN_CONTEXT_WINDOW)):
            dist = start - m.end() if m.end() <= start else m.start() - end
            between = text[m.end():start] if m.end() <= start else text[end:m.start()]
            if SENTENCE_BREAK.search(between):
                continue  # "... a context window of 512K tokens. It was trained on ...": another sentence
            if "," in between or ";" in between:
                dist += TOKEN_CONTEXT_WINDOW  # a cue in another clause counts less
            if 0 <= dist < best_dist or (dist < 0 and best_dist > 0):
                best, best_dist = attribute, max(dist, 0)
    return best


def find_specs(text: str, knowledge: Knowledge | None = None) -> list[SpecMatch]:
    """Every spec-like quantity in ``text``.

    >>> [(m.spec.attribute, m.spec.value, m.spec.unit) for m in find_specs("It has 141GB of HBM3e at 4.8 TB/s.")]
    [('memory', 141.0, 'GB'), ('memory_bandwidth', 4.8, 'TB/s')]
    >>> [(m.spec.value, m.spec.precision) for m in find_specs("20 petaflops of FP4 compute")]
    [(20000.0, 'FP4')]
    >>> [(m.spec.attribute, m.spec.value) for m in find_specs("a 405-billion-parameter model with a 128K-token context window")]
    [('parameters', 405000000000.0), ('context_window', 128000.0)]
    >>> find_specs("four times the performance")
    []
    >>> [(m.spec.attribute, m.spec.value, m.spec.qualifier) for m in find_specs("Transistors: more than 140 billion")]
    [('transistors', 140000000000.0, 'over')]
    """
    g = spec_grammar(knowledge)
    found: list[SpecMatch] = []
    for m in g.pattern.finditer(text):
        record = g.units[re.sub(r"\s+", " ", fold(m.group("unit")))]
        number = number_value(m.group("num"), g.numbers)
        if number is None:
            continue
        value = number * multiplier_value(m.group("mag"), g.numbers) * Decimal(str(record["factor"]))
        attribute = record["attribute"]
        unit = record.get("canonical", record["unit"])
        if attribute == CONTEXT_ATTRIBUTE:
            attribute = _token_attribute(text, m.start(), m.end())
            if attribute is None:
                continue
        precision = None
        if attribute == "compute":
            p = PRECISION.search(text, m.end(), min(len(text), m.end() + 30)) or PRECISION.search(
                text, max(0, m.start() - 20), m.start()
            )
            precision = p.group(0).upper() if p else None
        qualifier = "exact"
        q = g.qualifier_before.search(text[max(0, m.start() - 30) : m.start()])
        if q:
            qualifier = g.qualifier_unit[" ".join(fold(q.group("q")).split())]
        spec = Spec(attribute=attribute, value=as_number(value), unit=unit, qualifier=qualifier, precision=precision)
        found.append(SpecMatch(m.start(), m.end(), spec))
    found.extend(_labelled_specs(text, g, found))
    return sorted(found, key=lambda f: f.start)


def _labelled_specs(text: str, g: SpecGrammar, found: list[SpecMatch]) -> list[SpecMatch]:
    if g.labelled is None:
        return []
    extra = []
    for m in g.labelled.finditer(text):
        if any(f.start < m.end() and m.start("num") < f.end for f in found):
            continue  # "Memory: 216GB" already read with its unit
        record = g.labels[" ".join(fold(m.group("label")).split())]
        number = number_value(m.group("num"), g.numbers)
        if number is None:
            continue
        value = number * multiplier_value(m.group("mag"), g.numbers) * Decimal(str(record["factor"]))
        words = (m.group("q") or "").strip().lower()
        qualifier = g.qualifier_unit.get(words, "exact")
        spec = Spec(attribute=record["attribute"], value=as_number(value), unit=record.get("canonical", record["unit"]),
                    qualifier=qualifier)
        extra.append(SpecMatch(m.start("num"), m.end(), spec))
    return extra


@dataclass(frozen=True)
class TableSpec:
    """A figure read from a spec table, with the cell naming what it describes."""
    start: int
    end: int
    subject: str
    subject_start: int
    spec: Spec


PIPE_ROW = re.compile(r"^\s*\|?(?:[^|\n]*\|){2,}[^|\n]*$")
RULE_CELL = re.compile(r"^[\s:|=+-]*$")
COLUMN_GAP = re.compile(r"\s{2,}|\t")


def _cells(line: str, offset: int) -> list[tuple[str, int]]:
    """Cells of a table line with their offsets: pipe tables, or columns set apart by
    two or more spaces ("  Rubin      Nvidia      288GB HBM4")."""
    if PIPE_ROW.match(line):
        cells, start = [], 0
        for part in line.split("|"):
            text = part.strip()
            cells.append((text, offset + start + (len(part) - len(part.lstrip()))))
            start += len(part) + 1
        if not line.strip().startswith("|"):
            return cells
        return cells[1:-1] if line.strip().endswith("|") else cells[1:]
    parts, start = [], 0
    for m in COLUMN_GAP.finditer(line):
        if m.start() > start:
            parts.append((line[start:m.start()], offset + start))
        start = m.end()
    if start < len(line):
        parts.append((line[start:], offset + start))
    return [(t.strip(), o) for t, o in parts if t.strip()] if len(parts) >= 3 else []


def _column_record(header: str, g: SpecGrammar) -> dict | None:
    """The unit record a column header names: "Context window (tokens)" -> context_window."""
    words = " ".join(re.sub(r"\([^)]*\)", " ", header).replace("*", " ").lower().split())
    return g.labels.get(words)


def _cell_spec(cell: str, record: dict | None, g: SpecGrammar, knowledge: Knowledge | None) -> tuple[int, int, Spec] | None:
    found = find_specs(cell, knowledge)
    if record is not None:
        found = [f for f in found if f.spec.attribute == record["attribute"]] or (found if not found else [])
    if found:
        return found[0].start, found[0].end, found[0].spec
    if record is None:
        return None
    m = re.match(rf"\s*(?P<num>{DIGITS})\s?(?P<mag>{g.numbers.magnitude})?(?![\w.,])", cell, re.IGNORECASE)
    number = number_value(m.group("num"), g.numbers) if m else None
    if number is None:
        return None
    value = number * multiplier_value(m.group("mag"), g.numbers) * Decimal(str(record["factor"]))
    return m.start("num"), m.end(), Spec(attribute=record["attribute"], value=as_number(value),
                                         unit=record.get("canonical", record["unit"]), qualifier="exact")


def find_table_specs(text: str, knowledge: Knowledge | None = None) -> list[TableSpec]:
    r"""Figures in spec tables: a header row names the attributes and the first cell
    of each row the product, or (one product per column) the other way round.

    >>> table = "| Model | Parameters | Context window (tokens) |\n|---|---|---|\n| Kestrel-9 | 9B | 128K |"
    >>> [(t.subject, t.spec.attribute, t.spec.value) for t in find_table_specs(table)]
    [('Kestrel-9', 'parameters', 9000000000.0), ('Kestrel-9', 'context_window', 128000.0)]
    >>> [(t.subject, t.spec.attribute) for t in find_table_specs("| | Marrow |\n|---|---|\n| TDP | 700W |")]
    [('Marrow', 'power')]
    """
    g = spec_grammar(knowledge)
    blocks: list[list[list[tuple[str, int]]]] = []
    previous_end = -2
    for m in re.finditer(r"[^\n]+", text):
        cells = _cells(m.group(), m.start())
        if len(cells) < 2:
            previous_end = -2
            continue
        if all(RULE_CELL.match(c) for c, _ in cells):
            previous_end = m.end()
            continue
        if m.start() != previous_end + 1 or not blocks:
            blocks.append([])
        blocks[-1].append(cells)
        previous_end = m.end()
    found: list[TableSpec] = []
    for rows in blocks:
        # A caption row ("| Halcyon-3 at a glance | | |") may stand above the header.
        first = next((i for i, row in enumerate(rows) if any(_column_record(c, g) for c, _ in row[1:])), 0)
        rows = rows[first:]
        if len(rows) < 2:
            continue
        header = rows[0]
        columns = [_column_record(c, g) for c, _ in header]
        if any(columns[1:]):
            # one product per row
            for row in rows[1:]:
                subject, subject_at = row[0]
                for (cell, at), record in zip(row[1:], columns[1:]):
                    read = _cell_spec(cell, record, g, knowledge) if subject else None
                    if read:
                        found.append(TableSpec(at + read[0], at + read[1], subject, subject_at, read[2]))
        elif any(_column_record(row[0][0], g) for row in rows[1:]):
            # one product per column: "| | Marrow |" then "| TDP | 700W |"
            for row in rows[1:]:
                record = _column_record(row[0][0], g)
                for (cell, at), (subject, subject_at) in zip(row[1:], header[1:]):
                    read = _cell_spec(cell, record, g, knowledge) if subject else None
                    if read:
                        found.append(TableSpec(at + read[0], at + read[1], subject, subject_at, read[2]))
    return found


def parse_spec(text: str, knowledge: Knowledge | None = None) -> Spec | None:
    """Read one spec; None when there is none.

    >>> parse_spec("1.2 kW")
    Spec(attribute='power', value=1200.0, unit='W', qualifier='exact', precision=None)
    >>> parse_spec("exceeding 120 billion parameters").qualifier
    'over'
    >>> parse_spec("3nm").attribute
    'process_node'
    """
    found = find_specs(text, knowledge)
    return found[0].spec if found else None
