"""Read a folder of articles: .txt, .md (YAML front matter), .html/.htm (main
text only), .jsonl (one article per line). Every file becomes one or more
``Article`` values, or a ``DocumentRow`` saying why it was skipped or failed.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

import charset_normalizer

from pipeline.records import DocumentRow

SUPPORTED = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
             ".jsonl": "jsonl"}
TEXT_KEYS = ("text", "body", "content")
DATE_KEYS = ("published", "date")
# Checked in this order: each UTF-32 mark begins with a UTF-16 one.
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# Bytes that plain text does not contain (tab, newlines, form feed and escape are text).
CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1b")
# A file whose first BINARY_SAMPLE bytes hold more than this share of control bytes is not text.
BINARY_SAMPLE, BINARY_SHARE = 8192, 0.10
# A file more than this share NUL bytes is damaged (a zero-filled or truncated download),
# not binary data: it is an error, where sparse NULs are removed and the text is read.
NUL_SHARE = 0.5
# A well-formed multi-byte UTF-8 sequence: a file that has one is UTF-8, even where it is damaged.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


class Article(DocumentRow):
    """A readable document: its documents.csv row plus the text to process."""

    text: str

    def row(self) -> DocumentRow:
        return DocumentRow(**self.model_dump(exclude={"text"}) | {"n_chars": len(self.text)})


class InputError(ValueError):
    """An input file or record that cannot be read; the message says why in plain words."""


class NotAnArticle(InputError):
    """A file that is not an article at all (binary data, a pipe, a device): skipped, not failed."""


def decode(data: bytes) -> tuple[str, str]:
    """Bytes to text: a byte order mark decides, else UTF-16 by its zero bytes,
    else strict UTF-8, else a legacy single-byte encoding. Sparse NUL bytes stay
    in the text (:func:`remove_nul_bytes` counts and removes them).

    >>> decode("€460 million".encode("cp1252"))
    ('€460 million', 'cp1252')
    >>> decode(b"\\xef\\xbb\\xbfplain")
    ('plain', 'utf-8-sig')
    >>> decode("plain".encode("utf-16-le"))
    ('plain', 'utf-16-le')
    >>> decode("€5m, \\xe9".encode("utf-8")[:-1] + b"!")
    Traceback (most recent call last):
    ...
    pipeline.ingest.InputError: invalid UTF-8 at byte 7 (1 bad byte(s)); the rest of the file is UTF-8
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, f"although the file starts with a {encoding.upper()} byte order mark")
    encoding = _utf16_by_zero_bytes(data)
    if encoding:
        return _strict(data, encoding, "although its zero bytes say UTF-16")
    _refuse_binary(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if UTF8_SEQUENCE.search(data):
            bad = data.decode("utf-8", errors="replace").count("\ufffd")
            raise InputError(f"invalid UTF-8 at byte {exc.start} ({bad} bad byte(s)); the rest of the file is UTF-8") from None
    # Not UTF-8 at all: Windows-1252 is by far the most common legacy encoding
    # of English news; ask charset-normalizer only when cp1252 cannot decode it.
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError("cannot detect the text encoding")
    return str(best), best.encoding


def _strict(data: bytes, encoding: str, why: str) -> tuple[str, str]:
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise InputError(f"invalid {encoding.upper()} at byte {exc.start}, {why}") from None


def _utf16_by_zero_bytes(data: bytes) -> str | None:
    """UTF-16 without a byte order mark: English text in it has a zero byte in
    every other position."""
    sample = data[:BINARY_SAMPLE]
    half = len(sample) // 2
    if half < 2 or len(data) % 2:
        return None
    if sample[1::2].count(0) >= 0.9 * half and sample[0::2].count(0) < 0.1 * half:
        return "utf-16-le"
    if sample[0::2].count(0) >= 0.9 * half and sample[1::2].count(0) < 0.1 * half:
        return "utf-16-be"
    return None


def _refuse_binary(data: bytes) -> None:
    nuls = data.count(0)
    if nuls > NUL_SHARE * len(data):
        raise InputError(f"the file is mostly NUL bytes ({nuls} of {len(data)}): damaged, no text to read")
    sample = data[:BINARY_SAMPLE]
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    if controls > BINARY_SHARE * len(sample):
        raise NotAnArticle(f"binary file, not text ({controls} NUL or control bytes in the first {len(sample)})")


def remove_nul_bytes(text: str) -> tuple[str, int]:
    r"""The text without its NUL characters, and how many there were.

    Scraped and concatenated files carry stray NULs; no sentence needs one, and a
    tokenizer or a CSV reader downstream may stop at one.

    >>> remove_nul_bytes("Acme raised\x00 $5 million.\x00")
    ('Acme raised $5 million.', 2)
    >>> remove_nul_bytes("clean")
    ('clean', 0)
    """
    removed = text.count("\0")
    return (text.replace("\0", ""), removed) if removed else (text, 0)


def iso_date(value) -> str | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        from datetime import date, datetime

        if isinstance(value, (date, datetime)):
            return value.isoformat()[:10]
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return text


def read_markdown(text: str) -> tuple[str, dict]:
    import frontmatter

    try:
        post = frontmatter.loads(text)
    except Exception as exc:  # yaml errors come in many types
        raise InputError(f"invalid YAML front matter ({type(exc).__name__})") from None
    return markdown_to_text(post.content), dict(post.metadata)


def markdown_to_text(markdown: str) -> str:
    r"""Plain text of a markdown body: one line per paragraph, heading or list
    item, with emphasis, links and code marks removed.

    >>> markdown_to_text("## Deals\n\n- **Acme** raised [$5M](https://x.y)\n- Beta *closed*")
    'Deals\nAcme raised $5M\nBeta closed'
    >>> markdown_to_text("| Chip | TDP |\n|---|---|\n| **K2** | 700W |")
    '| Chip | TDP |\n| K2 | 700W |'
    """
    from markdown_it import MarkdownIt

    lines = []
    row: list[str] | None = None  # cells of the table row being read; tables keep their pipes
    for token in MarkdownIt("commonmark").enable("table").parse(markdown):
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            lines.append("| " + " | ".join(row) + " |")
            row = None
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        line = "".join(parts).strip()
        if row is not None:
            row.append(line)
        elif line:
            lines.append(line)
    return "\n".join(lines)


def read_html(text: str) -> tuple[str, dict]:
    import trafilatura

    meta: dict = {}
    try:
        extracted = trafilatura.bare_extraction(text, include_comments=False, include_tables=True,
                                                favor_recall=True, with_metadata=True)
    except Exception as exc:  # a parser deep inside trafilatura or lxml; any of them may give up on junk
        raise InputError(f"cannot parse the HTML ({type(exc).__name__})") from None
    body = None
    if extracted is not None:
        data = extracted if isinstance(extracted, dict) else extracted.as_dict()
        body = data.get("text")
        meta = {k: data.get(k) for k in ("title", "date", "url", "sitename") if data.get(k)}
    if not body:
        raise InputError("no article text found in the HTML")
    title = meta.get("title") or _html_title(text)
    if title:
        meta["title"] = title
    return body, meta


def _html_title(html: str) -> str | None:
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except Exception:
        return None
    for xpath in ("//h1", "//title"):
        nodes = tree.xpath(xpath)
        if nodes and nodes[0].text_content().strip():
            return " ".join(nodes[0].text_content().split())
    return None


def with_headline(body: str, title) -> str:
    r"""The body with its title as the first line, unless the body already opens with it.

    Titles name the deal as often as the body does, and extraction must see them
    (trafilatura drops the <h1>; front matter and feed titles sit outside the body).

    >>> with_headline("Acme raised $5M on Monday.", "Acme raises $5M")
    'Acme raises $5M\nAcme raised $5M on Monday.'
    >>> with_headline("Acme raises $5M\nAcme raised it.", "Acme raises $5M")
    'Acme raises $5M\nAcme raised it.'
    """
    title = " ".join(str(title or "").split())
    if not title or " ".join(body.split()).startswith(title[:40]):
        return body
    return f"{title}\n{body}"


def _article(doc_id: str, path: str, text: str, meta: dict, encoding: str, nul_bytes_removed: int = 0) -> Article:
    return Article(
        doc_id=doc_id, path=path, text=with_headline(text, meta.get("title")), encoding=encoding,
        nul_bytes_removed=nul_bytes_removed,
        title=_str(meta.get("title")),
        published=iso_date(next((meta[k] for k in DATE_KEYS if meta.get(k)), None)),
        source=_str(meta.get("source") or meta.get("sitename")), url=_str(meta.get("url")),
    )


def _str(value) -> str | None:
    return None if value in (None, "") else str(value)


class FileTask(NamedTuple):
    """One input file as a worker receives it: plain data, so it can cross a
    process or network boundary, and a worker needs no access to the folder."""

    path: str
    doc_id: str
    data: bytes


def read_task(source: "SourceFile") -> FileTask | DocumentRow:
    """Read one file's bytes; a file the tool cannot read becomes its row at once.

    The file's kind is checked before its name: a pipe named ``feed.txt``
    must not be opened for a blocking read, and a symbolic link loop is
    reported as one whatever its name.
    """
    path = source.path

    def row(status: str, error: str) -> DocumentRow:
        return DocumentRow(doc_id=source.doc_id, path=str(path), status=status, error=error)

    try:
        kind = _kind_of(os.stat(path).st_mode)
        if kind is not None:
            return row("skipped", f"not a regular file ({kind})")
        unsupported = unsupported_row(path, source.doc_id)
        if unsupported is not None:
            return unsupported
        return FileTask(str(path), source.doc_id, _read_regular(path))
    except NotAnArticle as exc:
        return row("skipped", str(exc))
    except OSError as exc:
        return row("error", read_error(exc, path))


def _kind_of(mode: int) -> str | None:
    """What a file that is not a regular file is, in plain words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a symbolic link to a folder, not followed; give the folder itself to read it"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def _read_regular(path: Path) -> bytes:
    # Non-blocking open and a second check on the open file: the path may
    # have become a pipe since it was looked at.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        kind = _kind_of(os.fstat(handle.fileno()).st_mode)
        if kind is not None:
            raise NotAnArticle(f"not a regular file ({kind})")
        return handle.read()


def read_file(path: Path, doc_id: str) -> Iterator[Article | DocumentRow]:
    """Articles in one file; a problem becomes a DocumentRow with status skipped or error."""
    task = read_task(SourceFile(path, doc_id))
    if isinstance(task, DocumentRow):
        yield task
    else:
        yield from parse_file(task.data, task.path, task.doc_id)


def unsupported_row(path: Path | str, doc_id: str) -> DocumentRow | None:
    """The skipped row of a file whose type the tool does not read, else None."""
    suffix = Path(path).suffix
    if suffix.lower() in SUPPORTED:
        return None
    return DocumentRow(doc_id=doc_id, path=str(path), status="skipped",
                       error=f"unsupported file type {suffix or '(none)'!r}; expected one of "
                             + ", ".join(sorted(SUPPORTED)))


def parse_file(data: bytes, shown: str, doc_id: str) -> Iterator[Article | DocumentRow]:
    """Articles in the bytes of one file named ``shown`` (its suffix gives the format).

    A pure function of the bytes, so it can run in another process or on
    another machine than the one that read the file.
    """
    unsupported = unsupported_row(shown, doc_id)
    if unsupported is not None:
        yield unsupported
        return
    kind = SUPPORTED[Path(shown).suffix.lower()]
    if not data.strip():
        yield DocumentRow(doc_id=doc_id, path=shown, status="skipped", error="empty file")
        return
    try:
        text, encoding = decode(data)
    except InputError as exc:
        yield DocumentRow(doc_id=doc_id, path=shown, status="skipped" if isinstance(exc, NotAnArticle) else "error",
                          error=str(exc))
        return
    if kind == "jsonl":
        yield from read_jsonl_articles(text, doc_id, shown, encoding)
        return
    text, nul_bytes = remove_nul_bytes(text)
    try:
        if kind == "markdown":
            body, meta = read_markdown(text)
        elif kind == "html":
            body, meta = read_html(text)
        else:
            body, meta = text, {}
    except InputError as exc:
        yield DocumentRow(doc_id=doc_id, path=shown, status="error", encoding=encoding, error=str(exc),
                          nul_bytes_removed=nul_bytes)
        return
    if not body.strip():
        yield DocumentRow(doc_id=doc_id, path=shown, status="skipped", encoding=encoding, error="no text",
                          nul_bytes_removed=nul_bytes)
        return
    yield _article(doc_id, shown, body, meta, encoding, nul_bytes)


def read_jsonl_articles(text: str, doc_id: str, shown: str, encoding: str) -> Iterator[Article | DocumentRow]:
    records = 0
    for line_number, line in enumerate(text.splitlines(), start=1):
        line, nul_bytes = remove_nul_bytes(line)
        if not line.strip():
            continue
        records += 1
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:  # also nesting too deep, integers too long
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else (
                "nested too deeply" if isinstance(exc, RecursionError) else str(exc))
            yield DocumentRow(doc_id=f"{doc_id}#{line_number}", path=shown, status="error", encoding=encoding,
                              error=f"line {line_number}: invalid JSON ({reason})")
            continue
        if not isinstance(record, dict):
            yield DocumentRow(doc_id=f"{doc_id}#{line_number}", path=shown, status="error", encoding=encoding,
                              error=f"line {line_number}: expected a JSON object, got {type(record).__name__}")
            continue
        record_id = record.get("id")
        rid = f"{doc_id}#{record_id if record_id not in (None, '') else line_number}"
        body = next((record[k] for k in TEXT_KEYS if isinstance(record.get(k), str) and record[k].strip()), None)
        if body is None:
            yield DocumentRow(doc_id=rid, path=shown, status="error", encoding=encoding,
                              error=f"line {line_number}: no text (expected one of the keys {', '.join(TEXT_KEYS)})")
            continue
        yield _article(rid, shown, body, record, encoding, nul_bytes)
    if not records:
        yield DocumentRow(doc_id=doc_id, path=shown, status="skipped", encoding=encoding, error="empty file (no records)")


# Plain words for the errors reading a file or a folder can meet.
READ_ERRORS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ELOOP: "symbolic link loop",
    errno.ENAMETOOLONG: "path too long for the operating system",
    errno.EISDIR: "is a folder",
    errno.EIO: "input/output error while reading",
}


def read_error(exc: OSError, path: Path | str | None = None) -> str:
    """Plain words for an error reading ``path``.

    >>> read_error(PermissionError(errno.EACCES, "Permission denied"))
    'permission denied'
    """
    if exc.errno == errno.ENOENT and path is not None and os.path.islink(path):
        return "broken symbolic link (its target does not exist)"
    if exc.errno in READ_ERRORS:
        return READ_ERRORS[exc.errno]
    return (exc.strerror or type(exc).__name__).lower()


def walk(root: Path) -> Iterator[Path | DocumentRow]:
    """Every entry below ``root`` that is not a folder, in a stable order: a
    folder's files by name, then its subfolders, depth first.

    Hidden entries (".git", ".gold", ".DS_Store") are not articles. Symbolic
    links to folders are not followed, so a link loop cannot trap the walk;
    they are yielded like files, and reading them says what they are. The
    walk keeps its own stack, so a tree of any depth fits in memory. A
    folder that cannot be listed is an error row.
    """
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                listed = sorted(((e.name, e.is_dir(follow_symlinks=False)) for e in entries
                                 if not e.name.startswith(".")))
        except OSError as exc:
            yield DocumentRow(doc_id=f"{Path(folder).relative_to(root).as_posix()}/", path=str(folder),
                              status="error", error=f"cannot list the folder: {read_error(exc, folder)}")
            continue
        yield from (folder / name for name, is_dir in listed if not is_dir)
        pending.extend(folder / name for name, is_dir in reversed(listed) if is_dir)


@dataclass(frozen=True)
class SourceFile:
    """A file to read, and the doc_id its articles take (its path below the folder given)."""

    path: Path
    doc_id: str


def iter_files(inputs: Iterable[str | Path]) -> Iterator[SourceFile | DocumentRow]:
    """Every file in the given files and folders, in a stable order; a missing input is an error row."""
    for given in inputs:
        root = Path(given)
        if root.is_dir():
            for path in walk(root):
                yield path if isinstance(path, DocumentRow) else SourceFile(path, path.relative_to(root).as_posix())
        elif root.exists():
            yield SourceFile(root, root.name)
        else:
            yield DocumentRow(doc_id=root.name, path=str(root), status="error", error="no such file or folder")


def iter_inputs(inputs: Iterable[str | Path]) -> Iterator[Article | DocumentRow]:
    """Every article (or problem) in the given files and folders, in order."""
    for item in iter_files(inputs):
        if isinstance(item, DocumentRow):
            yield item
        else:
            yield from read_file(item.path, item.doc_id)
