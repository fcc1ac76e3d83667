"""Build the company knowledge base spreadsheet (``patterns/kb/companies.csv``).

A development-time tool, never run by the pipeline: it turns openly licensed
registers of company names into one CSV, which ``infra-extract patterns
import`` then turns into ruler patterns (``make kb``). The sources and their
licences are listed in ``patterns/kb/README.md``; their raw files are not
shipped, the CSV is.

Registers write names as lawyers do ("ALIBABA GROUP HOLDING LTD", "Cisco
Systems, Inc."); articles write "Alibaba" and "Cisco". So each register name
gives a name without its legal form, in the case articles use. Its short
form without descriptors ("Group", "Holding") becomes the canonical name,
with the fuller one as an alias, when the short form is distinctive: an
everyday word, a first name or a place would match far more than the company.

    python -m pipeline.kb_build --sec company_tickers.json --yago companies.csv \\
        --common patterns/common_words.json --names patterns/person_names.json \\
        --places patterns/places.jsonl --english english_words.txt -o patterns/kb/companies.csv
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

import click

# Legal forms at the end of a register name, longest first is not needed: the
# loop strips one at a time until none is left ("Foo Holdings Co., Ltd.").
LEGAL_FORMS = frozenset(
    "inc inc. incorporated corp corp. corporation co co. company ltd ltd. limited llc l.l.c. lp l.p. llp plc "
    "ag sa s.a. se nv n.v. bv b.v. spa s.p.a. sas ab asa oyj a/s as kk k.k. gmbh pte pty nl /de/ /new/".split()
)
# Words that registers add and articles drop: "Cisco Systems" is "Cisco".
DESCRIPTORS = frozenset(
    "group holding holdings technologies technology systems platforms international enterprises industries "
    "worldwide motor motors communications".split()
)
# Register entries that are no operating company: funds, trusts, blank-cheque shells.
NOT_COMPANIES = re.compile(
    r"\b(etf|etn|trust|fund|funds|portfolio|series|index|ishares|proshares|direxion|wisdomtree|spdr|"
    r"acquisition|acquisitions|shares|notes|warrants?|units?|capital corp[. ]*(?:i|ii|iii|iv|v)?|"
    r"bdc|reit|royalty|municipal|income|strategy|strategies|leveraged|bull|bear)\b",
    re.IGNORECASE,
)
BANK_WORDS = re.compile(r"\b(bank|bancorp|bancshares|banco|banque)\b", re.IGNORECASE)
# "/DE/", "/ DE", "\\DE\\": the state of incorporation that the SEC appends, with either slash.
STATE_TAG = re.compile(r"\s*[/\\]\s*[A-Z]{2,}\s*[/\\]?\s*$|\s*[/\\]\s*$", re.IGNORECASE)
# A short form may not end in a word that joins it to what was dropped: "Bank of" is
# no name ("Bank of Communications" keeps its descriptor).
CONNECTORS = frozenset("of and the for de la du des & on in at to".split())


def _case(word: str, english: frozenset[str] = frozenset()) -> str:
    """Article case for one word of an all-capitals register name.

    Words of up to four letters are taken for acronyms (AMD, HSBC, ASML),
    unless they are English words (BANK, FIRST).

    >>> [_case(w, frozenset({"bank"})) for w in ["NVIDIA", "AMD", "HSBC", "BANK", "AT&T", "3M", "T-MOBILE"]]
    ['Nvidia', 'AMD', 'HSBC', 'Bank', 'AT&T', '3M', 'T-Mobile']
    """
    if len(word) <= 4 and word.lower() not in english or any(c.isdigit() for c in word) or "&" in word or not re.search(r"[AEIOUY]", word):
        return word
    return "-".join(part[:1] + part[1:].lower() for part in word.split("-"))


def article_name(register_name: str, english: frozenset[str] = frozenset()) -> str | None:
    """The name as articles write it: no legal form, no state tag, article case.

    >>> article_name("NVIDIA CORP")
    'Nvidia'
    >>> article_name("Cisco Systems, Inc.")
    'Cisco Systems'
    >>> article_name("AMAZON COM INC")
    'Amazon.com'
    >>> article_name("BANK OF AMERICA CORP /DE/", frozenset({"bank"}))
    'Bank of America'
    >>> article_name("TOYOTA MOTOR CORP/")
    'Toyota Motor'
    >>> article_name("3i GROUP plc")
    '3i Group'
    >>> article_name("Rivian Automotive, Inc. / DE"), article_name("LIFECORE BIOMEDICAL, INC. /DE", frozenset({"biomedical"}))
    ('Rivian Automotive', 'Lifecore Biomedical')
    >>> article_name("SPDR S&P 500 ETF TRUST") is None, article_name("1606 CORP.") is None
    (True, True)
    """
    name = STATE_TAG.sub("", register_name.strip())
    if NOT_COMPANIES.search(name):
        return None
    words = name.replace(",", " ").split()
    while len(words) > 1 and words[-1].lower() in LEGAL_FORMS:
        words.pop()
    small = {"of", "and", "the", "for", "de", "la", "du", "des"}
    words = [w.lower() if w.lower() in small and k and w.isupper() else _case(w, english) if w.isupper() else w
             for k, w in enumerate(words)]
    if len(words) > 1 and words[-1].lower() == "com":
        words[-2:] = [words[-2] + ".com"]
    text = " ".join(words).strip(" .,-&")
    return text if len(text) > 1 and not text.replace(" ", "").isdigit() else None


def short_alias(name: str) -> str | None:
    """The name without its trailing descriptors, or None when nothing is dropped.

    >>> short_alias("Alibaba Group Holding"), short_alias("Cisco Systems"), short_alias("Intel")
    ('Alibaba', 'Cisco', None)
    >>> short_alias("Amazon.com")
    'Amazon'
    >>> short_alias("Bank of Communications") is None
    True
    """
    if name.endswith(".com"):
        return name[: -len(".com")]
    words = name.split()
    while len(words) > 1 and words[-1].lower() in DESCRIPTORS:
        words.pop()
    if words[-1].lower() in CONNECTORS:
        return None
    short = " ".join(words).rstrip(" &,")
    return short if short != name else None


class Ambiguity:
    """Which single words may stand for a company: not everyday words, first names or places."""

    def __init__(self, common: Iterable[str], person_names: Iterable[str], places: Iterable[str]):
        self.english = frozenset(w.lower() for w in common)
        self.blocked = self.english | {w.lower() for w in (*person_names, *places)}

    def distinctive(self, name: str) -> bool:
        """A form that can name the company on its own in running text.

        >>> Ambiguity(["target"], ["morgan"], ["boston"]).distinctive("Target")
        False
        >>> Ambiguity(["target"], ["morgan"], ["boston"]).distinctive("Palantir")
        True
        >>> Ambiguity(["general", "motors"], [], []).distinctive("General Motors")
        True

        A name of several capitalised words is specific as a phrase, even when
        each word is an everyday one.
        """
        if len(name.split()) > 1:
            return True
        return len(name) > 2 and name.lower() not in self.blocked


def sec_names(path: Path) -> Iterator[str]:
    """Names of the SEC's company_tickers.json (``{"0": {"title": ...}, ...}``)."""
    for entry in json.loads(path.read_text(encoding="utf-8")).values():
        yield entry["title"]


def yago_names(path: Path) -> Iterator[str]:
    """Names of a YAGO-derived companies CSV with a ``name`` column."""
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield row["name"]


def kb_rows(sources: Iterable[tuple[str, Iterable[str], Ambiguity]]) -> list[dict[str, str]]:
    """One row per company: canonical name, aliases (``;``-joined), kind and source.

    Each source comes with the words its one-word names must avoid. A short form
    that two companies would share is dropped for both.

    >>> amb = Ambiguity(["general"], [], [])
    >>> rows = kb_rows([("sec", ["CISCO SYSTEMS, INC.", "GENERAL HOLDINGS CORP"], amb)])
    >>> [(r["name"], r["aliases"]) for r in rows]
    [('Cisco', 'Cisco Systems'), ('General Holdings', '')]
    """
    rows: dict[str, dict[str, str]] = {}
    shorts: dict[str, str] = {}
    for source, names, ambiguity in sources:
        for raw in names:
            name = article_name(raw, ambiguity.english)
            if not name or name.lower() in rows or not ambiguity.distinctive(name):
                continue
            kind = "bank" if BANK_WORDS.search(name) else "company"
            rows[name.lower()] = {"name": name, "aliases": "", "kind": kind, "source": source}
            short = short_alias(name)
            if short and ambiguity.distinctive(short):
                shorts[name.lower()] = short
    counts = Counter(s.lower() for s in shorts.values())
    for key, short in shorts.items():
        # The short form is how articles name the company, so it is the canonical name
        # and the register's fuller name its alias ("Cisco", alias "Cisco Systems").
        if counts[short.lower()] == 1 and short.lower() not in rows:
            rows[key]["aliases"] = rows[key]["name"]
            rows[key]["name"] = short
    return sorted(rows.values(), key=lambda r: r["name"].lower())


def _place_names(path: Path) -> Iterator[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            pattern = json.loads(line).get("pattern")
            if isinstance(pattern, str):
                yield pattern


@click.command()
@click.option("--sec", "sec", type=click.Path(path_type=Path, exists=True), help="SEC company_tickers.json")
@click.option("--yago", "yago", type=click.Path(path_type=Path, exists=True), help="YAGO companies CSV")
@click.option("--common", type=click.Path(path_type=Path, exists=True), required=True)
@click.option("--names", type=click.Path(path_type=Path, exists=True), required=True)
@click.option("--places", type=click.Path(path_type=Path, exists=True), required=True)
@click.option("--english", type=click.Path(path_type=Path, exists=True),
              help="A larger English word list, one word a line, joined to --common.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
def main(sec: Path | None, yago: Path | None, common: Path, names: Path, places: Path, english: Path | None,
         output: Path) -> None:
    person = json.loads(names.read_text(encoding="utf-8"))
    common_words = json.loads(common.read_text(encoding="utf-8"))["common_words"]
    words = [*common_words, *(english.read_text(encoding="utf-8").split() if english else ())]
    people = [*person.get("given_names", ()), *person.get("family_names", ())]
    places_seen = list(_place_names(places))
    # YAGO lists companies large enough for an encyclopedia ("Airbus", "Toyota"), which a
    # dictionary of English may list too; the register also lists small firms named with
    # dictionary words ("Bandwidth", "Lattice"), so its one-word names avoid the larger list.
    sources = []
    if yago:  # first: its names are the common ones, so they keep a short form a register name would claim
        sources.append(("yago", yago_names(yago), Ambiguity(common_words, people, places_seen)))
    if sec:
        sources.append(("sec", sec_names(sec), Ambiguity(words, people, places_seen)))
    rows = kb_rows(sources)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["name", "aliases", "kind", "source"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    click.echo(f"{output}: {len(rows)} companies, {sum(bool(r['aliases']) for r in rows)} with a short name")


if __name__ == "__main__":
    main()
