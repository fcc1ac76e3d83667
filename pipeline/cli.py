"""Command line: ``infra-extract run``, ``evaluate``, ``peer`` and ``patterns validate``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="infra-extract")
def main() -> None:
    """Turn AI-infrastructure news into analyst tables."""


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path, file_okay=False), default=Path("output"),
              show_default=True, help="Folder for the CSV tables.")
@click.option("--model", default=None, help="An installed spaCy pipeline (name or path) to use instead of blank English.")
@click.option("--patterns", "pattern_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Extra pattern folder layered over the built-in patterns (repeatable).")
def run(inputs: tuple[Path, ...], outdir: Path, model: str | None, pattern_dirs: tuple[Path, ...]) -> None:
    """Extract tables from INPUTS (files or folders; default: corpus/)."""
    from pipeline.extract import extract
    from pipeline.knowledge import PatternFileError
    from pipeline.language import ModelNotFound, make_nlp
    from pipeline.tables import write_tables

    inputs = inputs or (Path("corpus"),)
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        raise click.UsageError(f"input not found: {', '.join(missing)}")
    if pattern_dirs:
        from pipeline.pattern_check import check_folders

        problems = check_folders(pattern_dirs, include_builtin=False)
        if problems:
            for problem in problems:
                click.echo(f"error: {problem}", err=True)
            click.echo(f"error: {len(problems)} problem(s) in the patterns; no article was read", err=True)
            sys.exit(EXIT_USAGE)
    try:
        nlp = make_nlp(model=model, pattern_dirs=pattern_dirs)
    except (ModelNotFound, PatternFileError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)

    def report(row) -> None:
        click.echo(f"{row.status}: {row.path}: {row.error}", err=True)

    tables, summary = extract(nlp, inputs, on_problem=report)
    write_tables(tables, outdir)
    click.echo(summary.line(tables.counts()))
    sys.exit(EXIT_PARTIAL if summary.failed else EXIT_OK)


@main.command()
@click.argument("gold", required=False, type=click.Path(path_type=Path, exists=True))
@click.option("--tables", "outdir", type=click.Path(path_type=Path, file_okay=False), default=Path("output"),
              show_default=True, help="Folder holding the tables of `infra-extract run`.")
def evaluate(gold: Path | None, outdir: Path) -> None:
    """Score the tables in --tables against GOLD (default: corpus/.gold)."""
    from pipeline.evaluate import evaluate as score, format_report, load_gold, read_tables, split_of

    gold = gold or Path("corpus/.gold")
    if not gold.exists():
        raise click.UsageError(f"gold annotations not found: {gold}")
    try:
        tables = read_tables(outdir)
    except FileNotFoundError as exc:
        raise click.UsageError(str(exc)) from None
    gold_docs = load_gold(gold)
    splits = sorted({split_of(d) for d in gold_docs})
    if len(splits) > 1:
        for split in splits:
            part = {d: g for d, g in gold_docs.items() if split_of(d) == split}
            click.echo(format_report(score(part, tables), f"{split}"))
    click.echo(format_report(score(gold_docs, tables), "all"))


@main.command()
@click.argument("suite", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--all-units", is_flag=True, help="Also score cases whose currency has no three-letter code.")
@click.option("--show-misses", is_flag=True, help="Print every case with a missed or wrong mention.")
@click.option("--model", default=None, help="An installed spaCy pipeline (name or path) to use instead of blank English.")
def peer(suite: Path, all_units: bool, show_misses: bool, model: str | None) -> None:
    """Score money mentions on a third-party SUITE (JSONL of texts with expected amounts)."""
    from pipeline.language import ModelNotFound, make_nlp
    from pipeline.peer import format_misses, format_score, iso_only, load_suite, money_finder, score

    try:
        cases = load_suite(suite)
        nlp = make_nlp(model=model)
    except (ValueError, ModelNotFound) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    chosen = cases if all_units else [c for c in cases if iso_only(c)]
    result = score(chosen, money_finder(nlp))
    if show_misses:
        click.echo(format_misses(result))
    label = "all cases" if all_units else "cases with an ISO currency code"
    click.echo(format_score(f"{suite.name} ({label})", result))


@main.group()
def patterns() -> None:
    """Check pattern folders (the tool's knowledge, as data)."""


@patterns.command()
@click.argument("dirs", nargs=-1, type=click.Path(path_type=Path, file_okay=False, exists=True))
def validate(dirs: tuple[Path, ...]) -> None:
    """Check the built-in patterns and each pattern folder in DIRS.

    Every problem is printed as `file:line: what is wrong`; the exit status is
    2 when there is any.
    """
    from pipeline.pattern_check import check_folders

    problems = check_folders(dirs)
    for problem in problems:
        click.echo(str(problem))
    checked = "built-in patterns" + (f" and {len(dirs)} folder(s)" if dirs else "")
    if problems:
        click.echo(f"{len(problems)} problem(s) in the {checked}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"ok: {checked}")
