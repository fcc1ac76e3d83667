import errno
import json
import os

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


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
SENTENCE = "Acme Compute raised $5 million in a seed round led by Harbor Peak Capital. "

# Files that are not articles, or are damaged: each becomes one row that says why.
PROBLEMS = [
    ("empty.txt", b"", "skipped", "empty file"),
    ("blank.txt", b" \n\t\r\n", "skipped", "empty file"),
    ("image.png", PNG, "skipped", "unsupported file type '.png'"),
    ("README", b"Acme raised $5m.", "skipped", "unsupported file type '(none)'"),
    ("image-named-as-text.txt", PNG * 20, "skipped", "binary file"),
    ("zero-filled.txt", b"\x00" * 600 + SENTENCE.encode(), "error", "mostly NUL bytes (600 of"),
    ("invalid-utf8.txt", (SENTENCE + "€").encode() + b"\xff\xfe" + SENTENCE.encode(), "error", "invalid UTF-8 at byte"),
    ("truncated-utf16.txt", SENTENCE.encode("utf-16") + b"\x00", "error", "invalid UTF-16"),
    ("no-article.html", b"<html><body><script>var a = 1;</script></body></html>", "error", "no article text"),
    ("bad-front-matter.md", b"---\ntitle: [unclosed\n---\nAcme raised $5m.", "error", "invalid YAML front matter"),
]


@pytest.mark.parametrize("name,data,status,reason", PROBLEMS, ids=[p[0] for p in PROBLEMS])
def test_problems_become_rows(tmp_path, name, data, status, reason):
    [row] = read_all(tmp_path, name, data)
    assert isinstance(row, DocumentRow) and not isinstance(row, Article)
    assert row.status == status and reason in row.error


# Otherwise readable files with stray NUL bytes: (name, bytes, NULs removed, the text read).
# Scraped and concatenated files carry them; the file is read and documents.csv counts them.
STRAY_NULS = [
    ("one-nul.txt", SENTENCE.encode() + b"\x00" + SENTENCE.encode(), 1, SENTENCE + SENTENCE),
    ("nul-at-end.txt", SENTENCE.encode() + b"\x00\x00", 2, SENTENCE),
    ("nul-in-a-word.txt", b"Acme Com\x00pute raised $5 million.", 1, "Acme Compute raised $5 million."),
    ("cp1252-with-nul.txt", "Acme raised €5 million.\x00".encode("cp1252"), 1, "Acme raised €5 million."),
    ("nul.md", b"# Acme raises $5M\n\nAcme raised $5 million\x00 on Monday.", 1,
     "Acme raises $5M\nAcme raised $5 million on Monday."),
]


@pytest.mark.parametrize("name,data,removed,text", STRAY_NULS, ids=[n[0] for n in STRAY_NULS])
def test_stray_nul_bytes_are_removed_and_counted(tmp_path, name, data, removed, text):
    [article] = read_all(tmp_path, name, data)
    assert isinstance(article, Article) and article.status == "ok"
    assert article.text.strip() == text.strip() and "\0" not in article.text
    assert article.row().nul_bytes_removed == removed


def test_nul_bytes_are_counted_per_jsonl_record(tmp_path):
    feed = b'{"id": "a", "text": "Acme raised $5 million."}\x00\n{"id": "b", "text": "Beta raised $6 million."}\n'
    a, b = read_all(tmp_path, "feed.jsonl", feed)
    assert (a.status, a.nul_bytes_removed, b.status, b.nul_bytes_removed) == ("ok", 1, "ok", 0)


def test_a_clean_file_reports_no_nul_bytes(tmp_path):
    [article] = read_all(tmp_path, "a.txt", SENTENCE.encode())
    assert article.row().nul_bytes_removed == 0


# Encodings the tool reads without being told: each must give the same text.
READABLE = [
    ("utf-16 little-endian with BOM", SENTENCE.encode("utf-16-le"), b"\xff\xfe", "utf-16"),
    ("utf-16 big-endian with BOM", SENTENCE.encode("utf-16-be"), b"\xfe\xff", "utf-16"),
    ("utf-32 with BOM", SENTENCE.encode("utf-32"), b"", "utf-32"),
    ("utf-16 little-endian without BOM", SENTENCE.encode("utf-16-le"), b"", "utf-16-le"),
    ("utf-16 big-endian without BOM", SENTENCE.encode("utf-16-be"), b"", "utf-16-be"),
    ("cp1252 without any UTF-8 sequence", (SENTENCE + "“€5m”").encode("cp1252"), b"", "cp1252"),
]


@pytest.mark.parametrize("name,body,bom,encoding", READABLE, ids=[r[0] for r in READABLE])
def test_readable_encodings(tmp_path, name, body, bom, encoding):
    [article] = read_all(tmp_path, "a.txt", bom + body)
    assert article.status == "ok" and article.encoding == encoding
    assert article.text.startswith(SENTENCE.strip())


def test_hidden_files_are_not_articles(tmp_path):
    (tmp_path / ".gold").mkdir()
    (tmp_path / ".gold" / "x.yaml").write_text("[]")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / "a.txt").write_text("Acme.")
    assert [i.doc_id for i in iter_inputs([tmp_path])] == ["a.txt"]


# Entries of a folder that are not regular files, or cannot be read: each is a
# row that says what it is, and the walk goes on to the article beside it.
def _link_loop(folder):
    os.symlink("loop.txt", folder / "loop.txt")


def _two_link_loop(folder):
    os.symlink("b.txt", folder / "a.txt")
    os.symlink("a.txt", folder / "b.txt")


def _broken_link(folder):
    os.symlink("gone.txt", folder / "dangling.txt")


def _link_to_parent_folder(folder):
    (folder / "sub").mkdir()
    os.symlink("..", folder / "sub" / "up")


def _fifo(folder):
    os.mkfifo(folder / "feed.txt")


ENTRIES = [
    ("symlink to itself", _link_loop, "loop.txt", "error", "symbolic link loop"),
    ("two symlinks to each other", _two_link_loop, "a.txt", "error", "symbolic link loop"),
    ("broken symlink", _broken_link, "dangling.txt", "error", "broken symbolic link"),
    ("symlink to a parent folder", _link_to_parent_folder, "sub/up", "skipped", "symbolic link to a folder"),
    ("named pipe", _fifo, "feed.txt", "skipped", "named pipe"),
]


@pytest.mark.timeout(30)  # a pipe opened for a blocking read would hang here
@pytest.mark.parametrize("name,make,doc_id,status,reason", ENTRIES, ids=[e[0] for e in ENTRIES])
def test_entries_that_are_not_files(tmp_path, name, make, doc_id, status, reason):
    make(tmp_path)
    (tmp_path / "z-article.txt").write_text(SENTENCE, encoding="utf-8")
    items = {item.doc_id: item for item in iter_inputs([tmp_path])}
    assert items[doc_id].status == status and reason in items[doc_id].error
    assert items["z-article.txt"].status == "ok"


def test_a_device_given_by_name_is_skipped():
    [row] = iter_inputs(["/dev/null"])
    assert (row.status, row.error) == ("skipped", "not a regular file (a device)")


def test_unreadable_file(tmp_path, monkeypatch):
    locked = tmp_path / "locked.txt"
    locked.write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "open.txt").write_text(SENTENCE, encoding="utf-8")
    real_open = os.open

    def refuse(path, *args, **kwargs):  # root reads any file, so the refusal is simulated
        if os.fspath(path) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    rows = {item.doc_id: item for item in iter_inputs([tmp_path])}
    assert (rows["locked.txt"].status, rows["locked.txt"].error) == ("error", "permission denied")
    assert rows["open.txt"].status == "ok"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_by_its_mode(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text(SENTENCE, encoding="utf-8")
    locked.chmod(0)
    [row] = iter_inputs([tmp_path])
    assert (row.status, row.error) == ("error", "permission denied")


def test_unlistable_folder(tmp_path, monkeypatch):
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "a.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "open.txt").write_text(SENTENCE, encoding="utf-8")
    real_scandir = os.scandir

    def refuse(path="."):
        if os.fspath(path).endswith("closed"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    rows = {item.doc_id: item for item in iter_inputs([tmp_path])}
    assert rows["closed/"].status == "error" and rows["closed/"].error == "cannot list the folder: permission denied"
    assert rows["open.txt"].status == "ok"


def test_deep_tree(tmp_path):
    # Deeper than Python's recursion limit: the walk must not recurse.
    depth = 1500
    levels = []
    deepest = tmp_path
    for _ in range(depth):  # mkdir(parents=True) recurses once per level
        deepest = deepest / "d"
        deepest.mkdir()
        levels.append(deepest)
    (deepest / "a.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "top.txt").write_text(SENTENCE, encoding="utf-8")
    try:
        items = list(iter_inputs([tmp_path]))
    finally:
        # pytest removes old temporary folders with shutil.rmtree, which
        # recurses once per level too: take the tree down from the bottom.
        (deepest / "a.txt").unlink()
        for level in reversed(levels):
            level.rmdir()
    assert [i.doc_id for i in items] == ["top.txt", "d/" * depth + "a.txt"]
    assert all(i.status == "ok" for i in items)


def test_walk_order_is_files_then_subfolders_by_name(tmp_path):
    for relative in ("b/2.txt", "b/1.txt", "a/x/3.txt", "a/4.txt", "5.txt", "c.txt"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(SENTENCE, encoding="utf-8")
    assert [i.doc_id for i in iter_inputs([tmp_path])] == ["5.txt", "c.txt", "a/4.txt", "a/x/3.txt", "b/1.txt", "b/2.txt"]
