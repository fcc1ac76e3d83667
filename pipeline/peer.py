"""Score money mentions against a third-party suite of annotated sentences.

A suite is JSONL, one case per line: ``{"text": ..., "expected": [{"start", "end",
"value", "unit"}, ...]}`` with end-exclusive character offsets (the layout of the
converted Recognizers-Text currency cases). A predicted mention matches an expected
one when their character spans overlap, the values agree and the currency codes
are equal; each expected mention is matched at most once.

Only cases whose expected currencies all carry a three-letter code are scored
(``iso_only``): sub-units such as "Cent" or "Pence" follow the suite's own
convention, which is not ours (we report 5 cents as 0.05 USD). An expected
mention without a value (a bare currency word, as in "a multibillion-dollar
deal") is no amount in our tables; it is counted apart, as ``unvalued``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

ISO_CODE = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    value: float | None
    unit: str


@dataclass
class Case:
    line: int
    text: str
    expected: list[Mention]


@dataclass
class PeerScore:
    cases: int = 0
    true_positives: int = 0
    expected: int = 0
    predicted: int = 0
    unvalued: int = 0
    misses: list[tuple[Case, list[Mention], list[Mention]]] = field(default_factory=list)  # (case, missed, wrong)

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_suite(path: Path) -> list[Case]:
    """Read a suite file; a malformed line raises ValueError naming file and line."""
    cases = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                expected = [Mention(int(e["start"]), int(e["end"]), _number(e["value"]), str(e.get("unit") or ""))
                            for e in record["expected"]]
                cases.append(Case(number, record["text"], expected))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a suite case ({exc})") from None
    return cases


def _number(value) -> float | None:
    return None if value is None else float(value)


def iso_only(case: Case) -> bool:
    """True when every expected currency is a three-letter code.

    >>> iso_only(Case(1, "5 cents", [Mention(0, 7, 5.0, "Cent")]))
    False
    >>> iso_only(Case(1, "nothing here", []))
    True
    """
    return all(ISO_CODE.fullmatch(m.unit) for m in case.expected)


def same_mention(expected: Mention, predicted: Mention) -> bool:
    """Spans overlap, values agree to 1e-9 relative, and currencies are equal.

    >>> same_mention(Mention(0, 12, 75e6, "USD"), Mention(0, 12, 75000000.0, "USD"))
    True
    >>> same_mention(Mention(0, 12, 75e6, "USD"), Mention(20, 30, 75e6, "USD"))
    False
    """
    overlap = expected.start < predicted.end and predicted.start < expected.end
    return overlap and expected.unit == predicted.unit and math.isclose(expected.value, predicted.value, rel_tol=1e-9)


def score(cases: Iterable[Case], find: Callable[[list[str]], Iterable[list[Mention]]]) -> PeerScore:
    """Score ``find`` (texts in, mentions per text out) on ``cases``."""
    cases = list(cases)
    result = PeerScore(cases=len(cases))
    for case, predicted in zip(cases, find([c.text for c in cases])):
        unmatched = [m for m in case.expected if m.value is not None]
        result.unvalued += len(case.expected) - len(unmatched)
        result.expected += len(unmatched)
        result.predicted += len(predicted)
        wrong = []
        for mention in predicted:
            hit = next((e for e in unmatched if same_mention(e, mention)), None)
            if hit is None:
                wrong.append(mention)
            else:
                unmatched.remove(hit)
                result.true_positives += 1
        if unmatched or wrong:
            result.misses.append((case, unmatched, wrong))
    return result


def money_finder(nlp) -> Callable[[list[str]], Iterable[list[Mention]]]:
    """Wrap a pipeline: the MONEY mentions it stores in ``doc._.money``."""
    def find(texts: list[str]) -> Iterable[list[Mention]]:
        for doc in nlp.pipe(texts):
            yield [Mention(m["start_char"], m["end_char"], m["value"], m["unit"]) for m in doc._.money]
    return find


def format_score(name: str, result: PeerScore) -> str:
    return (f"{name}: {result.cases} cases, {result.expected} expected, {result.predicted} predicted, "
            f"{result.true_positives} matched, {result.unvalued} bare currency words not scored; precision {result.precision:.3f} "
            f"recall {result.recall:.3f} F1 {result.f1:.3f}")


def format_misses(result: PeerScore) -> str:
    lines = []
    for case, missed, wrong in result.misses:
        lines.append(f"line {case.line}: {case.text}")
        lines.extend(f"    missed {case.text[m.start:m.end]!r} = {m.value} {m.unit}" for m in missed)
        lines.extend(f"    wrong  {case.text[m.start:m.end]!r} = {m.value} {m.unit}" for m in wrong)
    return "\n".join(lines)
