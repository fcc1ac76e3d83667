"""What a large imported name list costs. It builds a spreadsheet
of N synthetic company names, turns it into a pattern folder with the same
code as ``infra-extract patterns import``, then measures pipeline load time and
words per second over the articles of a folder, with the built-in patterns
alone and with the gazetteer layered over them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from pipeline.benchmarks.synthetic import synthetic_names
from pipeline.ingest import Article, iter_inputs
from pipeline.language import make_nlp
from pipeline.pattern_import import import_names, read_spreadsheet, to_jsonl

def write_gazetteer(folder: Path, n: int) -> Path:
    """A pattern folder holding ``n`` imported company names (and a short form per name)."""
    folder.mkdir(parents=True, exist_ok=True)
    sheet = pd.DataFrame({"name": synthetic_names(n)})
    sheet.to_csv(folder / "portfolio.csv", index=False)
    imported = import_names(read_spreadsheet(folder / "portfolio.csv"), "ORG", name_column="name")
    (folder / "companies.jsonl").write_text(to_jsonl(imported.records), encoding="utf-8")
    return folder


@dataclass
class Measure:
    label: str
    load_seconds: float
    words: int
    seconds: float

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds


def texts_of(inputs: Iterable[str | Path]) -> list[str]:
    return [item.text for item in iter_inputs(inputs) if isinstance(item, Article)]


def measure_pipelines(builds: dict[str, Callable[[], object]], texts: list[str], repeats: int = 5) -> list[Measure]:
    """Load each pipeline, warm it up, then time ``repeats`` passes over the
    texts, taking turns so that noise from the machine hits every pipeline
    alike; each pipeline's fastest pass is its throughput."""
    loaded, loads = {}, {}
    for label, build in builds.items():
        start = time.perf_counter()
        loaded[label] = build()
        loads[label] = time.perf_counter() - start
        for _ in loaded[label].pipe(texts):
            pass
    best = dict.fromkeys(builds, float("inf"))
    for _ in range(repeats):
        for label, nlp in loaded.items():
            start = time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=32):
                pass
            best[label] = min(best[label], time.perf_counter() - start)
    words = sum(len(t.split()) for t in texts)
    return [Measure(label, loads[label], words, best[label]) for label in builds]


def gazetteer_report(folder: Path, n: int, inputs: Iterable[str | Path], repeats: int = 5) -> str:
    texts = texts_of(inputs)
    gazetteer = write_gazetteer(folder, n)
    patterns = sum(1 for _ in (gazetteer / "companies.jsonl").open(encoding="utf-8"))
    base, big = measure_pipelines({
        "built-in patterns": make_nlp,
        f"+ {n:,} imported names ({patterns:,} patterns)": lambda: make_nlp(pattern_dirs=[gazetteer]),
    }, texts, repeats)
    drop = 1 - big.words_per_second / base.words_per_second
    rows = [f"| {m.label} | {m.load_seconds:.1f} | {m.words_per_second:,.0f} |" for m in (base, big)]
    return "\n".join([
        f"{len(texts)} articles, {base.words:,} words; fastest of {repeats} passes each, taken in turn",
        "",
        "| patterns | load (s) | words/s |",
        "|---|---|---|",
        *rows,
        "",
        f"throughput drop with the gazetteer: {drop:.1%} (target: under 25%)",
    ])
