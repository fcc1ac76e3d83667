import pandas as pd
import pytest
import spacy
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.records import TABLE_COLUMNS
from pipeline.csv_cells import read_table

ARTICLE = (
    "Veloxa Compute raises $40 million\n"
    "Veloxa Compute, a Berlin-based startup, raised $40 million in a Series A round led by Harbor Peak Capital, "
    "valuing it at $300 million. Its CV-9 accelerator pairs 96GB of HBM3e with 4 TB/s of bandwidth.\n"
    "Separately, Nvidia's H200 ships with 141GB of memory.\n"
)


@pytest.fixture
def folder(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "notes.pdf").write_bytes(b"%PDF-1.4")
    return src


def test_run_writes_every_table(folder, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("documents: 1 read, 1 skipped, 0 failed; rows: mentions")
    for name, columns in TABLE_COLUMNS.items():
        frame = pd.read_csv(out / f"{name}.csv")
        assert tuple(frame.columns) == columns
    deals = pd.read_csv(out / "deals.csv")
    assert deals.loc[0, "company"] == "Veloxa Compute"
    assert deals.loc[0, "amount"] == 40_000_000 and deals.loc[0, "valuation"] == 300_000_000
    assert deals.loc[0, "round"] == "series_a" and deals.loc[0, "lead_investors"] == "Harbor Peak Capital"
    chips = pd.read_csv(out / "chips.csv").set_index("chip")["vendor"].to_dict()
    assert chips == {"CV-9": "Veloxa Compute", "H200": "Nvidia"}
    specs = pd.read_csv(out / "specs.csv")
    assert {(r.subject, r.attribute, r.value, r.unit) for r in specs.itertuples()} == {
        ("CV-9", "memory", 96, "GB"), ("CV-9", "memory_bandwidth", 4, "TB/s"), ("H200", "memory", 141, "GB")}
    docs = pd.read_csv(out / "documents.csv").set_index("doc_id")
    assert docs.loc["a.txt", "status"] == "ok" and docs.loc["notes.pdf", "status"] == "skipped"
    assert "(amount" not in (out / "deals.csv").read_text()  # plain numbers, no repr
    assert "40000000," in (out / "deals.csv").read_text()


def test_run_reports_failed_documents_with_exit_1(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("Acme raised $5m.")
    (src / "bad.txt").write_bytes("Beta’s $6m round closed on Monday.".encode() + b"\xc3\x28")
    result = CliRunner().invoke(main, ["run", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "bad.txt" in result.output and "invalid UTF-8" in result.output
    assert "1 read, 0 skipped, 1 failed" in result.output


def test_a_stray_nul_byte_loses_nothing(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "scraped.txt").write_bytes(b"Veloxa Compute raised $40 million\x00 in a Series A round led by Nvidia.")
    result = CliRunner().invoke(main, ["run", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    [doc] = read_table(tmp_path / "out" / "documents.csv", "documents").to_dict("records")
    assert (doc["status"], doc["nul_bytes_removed"]) == ("ok", 1)
    [deal] = read_table(tmp_path / "out" / "deals.csv", "deals").to_dict("records")
    assert (deal["company"], deal["amount"]) == ("Veloxa Compute", 40e6)


def test_missing_model_is_a_one_line_error(folder, tmp_path):
    result = CliRunner().invoke(main, ["run", str(folder), "-o", str(tmp_path / "o"), "--model", "en_not_installed"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "en_not_installed" in result.output and "not installed" in result.output


def test_run_with_a_saved_model(folder, tmp_path):
    base = spacy.blank("en")
    base.add_pipe("ner")
    base.initialize()
    base.to_disk(tmp_path / "model")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(folder), "-o", str(out), "--model", str(tmp_path / "model")])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out / "deals.csv").loc[0, "company"] == "Veloxa Compute"


def test_missing_input_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["run", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "input not found" in result.output


def test_evaluate_scores_tables(folder, tmp_path):
    out = tmp_path / "out"
    CliRunner().invoke(main, ["run", str(folder), "-o", str(out)])
    gold = tmp_path / "gold.yaml"
    gold.write_text(
        "- doc_id: a.txt\n  companies: [Veloxa Compute, Harbor Peak Capital, Nvidia]\n"
        "  money:\n    - {value: 40000000, unit: USD}\n    - {value: 40000000, unit: USD}\n    - {value: 300000000, unit: USD}\n"
        "  deals:\n    - {company: Veloxa Compute, deal_type: equity_round, round: series_a, amount: 40000000,"
        " currency: USD, amount_qualifier: exact, amount_max: null, valuation: 300000000, investors: [Harbor Peak Capital],"
        " lead_investors: [Harbor Peak Capital], target: null, status: closed}\n"
        "  chips: [{chip: CV-9, vendor: Veloxa Compute}, {chip: H200, vendor: Nvidia}]\n"
        "  specs: [{subject: CV-9, attribute: memory, value: 96, unit: GB}]\n"
    )
    result = CliRunner().invoke(main, ["evaluate", str(gold), "--tables", str(out)])
    assert result.exit_code == 0, result.output
    assert "deals" in result.output and "1.000  1.000  1.000" in result.output


def test_bench_gazetteer_reports_a_table(folder):
    # Runs the benchmark on a tiny input to check the command, not the timings.
    result = CliRunner().invoke(main, ["bench", "gazetteer", str(folder), "--names", "200", "--repeats", "1"])
    assert result.exit_code == 0, result.output
    assert "| + 200 imported names (200 patterns) |" in result.output
    assert "throughput drop with the gazetteer" in result.output


def test_bench_baseline_names_an_unknown_commit(folder):
    result = CliRunner().invoke(main, ["bench", "baseline", str(folder), "--commit", "no-such-commit-0", "-n", "10"])
    assert result.exit_code != 0
    assert "cannot check out baseline 'no-such-commit-0'" in result.output or "not inside a git checkout" in result.output


def test_bench_baseline_runs_both_releases_in_turn(folder):
    # HEAD against the working tree, on ten articles: checks the command, not the timings.
    import subprocess

    if subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True).returncode != 0:
        pytest.skip("not a git checkout")
    result = CliRunner().invoke(main, ["bench", "baseline", str(folder), "--commit", "HEAD", "-n", "10",
                                       "--repeats", "1"])
    assert result.exit_code == 0, result.output
    assert "| HEAD (baseline) |" in result.output and "| this checkout |" in result.output
    assert "| throughput, this checkout / HEAD (median runs) |" in result.output
