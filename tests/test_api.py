"""The Python API: extract_text and extract_folder give the tables `run`
writes, as DataFrames and as pydantic records."""

import pandas as pd
import pytest

import pipeline
from pipeline.api import shared_pipeline
from pipeline.records import TABLE_COLUMNS, DealRow, DocumentRow

DEAL = "Veloxa Compute raised $40 million in a Series A round led by Harbor Peak Capital."


def test_extract_text_gives_every_table():
    tables = pipeline.extract_text(DEAL, doc_id="note-1")
    for name, columns in TABLE_COLUMNS.items():
        frame = getattr(tables, name)
        assert isinstance(frame, pd.DataFrame) and tuple(frame.columns) == columns
    [deal] = tables.records("deals")
    assert isinstance(deal, DealRow) and (deal.doc_id, deal.company, deal.amount) == ("note-1", "Veloxa Compute", 40e6)


def test_extract_folder_matches_the_files_and_reports_problems(tmp_path):
    (tmp_path / "a.txt").write_text(DEAL, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("Beta’s round: $6 million.".encode() + b"\xc3\x28")
    problems = []
    tables = pipeline.extract_folder(tmp_path, on_problem=problems.append)
    assert list(tables.documents["status"]) == ["ok", "error"]
    assert [p.doc_id for p in problems] == ["b.txt"] and isinstance(problems[0], DocumentRow)
    assert list(tables.deals["company"]) == ["Veloxa Compute"]


def test_the_pipeline_is_built_once_per_setting():
    assert shared_pipeline() is shared_pipeline()


@pytest.mark.parametrize("call, error", [
    (lambda: pipeline.extract_folder("no/such/folder"), FileNotFoundError),
    (lambda: pipeline.extract_text(DEAL).records("dealz"), KeyError),
    (lambda: pipeline.extract_text(DEAL).dealz, AttributeError),
    (lambda: pipeline.no_such_function, AttributeError),
], ids=["missing-folder", "unknown-table", "unknown-attribute", "unknown-api"])
def test_clear_errors(call, error):
    with pytest.raises(error):
        call()
