"""The batch job: workers, engines, the manifest (incremental and resumable
runs) and atomic tables. Every check compares with a clean run, byte for byte."""

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import spacy
from click.testing import CliRunner
from spacy.language import Language

from pipeline.batch import run_batch
from pipeline.benchmarks.synthetic import synthetic_names
from pipeline.cli import EXIT_OK, EXIT_USAGE, main
from pipeline.engines import LocalEngine
from pipeline import extract
from pipeline.extract import process_files
from pipeline.ingest import FileTask
from pipeline.language import PipelineSpec, make_nlp
from pipeline.manifest import MANIFEST_NAME, Manifest, ManifestError
from pipeline.records import TABLE_COLUMNS
from pipeline.tables import TableWriter

from .conftest import CORPUS

# A mix of every input format, a subfolder, and a file the tool skips.
SAMPLE = [
    "dev/a_wire_roundup_apr.txt", "dev/a_feed.jsonl", "dev/a_newsletter_compute_weekly.md",
    "dev/b_wire_roundup_apr.txt", "dev/a_europe_asia_briefing_cp1252.txt", "dev/c_wire_roundup_sept18.txt",
    "dev/c_wire_wrap_oct02.txt", "dev/d_wire_roundup_nov14.txt", "test/h_wire_digest_nov.txt",
    "test/k_wire_roundup_dec3.txt", "test/h_feed_newsdesk.jsonl", "test/k_newsletter_rack_report_47.md",
]


@pytest.fixture(scope="module")
def spec():
    return PipelineSpec.create()


@pytest.fixture
def articles(tmp_path):
    folder = tmp_path / "articles"
    for name in SAMPLE:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / name, target)
    (folder / "dev" / "scan.pdf").write_bytes(b"%PDF-1.4")
    return folder


def tables_of(outdir: Path) -> dict[str, bytes]:
    return {name: (outdir / f"{name}.csv").read_bytes() for name in TABLE_COLUMNS}


def clean_run(folder: Path, outdir: Path, spec: PipelineSpec) -> dict[str, bytes]:
    run_batch([folder], outdir, LocalEngine(spec, workers=1), spec.fingerprint, batch_size=5)
    return tables_of(outdir)


def test_tables_do_not_depend_on_workers_or_batch_size(articles, tmp_path, spec):
    expected = clean_run(articles, tmp_path / "one", spec)
    for workers, batch_size in ((2, 1), (2, 3), (1, 100)):
        engine = LocalEngine(spec, workers=workers)
        try:
            result = run_batch([articles], tmp_path / f"w{workers}b{batch_size}", engine, spec.fingerprint,
                               batch_size=batch_size)
        finally:
            engine.close()
        assert tables_of(tmp_path / f"w{workers}b{batch_size}") == expected, (workers, batch_size)
        assert result.files["processed"] == len(SAMPLE)
    assert b"unsupported file type" in expected["documents"]


def test_a_rerun_processes_only_what_changed(articles, tmp_path, spec):
    out = tmp_path / "out"
    run_batch([articles], out, LocalEngine(spec, workers=1), spec.fingerprint)
    again = run_batch([articles], out, LocalEngine(spec, workers=1), spec.fingerprint)
    assert again.files == {"processed": 0, "unchanged": len(SAMPLE), "removed": 0}

    (articles / "dev" / "a_wire_roundup_apr.txt").unlink()
    changed = articles / "test" / "k_wire_roundup_dec3.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nKappa Grid raised $12 million in seed funding.\n",
                       encoding="utf-8")
    (articles / "new.txt").write_text("Quell Labs raised $7 million in a seed round led by Arbor Ventures.\n",
                                      encoding="utf-8")
    third = run_batch([articles], out, LocalEngine(spec, workers=1), spec.fingerprint)
    assert third.files == {"processed": 2, "unchanged": len(SAMPLE) - 2, "removed": 1}
    assert tables_of(out) == clean_run(articles, tmp_path / "clean", spec)
    deals = (out / "deals.csv").read_text(encoding="utf-8")
    assert "Kappa Grid" in deals and "Quell Labs" in deals


def test_a_new_pipeline_makes_stored_rows_stale(articles, tmp_path, spec):
    out = tmp_path / "out"
    run_batch([articles], out, LocalEngine(spec, workers=1), spec.fingerprint)
    folder = tmp_path / "extra"
    folder.mkdir()
    (folder / "companies.jsonl").write_text('{"label": "ORG", "pattern": "Zephyr Nine", "id": "Zephyr Nine"}\n')
    other = PipelineSpec.create(pattern_dirs=[folder])
    assert other.fingerprint != spec.fingerprint
    result = run_batch([articles], out, LocalEngine(other, workers=1), other.fingerprint)
    assert result.files["processed"] == len(SAMPLE)
    rebuilt = run_batch([articles], out, LocalEngine(other, workers=1), other.fingerprint, rebuild=True)
    assert rebuilt.files["processed"] == len(SAMPLE)


def run_command(articles: Path, out: Path) -> list[str]:
    return [sys.executable, "-c", "from pipeline.cli import main; main()", "run", str(articles), "-o", str(out), "--workers", "1",
            "--batch-size", "1"]


def stored_files(out: Path) -> int:
    try:
        with sqlite3.connect(out / MANIFEST_NAME, timeout=5) as db:
            return db.execute("SELECT count(*) FROM files").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("after_files", [0, 3, 9], ids=["before-any-file", "early", "late"])
def test_a_run_killed_with_sigkill_resumes_to_the_clean_tables(articles, tmp_path, spec, after_files):
    out = tmp_path / "out"
    expected = clean_run(articles, tmp_path / "clean", spec)
    # Old tables from a different folder must survive the killed run untouched.
    out.mkdir()
    (out / "deals.csv").write_text("old\n")
    process = subprocess.Popen(run_command(articles, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while stored_files(out) < after_files and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL, "the run finished before it could be killed"
    assert (out / "deals.csv").read_text() == "old\n"
    resumed = subprocess.run(run_command(articles, out), capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert tables_of(out) == expected
    assert not list(out.glob(".infra-extract-*"))


def test_a_crash_while_writing_leaves_the_previous_tables(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "deals.csv").write_text("previous\n")
    with pytest.raises(RuntimeError):
        with TableWriter(out) as writer:
            writer.add("deals", [])
            raise RuntimeError("disk full")
    assert (out / "deals.csv").read_text() == "previous\n"
    assert sorted(p.name for p in out.iterdir()) == ["deals.csv"]


def test_the_manifest_is_checked_before_use(tmp_path):
    (tmp_path / MANIFEST_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(ManifestError, match="manifest.sqlite: not a usable manifest"):
        Manifest.open(tmp_path, "fingerprint")


@Language.component("test_breaks_on_snowman")
def breaks_on_snowman(doc):
    if "\u2603" in doc.text:
        raise ValueError("a snowman")
    return doc


@pytest.fixture(scope="module")
def fragile_nlp():
    nlp = make_nlp()
    nlp.add_pipe("test_breaks_on_snowman", last=True)
    return nlp


@pytest.mark.parametrize("n_articles", [1, 3], ids=["alone", "in-a-batch"])
def test_an_article_that_breaks_the_pipeline_costs_only_itself(fragile_nlp, n_articles):
    bad = FileTask("bad.txt", "bad.txt", "Acme raised $5 million. \u2603".encode())
    good = [FileTask(f"{i}.txt", f"{i}.txt", b"Quell Labs raised $7 million from Arbor Ventures.")
            for i in range(n_articles - 1)]
    rows = process_files(fragile_nlp, [bad, *good])
    assert rows[0]["documents"][0]["status"] == "error"
    assert "ValueError: a snowman" in rows[0]["documents"][0]["error"]
    assert rows[0]["mentions"] == [] and rows[0]["deals"] == []
    assert all(r["documents"][0]["status"] == "ok" and r["deals"] for r in rows[1:])


def test_a_worker_multiplies_on_one_thread(spec):
    from threadpoolctl import threadpool_info

    from pipeline.engine_base import pipeline_for

    pipeline_for(spec)
    assert {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"} == {1}


def test_one_run_at_a_time_per_folder(tmp_path):
    with Manifest.open(tmp_path, "fingerprint"):
        with pytest.raises(ManifestError, match="another infra-extract run is writing to this folder"):
            Manifest.open(tmp_path, "fingerprint")
    Manifest.open(tmp_path, "fingerprint").close()


def test_the_string_store_stops_growing_at_its_allowance(monkeypatch):
    nlp = make_nlp()
    monkeypatch.setattr(extract, "STRING_ALLOWANCE", 100)
    text = "{} raised $91 million from Vintrop Capital for its QZ-77 accelerator with 512 GB of HBM4."
    names = iter(synthetic_names(200))

    def batch(n):
        chosen = [next(names) for _ in range(n)]
        rows = process_files(nlp, [FileTask(f"{c}.txt", c, text.format(c).encode()) for c in chosen])
        assert [r["deals"][0]["company"] for r in rows] == chosen
        return len(nlp.vocab.strings)

    start = len(nlp.vocab.strings)
    grown = [batch(10) for _ in range(20)]
    assert grown[0] > start  # within the allowance, the words stay (and stay cached)
    full = next(k for k, n in enumerate(grown) if n - start >= 100)
    # One batch may pass the allowance; after that, not one string more.
    assert grown[full:] == [grown[full]] * (len(grown) - full)
    assert full < len(grown) - 5


def test_the_cli_runs_incrementally(articles, tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(main, ["run", str(articles), "-o", str(out), "--workers", "1"])
    assert first.exit_code == EXIT_OK, first.output
    assert f"files: {len(SAMPLE)} processed, 0 unchanged, 0 removed" in first.output
    second = runner.invoke(main, ["run", str(articles), "-o", str(out), "--workers", "1"])
    assert f"files: 0 processed, {len(SAMPLE)} unchanged, 0 removed" in second.output
    assert second.output.splitlines()[-1] == first.output.splitlines()[-1]


@pytest.mark.parametrize("args, message", [
    (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
    (["--workers", "0"], "Invalid value for '-w' / '--workers'"),
], ids=["scheduler-without-dask", "no-workers"])
def test_engine_options_are_checked(articles, tmp_path, args, message):
    result = CliRunner().invoke(main, ["run", str(articles), "-o", str(tmp_path / "out"), *args])
    assert result.exit_code == EXIT_USAGE
    assert message in result.output


def test_dask_on_a_loopback_local_cluster(articles, tmp_path, spec):
    pytest.importorskip("distributed")
    from pipeline.dask_engine import DaskEngine
    from pipeline.engine_base import pipeline_loads

    expected = clean_run(articles, tmp_path / "clean", spec)
    engine = DaskEngine(spec, workers=2)
    try:
        assert all(address.startswith("tcp://127.0.0.1:") for address in engine.client.scheduler_info()["workers"])
        run_batch([articles], tmp_path / "dask", engine, spec.fingerprint, batch_size=2)
        # The pipeline was built once on each worker, not once per batch.
        assert list(engine.client.run(pipeline_loads).values()) == [1, 1]
    finally:
        engine.close()
    assert tables_of(tmp_path / "dask") == expected


def test_dask_from_the_cli_with_an_unreachable_scheduler(articles, tmp_path):
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        result = CliRunner().invoke(main, ["run", str(articles), "-o", str(tmp_path / "out"), "--engine", "dask",
                                           "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == EXIT_USAGE
    assert "cannot connect to the Dask scheduler at tcp://127.0.0.1:9" in result.output



def test_workers_load_a_saved_model_by_path(articles, tmp_path):
    base = spacy.blank("en")
    base.add_pipe("ner")
    base.initialize()
    base.to_disk(tmp_path / "model")
    spec = PipelineSpec.create(model=str(tmp_path / "model"))
    expected = clean_run(articles, tmp_path / "one", spec)
    engine = LocalEngine(spec, workers=2)
    try:
        run_batch([articles], tmp_path / "two", engine, spec.fingerprint, batch_size=2)
    finally:
        engine.close()
    assert tables_of(tmp_path / "two") == expected
    assert spec.fingerprint != PipelineSpec.create().fingerprint


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_dask_on_a_cluster_started_as_the_readme_shows(articles, tmp_path, spec):
    """`dask scheduler` and `dask worker` as separate processes on loopback, then `run --scheduler`."""
    pytest.importorskip("distributed")
    from distributed import Client

    dask_cli = Path(sys.executable).parent / "dask"
    if not dask_cli.exists():
        pytest.skip("the dask command is not installed beside this Python")
    address = f"tcp://127.0.0.1:{free_port()}"
    environment = {**os.environ, "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}
    scheduler = subprocess.Popen([str(dask_cli), "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                  "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = None
    try:
        worker = subprocess.Popen([str(dask_cli), "worker", address, "--nworkers", "2", "--nthreads", "1",
                                   "--no-dashboard"], env=environment, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        result = CliRunner().invoke(main, ["run", str(articles), "-o", str(tmp_path / "cluster"), "--engine", "dask",
                                           "--scheduler", address, "--batch-size", "2"])
        assert result.exit_code == EXIT_OK, result.output
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.terminate()
                process.wait(timeout=60)
    assert tables_of(tmp_path / "cluster") == clean_run(articles, tmp_path / "clean", spec)


def test_the_benchmark_floor_runs_everything_but_the_finders(articles, tmp_path):
    from pipeline.benchmarks.scale import run_without_finders

    spec = PipelineSpec.create()
    floor = spec.without_finders()
    assert floor.fingerprint != spec.fingerprint
    assert [name for name in floor.build().pipe_names if name not in spec.build().pipe_names] == []
    assert "infra_deals" not in floor.build().pipe_names and "infra_entity_ruler" in floor.build().pipe_names
    run_without_finders(str(articles), str(tmp_path / "out"))
    run_batch([articles], tmp_path / "full", LocalEngine(spec, workers=1), spec.fingerprint)
    # The same documents read, skipped and failed: only the finding is left out.
    assert (tmp_path / "out" / "documents.csv").read_bytes() == (tmp_path / "full" / "documents.csv").read_bytes()
    assert len(pd.read_csv(tmp_path / "out" / "mentions.csv")) > 0  # the pattern ruler's names
    assert pd.read_csv(tmp_path / "out" / "deals.csv").empty
