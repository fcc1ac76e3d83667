"""`infra-extract show` and `infra-extract report`: self-contained HTML pages
of what was found in one file, and of a whole run."""

import json
import re

import pytest
from click.testing import CliRunner

from pipeline.cli import EXIT_OK, EXIT_USAGE, main

ARTICLE = (
    "Veloxa Compute raises $40 million\n"
    "Veloxa Compute, a Berlin-based startup, raised $40 million in a Series A round led by Harbor Peak Capital, "
    "valuing it at $300 million. Its CV-9 accelerator pairs 96GB of HBM3e with 4 TB/s of bandwidth.\n"
    "The company expects revenue of $12 million next year. <script>alert('x')</script>\n"
)
SECOND = "Arvon Grid secured $2.5 billion in debt financing from Fenwick Row to build data centres."


def self_contained(page: str) -> bool:
    return not re.search(r"<script|<link|<img|<iframe|https?://|src=", page, re.I)


def anchors_resolve(page: str) -> bool:
    ids = set(re.findall(r'id="([^"]+)"', page))
    return all(target in ids for target in re.findall(r'href="#([^"]+)"', page))


def test_show_writes_a_page_of_one_file(tmp_path):
    article = tmp_path / "veloxa.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    page = tmp_path / "veloxa.html"
    result = CliRunner().invoke(main, ["show", str(article), "-o", str(page)])
    assert result.exit_code == EXIT_OK, result.output
    assert result.output.strip() == str(page)
    html = page.read_text(encoding="utf-8")
    assert self_contained(html) and anchors_resolve(html)
    assert "&lt;script&gt;alert" in html  # the article's text is escaped, never run
    assert re.search(r"Veloxa Compute\s*<span[^>]*>ORG</span>", html)  # displaCy marks the entity
    deals = html[html.index("<h3>Deals</h3>"):html.index("<h3>Amounts in no deal</h3>")]
    assert "Veloxa Compute" in deals and "40,000,000" in deals and "series_a" in deals
    loose = html[html.index("<h3>Amounts in no deal</h3>"):html.index("<h3>Chips</h3>")]
    assert "$12 million" in loose
    assert "CV-9" in html[html.index("<h3>Chips</h3>"):] and "4 TB/s" in html


def test_show_a_feed_with_a_broken_line(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "x", "title": "Veloxa", "text": ARTICLE}) + "\n{broken\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["show", str(feed), "-o", str(tmp_path / "feed.html")])
    assert result.exit_code == EXIT_OK, result.output
    html = (tmp_path / "feed.html").read_text(encoding="utf-8")
    assert "feed.jsonl#x" in html and "line 2: invalid JSON" in html


def test_show_default_page_is_in_the_current_folder(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(SECOND, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["show", "a.txt"])
    assert result.exit_code == EXIT_OK and result.output.strip() == "a.txt.html"
    assert (tmp_path / "a.txt.html").exists()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("in")
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b.txt").write_text(SECOND, encoding="utf-8")
    (folder / "c.txt").write_text(ARTICLE.replace("$40 million", "$41 million"), encoding="utf-8")
    (folder / "d.txt").write_bytes("Broken text’s bytes".encode() + b"\xc3\x28 here and there.")
    out = tmp_path_factory.mktemp("run") / "out"
    CliRunner().invoke(main, ["run", str(folder), "-o", str(out), "-w", "1"])
    return out


def test_report_summarises_a_run(run_dir):
    result = CliRunner().invoke(main, ["report", str(run_dir)])
    assert result.exit_code == EXIT_OK, result.output
    page = run_dir / "report.html"
    assert result.output.strip() == str(page)
    html = page.read_text(encoding="utf-8")
    assert self_contained(html)
    assert "3 documents read, 0 skipped, 1 failed" in html
    # The Series A reported twice is one deal: it is counted once in the chart.
    assert "3 deals reported, 2 real-world deals" in html
    bars = re.findall(r'<text x="\d+" y="\d+" text-anchor="end">([^<]+)</text>', html)
    assert bars == ["Arvon Grid", "Veloxa Compute"]
    table = html[html.index("<h2>Deals by size</h2>"):html.index("<h2>Chips and their specs</h2>")]
    assert table.index("2,500,000,000") < table.index("41,000,000")  # largest first
    chips = html[html.index("<h2>Chips and their specs</h2>"):]
    assert "CV-9" in chips and "96 GB" in chips and "4 TB/s" in chips
    assert "d.txt" in html[html.index("<h2>Documents that failed"):]


def test_report_on_a_folder_without_tables_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == EXIT_USAGE and "table not found" in result.output
