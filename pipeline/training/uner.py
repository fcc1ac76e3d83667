"""Read Universal NER's IOB2 files (one token a line: index, word, tag, ...) into spaCy Docs.

Only the labels the company finder uses are kept: PER, ORG and LOC. UNER's OTH
(nationalities, events, works) says nothing for or against a company, so it is
trained as outside. The first UNER release also tags some punctuation ``B-O``, an
annotation slip that means outside.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Iterable, Iterator

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

LABELS = ("PER", "ORG", "LOC")


def sentence_rows(lines: Iterable[str]) -> Iterator[list[list[str]]]:
    """The tab-separated rows of each sentence of a CoNLL-style file (UNER's IOB2, GUM's
    CoNLL-U): comments skipped, a blank line ends a sentence.

    >>> list(sentence_rows(["# text = Hi", "1\\tHi\\tO", "", "", "1\\tYo\\tO"]))
    [[['1', 'Hi', 'O']], [['1', 'Yo', 'O']]]
    """
    rows: list[list[str]] = []
    for line in lines:
        line = line.rstrip("\n")
        if line.startswith("#"):
            continue
        if not line.strip():
            if rows:
                yield rows
            rows = []
            continue
        rows.append(line.split("\t"))
    if rows:
        yield rows


def read_sentences(lines: Iterable[str]) -> Iterator[tuple[list[str], list[str]]]:
    """``(words, IOB2 tags)`` per sentence; tags outside ``LABELS`` become ``O``.

    >>> text = "# text = Al-Zaman : DPA\\n1\\tAl\\tB-ORG\\n2\\t-\\tI-ORG\\n3\\tZaman\\tI-ORG\\n4\\t:\\tB-O\\n5\\tRome\\tB-OTH\\n\\n"
    >>> list(read_sentences(text.splitlines()))
    [(['Al', '-', 'Zaman', ':', 'Rome'], ['B-ORG', 'I-ORG', 'I-ORG', 'O', 'O'])]
    """
    for rows in sentence_rows(lines):
        tags = [row[2] if len(row) > 2 else "O" for row in rows]
        yield [row[1] for row in rows], [t if t[2:] in LABELS and t[:2] in ("B-", "I-") else "O" for t in tags]


def repair_tags(tags: list[str]) -> list[str]:
    """An ``I-`` tag that does not continue an entity of its label opens one.

    >>> repair_tags(["O", "I-ORG", "I-ORG", "B-PER", "I-LOC"])
    ['O', 'B-ORG', 'I-ORG', 'B-PER', 'B-LOC']
    """
    out = []
    for tag in tags:
        if tag.startswith("I-") and (not out or out[-1][2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
    return out


def to_doc(vocab: Vocab, words: list[str], tags: list[str]) -> Doc:
    return Doc(vocab, words=words, ents=repair_tags(tags))


def read_file(path: Path) -> Iterator[tuple[list[str], list[str]]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        yield from read_sentences(handle)


def write_docbin(paths: Iterable[Path], out: Path, vocab: Vocab | None = None) -> int:
    """Every sentence of ``paths`` as one Doc in a DocBin at ``out``; returns the count."""
    vocab = vocab or Vocab()
    docs = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"])
    count = 0
    for path in paths:
        for words, tags in read_file(path):
            docs.add(to_doc(vocab, words, tags))
            count += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    docs.to_disk(out)
    return count
