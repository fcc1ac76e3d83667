"""Read named people, organisations and places from GUM's CoNLL-U files.

GUM (Georgetown University Multilayer corpus) marks every mention of an entity
in the MISC column, ``Entity=(id-type-...`` where it opens and ``id)`` where it
closes, names and common nouns alike ("107", "the crane"). A mention is a name
when, past a leading "the", it is proper nouns from end to end, with only
"of", "and", "&", "for", hyphens and dots between them; those become PER, ORG
and LOC.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.training.uner import sentence_rows


TYPES = {"person": "PER", "organization": "ORG", "place": "LOC"}
NAME_TAGS = frozenset({"PROPN"})
NAME_JOINERS = frozenset({"of", "and", "&", "for", "-", ".", "de", "du", "von", "van"})
LEADING = frozenset({"the", "The"})
# UNER, the other half of the training data, leaves titles out of a person's name.
TITLES = frozenset("President Vice Secretary Ambassador Minister Prime Senator Sen. Governor Gov. Mr. Mrs. Ms. Dr. "
                   "King Queen Prince Princess General Gen. Chancellor Mayor Judge Justice Pope Sir Lord Lady "
                   "Professor Prof. Rep. Representative Chairman Chairwoman CEO Captain Capt. Saint St.".split())
OPEN = re.compile(r"\((\d+)-([a-z]+)")
CLOSE = re.compile(r"(\d+)\)")


def _entity_marks(misc: str) -> str:
    for field in misc.split("|"):
        if field.startswith("Entity="):
            return field[len("Entity="):]
    return ""


def name_span(words: list[str], upos: list[str], start: int, end: int, person: bool = False) -> tuple[int, int] | None:
    """The mention ``words[start:end]`` as a name, or None when it is not one.

    >>> name_span(["the", "Daughters", "of", "the", "Revolution"], ["DET", "PROPN", "ADP", "DET", "PROPN"], 0, 5) is None
    True
    >>> name_span(["the", "Bank", "of", "England"], ["DET", "PROPN", "ADP", "PROPN"], 0, 4)
    (1, 4)
    >>> name_span(["a", "crane"], ["DET", "NOUN"], 0, 2) is None
    True
    >>> name_span(["President", "Ada", "Lovelace"], ["PROPN"] * 3, 0, 3, person=True)
    (1, 3)
    """
    while start < end and (words[start] in LEADING or person and words[start] in TITLES):
        start += 1
    if start >= end or upos[start] not in NAME_TAGS or upos[end - 1] not in NAME_TAGS:
        return None
    if all(upos[k] in NAME_TAGS or words[k] in NAME_JOINERS for k in range(start, end)):
        return start, end
    return None


def read_sentences(lines: Iterable[str]) -> Iterator[tuple[list[str], list[bool], list[str]]]:
    """``(words, space after, IOB2 tags)`` per sentence.

    >>> rows = ["1\\tThe\\tthe\\tDET\\tDT\\t_\\t2\\tdet\\t_\\tEntity=(1-organization-x",
    ...         "2\\tBBC\\tBBC\\tPROPN\\tNNP\\t_\\t3\\tnsubj\\t_\\tEntity=1)",
    ...         "3\\treported\\treport\\tVERB\\tVBD\\t_\\t0\\troot\\t_\\tSpaceAfter=No",
    ...         "4\\t.\\t.\\tPUNCT\\t.\\t_\\t3\\tpunct\\t_\\t_", ""]
    >>> list(read_sentences(rows))
    [(['The', 'BBC', 'reported', '.'], [True, True, False, True], ['O', 'B-ORG', 'O', 'O'])]
    """
    for rows in sentence_rows(lines):
        words: list[str] = []
        spaces: list[bool] = []
        upos: list[str] = []
        mentions: list[tuple[int, int, str]] = []
        open_at: dict[str, list[tuple[int, str]]] = {}
        for cols in rows:
            if "-" in cols[0] or "." in cols[0]:  # multiword token ranges and empty nodes
                continue
            i = len(words)
            words.append(cols[1])
            upos.append(cols[3])
            spaces.append("SpaceAfter=No" not in cols[9])
            marks = _entity_marks(cols[9])
            # Opening marks come before closing ones on the same token: "(3-place-...-Mecca)" is one word.
            for match in OPEN.finditer(marks):
                open_at.setdefault(match.group(1), []).append((i, match.group(2)))
            for match in CLOSE.finditer(marks):
                stack = open_at.get(match.group(1))
                if stack:
                    start, etype = stack.pop()
                    if etype in TYPES:
                        mentions.append((start, i + 1, TYPES[etype]))
        if words:
            yield words, spaces, _tags(words, upos, mentions)


def _tags(words: list[str], upos: list[str], mentions: list[tuple[int, int, str]]) -> list[str]:
    names = []
    for start, end, label in mentions:
        span = name_span(words, upos, start, end, person=label == "PER")
        if span is not None:
            names.append((*span, label))
    # Nested names ("Bank of England" inside "the Bank of England's governor") keep the longest.
    names.sort(key=lambda n: (n[0] - n[1], n[0]))
    tags = ["O"] * len(words)
    for start, end, label in names:
        if all(t == "O" for t in tags[start:end]):
            tags[start] = f"B-{label}"
            for k in range(start + 1, end):
                tags[k] = f"I-{label}"
    return tags


def read_file(path: Path) -> Iterator[tuple[list[str], list[bool], list[str]]]:
    with open(path, encoding="utf-8") as handle:
        yield from read_sentences(handle)


def split_names(splits_md: str) -> dict[str, str]:
    """Document name -> ``dev`` or ``test``, from GUM's ``splits.md`` (the rest is train).

    >>> split_names("## dev\\n\\n  * GUM_news_iodine\\n\\n## test\\n  * GUM_bio_jerome\\n")
    {'GUM_news_iodine': 'dev', 'GUM_bio_jerome': 'test'}
    """
    out: dict[str, str] = {}
    current = None
    for line in splits_md.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
        elif line.strip().startswith("* ") and current in ("dev", "test"):
            out[line.strip()[2:].strip()] = current
    return out


def write_iob2(files: Iterable[Path], out: Path) -> int:
    """Sentences of ``files`` in UNER's IOB2 layout (index, word, tag), gzipped; returns the count."""
    import gzip

    count = 0
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as handle:
        for path in files:
            handle.write(f"# newdoc id = {path.stem}\n")
            for words, _spaces, tags in read_file(path):
                handle.writelines(f"{i}\t{w}\t{t}\n" for i, (w, t) in enumerate(zip(words, tags), 1))
                handle.write("\n")
                count += 1
    return count


# The genres whose texts carry a licence infra-extract can ship (GUM's LICENSE.txt):
# academic and court CC BY 4.0, biographies and WikiVoyage CC BY-SA 3.0, Wikinews news
# and interviews CC BY 2.5. The others are non-commercial or say nothing.
GENRES = ("academic", "bio", "court", "interview", "news", "voyage")


def main(argv: list[str] | None = None) -> None:
    """``python -m pipeline.training.gum GUM_DEP_DIR SPLITS_MD OUT_DIR``: the GUM part of the training data."""
    import sys

    dep, splits_md, out = (Path(a) for a in (argv or sys.argv[1:]))
    splits = split_names(splits_md.read_text(encoding="utf-8"))
    files = sorted(p for p in dep.glob("GUM_*.conllu") if p.stem.split("_")[1] in GENRES)
    for part in ("train", "dev", "test"):
        chosen = [p for p in files if splits.get(p.stem, "train") == part]
        print(part, len(chosen), "documents,", write_iob2(chosen, out / f"gum-{part}.iob2.gz"), "sentences")


if __name__ == "__main__":
    main()
