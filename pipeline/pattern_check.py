"""Check pattern folders before they are used: every problem is one
``file:line: what is wrong and how to fix it`` message.

The checks read JSON only. They cover what the loader would reject (invalid
JSON, a line that is no object) and what it would accept but never use: keys
and labels it does not know, token attributes spaCy does not know, one name
given two canonical ids, and token patterns the tokenizer can never produce.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Callable, Iterable

from spacy.schemas import validate_token_pattern

from pipeline.knowledge import (CUE_FILES, READ_FILES, RULER_FILES, WORD_TABLE_FILES, builtin_dir,
                                builtin_folders, pattern_folders, unread_files)

# The label each ruler file holds, and the extra keys its records may carry.
RULER_LABELS = {"companies.jsonl": "ORG", "chips.jsonl": "CHIP", "models.jsonl": "MODEL", "places.jsonl": "GPE"}
RULER_KEYS = frozenset({"label", "pattern", "id", "examples"})
RULER_EXTRA_KEYS = {"companies.jsonl": {"kind"}, "chips.jsonl": {"vendor", "family"},
                    "models.jsonl": {"developer"}, "places.jsonl": set()}
# Lookup tables: the key that names a record, and the keys a record may carry.
TABLE_KEYS = {
    "currencies.jsonl": ("code", frozenset({"code", "prefix", "suffix", "minor", "examples"})),
    "spec_units.jsonl": ("unit", frozenset({"unit", "attribute", "canonical", "factor", "forms", "labels", "examples"})),
    "rounds.jsonl": ("round", frozenset({"round", "forms", "examples"})),
}
JSON_FILES = (*CUE_FILES, *WORD_TABLE_FILES)
# Token attributes whose value is one token's exact text: a value the tokenizer
# splits into several tokens can never match.
TEXT_ATTRS = ("ORTH", "TEXT", "LOWER", "NORM")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        # line 0: the problem is the file as a whole (its name), not one of its lines
        if self.line == 0:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


def _lines(path: Traversable | Path) -> Iterable[tuple[int, str]]:
    with path.open("r", encoding="utf-8") as handle:
        yield from enumerate(handle, start=1)


def _records(path: Traversable | Path, allowed: frozenset[str] | None, shape: str,
             problems: list[Problem]) -> Iterable[tuple[int, dict[str, Any]]]:
    """The JSON objects of a JSONL file; broken lines and keys outside ``allowed``
    (when it is given) go to ``problems``."""
    for line, text in _lines(path):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append(Problem(str(path), line, f"invalid JSON ({exc.msg} at column {exc.colno}); "
                                                     "write one JSON object per line"))
            continue
        if not isinstance(record, dict):
            problems.append(Problem(str(path), line, f"expected a JSON object such as {shape}"))
            continue
        unknown = sorted(set(record) - allowed) if allowed is not None else []
        if unknown:
            problems.append(Problem(str(path), line, f"unknown key(s) {', '.join(map(repr, unknown))}; "
                                                     f"{path.name} records may carry {', '.join(sorted(allowed))}"))
        yield line, record


def check_ruler_file(path: Traversable | Path, tokenize: Callable[[str], list[str]],
                     names: dict[tuple[str, str], tuple[str, str, int]]) -> list[Problem]:
    """Problems in one ruler file. ``names`` maps (label, pattern) to the id and place
    that first named it in the folder, so a name given two ids is caught."""
    kind = path.name
    label_wanted = RULER_LABELS[kind]
    allowed = RULER_KEYS | RULER_EXTRA_KEYS[kind]
    problems: list[Problem] = []

    def problem(line: int, message: str) -> None:
        problems.append(Problem(str(path), line, message))

    shape = '{"label": "%s", "pattern": "...", "id": "..."}' % label_wanted
    for line, record in _records(path, allowed, shape, problems):
        missing = [k for k in ("label", "pattern", "id") if k not in record]
        if missing:
            problem(line, f"missing {', '.join(map(repr, missing))}; every ruler record needs label, pattern and id "
                          "(the id is the canonical name)")
            continue
        if record["label"] != label_wanted:
            problem(line, f"label {record['label']!r} does not belong in {kind}; use {label_wanted!r}")
        if not isinstance(record["id"], str) or not record["id"].strip():
            problem(line, "id must be a non-empty string: the canonical name rows will show")
        examples = record.get("examples", [])
        if not isinstance(examples, list) or not all(isinstance(e, str) and e.strip() for e in examples):
            problem(line, "examples must be a list of sentences (strings)")
        pattern = record["pattern"]
        if isinstance(pattern, str):
            if not pattern.strip():
                problem(line, "pattern is empty; give the name as it is written in articles")
                continue
            key = (record["label"], pattern)
            first = names.get(key)
            if first is not None and first[0] != record["id"]:
                problem(line, f"{pattern!r} is given two canonical names: {first[0]!r} ({first[1]}:{first[2]}) and "
                              f"{record['id']!r}; keep one id per name")
            names.setdefault(key, (record["id"], str(path), line))
        elif isinstance(pattern, list):
            problems.extend(Problem(str(path), line, message) for message in _token_pattern_problems(pattern, tokenize))
        else:
            problem(line, "pattern must be a string (a phrase) or a list of token dicts")
    return problems


def _token_pattern_problems(pattern: list, tokenize: Callable[[str], list[str]]) -> list[str]:
    """Problems with one token pattern: spaCy's own schema, then values no token can have."""
    errors = validate_token_pattern(pattern)
    if errors:
        return [f"bad token pattern: {error}; see https://spacy.io/usage/rule-based-matching#adding-patterns-attributes"
                for error in errors]
    messages = []
    for position, token in enumerate(pattern):
        for attr in TEXT_ATTRS:
            value = next((v for k, v in token.items() if k.upper() == attr), None)
            if not isinstance(value, str):
                continue
            pieces = tokenize(value)
            if len(pieces) > 1:
                messages.append(
                    f"token {position} ({attr}: {value!r}) can never match: the tokenizer splits it into "
                    f"{' + '.join(map(repr, pieces))}; write the name as a phrase pattern "
                    f'("pattern": {json.dumps(value)}) or give one token dict per piece')
    return messages


def check_table_file(path: Traversable | Path) -> list[Problem]:
    key, allowed = TABLE_KEYS[path.name]
    problems: list[Problem] = []
    for line, record in _records(path, allowed, '{"%s": "...", ...}' % key, problems):
        if key not in record:
            problems.append(Problem(str(path), line, f"missing {key!r}, the key records are merged on"))
    return problems


def check_json_file(path: Traversable | Path, known_lists: frozenset[str]) -> list[Problem]:
    """A word-list file: an object of lists of strings; in cue files, lists the tool reads."""
    try:
        with path.open("r", encoding="utf-8") as handle:
            data = json.load(handle)
    except json.JSONDecodeError as exc:
        return [Problem(str(path), exc.lineno, f"invalid JSON ({exc.msg} at column {exc.colno})")]
    if not isinstance(data, dict):
        return [Problem(str(path), 1, "expected a JSON object of named lists")]
    problems = []
    for name, value in data.items():
        if name.startswith("_"):
            continue
        line = _line_of(path, name)
        if path.name in CUE_FILES:
            if known_lists and name not in known_lists:
                problems.append(Problem(str(path), line, f"unknown cue list {name!r}; extend one of the built-in "
                                                         "lists (see patterns/cues.json)"))
            if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
                problems.append(Problem(str(path), line, f"{name!r} must be a list of words or phrases (strings)"))
        elif not isinstance(value, (dict, list)):
            problems.append(Problem(str(path), line, f"{name!r} must be an object or a list"))
    return problems


def _line_of(path: Traversable | Path, key: str) -> int:
    needle = json.dumps(key)
    for line, text in _lines(path):
        if needle in text:
            return line
    return 1


def check_unread_file(path: Traversable | Path) -> list[Problem]:
    """A .json or .jsonl file the loader will not read: named with the names it would
    read (the closest first), and, for JSONL, its broken lines, so one run shows all."""
    close = difflib.get_close_matches(path.name.lower(), READ_FILES, n=1, cutoff=0.8)
    hint = f"rename it to {close[0]!r} if that is what it holds, or move it out; " if close else ""
    problems = [Problem(str(path), 0, f"not read: in a pattern folder the loader reads only {', '.join(READ_FILES)}; "
                                      f"{hint}the loader would skip it")]
    if path.name.lower().endswith(".jsonl"):
        for _ in _records(path, None, "{...}", problems):
            pass
    return problems


def builtin_cue_lists() -> frozenset[str]:
    lists: set[str] = set()
    for name in CUE_FILES:
        with (builtin_dir() / name).open("r", encoding="utf-8") as handle:
            lists.update(k for k in json.load(handle) if not k.startswith("_"))
    return frozenset(lists)


def validate_patterns(dirs: Iterable[Traversable | Path], tokenize: Callable[[str], list[str]]) -> list[Problem]:
    """Every problem in the given pattern folders, in file order."""
    known_lists = builtin_cue_lists()
    problems: list[Problem] = []
    for directory in dirs:
        # One folder may not give a name two ids; a later folder may re-map a name (it overrides).
        names: dict[tuple[str, str], tuple[str, str, int]] = {}
        for name in RULER_FILES:
            if (directory / name).is_file():
                problems += check_ruler_file(directory / name, tokenize, names)
        for name in TABLE_KEYS:
            if (directory / name).is_file():
                problems += check_table_file(directory / name)
        for name in JSON_FILES:
            if (directory / name).is_file():
                problems += check_json_file(directory / name, known_lists)
        for path in unread_files(directory):
            problems += check_unread_file(path)
    return problems


def pattern_tokenizer() -> Callable[[str], list[str]]:
    """The tool's own tokenizer, as a function from text to token texts."""
    import spacy

    from pipeline.tokenizer import customize_tokenizer

    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    return lambda text: [t.text for t in nlp.tokenizer(text)]


def check_folders(dirs: Iterable[str | Path], include_builtin: bool = True, sources: Iterable[str] = ()) -> list[Problem]:
    """Problems in the built-in patterns (optionally), the named source packs and the given folders."""
    folders = pattern_folders(sources, dirs)
    return validate_patterns(folders if include_builtin else folders[len(builtin_folders()):], pattern_tokenizer())
