"""The manifest in OUTDIR: what each input file held when it was last
processed, and the rows it gave.

It is one SQLite file (``manifest.sqlite``). SQLite commits are atomic and
survive a crash, kill -9 included: a batch's rows and their content hashes
are stored in one transaction, so after a crash a file is either done or not
started, never half-stored. A re-run re-processes only files whose content
hash is new or changed, reuses the stored rows of the others, and forgets
files it no longer sees, so the tables always equal those of a clean run.

Stored rows are valid only for the pipeline that produced them: the manifest
records a fingerprint of the code, patterns and model, and starts empty when
it changes. Rows are stored as compressed JSON; loading the manifest never
executes anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from pathlib import Path
from typing import Iterator

from pipeline.tables import FileRows

MANIFEST_NAME = "manifest.sqlite"
LOCK_NAME = ".infra-extract.lock"
SCHEMA_VERSION = "1"
# Reused files are marked in groups; a crash loses at most one group of marks,
# which the next run simply makes again.
COMMIT_EVERY = 1000

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    hash TEXT,            -- NULL: not cached (the file could not be read), re-done every run
    position INTEGER NOT NULL,
    run INTEGER NOT NULL,
    rows BLOB NOT NULL,
    PRIMARY KEY (path, doc_id)
);
CREATE INDEX IF NOT EXISTS files_by_run ON files (run, position);
"""


class ManifestError(RuntimeError):
    """The manifest cannot be used; the message names the file and what to do."""


# What a folder may hold and still be taken as a new, empty OUTDIR.
PLACEHOLDERS = {".gitkeep", ".gitignore"}


def check_outdir(outdir: Path, force: bool = False) -> None:
    """Refuse to write into a folder that holds something else than the
    tool's own output, unless forced: a mistyped ``-o`` must not litter (or
    overwrite the CSV files in) a folder of the user's.

    An OUTDIR is the tool's once a run has left its manifest or lock in it.
    """
    if not outdir.exists():
        return
    if not outdir.is_dir():
        raise ManifestError(f"{outdir}: exists and is not a folder; give a folder for the tables")
    names = {entry.name for entry in outdir.iterdir()}
    if force or names <= PLACEHOLDERS or names & {MANIFEST_NAME, LOCK_NAME}:
        return
    raise ManifestError(f"{outdir}: this folder exists and is not an infra-extract output folder (it has no "
                        f"{MANIFEST_NAME}); give a new or empty folder, or add --force to write the tables into it")


def content_hash(data: bytes) -> str:
    """
    >>> content_hash(b"Acme raised $5M.")[:16]
    '707705da79e822f2'
    """
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def pack_rows(rows: FileRows) -> bytes:
    return zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)


def unpack_rows(blob: bytes) -> FileRows:
    return json.loads(zlib.decompress(blob))


class Manifest:
    """Open with :meth:`open`; one run at a time per OUTDIR."""

    def __init__(self, connection: sqlite3.Connection, path: Path, lock) -> None:
        self.db = connection
        self.path = path
        self.lock = lock
        self.run = 0
        self.pending = 0
        self.stats = {"processed": 0, "unchanged": 0, "removed": 0}

    @classmethod
    def open(cls, outdir: Path, fingerprint: str, rebuild: bool = False) -> "Manifest":
        path = outdir / MANIFEST_NAME
        lock = _lock(outdir / LOCK_NAME)
        if path.is_symlink():
            lock.close()
            raise ManifestError(f"{path}: is a symbolic link; the manifest must be a file inside OUTDIR")
        try:
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            lock.close()
            raise ManifestError(f"{path}: not a usable manifest ({exc}); delete it to start afresh") from None
        manifest = cls(db, path, lock)
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if rebuild or meta.get("fingerprint") != fingerprint or meta.get("schema") != SCHEMA_VERSION:
            with manifest.transaction():
                db.execute("DELETE FROM files")
                db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                               [("fingerprint", fingerprint), ("schema", SCHEMA_VERSION)])
        manifest.run = int(meta.get("run", "0")) + 1
        with manifest.transaction():
            db.execute("INSERT OR REPLACE INTO meta VALUES ('run', ?)", (str(manifest.run),))
        return manifest

    def transaction(self):
        return _Transaction(self.db)

    def reuse(self, path: str, doc_id: str, digest: str, position: int) -> bool:
        """Keep the stored rows of an unchanged file, at its new position."""
        found = self.db.execute("SELECT hash FROM files WHERE path = ? AND doc_id = ?", (path, doc_id)).fetchone()
        if found is None or found[0] != digest:
            return False
        if not self.pending:
            self.db.execute("BEGIN")
        self.db.execute("UPDATE files SET position = ?, run = ? WHERE path = ? AND doc_id = ?",
                        (position, self.run, path, doc_id))
        self.pending += 1
        self.stats["unchanged"] += 1
        if self.pending >= COMMIT_EVERY:
            self.commit_pending()
        return True

    def commit_pending(self) -> None:
        if self.pending:
            self.db.execute("COMMIT")
            self.pending = 0

    def store(self, entries: list[tuple[str, str, str | None, int, FileRows]]) -> None:
        """Rows of processed files, as ``(path, doc_id, hash, position, rows)``, in one transaction."""
        self.commit_pending()
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO files (path, doc_id, hash, position, run, rows) VALUES (?, ?, ?, ?, ?, ?)",
                [(path, doc_id, digest, position, self.run, pack_rows(rows))
                 for path, doc_id, digest, position, rows in entries])
        self.stats["processed"] += sum(1 for entry in entries if entry[2] is not None)

    def forget_unseen(self) -> None:
        """Drop files this run did not see: deleted, moved, or outside the inputs given."""
        self.commit_pending()
        with self.transaction():
            removed = self.db.execute("DELETE FROM files WHERE run != ?", (self.run,)).rowcount
        self.stats["removed"] = removed

    def rows(self) -> Iterator[FileRows]:
        """Stored rows of this run's files, in input order."""
        self.commit_pending()
        cursor = self.db.execute("SELECT rows FROM files WHERE run = ? ORDER BY position", (self.run,))
        for (blob,) in cursor:
            yield unpack_rows(blob)

    def close(self) -> None:
        self.commit_pending()
        self.db.close()
        self.lock.close()

    def __enter__(self) -> "Manifest":
        return self

    def __exit__(self, *exc) -> None:
        if self.pending and exc[0] is not None:
            self.db.execute("ROLLBACK")
            self.pending = 0
        self.close()


def _lock(path: Path):
    """An exclusive lock on OUTDIR for the length of a run; the system drops it
    when the process ends, however it ends, so a killed run never leaves it."""
    import fcntl

    try:
        # O_NOFOLLOW: a link planted in OUTDIR must not make the tool write elsewhere.
        handle = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644),
                           "a")
    except OSError as exc:
        raise ManifestError(f"{path}: cannot create the lock file ({exc.strerror or exc})") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ManifestError(f"{path.parent}: another infra-extract run is writing to this folder; "
                            "wait for it, or give another -o") from None
    return handle


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN")

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
