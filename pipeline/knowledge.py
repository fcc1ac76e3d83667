"""Load the knowledge files under ``patterns/``: ruler patterns and lookup tables.

The built-in files ship inside the package as ``pipeline.patterns`` and are read
through :mod:`importlib.resources`, so the same code works from a checkout, an
editable install and a wheel. Loading reads JSON only; nothing is executed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Iterable, Iterator

BUILTIN_PACKAGE = "pipeline.patterns"

# Ruler pattern files: each line is {"label", "pattern", "id", ...}. Extra keys
# (vendor, family, developer, kind, examples) feed the lookup tables below.
RULER_FILES = ("companies.jsonl", "chips.jsonl", "models.jsonl", "places.jsonl")
# Word lists ({"name": [words]}); lists with the same name in several folders are joined.
CUE_FILES = ("cues.json", "common_words.json", "person_names.json")
# Lookup tables merged record by record on their key, and the number and qualifier words.
TABLE_FILES = ("currencies.jsonl", "spec_units.jsonl", "rounds.jsonl")
WORD_TABLE_FILES = ("magnitudes.json", "qualifiers.json")
# Every file the loader reads in a pattern folder. Any other .json or .jsonl file
# there is an error: the loader would skip it without a word ("company.jsonl").
READ_FILES = (*RULER_FILES, *TABLE_FILES, *CUE_FILES, *WORD_TABLE_FILES)
PATTERN_SUFFIXES = (".json", ".jsonl")


class PatternFileError(ValueError):
    """A knowledge file cannot be read; the message starts with ``file:line:``."""


# Source packs: pattern folders shipped under patterns/sources/<name>/ and
# switched on by name (``--source NAME``), for sources with their own vocabulary.
SOURCES_DIR = "sources"


# The company knowledge base, imported from public registers (patterns/kb/README.md).
# It is layered under the hand-written built-in files, so a curated name keeps
# its curated id and kind wherever the two disagree.
KB_DIR = "kb"


def builtin_dir() -> Traversable:
    return resources.files(BUILTIN_PACKAGE)


def builtin_folders() -> list[Traversable]:
    """The built-in layers, in order: the imported knowledge base, then the curated files."""
    return [builtin_dir() / KB_DIR, builtin_dir()]


def available_sources() -> list[str]:
    """Names of the source packs shipped with the tool."""
    root = builtin_dir() / SOURCES_DIR
    if not root.is_dir():
        return []
    return sorted(entry.name for entry in root.iterdir() if entry.is_dir() and not entry.name.startswith(("_", ".")))


def source_dir(name: str) -> Traversable:
    """The folder of source pack ``name``; an unknown name lists the known ones."""
    if name in available_sources():
        return builtin_dir() / SOURCES_DIR / name
    known = ", ".join(available_sources()) or "none"
    raise PatternFileError(f"unknown source pack {name!r}; the packs shipped are: {known}")


def pattern_folders(sources: Iterable[str] = (), dirs: Iterable[str | Path] = ()) -> list[Traversable | Path]:
    """The folders to layer, in order: built-in, then source packs, then user folders (later ones win)."""
    return [*builtin_folders(), *(source_dir(name) for name in sources), *(Path(d) for d in dirs)]


def unread_files(directory: Traversable | Path) -> list[Traversable | Path]:
    """The .json and .jsonl files in ``directory`` that the loader does not read."""
    if not directory.is_dir():
        return []
    return sorted((entry for entry in directory.iterdir()
                   if entry.is_file() and entry.name.lower().endswith(PATTERN_SUFFIXES) and entry.name not in READ_FILES),
                  key=lambda entry: entry.name)


def read_jsonl(path: Traversable | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, record)`` for each non-blank line of a JSONL file."""
    with path.open("r", encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PatternFileError(f"{path}:{line_number}: invalid JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise PatternFileError(f"{path}:{line_number}: expected a JSON object")
            yield line_number, record


def read_json(path: Traversable | Path) -> dict[str, Any]:
    with path.open("r", encoding="utf-8") as handle:
        try:
            data = json.load(handle)
        except json.JSONDecodeError as exc:
            raise PatternFileError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    return {key: value for key, value in data.items() if not key.startswith("_")}


def _files(dirs: Iterable[Traversable | Path], name: str) -> list[Traversable | Path]:
    found = []
    for directory in dirs:
        candidate = directory / name
        if candidate.is_file():
            found.append(candidate)
    return found


# eq=False: a Knowledge is hashed by identity, so compiled grammars can be cached per instance.
@dataclass(frozen=True, eq=False)
class Knowledge:
    """Everything the components know, merged from one or more pattern folders."""

    ruler_patterns: tuple[dict[str, Any], ...]
    currencies: tuple[dict[str, Any], ...]
    multipliers: dict[str, float]
    number_words: dict[str, float | None]
    fractions: dict[str, float]
    code_scales: dict[str, float]
    qualifiers: dict[str, tuple[str, ...]]
    spec_units: tuple[dict[str, Any], ...]
    cues: dict[str, tuple[str, ...]]
    chip_vendor: dict[str, str] = field(default_factory=dict)
    chip_family: dict[str, str] = field(default_factory=dict)
    model_developer: dict[str, str] = field(default_factory=dict)
    org_kind: dict[str, str] = field(default_factory=dict)
    # ORG names only the imported knowledge base gives (no curated file restates them):
    # register names are weaker evidence than curated ones ("Kestrel" inside "Kestrel Compute").
    register_names: tuple[str, ...] = ()
    rounds: tuple[dict[str, Any], ...] = ()


def _merge_by_key(records: Iterable[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Later folders override earlier ones record by record."""
    merged: dict[Any, dict[str, Any]] = {}
    for record in records:
        merged[record[key]] = record
    return list(merged.values())


def _pattern_key(record: dict[str, Any]) -> tuple[str, str]:
    return record["label"], json.dumps(record["pattern"], sort_keys=True)


def load_knowledge(dirs: Iterable[str | Path] | None = None,
                   folders: Iterable[Traversable | Path] | None = None) -> Knowledge:
    """Merge pattern folders, later ones winning.

    ``folders`` is the full list to layer (see :func:`pattern_folders`); without
    it the built-in folder comes first and ``dirs`` are layered over it. A name
    (label and pattern) given again maps to the later record's id, and an id's
    vendor, family, developer or kind come from the last record that states them.
    """
    folders = list(folders) if folders is not None else pattern_folders(dirs=dirs or ())
    unread = [path for folder in folders for path in unread_files(folder)]
    if unread:
        raise PatternFileError(f"{unread[0]}: not read: in a pattern folder the loader reads only "
                               f"{', '.join(READ_FILES)}; rename or move the file "
                               "(`infra-extract patterns validate` lists every such file)")

    ruler_by_name: dict[tuple[str, str], dict[str, Any]] = {}
    chip_vendor: dict[str, str] = {}
    chip_family: dict[str, str] = {}
    model_developer: dict[str, str] = {}
    org_kind: dict[str, str] = {}
    register = str(builtin_dir() / KB_DIR / "companies.jsonl")
    from_register: set[tuple[str, str]] = set()
    for name in RULER_FILES:
        for path in _files(folders, name):
            in_register = str(path) == register
            for _, record in read_jsonl(path):
                # Re-inserting moves a re-mapped name to the end, so patterns keep folder order.
                key = _pattern_key(record)
                ruler_by_name.pop(key, None)
                ruler_by_name[key] = {k: record[k] for k in ("label", "pattern", "id") if k in record}
                (from_register.add if in_register else from_register.discard)(key)
                ident = record.get("id")
                if record.get("vendor"):
                    chip_vendor[ident] = record["vendor"]
                if record.get("family"):
                    chip_family[ident] = record["family"]
                if record.get("developer"):
                    model_developer[ident] = record["developer"]
                if record.get("kind"):
                    org_kind[ident] = record["kind"]

    # A register name that a curated file gives another label ("Sohu" the chip) is left to that file.
    curated = {key[1] for key in ruler_by_name if key not in from_register}
    for key in [k for k in from_register if k[1] in curated]:
        del ruler_by_name[key]
        from_register.discard(key)

    currencies = _merge_by_key(
        (rec for path in _files(folders, "currencies.jsonl") for _, rec in read_jsonl(path)), "code"
    )
    spec_units = _merge_by_key(
        (rec for path in _files(folders, "spec_units.jsonl") for _, rec in read_jsonl(path)), "unit"
    )
    rounds = _merge_by_key(
        (rec for path in _files(folders, "rounds.jsonl") for _, rec in read_jsonl(path)), "round"
    )
    magnitudes: dict[str, Any] = {"multipliers": {}, "number_words": {}, "fractions": {}, "code_scales": {}}
    for path in _files(folders, "magnitudes.json"):
        for section, table in read_json(path).items():
            magnitudes.setdefault(section, {}).update(table)
    qualifiers: dict[str, tuple[str, ...]] = {}
    for path in _files(folders, "qualifiers.json"):
        for name, words in read_json(path).items():
            qualifiers[name] = tuple(dict.fromkeys((*qualifiers.get(name, ()), *words)))
    cues: dict[str, tuple[str, ...]] = {}
    for path in (p for name in CUE_FILES for p in _files(folders, name)):
        for name, words in read_json(path).items():
            cues[name] = tuple(dict.fromkeys((*cues.get(name, ()), *words)))

    return Knowledge(
        ruler_patterns=tuple(ruler_by_name.values()),
        currencies=tuple(currencies),
        multipliers=dict(magnitudes["multipliers"]),
        number_words=dict(magnitudes["number_words"]),
        fractions=dict(magnitudes["fractions"]),
        code_scales=dict(magnitudes["code_scales"]),
        qualifiers=qualifiers,
        spec_units=tuple(spec_units),
        cues=cues,
        chip_vendor=chip_vendor,
        chip_family=chip_family,
        model_developer=model_developer,
        org_kind=org_kind,
        register_names=tuple(sorted(ruler_by_name[k]["pattern"] for k in from_register)),
        rounds=tuple(rounds),
    )


@lru_cache(maxsize=1)
def default_knowledge() -> Knowledge:
    """The built-in knowledge, loaded once per process."""
    return load_knowledge()


def knowledge_to_dict(knowledge: Knowledge) -> dict[str, Any]:
    """Plain JSON-able form (ruler patterns excluded: the entity ruler saves those)."""
    data = {name: getattr(knowledge, name) for name in Knowledge.__dataclass_fields__}
    data["ruler_patterns"] = ()
    return json.loads(json.dumps(data))


def knowledge_from_dict(data: dict[str, Any]) -> Knowledge:
    fields = dict(data)
    for name in ("ruler_patterns", "currencies", "spec_units", "rounds", "register_names"):
        fields[name] = tuple(fields.get(name, ()))
    fields["qualifiers"] = {k: tuple(v) for k, v in fields.get("qualifiers", {}).items()}
    fields["cues"] = {k: tuple(v) for k, v in fields.get("cues", {}).items()}
    return Knowledge(**fields)
