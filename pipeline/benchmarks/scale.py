"""Whole runs at scale: words per second and peak memory.

Builds a synthetic corpus of N articles (:mod:`pipeline.benchmarks.synthetic`),
then measures, each as its own process so that memory is the process's own:

(a) spaCy's tokenizer alone over the same texts: the ceiling for any spaCy
    pipeline (time spent tokenizing only, the texts already read);
(b) ``infra-extract run`` with 1 worker, (c) with 2 workers, (d) with
    ``--engine dask`` on a 2-worker LocalCluster: end to end, as a user
    waits for it (start-up, reading, hashing, the manifest and the tables);
(b0) the run of (b) with the finders left out (tokenizer, sentences, the
    pattern ruler, reading and writing): the fastest any finder code could
    make (b);

and peak memory of (c) on a tenth of the corpus, to compare with (c) on all
of it. Peak memory is the resident set summed over the process and all its
children (workers, Dask's nanny and scheduler), sampled every 50 ms.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.benchmarks.synthetic import chip_names, synthetic_names, templates_of, write_corpus

SAMPLE_SECONDS = 0.05
TARGETS = {"b/a": 0.5, "c/b": 1.7, "d/c": 0.8}
MEMORY_TARGET = 1.2


@dataclass
class RunMeasure:
    label: str
    words: int
    seconds: float
    peak_bytes: int

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds


def tree_rss(process) -> int:
    import psutil

    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure_command(label: str, command: list[str], words: int, accept: tuple[int, ...] = (0,)
                    ) -> tuple[RunMeasure, str]:
    """Run ``command``, sampling its memory; return the measure and its stdout.
    An exit status outside ``accept`` is an error."""
    import psutil

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = psutil.Popen(command, stdout=out, stderr=err)
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss(process))
            time.sleep(SAMPLE_SECONDS)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode not in accept:
        raise RuntimeError(f"{label}: exit status {process.returncode}\n{stderr[-2000:]}")
    return RunMeasure(label, words, seconds, peak), stdout


def tokenizer_seconds(folder: Path) -> dict[str, float]:
    """Read every article under ``folder``, then time tokenizing them all."""
    from pipeline.ingest import Article, iter_inputs
    from pipeline.language import make_nlp

    texts = [item.text for item in iter_inputs([folder]) if isinstance(item, Article)]
    tokenizer = make_nlp().tokenizer
    start = time.perf_counter()
    for text in texts:
        tokenizer(text)
    return {"words": sum(len(t.split()) for t in texts), "seconds": time.perf_counter() - start}


def run_without_finders(folder: str, outdir: str) -> None:
    """(b0): ``run`` with 1 worker, every stage but the finders."""
    from pipeline.batch import run_batch
    from pipeline.engines import LocalEngine
    from pipeline.language import PipelineSpec

    spec = PipelineSpec.create().without_finders()
    run_batch([folder], Path(outdir), LocalEngine(spec, workers=1), spec.fingerprint, rebuild=True)


def build_corpus(folder: Path, source: list[Path], n: int) -> int:
    from pipeline.benchmarks.gazetteer import texts_of
    from pipeline.knowledge import default_knowledge
    from pipeline.language import make_nlp

    templates = templates_of(make_nlp(), texts_of(source))
    return write_corpus(folder, templates, n, synthetic_names(2000), chip_names(default_knowledge()))


def _run(folder: Path, outdir: Path, *options: str) -> list[str]:
    return [sys.executable, "-c", "from pipeline.cli import main; main()", "run", str(folder), "-o", str(outdir),
            "--rebuild", *options]


def scale_report(source: list[Path], n: int, workdir: Path | None = None, progress=lambda line: None) -> str:
    work = Path(workdir or tempfile.mkdtemp(prefix="infra-extract-bench-"))
    try:
        return _scale_report(source, n, work, progress)
    finally:
        if workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def _scale_report(source: list[Path], n: int, work: Path, progress) -> str:
    small_n = max(1, n // 10)
    full, small = work / f"corpus_{n}", work / f"corpus_{small_n}"
    progress(f"building {n:,} + {small_n:,} synthetic articles in {work}")
    words = build_corpus(full, source, n)
    small_words = build_corpus(small, source, small_n)

    progress("(a) tokenizer alone")
    tok_measure, stdout = measure_command(
        "(a) spaCy tokenizer alone",
        [sys.executable, "-c", "import json, sys; from pipeline.benchmarks.scale import tokenizer_seconds; "
                               "print(json.dumps(tokenizer_seconds(sys.argv[1])))", str(full)], words)
    timing = json.loads(stdout)
    a = RunMeasure(tok_measure.label, int(timing["words"]), timing["seconds"], tok_measure.peak_bytes)
    runs = [a]
    for label, options in (("(b) 1 worker", ["--workers", "1"]), ("(c) 2 workers", ["--workers", "2"]),
                           ("(d) dask, 2-worker LocalCluster", ["--engine", "dask", "--workers", "2"])):
        progress(label)
        runs.append(measure_command(label, _run(full, work / "out" / label[1], *options), words)[0])
    progress("(b0) 1 worker, finders left out")
    floor = measure_command("(b0) 1 worker, finders left out", [
        sys.executable, "-c", "import sys; from pipeline.benchmarks.scale import run_without_finders; "
                              "run_without_finders(sys.argv[1], sys.argv[2])", str(full), str(work / "out" / "b0")],
        words)[0]
    progress(f"(c) on {small_n:,} articles, for memory")
    small_run = measure_command(f"(c) 2 workers, {small_n:,} articles", _run(small, work / "out" / "small",
                                                                            "--workers", "2"), small_words)[0]
    _, b, c, d = runs
    ratios = {"b/a": b.words_per_second / a.words_per_second, "c/b": c.words_per_second / b.words_per_second,
              "d/c": d.words_per_second / c.words_per_second}
    memory_ratio = c.peak_bytes / small_run.peak_bytes
    lines = [
        f"{n:,} synthetic articles, {words:,} words (from {', '.join(map(str, source))})",
        "",
        "| run | seconds | words/s | peak memory (MB) |",
        "|---|---|---|---|",
        *(f"| {m.label} | {m.seconds:.1f} | {m.words_per_second:,.0f} | {m.peak_bytes / 1e6:,.0f} |"
          for m in (*runs, small_run, floor)),
        "",
        "| ratio | measured | target |",
        "|---|---|---|",
        *(f"| {name} | {value:.2f} | ≥ {TARGETS[name]} {'ok' if value >= TARGETS[name] else 'MISSED'} |"
          for name, value in ratios.items()),
        f"| peak memory, {n:,} / {small_n:,} articles | {memory_ratio:.2f} | ≤ {MEMORY_TARGET} "
        f"{'ok' if memory_ratio <= MEMORY_TARGET else 'MISSED'} |",
        f"| b0/a: the most b/a can be with any finders | {floor.words_per_second / a.words_per_second:.2f} | |",
    ]
    return "\n".join(lines)
