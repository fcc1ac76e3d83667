"""What `run` shows while it works: a bar with documents per second and the
time left on a terminal, nothing in logs; --quiet and --verbose."""

import pytest
from click.testing import CliRunner

import pipeline.progress
from pipeline.cli import EXIT_PARTIAL, EXIT_USAGE, main

DEAL = "Veloxa Compute raised $40 million in a Series A round led by Harbor Peak Capital."


@pytest.fixture
def folder(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for n in range(5):
        (src / f"a{n}.txt").write_text(DEAL.replace("40", str(40 + n)), encoding="utf-8")
    (src / "broken.txt").write_bytes(DEAL.encode() + "’".encode() + b"\xc3\x28")
    return src


def run(folder, tmp_path, *args):
    return CliRunner().invoke(main, ["run", str(folder), "-o", str(tmp_path / "out"), "-w", "1", "--batch-size", "2",
                                     *args])


def test_a_terminal_gets_a_bar_with_documents_per_second_and_time_left(folder, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.progress, "stderr_is_terminal", lambda: True)
    result = run(folder, tmp_path)
    assert result.exit_code == EXIT_PARTIAL, result.output
    frames = result.stderr.split("\r")
    assert any("0/6 files [00:00<?" in f for f in frames)
    assert any("6/6 files" in f and "docs/s" in f for f in frames)
    assert "error: " in result.stderr  # problem lines are written above the bar


def test_logs_get_no_bar(folder, tmp_path):
    result = run(folder, tmp_path)
    assert "files [" not in result.stderr and "\r" not in result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_quiet_keeps_only_the_summary(folder, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.progress, "stderr_is_terminal", lambda: True)
    result = run(folder, tmp_path, "--quiet")
    assert result.exit_code == EXIT_PARTIAL and result.stderr == ""
    assert result.stdout.splitlines()[-1].startswith("documents: 5 read, 0 skipped, 1 failed")


def test_verbose_says_how_the_run_is_set_up_and_reports_batches(folder, tmp_path):
    result = run(folder, tmp_path, "--verbose")
    lines = result.stderr.splitlines()
    assert lines[0].startswith("run: engine local, 1 worker(s), batches of 2 files, formats csv")
    assert sum(line.startswith("batch: ") for line in lines) == 3


def test_quiet_and_verbose_exclude_each_other(folder, tmp_path):
    result = run(folder, tmp_path, "--quiet", "--verbose")
    assert result.exit_code == EXIT_USAGE and "exclude each other" in result.output
