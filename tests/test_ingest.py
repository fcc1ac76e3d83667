import json

import pytest

from pipeline.ingest import Article, decode, iter_inputs
from pipeline.records import DocumentRow

HTML = """<!doctype html><html><head><title>Veloxa raises $40M | Wire</title>
<style>body{color:red}</style><script>var price = "$999 million";</script></head>
<body><nav><a href="/">Home</a><a href="/deals">Deals</a></nav>
<div class="cookie-banner">We use cookies. Accept all cookies to continue.</div>
<article><h1>Veloxa raises $40 million</h1>
<p>Veloxa Compute, a Berlin-based startup, raised $40 million in a Series A round led by Harbor Peak Capital.</p>
<p>The company will use the money to build inference chips for European data centres and to hire engineers.</p>
</article><footer>Copyright 2026 Wire Media. All rights reserved. <a href="/privacy">Privacy</a></footer></body></html>"""


def read_all(tmp_path, name, data: bytes):
    (tmp_path / name).write_bytes(data)
    return list(iter_inputs([tmp_path]))


def test_txt_doc_id_is_relative_path(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("Acme raised $5m.", encoding="utf-8")
    [article] = iter_inputs([tmp_path])
    assert article.doc_id == "sub/a.txt"


def test_single_file_doc_id_is_its_name(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Acme raised $5m.", encoding="utf-8")
    [article] = iter_inputs([path])
    assert article.doc_id == "a.txt"


ENCODINGS = [
    ("utf-8", "€460 million".encode("utf-8"), "utf-8"),
    ("utf-8 with BOM", b"\xef\xbb\xbf" + "€460 million".encode("utf-8"), "utf-8-sig"),
    ("utf-16 with BOM", "€460 million".encode("utf-16"), "utf-16"),
    ("cp1252", "€460 million".encode("cp1252"), "cp1252"),
]


@pytest.mark.parametrize("name,data,encoding", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_encodings(tmp_path, name, data, encoding):
    [article] = read_all(tmp_path, "a.txt", data)
    assert article.text == "€460 million"
    assert article.encoding == encoding


def test_cp1252_curly_quotes():
    text, encoding = decode("“Acme’s” €5m".encode("cp1252"))
    assert (text, encoding) == ("“Acme’s” €5m", "cp1252")


def test_markdown_front_matter(tmp_path):
    md = "---\ntitle: Weekly deals\ndate: 2026-03-02\nsource: Compute Capital\nurl: https://example.com/w\n---\n# Deals\n\n- **Acme** raised $5M\n"
    [article] = read_all(tmp_path, "w.md", md.encode())
    assert (article.title, article.published, article.source, article.url) == (
        "Weekly deals", "2026-03-02", "Compute Capital", "https://example.com/w")
    assert article.text == "Weekly deals\nDeals\nAcme raised $5M"  # the title opens the text


def test_html_main_text_only(tmp_path):
    [article] = read_all(tmp_path, "p.html", HTML.encode())
    assert "raised $40 million" in article.text
    assert article.title
    for junk in ("$999 million", "cookies", "Copyright", "Home", "color:red"):
        assert junk not in article.text


def test_jsonl_records(tmp_path):
    lines = [
        {"id": "a1", "title": "One", "text": "Acme raised $5m.", "published": "2026-01-05", "url": "u", "source": "s"},
        {"title": "Two", "body": "Beta raised $6m.", "date": "2026-01-06"},
        {"id": "c3", "content": "Gamma raised $7m."},
    ]
    data = "\n".join(json.dumps(x) for x in lines).encode()
    items = read_all(tmp_path, "feed.jsonl", data)
    assert [i.doc_id for i in items] == ["feed.jsonl#a1", "feed.jsonl#2", "feed.jsonl#c3"]
    assert [i.text for i in items] == ["One\nAcme raised $5m.", "Two\nBeta raised $6m.", "Gamma raised $7m."]
    assert items[0].published == "2026-01-05" and items[1].published == "2026-01-06"


def test_jsonl_bad_lines_do_not_stop_the_file(tmp_path):
    data = b'{"id": "a", "text": "Acme raised $5m."}\n{not json\n[1, 2]\n{"id": "d"}\n{"id": "e", "text": "Beta."}\n'
    items = read_all(tmp_path, "feed.jsonl", data)
    assert [i.doc_id for i in items if isinstance(i, Article)] == ["feed.jsonl#a", "feed.jsonl#e"]
    errors = [i for i in items if not isinstance(i, Article)]
    assert [e.status for e in errors] == ["error"] * 3
    assert "invalid JSON" in errors[0].error and "line 2" in errors[0].error
    assert "expected a JSON object" in errors[1].error
    assert "no text" in errors[2].error


PROBLEMS = [
    ("empty.txt", b"", "skipped", "empty"),
    ("image.png", b"\x89PNG\r\n", "skipped", "unsupported file type"),
    ("nul.txt", b"abc\x00def", "error", "binary"),
]


@pytest.mark.parametrize("name,data,status,reason", PROBLEMS, ids=[p[0] for p in PROBLEMS])
def test_problems_become_rows(tmp_path, name, data, status, reason):
    [row] = read_all(tmp_path, name, data)
    assert isinstance(row, DocumentRow) and not isinstance(row, Article)
    assert row.status == status and reason in row.error


def test_hidden_files_are_not_articles(tmp_path):
    (tmp_path / ".gold").mkdir()
    (tmp_path / ".gold" / "x.yaml").write_text("[]")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / "a.txt").write_text("Acme.")
    assert [i.doc_id for i in iter_inputs([tmp_path])] == ["a.txt"]
