"""`run --format`: Parquet, one Excel workbook and JSON Lines beside (or
instead of) the CSV files, each holding the same rows."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import EXIT_OK, EXIT_USAGE, main
from pipeline.formats import FormatError, parse_formats
from pipeline.records import TABLE_COLUMNS
from pipeline.csv_cells import read_table

FEED = [
    {"id": "a", "title": "=HYPERLINK(\"http://evil.example\")", "published": "2026-03-02",
     "text": "- Veloxa Compute raised €40 million in a Series A round led by Harbor Peak Capital. "
             "Its CV-9 accelerator pairs 96GB of HBM3e with 4 TB/s of bandwidth."},
    {"id": "b", "published": "2026-03-03",
     "text": "Veloxa Compute closed a €40 million Series A, led by Harbor Peak Capital and joined by Fenwick Row."},
]


@pytest.fixture(scope="module")
def outdir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("in")
    (folder / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in FEED), encoding="utf-8")
    out = tmp_path_factory.mktemp("out") / "tables"
    result = CliRunner().invoke(main, ["run", str(folder), "-o", str(out), "-w", "1",
                                       "--format", "csv,xlsx", "--format", "parquet", "--format", "jsonl"])
    assert result.exit_code == EXIT_OK, result.output
    return out


@pytest.mark.parametrize("name", list(TABLE_COLUMNS))
def test_parquet_and_jsonl_hold_the_csv_rows(outdir, name):
    expected = read_table(outdir / f"{name}.csv", name)
    parquet = pd.read_parquet(outdir / f"{name}.parquet")
    assert list(parquet.columns) == list(TABLE_COLUMNS[name])
    pd.testing.assert_frame_equal(parquet, expected, check_dtype=False)
    lines = (outdir / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == len(expected) and all(list(r) == list(TABLE_COLUMNS[name]) for r in records)


def test_typed_formats_keep_the_text_as_extracted(outdir):
    documents = [json.loads(line) for line in (outdir / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert documents[0]["title"] == "=HYPERLINK(\"http://evil.example\")"
    deals = pd.read_parquet(outdir / "deals.parquet")
    assert deals.loc[0, "evidence"].startswith("- Veloxa") and deals.loc[0, "amount"] == 40_000_000


def test_the_workbook(outdir):
    from openpyxl import load_workbook

    book = load_workbook(outdir / "tables.xlsx")
    assert book.sheetnames == list(TABLE_COLUMNS)
    for name in TABLE_COLUMNS:
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert [c.value for c in sheet[1]] == list(TABLE_COLUMNS[name])
        assert sheet.max_row == len(read_table(outdir / f"{name}.csv", name)) + 1
    documents, deals = book["documents"], book["deals"]
    title = documents.cell(row=2, column=list(TABLE_COLUMNS["documents"]).index("title") + 1)
    assert (title.value, title.data_type) == ("=HYPERLINK(\"http://evil.example\")", "s")  # text, not a formula
    amount = deals.cell(row=2, column=list(TABLE_COLUMNS["deals"]).index("amount") + 1)
    assert amount.value == 40_000_000 and amount.number_format == "#,##0"
    evidence = list(TABLE_COLUMNS["deals"]).index("evidence") + 1
    assert 20 < deals.column_dimensions[chr(ord("A") + evidence - 1)].width <= 62


def test_deals_merged_in_every_format(outdir):
    merged = pd.read_parquet(outdir / "deals_merged.parquet")
    assert list(merged["n_documents"]) == [2] and merged.loc[0, "doc_ids"] == "feed.jsonl#a;feed.jsonl#b"


def test_a_format_alone_replaces_csv(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(FEED[1]["text"], encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(folder), "-o", str(out), "-w", "1", "--format", "xlsx"])
    assert result.exit_code == EXIT_OK, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["manifest.sqlite", "tables.xlsx"]


@pytest.mark.parametrize("values, expected", [
    ([], ("csv",)), (["xlsx"], ("xlsx",)), (["csv,xlsx"], ("csv", "xlsx")), (["jsonl", "CSV", "jsonl"], ("csv", "jsonl")),
], ids=["default", "one", "comma-list", "repeated-and-case"])
def test_parse_formats(values, expected):
    assert parse_formats(values) == expected


def test_an_unknown_format_is_a_usage_error(tmp_path):
    with pytest.raises(FormatError):
        parse_formats(["csv,xls"])
    result = CliRunner().invoke(main, ["run", str(tmp_path), "-o", str(tmp_path / "out"), "--format", "xls"])
    assert result.exit_code == EXIT_USAGE and "unknown format 'xls'" in result.output
