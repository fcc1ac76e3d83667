"""Throughput against a stated baseline commit, on the same corpus, in one run.

The issues set speed targets relative to a release ("1 worker throughput at
least 0.7 of this release's"). Words per second on this shared machine change
from day to day by more than any rule costs, so a ratio only means something
when both releases run on the same day, on the same synthetic corpus, from
the same virtual environment. This benchmark does that: it checks the
baseline commit out into a git worktree, builds one synthetic corpus, then
runs ``infra-extract run`` with 1 worker for the baseline and for this
checkout in turn (baseline, this, baseline, this, ...), so that a slow spell
of the machine falls on both.

Each release is imported from its own tree by ``PYTHONPATH``; its rule files
are reached through a ``pipeline/patterns`` link to its ``patterns/``, the
mapping the wheel makes (``package-dir`` in ``pyproject.toml``).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.benchmarks.scale import RunMeasure, build_corpus, measure_command

TARGET = 0.7
# `run` exits 1 when some documents failed and the rest were written: an older
# release may fail on documents this one reads, and its run still counts, with
# its failures shown beside it.
EXIT_PARTIAL = 1


class BaselineError(RuntimeError):
    """The baseline cannot be checked out (no git, no such commit)."""


@dataclass
class Comparison:
    commit: str
    baseline: list[RunMeasure]
    current: list[RunMeasure]
    summaries: dict[str, str] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """This checkout's throughput over the baseline's, from the median run of each."""
        return (statistics.median(m.words_per_second for m in self.current)
                / statistics.median(m.words_per_second for m in self.baseline))


def repository_root(start: Path) -> Path:
    try:
        out = subprocess.run(["git", "-C", str(start), "rev-parse", "--show-toplevel"], check=True,
                             capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as error:
        raise BaselineError(f"{start} is not inside a git checkout, so no baseline commit can be checked out") from error
    return Path(out)


def check_out(repo: Path, commit: str, into: Path) -> Path:
    """A detached worktree of ``commit`` at ``into``, its rule files linked where the package looks."""
    done = subprocess.run(["git", "-C", str(repo), "worktree", "add", "--detach", "--force", str(into), commit],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise BaselineError(f"cannot check out baseline {commit!r}: {done.stderr.strip() or done.stdout.strip()}")
    link_patterns(into)
    return into


def link_patterns(tree: Path) -> None:
    link = tree / "pipeline" / "patterns"
    if not link.exists():
        link.symlink_to(tree / "patterns", target_is_directory=True)


def remove_worktree(repo: Path, tree: Path) -> None:
    subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)], capture_output=True)
    shutil.rmtree(tree, ignore_errors=True)
    subprocess.run(["git", "-C", str(repo), "worktree", "prune"], capture_output=True)


def _run_from(tree: Path, corpus: Path, out: Path) -> list[str]:
    # `env` sets PYTHONPATH for this process only: the release is imported from its tree.
    return ["env", f"PYTHONPATH={tree}", sys.executable, "-c", "from pipeline.cli import main; main()", "run",
            str(corpus), "-o", str(out), "--workers", "1", "--rebuild", "-q"]


def compare(source: list[Path], n: int, commit: str, repeats: int, work: Path, progress=lambda line: None,
            repo: Path | None = None) -> Comparison:
    repo = repo or repository_root(Path.cwd())
    tree = check_out(repo, commit, work / "baseline")
    current = work / "current"
    try:
        # This checkout as it stands (uncommitted changes too), imported the same way as the baseline.
        shutil.copytree(repo / "pipeline", current / "pipeline", symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "patterns"))
        shutil.copytree(repo / "patterns", current / "patterns", ignore=shutil.ignore_patterns("__pycache__"))
        link_patterns(current)
        corpus = work / f"corpus_{n}"
        progress(f"building {n:,} synthetic articles in {corpus}")
        words = build_corpus(corpus, source, n)
        measures: dict[str, list[RunMeasure]] = {"baseline": [], "current": []}
        summaries: dict[str, str] = {}
        cwd = os.getcwd()
        os.chdir(work)  # neither tree is on sys.path through the working directory
        try:
            for k in range(repeats):
                for name, root in (("baseline", tree), ("current", current)):
                    label = f"{commit} (baseline)" if name == "baseline" else "this checkout"
                    progress(f"run {k + 1}/{repeats}: {label}")
                    measure, stdout = measure_command(label, _run_from(root, corpus, work / "out" / name), words,
                                                      accept=(0, EXIT_PARTIAL))
                    measures[name].append(measure)
                    summaries[label] = next((line for line in stdout.splitlines() if line.startswith("documents:")), "")
        finally:
            os.chdir(cwd)
        return Comparison(commit, measures["baseline"], measures["current"], summaries)
    finally:
        remove_worktree(repo, tree)


def format_comparison(comparison: Comparison) -> str:
    """The runs and the ratio, as markdown.

    >>> base = [RunMeasure("b", 1000, 10.0, 200_000_000), RunMeasure("b", 1000, 12.0, 210_000_000)]
    >>> cur = [RunMeasure("c", 1000, 12.5, 230_000_000), RunMeasure("c", 1000, 14.0, 240_000_000)]
    >>> print(format_comparison(Comparison("abc1234", base, cur)).splitlines()[-2])
    | throughput, this checkout / abc1234 (median runs) | 0.83 | ≥ 0.7 ok |
    """
    runs = [*comparison.baseline, *comparison.current]
    lines = [
        "| run | seconds | words/s | peak memory (MB) |",
        "|---|---|---|---|",
        *(f"| {m.label} | {m.seconds:.1f} | {m.words_per_second:,.0f} | {m.peak_bytes / 1e6:,.0f} |" for m in runs),
        "",
        "| ratio | measured | target |",
        "|---|---|---|",
        f"| throughput, this checkout / {comparison.commit} (median runs) | {comparison.ratio:.2f} | "
        f"≥ {TARGET} {'ok' if comparison.ratio >= TARGET else 'MISSED'} |",
        f"| peak memory, this checkout / {comparison.commit} (largest runs) | "
        f"{max(m.peak_bytes for m in comparison.current) / max(m.peak_bytes for m in comparison.baseline):.2f} | |",
        *([""] if comparison.summaries else []),
        *(f"{label}: {summary}" for label, summary in comparison.summaries.items()),
    ]
    return "\n".join(lines)


def baseline_report(source: list[Path], n: int, commit: str, repeats: int = 2, workdir: Path | None = None,
                    progress=lambda line: None) -> str:
    work = Path(workdir or tempfile.mkdtemp(prefix="infra-extract-baseline-"))
    try:
        comparison = compare(source, n, commit, repeats, work, progress)
        words = comparison.baseline[0].words
        return f"{n:,} synthetic articles, {words:,} words, 1 worker, runs in turn\n\n" + format_comparison(comparison)
    finally:
        if workdir is None:
            shutil.rmtree(work, ignore_errors=True)
