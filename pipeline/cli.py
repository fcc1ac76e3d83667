"""Command line: ``infra-extract run``, ``evaluate``, ``peer`` and ``patterns validate|test|import|sources``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

# Exit statuses of every command; the README lists them.
EXIT_OK = 0  # every document was processed
EXIT_PARTIAL = 1  # the batch finished, but some documents failed (documents.csv says which and why)
EXIT_USAGE = 2  # bad option, missing input, invalid patterns, unusable OUTDIR: nothing was read
EXIT_STOPPED = 3  # the run stopped before its end (workers lost, disk full, a bug); a re-run resumes

source_option = click.option("--source", "sources", multiple=True, metavar="NAME",
                             help="Switch on a source pack shipped under patterns/sources/ (repeatable; "
                                  "see `infra-extract patterns sources`).")


class OneLineErrors(click.Group):
    """A command that fails on an error nobody foresaw prints one line, not a
    traceback, and exits with EXIT_STOPPED. INFRA_EXTRACT_TRACEBACK=1 shows
    the traceback, for a bug report."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("INFRA_EXTRACT_TRACEBACK"):
                raise
            click.echo(f"error: stopped on an unexpected error ({type(exc).__name__}: {exc}); set "
                       "INFRA_EXTRACT_TRACEBACK=1 to see where, and please report it", err=True)
            ctx.exit(EXIT_STOPPED)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="infra-extract")
def main() -> None:
    """Turn AI-infrastructure news into analyst tables."""


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path, file_okay=False), default=Path("output"),
              show_default=True, help="Folder for the CSV tables and the manifest.")
@click.option("--model", default=None, help="An installed spaCy pipeline (name or path) to use instead of blank English.")
@click.option("--patterns", "pattern_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Extra pattern folder layered over the built-in patterns (repeatable).")
@source_option
@click.option("-w", "--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the cores this machine lets the tool use).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: worker processes on this machine; dask: tasks on Dask distributed.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="With --engine dask: an existing cluster's scheduler (default: a local cluster of --workers).")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Files per unit of work sent to a worker (default: 32).")
@click.option("--rebuild", is_flag=True, help="Ignore the manifest and process every file again.")
@click.option("--format", "formats", multiple=True, metavar="FORMAT",
              help="csv (default), parquet, xlsx (one workbook, a sheet per table) or jsonl; repeat or separate "
                   "with commas for several (--format csv,xlsx).")
@click.option("-q", "--quiet", is_flag=True,
              help="No progress bar and no line per problem (documents.csv has them); only the summary and errors.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also say how the run is set up and report each batch as it finishes.")
@click.option("--force", is_flag=True,
              help="Write into an OUTDIR that exists but was not made by infra-extract (its CSV files are replaced).")
def run(inputs: tuple[Path, ...], outdir: Path, model: str | None, pattern_dirs: tuple[Path, ...],
        sources: tuple[str, ...], workers: int | None, engine: str, scheduler: str | None,
        batch_size: int | None, rebuild: bool, formats: tuple[str, ...], quiet: bool, verbose: bool,
        force: bool) -> None:
    """Extract tables from INPUTS (files or folders; default: corpus/).

    Re-running into the same OUTDIR processes only new and changed files
    (the manifest in OUTDIR holds each file's content hash and rows), drops
    the rows of files that are gone, and resumes a run that was stopped.
    """
    from pipeline.batch import run_batch
    from pipeline.engine_base import EngineError
    from pipeline.engines import make_engine
    from pipeline.extract import BATCH_SIZE
    from pipeline.knowledge import PatternFileError
    from pipeline.language import ModelNotFound, PipelineSpec, load_base
    from pipeline.manifest import ManifestError

    from pipeline.formats import FormatError, parse_formats

    try:
        chosen_formats = parse_formats(formats)
    except FormatError as exc:
        raise click.BadParameter(str(exc), param_hint="'--format'") from None
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose exclude each other")
    inputs = inputs or (Path("corpus"),)
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        raise click.UsageError(f"input not found: {', '.join(missing)}")
    try:
        if pattern_dirs or sources:
            from pipeline.pattern_check import check_folders

            problems = check_folders(pattern_dirs, include_builtin=False, sources=sources)
            if problems:
                for problem in problems:
                    click.echo(f"error: {problem}", err=True)
                click.echo(f"error: {len(problems)} problem(s) in the patterns; no article was read", err=True)
                sys.exit(EXIT_USAGE)
        if model is not None:
            load_base(model)  # a missing model is a usage error here, not in every worker
        spec = PipelineSpec.create(model=model, pattern_dirs=pattern_dirs, sources=sources)
        runner = make_engine(engine, spec, workers=workers, scheduler=scheduler)
    except (ModelNotFound, PatternFileError, EngineError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)

    from pipeline.progress import Progress, count_files, stderr_is_terminal

    shown = not quiet and stderr_is_terminal()
    progress = Progress(count_files(inputs) if shown else None, shown)
    if verbose:
        progress.echo(f"run: engine {engine}, {runner.workers} worker(s), batches of {batch_size or BATCH_SIZE} "
                      f"files, formats {', '.join(chosen_formats)}, OUTDIR {outdir}")

    def report(row) -> None:
        if not quiet:
            progress.echo(f"{row.status}: {row.path}: {row.error}")

    def advance(files: int, documents: int) -> None:
        progress.advance(files, documents)
        if verbose and documents:
            progress.echo(f"batch: {files} file(s), {documents} document(s) done")

    try:
        result = run_batch(inputs, outdir, runner, spec.fingerprint, on_problem=report,
                           batch_size=batch_size or BATCH_SIZE, rebuild=rebuild, force=force,
                           formats=chosen_formats, warn=lambda message: progress.echo(f"warning: {message}"),
                           on_progress=advance)
    except ManifestError as exc:  # not our OUTDIR, an unusable manifest, or another run on it: nothing was read
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except EngineError as exc:  # workers lost mid-run: what finished is kept, and a re-run resumes
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_STOPPED)
    except OSError as exc:  # OUTDIR cannot be written (full disk, permissions)
        click.echo(f"error: {outdir}: cannot write the tables ({exc.strerror or exc}); "
                   "the previous tables are untouched", err=True)
        sys.exit(EXIT_STOPPED)
    finally:
        progress.close()
        runner.close()
    click.echo(result.files_line())
    click.echo(result.summary.line(result.counts))
    sys.exit(EXIT_PARTIAL if result.summary.failed else EXIT_OK)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("-o", "--output", "page", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where to write the page (default: FILE's name + .html, in the current folder).")
@click.option("--model", default=None, help="An installed spaCy pipeline (name or path) to use instead of blank English.")
@click.option("--patterns", "pattern_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Extra pattern folder layered over the built-in patterns (repeatable).")
@source_option
def show(file: Path, page: Path | None, model: str | None, pattern_dirs: tuple[Path, ...],
         sources: tuple[str, ...]) -> None:
    """Write one HTML page of what was found in FILE: its text with every
    entity highlighted, then its deals, chips and specs, each linked to its
    sentence, and the amounts that are in no deal. Prints the page's path."""
    from pipeline.api import shared_pipeline
    from pipeline.knowledge import PatternFileError
    from pipeline.language import ModelNotFound
    from pipeline.pages import show_page

    try:
        nlp = shared_pipeline(model, pattern_dirs, sources)
    except (ModelNotFound, PatternFileError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    page = page or Path(f"{file.name}.html")
    page.write_text(show_page(file, nlp), encoding="utf-8")
    click.echo(str(page))


@main.command()
@click.argument("outdir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("-o", "--output", "page", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where to write the page (default: OUTDIR/report.html).")
def report(outdir: Path, page: Path | None) -> None:
    """Write one HTML summary of the run in OUTDIR: deals by size, money raised
    per company as a chart, chips beside their specs, and the documents that
    failed. Prints the page's path."""
    from pipeline.pages import report_page

    try:
        html = report_page(outdir)
    except FileNotFoundError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    page = page or outdir / "report.html"
    page.write_text(html, encoding="utf-8")
    click.echo(str(page))


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
    """Check, test and import pattern folders (the tool's knowledge, as data)."""


def _folders_or_exit(dirs: tuple[Path, ...], sources: tuple[str, ...]):
    from pipeline.knowledge import PatternFileError, pattern_folders

    try:
        return pattern_folders(sources, dirs)
    except PatternFileError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)


@patterns.command()
@click.argument("dirs", nargs=-1, type=click.Path(path_type=Path, file_okay=False, exists=True))
@source_option
def validate(dirs: tuple[Path, ...], sources: tuple[str, ...]) -> None:
    """Check the built-in patterns, the named source packs and each folder in DIRS.

    Every problem is printed as `file:line: what is wrong`; the exit status is
    2 when there is any.
    """
    from pipeline.pattern_check import check_folders

    _folders_or_exit(dirs, sources)
    problems = check_folders(dirs, sources=sources)
    for problem in problems:
        click.echo(str(problem))
    checked = "built-in patterns" + "".join(f", source {name}" for name in sources)
    checked += f" and {len(dirs)} folder(s)" if dirs else ""
    if problems:
        click.echo(f"{len(problems)} problem(s) in the {checked}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"ok: {checked}")


@patterns.command(name="test")
@click.argument("dirs", nargs=-1, type=click.Path(path_type=Path, file_okay=False, exists=True))
@source_option
@click.option("--with-builtin", is_flag=True, help="Also run the built-in patterns' examples (an override may break them).")
def test_examples(dirs: tuple[Path, ...], sources: tuple[str, ...], with_builtin: bool) -> None:
    """Run the examples of the pattern records in DIRS and the named source
    packs (the built-in patterns' examples when none is given), in the
    pipeline built from all of them over the built-in patterns.

    Prints each example that does not give what its record promises (the
    canonical id, currency, spec attribute or round); exit status 1 when there
    is any.
    """
    from pipeline.knowledge import builtin_folders
    from pipeline.language import make_nlp
    from pipeline.pattern_check import check_folders
    from pipeline.pattern_examples import collect_examples, run_examples

    folders = _folders_or_exit(dirs, sources)
    builtin = len(builtin_folders())
    problems = check_folders(dirs, sources=sources)
    if problems:
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        click.echo("error: fix these first (`infra-extract patterns validate`)", err=True)
        sys.exit(EXIT_USAGE)
    tested = folders if with_builtin or len(folders) == builtin else folders[builtin:]
    examples = collect_examples(tested)
    failures = run_examples(make_nlp(pattern_dirs=dirs, sources=sources), examples)
    for failure in failures:
        click.echo(str(failure))
    click.echo(f"{len(examples) - len(failures)} of {len(examples)} examples pass", err=bool(failures))
    sys.exit(EXIT_PARTIAL if failures else EXIT_OK)


def _field(ctx, param, values: tuple[str, ...]) -> dict[str, str]:
    fields = {}
    for value in values:
        key, sep, column = value.partition("=")
        if not sep or not key or not column:
            raise click.BadParameter(f"{value!r}: write KEY=COLUMN, for example vendor=Maker")
        fields[key] = column
    return fields


@patterns.command(name="import")
@click.argument("spreadsheet", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--label", required=True, type=click.Choice(["ORG", "CHIP", "MODEL", "GPE"]),
              help="What the names are: companies (ORG), chips, AI models or places.")
@click.option("--name-column", default="name", show_default=True, help="Column with the name as articles write it.")
@click.option("--id-column", default=None, help="Column with the canonical name (default: the name itself).")
@click.option("--alias-column", "alias_columns", multiple=True, help="Column with other names (repeatable).")
@click.option("--separator", default=";", show_default=True, help="Splits several aliases in one cell.")
@click.option("--field", "fields", multiple=True, callback=_field, metavar="KEY=COLUMN",
              help="Copy a column into a record key, e.g. vendor=Maker for chips, kind=Type for companies.")
@click.option("--keep-legal-suffix", is_flag=True,
              help="Do not add a short name without the legal form ('Quorra Robotics' for 'Quorra Robotics, Inc.').")
@click.option("-o", "--output", "target", type=click.Path(path_type=Path), default=None,
              help="Pattern file to write, or a folder (the file is named for the label). Default: stdout.")
@click.option("--append", is_flag=True, help="Add to an existing pattern file instead of refusing to touch it.")
def import_spreadsheet(spreadsheet: Path, label: str, name_column: str, id_column: str | None,
                       alias_columns: tuple[str, ...], separator: str, fields: dict[str, str],
                       keep_legal_suffix: bool, target: Path | None, append: bool) -> None:
    """Turn SPREADSHEET (CSV, or TSV by extension) into ruler patterns, one per name and alias."""
    from pipeline.knowledge import default_knowledge
    from pipeline.pattern_import import LABEL_FILES, SpreadsheetError, import_names, read_spreadsheet, to_jsonl

    suffixes = () if keep_legal_suffix else default_knowledge().cues.get("legal_suffixes", ())
    try:
        imported = import_names(read_spreadsheet(spreadsheet), label, name_column=name_column, id_column=id_column,
                                alias_columns=alias_columns, separator=separator, fields=fields,
                                legal_suffixes=suffixes)
    except SpreadsheetError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    for warning in imported.warnings:
        click.echo(f"warning: {spreadsheet}:{warning}", err=True)
    text = to_jsonl(imported.records)
    if target is None:
        click.echo(text, nl=False)
        return
    if target.is_dir():
        target = target / LABEL_FILES[label]
    if target.exists() and not append:
        click.echo(f"error: {target} exists; pass --append to add to it, or choose another file", err=True)
        sys.exit(EXIT_USAGE)
    existing = target.read_text(encoding="utf-8") if target.exists() else ""
    if existing and not existing.endswith("\n"):
        existing += "\n"
    partial = target.with_name(target.name + ".partial")
    partial.write_text(existing + text, encoding="utf-8")
    partial.replace(target)
    ids = len({r["id"] for r in imported.records})
    click.echo(f"wrote {len(imported.records)} patterns for {ids} {label} names to {target}", err=True)


@patterns.command(name="sources")
def list_sources() -> None:
    """List the source packs that `--source NAME` switches on."""
    from pipeline.knowledge import SOURCES_DIR, available_sources, builtin_dir

    for name in available_sources():
        about = builtin_dir() / SOURCES_DIR / name / "README.md"
        summary = about.read_text(encoding="utf-8").strip().splitlines()[0].lstrip("# ") if about.is_file() else ""
        click.echo(f"{name}\t{summary}")


@main.group()
def bench() -> None:
    """Benchmarks (`make bench`): speed and memory, reported, never asserted."""


@bench.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--names", default=50_000, show_default=True, help="How many synthetic company names to import.")
@click.option("--repeats", default=5, show_default=True, help="Timed passes over the articles per pipeline.")
def gazetteer(inputs: tuple[Path, ...], names: int, repeats: int) -> None:
    """Load time and words per second with NAMES imported company names layered
    over the built-in patterns, against the built-in patterns alone, over the
    articles in INPUTS (default: corpus/)."""
    import tempfile

    from pipeline.benchmarks.gazetteer import gazetteer_report

    with tempfile.TemporaryDirectory() as scratch:
        click.echo(gazetteer_report(Path(scratch) / "gazetteer", names, inputs or (Path("corpus"),), repeats))


@bench.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--commit", required=True, help="The baseline release to compare with (a commit of this repository).")
@click.option("-n", "--articles", default=5000, show_default=True, type=click.IntRange(min=10),
              help="Synthetic articles to build from the articles in INPUTS.")
@click.option("--repeats", default=2, show_default=True, type=click.IntRange(min=1),
              help="Runs of each release, taken in turn.")
def baseline(inputs: tuple[Path, ...], commit: str, articles: int, repeats: int) -> None:
    """1 worker throughput of this checkout against a baseline COMMIT, on one
    synthetic corpus made from INPUTS (default: corpus/), the two releases run
    in turn on the same day; then the ratio against its target."""
    from pipeline.benchmarks.baseline import BaselineError, baseline_report

    try:
        report = baseline_report(list(inputs or (Path("corpus"),)), articles, commit, repeats,
                                 progress=lambda line: click.echo(f"bench: {line}", err=True))
    except BaselineError as error:
        raise click.ClickException(str(error)) from error
    click.echo(report)


@bench.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("-n", "--articles", default=5000, show_default=True, type=click.IntRange(min=10),
              help="Synthetic articles to build from the articles in INPUTS.")
@click.option("--keep", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Build the corpora and outputs here and keep them (default: a temporary folder).")
def scale(inputs: tuple[Path, ...], articles: int, keep: Path | None) -> None:
    """Words per second and peak memory of whole runs over a synthetic corpus
    made from INPUTS (default: corpus/): the tokenizer alone, 1 and 2 workers,
    and Dask on a 2-worker LocalCluster; then the ratios against their targets.
    Last, 1 worker with the finders left out: the most any finder code could give."""
    from pipeline.benchmarks.scale import scale_report

    report = scale_report(list(inputs or (Path("corpus"),)), articles, keep,
                          progress=lambda line: click.echo(f"bench: {line}", err=True))
    click.echo(report)
