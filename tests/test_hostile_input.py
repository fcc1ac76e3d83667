"""A folder of junk, through the whole `run` command: every problem is one
row of documents.csv and one line on stderr, the good articles beside it are
still extracted, no traceback reaches the user, and the exit status says
which of these happened. Also: texts longer than the pipeline takes at once,
spreadsheet-safe CSV cells, and an OUTDIR that is not the tool's."""

import json
import os

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.chunking import text_pieces
from pipeline.cli import EXIT_OK, EXIT_PARTIAL, EXIT_STOPPED, EXIT_USAGE, main
from pipeline.extract import extract, process_files
from pipeline.ingest import FileTask
from pipeline.manifest import LOCK_NAME, MANIFEST_NAME
from pipeline.records import TABLE_COLUMNS
from pipeline.csv_cells import neutralise_cell, read_table, restore_cell
from pipeline.tables import TableWriter

DEAL = "Veloxa Compute raised $40 million in a Series A round led by Harbor Peak Capital."
FILLER = "Analysts said demand for accelerated computing kept rising through the quarter. "

# name, bytes (or a function of the folder that makes the entry), documents.csv status, words in its error
JUNK = [
    ("empty.txt", b"", "skipped", "empty file"),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "skipped", "unsupported file type"),
    ("binary.txt", bytes(range(256)) * 8, "skipped", "binary file"),
    ("zeroed.txt", b"\x00" * 4096 + DEAL.encode(), "error", "mostly NUL bytes"),
    ("bad-utf8.txt", ("Veloxa’s " + DEAL).encode() + b"\xc3\x28", "error", "invalid UTF-8"),
    ("bad.html", b"<html><head></head><body></body></html>", "error", "no article text"),
    ("feed.jsonl#2", None, "error", "line 2: invalid JSON"),
    ("feed.jsonl#3", None, "error", "line 3: expected a JSON object"),
    ("feed.jsonl#empty", None, "error", "line 4: no text"),
    ("loop.txt", lambda folder: os.symlink("loop.txt", folder / "loop.txt"), "error", "symbolic link loop"),
    ("pipe.txt", lambda folder: os.mkfifo(folder / "pipe.txt"), "skipped", "named pipe"),
]
GOOD = {
    "utf16.txt": ("\ufeff" + DEAL).encode("utf-16-le"),
    "feed.jsonl": "\n".join([json.dumps({"id": "ok", "text": DEAL}), "{broken", "[1, 2]",
                             json.dumps({"id": "empty", "title": "no body"})]).encode(),
}


@pytest.fixture
def junk_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data, _, _ in JUNK:
        if callable(data):
            data(folder)
        elif data is not None:
            (folder / name).write_bytes(data)
    for name, data in GOOD.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.timeout(120)
def test_a_junk_folder_is_read_to_the_end(junk_folder, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(junk_folder), "-o", str(out), "--workers", "1"])
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "Traceback" not in result.output + result.stderr
    documents = read_table(out / "documents.csv", "documents").set_index("doc_id")
    for name, _, status, reason in JUNK:
        assert documents.loc[name, "status"] == status, name
        assert reason in documents.loc[name, "error"], name
    problem_lines = [line for line in result.stderr.splitlines() if line.startswith(("skipped: ", "error: "))]
    assert len(problem_lines) == len(JUNK)
    # The good articles around the junk are still read, in every format.
    assert documents.loc["utf16.txt", "status"] == "ok" and documents.loc["feed.jsonl#ok", "status"] == "ok"
    deals = read_table(out / "deals.csv", "deals")
    assert sorted(deals["doc_id"]) == ["feed.jsonl#ok", "utf16.txt"]
    assert set(deals["amount"]) == {40_000_000}


def test_exit_status_is_zero_when_only_unsupported_files_are_skipped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(DEAL, encoding="utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    result = CliRunner().invoke(main, ["run", str(folder), "-o", str(tmp_path / "out"), "--workers", "1"])
    assert result.exit_code == EXIT_OK, result.output


@pytest.mark.parametrize("args, message", [
    (["missing-folder"], "input not found"),
    (["--patterns", "no-such-patterns"], "does not exist"),
    (["--workers", "many"], "is not a valid integer"),
], ids=["missing-input", "missing-pattern-folder", "bad-option"])
def test_usage_errors(tmp_path, args, message):
    result = CliRunner().invoke(main, ["run", *args, "-o", str(tmp_path / "out")])
    assert result.exit_code == EXIT_USAGE
    assert message in result.output + result.stderr


def test_a_deal_in_the_last_sentence_of_a_long_one_line_file(tmp_path):
    # 2.5 MB on one line: two and a half times spaCy's max_length.
    text = FILLER * (2_500_000 // len(FILLER)) + DEAL
    assert "\n" not in text and len(text) > 2_500_000
    (tmp_path / "dump.txt").write_text(text, encoding="utf-8")
    from pipeline.language import make_nlp

    tables, summary = extract(make_nlp(), [tmp_path])
    assert (summary.read, summary.failed) == (1, 0)
    [deal] = tables.rows["deals"]
    assert (deal["company"], deal["amount"], deal["round"]) == ("Veloxa Compute", 40_000_000, "series_a")
    assert text[deal["start_char"]:deal["end_char"]] in DEAL
    assert tables.rows["documents"][0]["n_chars"] == len(text)


def test_rows_of_a_text_in_pieces_point_into_the_whole_text(nlp):
    # A JSONL record longer than the pipeline takes at once is cut at
    # sentence ends; every row's offsets still point into the record's text.
    names = ("Arvon", "Belmar", "Corvid", "Dunmore")
    text = " ".join(f"{FILLER}{DEAL.replace('Veloxa', name).replace('40', str(40 + n))}" for n, name in enumerate(names))
    record = json.dumps({"id": "long", "text": text})
    saved = nlp.max_length
    nlp.max_length = 300
    try:
        [rows] = process_files(nlp, [FileTask("f.jsonl", "f.jsonl", record.encode())])
    finally:
        nlp.max_length = saved
    assert len(text_pieces(text, 300)) > 1
    assert [(d["company"], d["amount"]) for d in rows["deals"]] == [
        (f"{name} Compute", (40 + n) * 1_000_000) for n, name in enumerate(names)]
    for mention in rows["mentions"]:
        assert text[mention["start_char"]:mention["end_char"]] == mention["text"]


# Text cells that a spreadsheet would run, and what the CSV holds instead.
CELLS = [
    ("formula", "=HYPERLINK(\"http://x.example\",\"click\")", "'=HYPERLINK(\"http://x.example\",\"click\")"),
    ("plus", "+1 212 555 0100", "'+1 212 555 0100"),
    ("minus", "- Acme raised $5m", "'- Acme raised $5m"),
    ("at", "@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("tab", "\t=1+1", "'\t=1+1"),
    ("carriage return", "\r=1+1", "'\r=1+1"),
    ("quoted formula", "'=1+1", "''=1+1"),
    ("plain", "Acme raised $5m", "Acme raised $5m"),
    ("quote alone", "'tis", "'tis"),
]


@pytest.mark.parametrize("name,cell,written", CELLS, ids=[c[0] for c in CELLS])
def test_text_cells_are_neutralised_and_restored(name, cell, written):
    assert neutralise_cell(cell) == written
    assert restore_cell(written) == cell


def test_numbers_stay_numbers_in_the_csv(tmp_path):
    row = {name: None for name in TABLE_COLUMNS["mentions"]}
    row.update(doc_id="=cmd", start_char=0, end_char=3, text="-5m", label="MONEY", value=-5_000_000.0, unit="USD")
    with TableWriter(tmp_path) as writer:
        writer.add("mentions", [row])
        path = writer.commit()["mentions.csv"]
    raw = pd.read_csv(path, encoding="utf-8-sig")
    assert raw.loc[0, "doc_id"] == "'=cmd" and raw.loc[0, "text"] == "'-5m"
    assert raw.loc[0, "value"] == -5_000_000 and raw["value"].dtype.kind in "if"  # a number, not text


def test_tables_are_utf8_with_a_bom_and_safe_for_spreadsheets(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    record = {"id": "x", "title": "=HYPERLINK(\"http://evil.example\")", "url": "@evil",
              "text": "- Veloxa Compute raised €40 million in a Series A round led by Harbor Peak Capital."}
    (folder / "feed.jsonl").write_text(json.dumps(record), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(folder), "-o", str(out), "--workers", "1"])
    assert result.exit_code == EXIT_OK, result.output
    for name in TABLE_COLUMNS:
        assert (out / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf"), name
    raw = pd.read_csv(out / "documents.csv", encoding="utf-8-sig")
    assert raw.loc[0, "title"] == "'=HYPERLINK(\"http://evil.example\")" and raw.loc[0, "url"] == "'@evil"
    deals = pd.read_csv(out / "deals.csv", encoding="utf-8-sig")
    assert deals.loc[0, "evidence"].startswith("'- Veloxa") and deals.loc[0, "currency"] == "EUR"
    assert deals.loc[0, "amount"] == 40_000_000
    assert read_table(out / "deals.csv", "deals").loc[0, "evidence"].startswith("- Veloxa")


def test_an_outdir_that_is_not_ours_is_refused_unless_forced(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(DEAL, encoding="utf-8")
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "deals.csv").write_text("their own work\n", encoding="utf-8")
    runner = CliRunner()
    refused = runner.invoke(main, ["run", str(folder), "-o", str(theirs), "--workers", "1"])
    assert refused.exit_code == EXIT_USAGE and "--force" in refused.stderr
    assert sorted(p.name for p in theirs.iterdir()) == ["deals.csv"]
    assert (theirs / "deals.csv").read_text(encoding="utf-8") == "their own work\n"
    forced = runner.invoke(main, ["run", str(folder), "-o", str(theirs), "--workers", "1", "--force"])
    assert forced.exit_code == EXIT_OK, forced.output
    assert (theirs / MANIFEST_NAME).exists()
    # From now on the folder is the tool's: no --force needed.
    again = runner.invoke(main, ["run", str(folder), "-o", str(theirs), "--workers", "1"])
    assert again.exit_code == EXIT_OK, again.output


@pytest.mark.parametrize("setup", ["missing", "empty", "gitkeep"])
def test_a_new_or_empty_outdir_is_accepted(tmp_path, setup):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(DEAL, encoding="utf-8")
    out = tmp_path / "out"
    if setup != "missing":
        out.mkdir()
    if setup == "gitkeep":
        (out / ".gitkeep").write_text("")
    result = CliRunner().invoke(main, ["run", str(folder), "-o", str(out), "--workers", "1"])
    assert result.exit_code == EXIT_OK, result.output


# A link planted in OUTDIR where the tool writes: a table is replaced (the link
# goes, its target is untouched); the manifest and the lock are refused.
PLANTED = [("deals.csv", EXIT_OK), (MANIFEST_NAME, EXIT_USAGE), (LOCK_NAME, EXIT_USAGE)]


@pytest.mark.parametrize("name,status", PLANTED, ids=[p[0] for p in PLANTED])
def test_nothing_is_written_outside_outdir(tmp_path, name, status):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(DEAL, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside"
    os.symlink(outside, out / name)
    if name != MANIFEST_NAME:
        (out / MANIFEST_NAME).write_bytes(b"")  # an earlier run's folder
    result = CliRunner().invoke(main, ["run", str(folder), "-o", str(out), "--workers", "1"])
    assert result.exit_code == status, result.output
    assert not outside.exists()
    assert {p.name for p in tmp_path.iterdir()} == {"in", "out"}


def test_an_unforeseen_error_is_one_line_not_a_traceback(tmp_path, monkeypatch):
    import pipeline.batch

    def broken(*args, **kwargs):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(pipeline.batch, "run_batch", broken)
    (tmp_path / "a.txt").write_text(DEAL, encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "-w", "1"])
    assert result.exit_code == EXIT_STOPPED
    assert result.stderr.strip().count("\n") == 0 and "something nobody foresaw" in result.stderr
    assert "Traceback" not in result.output


PATHOLOGICAL_FILES = [
    ("digits-100k.txt", "1" * 100_000),
    ("dollars-100k.txt", "$" * 100_000),
    ("euros-then-a-deal.txt", "€" * 100_000 + " " + DEAL),
    ("word-1mib.txt", "a" * 1_048_576),  # over spaCy's max_length, and nowhere to cut but the limit
]


@pytest.mark.timeout(120)  # a hang guard, not a speed measurement
def test_pathological_files_finish(tmp_path, nlp):
    for name, text in PATHOLOGICAL_FILES:
        (tmp_path / name).write_text(text, encoding="utf-8")
    tables, summary = extract(nlp, [tmp_path])
    assert (summary.read, summary.failed) == (len(PATHOLOGICAL_FILES), 0)
    assert [(d["doc_id"], d["amount"]) for d in tables.rows["deals"]] == [("euros-then-a-deal.txt", 40_000_000)]
