"""``infra_companies``: companies no gazetteer lists, recognised from how news
writes about them.

A capitalised run of tokens becomes an ORG when its context says so: a deal
verb after it ("X raised"), a cue before it ("led by X", "acquire X", "stake in
X"), an appositive ("X, a Berlin-based startup,"), a company suffix ("X Labs",
"X Capital"), or a possessive before a deal or chip ("X's $2bn round"). Lists
after a cue ("A, B and C") are read whole. A name found once is then an ORG
everywhere in the document, and "X AI" lets a later bare "X" refer back to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, minibatch

from pipeline.components.base import DocView, KnowledgeComponent, add_entities, doc_view, entity_mask
from pipeline.components.ner_candidates import recognise, recognise_docs
from pipeline.components.phrases import Phrases
from pipeline.parsing import names as names_parsing

JOINERS_TIGHT = frozenset({"-", ":", ".", "'", "’", "/"})  # only inside a word: D-Wave, Run:ai, Quarry/AI
POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
# Words that may stand between a name and its verb: "X has quietly raised", "X said it raised",
# "X said on Tuesday that it had agreed to buy" (with the cues' weekdays; see CompanyFinder.setup).
VERB_GAP = frozenset(
    "has have had just also recently quietly reportedly is was were are will has now officially "
    "finally said says it today yesterday formally initially first successfully previously already earlier "
    "be been being on".split()
)
# "that" joins the gap only after a verb of saying: "X said on Tuesday that it had agreed",
# not "the trademark for iPhone, and moreover, that it sells devices".
SAYING = frozenset("said says announced announces confirmed".split())
VERB_GAP_REACH = 6
RESULT_REACH = 4  # tokens from a report verb to its result noun: "posted a quarterly net loss"
# Words opening an appositive that describes the word before the comma: "Voxly, a startup ..."
DESCRIBED_BY = frozenset({"a", "an", "which", "who", "whose"})
DASHES = frozenset({"-", "—", "–", "--"})
DATELINE_REACH = 14  # tokens from a dateline's first word to its dash
ITEM_DASHES = DASHES | {":", "→", "->"}
BULLETS = DASHES | {"•", "*", "·", "‣", "▪"}
ITEM_REACH = 6  # tokens after an item's dash that may hold its amount or deal verb
DOMAIN_LIKE = re.compile(r"[a-z][a-z0-9-]{1,30}\.(?:[a-z]{2,6})")
POSSESSION_REACH = 6  # tokens after "X's" that may name its deal or chip: "X's “Merle” inference accelerator"
SALE_REACH = 6  # tokens from "sold" to the "to" before its buyer: "sold its chip unit to X"
# Verbs that move or hold a share of a company: "took 10% of X", "owns 40% of X"
HOLDING_VERBS = frozenset("take took takes taking own owns hold holds".split())
# A name that opens with digits glued to a capitalised word, in one token: "4Lumen",
# "1Password", "23andMe". Units glued to numbers ("400Gbps") are told apart by the
# spec units' own forms.
DIGIT_NAME = re.compile(r"\d{1,3}(?:[A-Za-z]*[A-Z][a-z]{2,}|[a-z]+[A-Z])[A-Za-z0-9]*")
LIST_SEPARATORS = frozenset({",", "and", "&", "as", "well", "plus", "along", "with", "alongside", "including"})


@dataclass
class _Pending:
    """One document between the rules and the recogniser (CompanyFinder._decide)."""

    candidates: list[tuple[int, int]]
    found: dict[tuple[int, int], None]  # an ordered set: the order names were found in
    undecided: list[tuple[int, int]]
    people: list[Span]


@Language.factory("infra_companies", default_config={})
def make_company_finder(nlp: Language, name: str) -> "CompanyFinder":
    return CompanyFinder(nlp, name)


class CompanyFinder(KnowledgeComponent):
    def setup(self) -> None:
        cues = self.knowledge.cues
        nlp = self.nlp
        self.deal_verbs = Phrases(
            nlp,
            [*cues.get("equity_verbs", ()), *cues.get("acquisition_verbs", ()), *cues.get("investment_verbs", ()),
             *cues.get("lead_after", ()), *cues.get("participate_after", ()), *cues.get("talks_cues", ()),
             *cues.get("seeking_cues", ()), *cues.get("announced_cues", ()), *cues.get("ipo_events", ()),
             *cues.get("pay_verbs", ()), "agreed to sell",
             "priced", "filed",
             "is in talks", "agreed", "agrees", "signed", "unveiled", "launched", "announced", "sold", "sells",
             "issued", "issues", "prices"],
        )
        self.before_cues = Phrases(
            nlp,
            [*cues.get("lead_cues", ()), "participation from", "participation by", "backed by", "investors include",
             "investors including", "investors included", "lenders include", "lenders including", "joined by",
             "alongside", "acquisition of", "purchase of", "takeover of", "stake in", "investment in", "invest in",
             "shares of", "stock of",
             "invests in", "invested in", "investing in", "merger with", "acquire", "acquires", "acquired",
             "acquiring", "buy", "buys", "bought", "snapped up", "arranged by", "provided by", "underwritten by",
             "funding from", "financing from", "investment from", "backing from", "support from", "capital from",
             "in talks with", "in discussions with", "talks with", "discussions with",
             "led by", "co-led by", "from investors", "investors such as", "firms such as", "partnered with",
             "partnership with", "competes with", "compete with", "competing with", "spun out of", "spinout of", "spun off from", "rival", "rivals", "competitor",
             "startups like", "startups such as", "companies like", "companies such as", "firms like",
             "firms such as", "players like", "players such as", "labs like", "labs such as", "rivals like",
             "rivals such as", "competitors like", "competitors such as", "chipmakers like", "chipmakers such as",
             "acquired by", "bought by", "purchased by", "taken over by", "acquisition by", "takeover by",
             "sold to", "sell itself to", "sold itself to", *cues.get("acquisition_verbs", ()),
             # "was snapped up by X": the buyer of any takeover verb in the passive
             *(f"{verb} by" for verb in cues.get("acquisition_verbs", ()) if verb.split()[0].endswith("ed"))],
        )
        self.verb_gap = VERB_GAP | frozenset(cues.get("weekdays", ()))
        self.report_verbs = frozenset(cues.get("report_verbs", ()))
        self.result_nouns = frozenset(cues.get("result_nouns", ()))
        self.company_nouns = Phrases(nlp, cues.get("company_nouns", ()))
        self.round_nouns = Phrases(nlp, cues.get("equity_nouns", ()))
        self.debt_nouns = Phrases(nlp, cues.get("debt_nouns", ()))
        self.stake_nouns = Phrases(nlp, cues.get("investment_nouns", ()))
        self.invest_words = frozenset(w for w in cues.get("investment_verbs", ()) if " " not in w)
        self.sale_words = frozenset(w for w in cues.get("sale_verbs", ()) if " " not in w)
        self.pay_words = frozenset(w for w in cues.get("pay_verbs", ()) if " " not in w)
        # "closed" also ends a trading day: "Shares closed at $203"
        self.raise_words = frozenset(w for w in (*cues.get("raise_verbs", ()), *cues.get("equity_verbs", ()))
                                     if " " not in w) - {"closed", "closing", "close", "closes"}
        self.crowds = Phrases(nlp, cues.get("investor_crowds", ()))
        self.investor_roles = frozenset(cues.get("investor_roles", ()))
        self.role_modifiers = frozenset(cues.get("investor_role_modifiers", ()))
        self.institution_suffixes = frozenset(cues.get("institution_suffixes", ()))
        self.place_openers = frozenset(cues.get("place_openers", ()))
        self.employer_titles = frozenset(cues.get("employer_titles", ()))
        self.inline_titles = frozenset(cues.get("inline_titles", ()))
        self.title_words = frozenset(cues.get("title_words", ()))
        self.nationalities = frozenset(cues.get("nationality_words", ()))
        self.opening_descriptors = frozenset(cues.get("opening_descriptors", ()))
        self.person_titles = frozenset(cues.get("person_titles", ()))
        self.person_after = frozenset(cues.get("person_after", ()))
        self.generic = frozenset(cues.get("generic_modifiers", ()))
        self.months = frozenset(cues.get("months", ()))
        self.not_names = frozenset(cues.get("not_names", ()))
        self.listing_nouns = Phrases(nlp, cues.get("listing_nouns", ()))
        self.name_tails = frozenset(cues.get("name_tails", ()))
        self.org_suffixes = frozenset(cues.get("org_suffixes", ()))
        self.legal_suffixes = frozenset(cues.get("legal_suffixes", ()))
        self.common = frozenset(cues.get("common_words", ()))
        self.arm_suffixes = Phrases(nlp, cues.get("arm_suffixes", ()))
        self.hyphen_modifiers = frozenset(cues.get("hyphen_modifiers", ()))
        self.facility_nouns = Phrases(nlp, cues.get("facility_nouns", ()))
        self.product_heads = Phrases(nlp, [*cues.get("chip_nouns", ()), *cues.get("system_nouns", ())])
        # Names the gazetteer already knows keep their own canonical name.
        self.known_names = frozenset(p["pattern"] for p in self.knowledge.ruler_patterns
                                     if isinstance(p.get("pattern"), str))
        # A short form may refer back to a longer name unless a curated file gives it its own id;
        # register names are too many and too plain to block that ("Meridian AI" ... "Meridian").
        self.curated_names = self.known_names - frozenset(self.knowledge.register_names)
        self.given_names = frozenset(cues.get("given_names", ()))
        # Words that close a company's name and that later mentions drop ("Motor Company").
        self.closing_words = frozenset((*cues.get("org_suffixes", ()), *cues.get("legal_suffixes", ()),
                                        *cues.get("name_designators", ())))
        self.place_names = frozenset(p["pattern"] for p in self.knowledge.ruler_patterns
                                     if p.get("label") == "GPE" and isinstance(p.get("pattern"), str))
        self.family_names = frozenset(cues.get("family_names", ()))
        # What a company does right after its name and a person rarely does: "Sable Forge raised".
        self.company_acts = frozenset(w for w in (*cues.get("raise_verbs", ()), *cues.get("acquisition_verbs", ()))
                                      if " " not in w)
        self.unit_words = frozenset(form.lower() for unit in self.knowledge.spec_units
                                    for form in (unit["unit"], *unit.get("forms", ())) if " " not in form)
        self.public_bodies = frozenset(w.lower() for w in cues.get("public_body_heads", ()))
        self.place_heads = frozenset(w.lower() for w in cues.get("place_heads", ()))
        self.index_heads = Phrases(nlp, cues.get("index_heads", ()))
        self.compass_words = frozenset(w.lower() for w in cues.get("compass_words", ()))
        self.verb_words = frozenset(
            w for w in (*cues.get("equity_verbs", ()), *cues.get("acquisition_verbs", ())) if " " not in w
        )

    # -- token classes -------------------------------------------------
    def _namey(self, text: str) -> bool:
        first = text[:1]
        if not first:
            return False
        if first.isupper():
            return True
        # xAI, iPhone-style names: lower first letter, capital inside.
        return first.islower() and any(c.isupper() for c in text[1:])

    def _numbered_start(self, view: DocView, i: int) -> bool:
        """A name that opens with digits glued to a capitalised word: "4th-Line", "3D-Stack", "4Lumen"."""
        text, spaced = view.text, view.spaced
        word = text[i]
        if DIGIT_NAME.fullmatch(word):
            return word.lstrip("0123456789").lower() not in self.unit_words
        if not (word[:1].isdigit() and any(c.isalpha() for c in word)) or spaced[i]:
            return False
        nxt = i + 1
        if nxt < len(text) and text[nxt] in JOINERS_TIGHT and not spaced[nxt]:
            nxt += 1
        return nxt < len(text) and self._namey(text[nxt])

    def _lowercase_name(self, view: DocView, i: int, clause_starts: frozenset[int] = frozenset()) -> bool:
        """Brands written in lower case: a domain-like "kumo.dc", or an unknown
        word opening a sentence, where English would capitalise ("fluxgrid is
        seeking ..."). Either still needs the usual evidence to become an ORG."""
        word = view.text[i]
        if not word[:1].islower():
            return False
        if DOMAIN_LIKE.fullmatch(word):
            return True
        coded = word.isalnum() and any(c.isdigit() for c in word) and any(c.isalpha() for c in word)
        opens = view.sent_start[i] == i or i in clause_starts
        return opens and (word.isalpha() and len(word) > 2 or coded) and view.lower[i] not in self.common

    def _chunks(self, view: DocView, in_ent: list[bool], clause_starts: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
        """Maximal runs of name-like tokens outside existing entities."""
        text, lower, spaced, sent_start = view.text, view.lower, view.spaced, view.sent_start
        chunks = []
        n = len(text)
        i = 0
        while i < n:
            if in_ent[i] or not (self._namey(text[i]) or self._numbered_start(view, i)
                                 or self._lowercase_name(view, i, clause_starts)) \
                    or lower[i] in self.verb_words and i > 0:
                i += 1
                continue
            j = i + 1
            while j < n and not in_ent[j] and sent_start[j] != j:
                word = text[j]
                if self._namey(word):
                    if lower[j] in self.verb_words:  # "Acme Raises $5M" in a Title Case headline
                        break
                    j += 1
                    continue
                if word in JOINERS_TIGHT and not spaced[j - 1] and j + 1 < n and not spaced[j] \
                        and not in_ent[j + 1] and text[j + 1][:1].isalnum() and word not in POSSESSIVE \
                        and lower[j + 1] not in self.hyphen_modifiers:
                    j += 2
                    continue
                if word == "&" and j + 1 < n and not in_ent[j + 1] and self._namey(text[j + 1]):
                    j += 2
                    continue
                break
            chunks.append((i, j))
            i = j
        return chunks

    def _trim(self, doc: Doc, start: int, end: int) -> tuple[int, int]:
        # Strip openers ("The", "Meanwhile", "CEO") but keep words that may be part
        # of a name ("Energy Impact Partners"). Right after a describing noun inside a
        # sentence the whole capitalised run is the name ("scheduling app When I Work").
        if start > 0 and not doc[start].is_sent_start and doc[start - 1].text[:1].islower() \
                and self.company_nouns.ending_at(doc_view(doc).lower, start):
            # but a title is no name: "company CEO Steve Jobs"
            while start < end and (doc[start].lower_ in self.person_titles or doc[start].lower_ in self.months):
                start += 1
            return start, self._trim_end(doc, start, end)
        while start < end and not self._glued(doc, start, end) and (doc[start].is_stop or doc[start].lower_ in self.months
                               or doc[start].lower_ in self.person_titles
                               or doc[start].lower_ in self.generic and doc[start].lower_ in self.common
                               and not self._suffixed(doc, start, end) and not self._legally_named(doc, start, end)
                               or doc[start].lower_ in self.not_names
                               and start + 1 < end and doc[start + 1].text not in self.org_suffixes):
            start += 1
        # "Chipmaker Orbel will acquire": a describing noun opening the sentence
        if end - start >= 2 and doc[start].is_sent_start and doc[start].lower_ in self.opening_descriptors \
                and doc[start + 1].text not in self.org_suffixes and not self._glued(doc, start, end) \
                and not self._legally_named(doc, start, end):
            start += 1
        # "the Ridewell IPO", "an A-round": a word for a listing, a round or a measure
        # written after the name is no part of it.
        while end - start > 1 and doc[end - 1].lower_ in self.name_tails:
            end -= 1
        return start, self._trim_end(doc, start, end)

    def _legally_named(self, doc: Doc, start: int, end: int) -> bool:
        """"New Century Financial Corporation": a legal form closes a registered name,
        so the everyday words before it are the name's own."""
        return end - start >= 3 and doc[end - 1].text in self.legal_suffixes

    @staticmethod
    def _trim_end(doc: Doc, start: int, end: int) -> int:
        while end > start and (doc[end - 1].text in JOINERS_TIGHT or doc[end - 1].text == "&"):
            end -= 1
        return end

    @staticmethod
    def _glued(doc: Doc, i: int, end: int) -> bool:
        """"Deep-Grid": a word joined to the next by a hyphen is part of the name."""
        return i + 1 < end and not doc[i].whitespace_ and doc[i + 1].text in JOINERS_TIGHT

    def _unglue_known_names(self, doc: Doc) -> None:
        """"Lumen-Edge" is not the gazetteer's "Lumen": a known name joined by a
        hyphen to an unknown capitalised word is part of a longer name."""
        n = len(doc)

        def joined(a: int, b: int) -> bool:  # tokens a, "-", b written as one word
            return (0 <= a and b < n and doc[a + 1].text == "-" and not doc[a].whitespace_
                    and not doc[a + 1].whitespace_ and not doc[b].ent_type_ and self._namey(doc[b].text)
                    and not doc[b].lower_ in self.hyphen_modifiers)

        ents = list(doc.ents)
        kept = [e for e in ents if e.label_ != "ORG" or not (joined(e.end - 1, e.end + 1) or joined(e.start - 2, e.start))]
        if len(kept) != len(ents):
            doc.ents = kept

    def _dateline_end(self, sent: Span) -> int:
        """End of a wire dateline opening ``sent`` ("SAN JOSE, Calif., Nov 12 (Reuters) -",
        "PARIS —"), or the sentence start when there is none: a dateline names a place."""
        doc = sent.doc
        first = doc[sent.start]
        if not (first.is_alpha and first.is_upper and len(first.text) > 1):
            return sent.start
        for j in range(sent.start + 1, min(sent.end, sent.start + DATELINE_REACH)):
            tok = doc[j]
            if tok.text in DASHES:
                return j + 1
            fits = (tok.is_upper or tok.is_punct or tok.like_num or tok.lower_ in self.months
                    or tok.text.endswith(".") or tok.text[:1].isupper() and doc[j - 1].text == "(")
            if not fits:
                return sent.start
        return sent.start

    def _rejected(self, doc: Doc, start: int, end: int, titled: bool = False) -> bool:
        """Not a company's name; ``titled``: a title follows, so it is no person's either."""
        words = [t.lower_ for t in doc[start:end]]
        if not words:
            return True
        if all(w in self.generic or w in self.months or w in self.not_names for w in words):
            return True
        if any(w in self.months for w in words):
            return True
        # "Treasury Department", "Cornell University", "White House": public bodies and schools.
        if words[-1] in self.public_bodies or " ".join(words) in self.public_bodies or words[-1] in self.place_heads:
            return True
        if self.index_heads.ending_at(words, len(words)) or self._names_an_index(doc, end):
            return True
        # "Eastern Mediterranean", "South Asia": a compass word opens a region's name.
        if end - start == 2 and words[0] in self.compass_words and doc[end - 1].text not in self.org_suffixes:
            return True
        if end - start == 1 and (doc[start].like_num or len(doc[start].text) == 1
                                 or doc[start].text in self.org_suffixes):
            return True
        # "the Romanian assembly plant", "Republican members": a nation's or party's word
        # before a noun is an adjective; "from Georgian and Inovia" may be a firm.
        if end - start == 1 and words[0] in self.nationalities and end < len(doc) \
                and doc[end].is_lower and doc[end].is_alpha and not doc[end].is_stop:
            return True
        # "Shares closed at...", "Electricity prices...": a common word that is
        # capitalised only because it opens the sentence.
        if end - start == 1 and doc[start].is_sent_start and words[0] in self.common \
                and not self._raises_money(doc, end):
            return True
        # "George" + "Washington University": part of a longer name around a place.
        if end < len(doc) and doc[end].ent_type_ == "GPE" and doc[end - 1].whitespace_ and self._namey(doc[end].text):
            return True
        return not titled and self._is_person(doc, start, end)

    def _raises_money(self, doc: Doc, end: int) -> bool:
        """"Notion raised $50 million": a raise verb right after the word, an amount right
        after the verb. No common word does that, so it names a company."""
        k = end
        while k < len(doc) and doc[k].lower_ in ("has", "have", "just", "also", "recently"):
            k += 1
        if k >= len(doc) or doc[k].lower_ not in self.raise_words:
            return False
        return any(doc[j].ent_type_ == "MONEY" for j in range(k + 1, min(len(doc), k + 4)))

    def _named_person(self, doc: Doc, start: int, end: int) -> bool:
        """"Tim Cook", "Jill Lajdziak": two or three capitalised words opening with a
        first name, none of them a company word, are a person's name."""
        words = [t.text for t in doc[start:end]]
        if not (2 <= len(words) <= 3 and words[0] in self.given_names):
            return False
        # Startups are named like people too ("Sable Forge raised ...").
        k = end
        while k < len(doc) and doc[k].lower_ in self.verb_gap:
            k += 1
        lower = doc_view(doc).lower
        if k < len(doc) and lower[k] in self.company_acts:
            return False
        # "to acquire Sable Interconnect": after a deal cue, only a known family name says person.
        if words[-1] not in self.family_names and self._cue_before(doc, lower, start):
            return False
        return (all(w[:1].isupper() and w.replace("'", "").replace("-", "").isalpha() for w in words)
                and not any(w in self.org_suffixes or w.lower() in self.public_bodies for w in words[1:])
                and " ".join(words) not in self.known_names)

    def _is_person(self, doc: Doc, start: int, end: int) -> bool:
        if doc[end - 1].text in self.org_suffixes or self._employer(doc_view(doc).lower, start) \
                or doc[end - 1].lower_ in self.public_bodies:
            return False
        # "Freight.Zone": words joined by a dot are a brand or a domain, never a person's name.
        if any(doc[k].text == "." and not doc[k - 1].whitespace_ and not doc[k].whitespace_ for k in range(start + 1, end - 1)):
            return False
        if self._named_person(doc, start, end):
            return True
        before = [t.lower_ for t in doc[max(0, start - 3) : start]]
        # "existing investor Pebblerun": one word after a firm's role is the firm; "investor Jane Doe" is a person
        # "investor Jane Doe" and "CEO Dana Reyes" name a person; "analyst at IG Markets" her employer.
        if any(w in self.person_titles for w in before[-2:]) and before[-1:] not in (["at"], ["of"]) and not (
                end - start == 1 and self._role_before([t.lower_ for t in doc[:start]], start)):
            return True
        after = [t.lower_ for t in doc[end : end + 4] if not t.is_punct]
        if end - start >= 2 and after[:1] and after[0] in self.person_after:
            return True
        # "Dana Reyes, CEO of ...", but not "... in Skyloft, according to people familiar"
        if end < len(doc) and doc[end].text == "," and after[:2] and (
            after[0] in self.person_titles and after[0] != "according" or after[0] in ("its", "the", "a") and len(after) > 1 and after[1] in self.person_titles
        ):
            return True
        return False

    def _sentence_adverb(self, lower: list[str], start: int) -> bool:
        """"Meanwhile," "Separately," "Interestingly,": an adverb opening the sentence.
        Brands end in -ly too: "Voxly, a startup for call centers, raised" is a name."""
        word = lower[start]
        if word in self.generic:
            return True
        if not word.endswith("ly"):
            return False
        # "Interestingly": an adverb made from an English word
        base = word[:-2]
        if word in self.common or base in self.common or word.endswith("ally") and base[:-2] in self.common:
            return True
        # "Consequently, the company ...": "the" follows adverbs too often to tell
        return not (start + 2 < len(lower) and lower[start + 2] in DESCRIBED_BY)

    # -- evidence ------------------------------------------------------
    def _verb_after(self, doc: Doc, lower: list[str], end: int, names: dict[int, int] | None = None) -> bool:
        i = end
        if i < len(doc) and lower[i] in POSSESSIVE:
            return False
        # "Fernhill and Octavo Ventures also took part": the verb after a list names every member.
        while names and i + 1 < len(doc) and lower[i] in (",", "and", "&"):
            k = i + 1 if lower[i + 1] != "and" else i + 2
            crowd = self.crowds.starting_at(lower, k) if lower[k - 1] == "and" else 0
            if k not in names and not crowd:
                break
            i = names[k] if k in names else k + crowd
        # "X, which raised": a relative clause's verb is the name's own
        if i + 1 < len(doc) and lower[i] == "," and lower[i + 1] in ("which", "who") and self._verb_at(lower, i + 2):
            return True
        # skip an appositive: "X, a Berlin-based startup, raised"
        if i < len(doc) and lower[i] == ",":
            k = i + 1
            while k < min(len(doc), i + 15) and lower[k] not in (",", ".") and not doc[k].is_sent_start:
                k += 1
            if k < len(doc) and lower[k] == ",":
                i = k + 1
        # skip a parenthesis: "fluxgrid (lowercase, on purpose) is seeking"
        if i < len(doc) and lower[i] == "(":
            k = i + 1
            while k < min(len(doc), i + 12) and lower[k] != ")":
                k += 1
            if k < len(doc) and lower[k] == ")":
                i = k + 1
        return self._verb_at(lower, i)

    def _verb_at(self, lower: list[str], i: int) -> bool:
        """A deal verb at ``i``, past the words that may stand before it ("has quietly raised")."""
        return bool(self.deal_verbs.starting_at(lower, self._past_verb_gap(lower, i)))

    def _past_verb_gap(self, lower: list[str], i: int) -> int:
        """The first index from ``i`` past the words that may stand between a name and its verb."""
        steps = 0
        said = False
        while i < len(lower) and steps < VERB_GAP_REACH and (
                lower[i] in self.verb_gap or lower[i] == "that" and said):
            said = said or lower[i] in SAYING
            i += 1
            steps += 1
        return i

    def _reports_results(self, doc: Doc, lower: list[str], start: int, end: int) -> bool:
        """"Orbel reported fourth-quarter revenue of $4.2 billion": a name, not everyday
        words ("Analysts reported ..."), that reports a company's results."""
        if all(w in self.common or w in self.generic or w.endswith("s") and w[:-1] in self.common
               for w in lower[start:end]):
            return False
        i = self._past_verb_gap(lower, end)
        return i < len(lower) and lower[i] in self.report_verbs and any(
            lower[k] in self.result_nouns for k in range(i + 1, min(len(lower), i + 1 + RESULT_REACH)))

    def _cue_before(self, doc: Doc, lower: list[str], start: int) -> bool:
        # "a stake in Bremen-based Wattwerk AI": the cue stands before the place modifier.
        if start >= 3 and lower[start - 1] == "based" and lower[start - 2] == "-" and not doc[start - 3].whitespace_:
            k = start - 3
            while k > 0 and doc[k].ent_iob_ == "I":
                k -= 1
            if k < start - 3 or doc[k].ent_type_ == "GPE" or self._namey(doc[k].text):
                return self._cue_before(doc, lower, k)
        return bool(self.before_cues.ending_at(lower, start)) or (
            start >= 2 and lower[start - 1] in ("the", "a", "an") and bool(self.before_cues.ending_at(lower, start - 1))
        ) or self._round_in(doc, lower, start) or self._funded_from(doc, lower, start) or self._role_before(lower, start) \
            or self._paid_for(doc, lower, start) or self._employer(lower, start) or self._sold_to(lower, start) \
            or self._share_of(lower, start)

    def _share_of(self, lower: list[str], start: int) -> bool:
        """"to buy the remaining 60% of Quantiq", "took 10% of X": a share of a company
        that a deal verb moves."""
        if start < 3 or lower[start - 1] != "of" or lower[start - 2] not in ("%", "percent"):
            return False
        window = range(max(0, start - 2 - SALE_REACH), start - 2)
        return any(self.before_cues.starting_at(lower, k) or lower[k] in self.invest_words or lower[k] in self.sale_words
                   or lower[k] in HOLDING_VERBS for k in window)

    def _sold_to(self, lower: list[str], start: int) -> bool:
        """"Tessaly sold Quorline to Orbel": the buyer a sale names after "to"."""
        return start >= 2 and lower[start - 1] == "to" and any(
            lower[k] in self.sale_words for k in range(max(0, start - 1 - SALE_REACH), start - 1))

    def _employer(self, lower: list[str], start: int) -> bool:
        """"a senior market analyst at IG Markets", "chairman of Genentech": the
        place a person works is a company (schools and public bodies are turned
        away before any evidence is read)."""
        return start >= 2 and lower[start - 1] in ("at", "of") and lower[start - 2] in self.employer_titles

    def _funded_from(self, doc: Doc, lower: list[str], start: int) -> bool:
        """"a $4.5 million pre-seed round from X", "$80M in debt from X": who the money comes from."""
        if start < 2 or lower[start - 1] != "from":
            return False
        at = start - 1
        return (bool(self.round_nouns.ending_at(lower, at)) or bool(self.debt_nouns.ending_at(lower, at))
                or doc[at - 1].ent_type_ == "MONEY"
                or at >= 2 and lower[at - 2] == "series" and len(lower[at - 1]) == 1)

    def _role_before(self, lower: list[str], start: int) -> bool:
        """"existing investor X", "state-run lender X": a role word with a modifier names a firm.
        The modifier keeps out "investor Jane Doe", where the role is a person's."""
        return start >= 2 and lower[start - 1] in self.investor_roles and lower[start - 2] in self.role_modifiers

    def _names_an_index(self, doc: Doc, end: int) -> bool:
        """"Nasdaq Composite", "Dow Jones Industrial Average": a name before an index word."""
        return end < len(doc) and bool(self.index_heads.starting_at(doc_view(doc).lower, end))

    def _drop_index_names(self, doc: Doc) -> None:
        ents = list(doc.ents)
        kept = [e for e in ents if not (e.label_ == "ORG" and self._names_an_index(doc, e.end))]
        if len(kept) != len(ents):
            doc.ents = kept

    @staticmethod
    def _drop_wire_credits(doc: Doc) -> None:
        """"LONDON, Oct 3 (Reuters) -": the agency credited at a story's opening wrote
        the story; it is no company the story is about."""
        ents = list(doc.ents)
        kept = [e for e in ents if not (e.label_ == "ORG" and CompanyFinder._wire_credit(doc, e.start, e.end))]
        if len(kept) != len(ents):
            doc.ents = kept

    @staticmethod
    def _wire_credit(doc: Doc, start: int, end: int) -> bool:
        return (start > 0 and end + 1 < len(doc) and doc[start - 1].text == "(" and doc[end].text == ")"
                and doc[end + 1].text in DASHES and start - doc[start].sent.start <= DATELINE_REACH)

    def _names_around_places(self, doc: Doc) -> None:
        """"Chile Development Bank", "State Bank of Poland": a place that opens or
        closes an institution's name is part of it, not a place of its own."""
        ents = list(doc.ents)
        n = len(doc)
        changed = False
        for k, ent in enumerate(ents):
            if ent.label_ != "GPE":
                continue
            # place first: "Chile Development Bank" (capitalised words up to an institution word)
            j = ent.end
            while j < n and j < ent.end + 3 and not doc[j].ent_type_ and self._namey(doc[j].text) \
                    and doc[j].text not in self.institution_suffixes:
                j += 1
            # "Harlow Compute": a place and one company word, the name ending there. Not "the
            # UK AI sector": a determiner and the word AI mark a place used as a modifier.
            e = ent.end
            if e < n and doc[e].text in self.org_suffixes and doc[e].text not in self.legal_suffixes \
                    and doc[e].text != "AI" and not (ent.start > 0 and doc[ent.start - 1].lower_ in ("the", "a", "an")) \
                    and not doc[e].ent_type_ and doc[e - 1].whitespace_ and not (e + 1 < n and self._namey(doc[e + 1].text)):
                ents[k] = Span(doc, ent.start, e + 1, label="ORG", span_id=doc[ent.start:e + 1].text)
                changed = True
                continue
            if j < n and j > ent.end and doc[j].text in self.institution_suffixes and not doc[j].ent_type_ \
                    and doc[j - 1].whitespace_:
                ents[k] = Span(doc, ent.start, j + 1, label="ORG", span_id=doc[ent.start:j + 1].text)
                changed = True
                continue
            # a company and the place it serves: "Tesco Polska", "Sony Taiwan", its national arm
            b = ent.start - 1
            org = ents[k - 1] if k > 0 else None
            if org is not None and org.label_ == "ORG" and org.end == ent.start and doc[b].whitespace_ \
                    and not doc[ent.start].is_sent_start and not (ent.end < n and self._namey(doc[ent.end].text)) \
                    and not (org.start > 0 and doc[org.start - 1].lower_ in POSSESSIVE):
                ents[k - 1] = Span(doc, org.start, ent.end, label="ORG", span_id=doc[org.start:ent.end].text)
                ents[k] = None
                changed = True
                continue
            # an opener and the place: "Air Canada"
            b = ent.start - 1
            if b >= 0 and doc[b].text in self.place_openers and not doc[b].ent_type_ and doc[b].whitespace_:
                ents[k] = Span(doc, b, ent.end, label="ORG", span_id=doc[b:ent.end].text)
                changed = True
                continue
            # place last: "State Bank of Poland"
            s = ent.start - 1
            if s >= 2 and doc[s].lower_ == "of" and doc[s - 1].text in self.institution_suffixes and not doc[s - 1].ent_type_:
                b = s - 1
                while b > 0 and not doc[b - 1].ent_type_ and self._namey(doc[b - 1].text) and not doc[b - 1].is_sent_start \
                        and doc[b - 1].lower_ not in self.months:
                    b -= 1
                ents[k] = Span(doc, b, ent.end, label="ORG", span_id=doc[b:ent.end].text)
                changed = True
        if changed:
            # Two places may claim the words between them ("Chile Development Bank of Poland"):
            # the longer name wins.
            doc.ents = filter_spans([e for e in ents if e is not None])

    def _round_in(self, doc: Doc, lower: list[str], start: int) -> bool:
        """"led a S$200 million Series C in NeuroLoft", "invested $20 million in Fernbrook",
        "a $26 million investment in Skyloft", "poured $26 million into Skyloft": the
        company the money goes into."""
        if start < 3 or lower[start - 1] not in ("in", "into"):
            return False
        if lower[start - 3] == "series" and len(lower[start - 2]) <= 2:
            return True
        if doc[start - 2].ent_type_ == "MONEY":
            # only after a verb of investing: "$48 million in Hollywood tax incentives" is no investment
            return self._amount_after(doc, lower, start - 2, self.invest_words)
        return bool(self.round_nouns.ending_at(lower, start - 1)) or bool(self.stake_nouns.ending_at(lower, start - 1))

    @staticmethod
    def _amount_after(doc: Doc, lower: list[str], money_end: int, verbs: frozenset[str]) -> bool:
        """The amount whose last token is ``money_end`` follows one of ``verbs`` closely."""
        k = money_end
        while k > 0 and doc[k].ent_iob_ == "I":
            k -= 1
        return any(lower[j] in verbs for j in range(max(0, k - 3), k))

    def _paid_for(self, doc: Doc, lower: list[str], start: int) -> bool:
        """"will pay $8 billion for Quantiq": what a price is paid for."""
        return (start >= 3 and lower[start - 1] == "for" and doc[start - 2].ent_type_ == "MONEY"
                and self._amount_after(doc, lower, start - 2, self.pay_words))

    def _appositive(self, doc: Doc, lower: list[str], start: int, end: int) -> bool:
        if end < len(doc) and lower[end] == ",":
            k = end + 1
            limit = min(len(doc), end + 12)
            while k < limit and lower[k] not in (",", ".", ";") and not doc[k].is_sent_start:
                if self.company_nouns.starting_at(lower, k):
                    return True
                k += 1
        # "chip startup X", "the Paris-based lab X"
        return bool(self.company_nouns.ending_at(lower, start))

    def _item_head(self, doc: Doc, lower: list[str], start: int, end: int) -> bool:
        """A newsletter item: "Tessel8 (photonic interconnect) — $40M Series B led by ...",
        also behind a bullet: "- Quorvane: $8M seed from ..."."""
        # ("• DOHA — QIA agreed ...": a dateline in capitals behind a bullet is no item's name)
        bulleted = start > 0 and doc[start - 1].is_sent_start and doc[start - 1].text in BULLETS \
            and not doc[start:end].text.isupper()
        if not (doc[start].is_sent_start or bulleted):
            return False
        i = end
        if i < len(doc) and lower[i] == "(":
            while i < min(len(doc), end + 15) and lower[i] != ")":
                i += 1
            i += 1
        if i >= len(doc) or doc[i].text not in ITEM_DASHES:
            return False
        window = range(i + 1, min(len(doc), i + 1 + ITEM_REACH))
        return any(doc[k].ent_type_ == "MONEY" for k in window) or any(
            self.deal_verbs.starting_at(lower, k) for k in window)

    @staticmethod
    def _quoted(doc: Doc, start: int, end: int) -> bool:
        """"‘Kelpie’ chip": the closing quote after a quoted name is no possessive."""
        return start > 0 and doc[start - 1].text in ("‘", "'") and end < len(doc) and doc[end].text in ("’", "'")

    def _possessive_deal(self, doc: Doc, lower: list[str], end: int, start: int | None = None) -> bool:
        if start is not None and self._quoted(doc, start, end):
            return False
        if end < len(doc) and lower[end] in POSSESSIVE:
            window = doc[end + 1 : end + POSSESSION_REACH]
            return any(t.ent_type_ == "MONEY" or t.lower_ in ("series", "seed", "acquisition", "purchase", "ipo",
                                                              "round", "funding", "raise", "stake", "chip", "chips",
                                                              "accelerator", "processor", "gpu", "investment",
                                                              # "Strandline's shares jumped": only a company has these
                                                              "shares", "stock", "valuation", "backers", "investors")
                       for t in window)
        return False

    def _suffixed(self, doc: Doc, start: int, end: int) -> bool:
        if end - start < 2:
            return False
        if doc[end - 1].text not in self.org_suffixes:
            return False
        head = [t.lower_ for t in doc[start : end - 1]]
        if all(w in self.generic or w in self.not_names for w in head):
            return False
        # Two suffixes in a row ("Primary Venture Partners", "Summit Capital
        # Management") mark a firm even when the words before are common.
        if end - start >= 3 and doc[end - 2].text in self.org_suffixes and doc[end - 2].text not in self.legal_suffixes:
            return True
        # "Consumer AI", "Harbor Peak Capital": common words before a suffix need
        # other evidence (a cue, a deal verb) to be a company.
        return not all(w in self.common or w in self.generic for w in head)

    def _investment_arms(self, doc: Doc, lower: list[str]) -> None:
        """"Swisscom Ventures", "Mizuho Capital": a known company plus an
        investment-arm word is the arm, a company of its own."""
        in_ent = entity_mask(doc)
        arms = []
        for ent in doc.ents:
            if ent.label_ != "ORG" or ent.end >= len(doc) or in_ent[ent.end]:
                continue
            n = self.arm_suffixes.starting_at(lower, ent.end)
            if n and doc[ent.end].text[:1].isupper():
                arms.append(Span(doc, ent.start, ent.end + n, label="ORG"))
        add_entities(doc, [self._span(doc, s.start, s.end) for s in arms], replace=True)

    # -- main ----------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        pending = self._decide(doc)
        if pending.undecided:
            recognise_docs(self.nlp, [(doc, pending.undecided)])
        return self._complete(doc, pending)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """As ``__call__`` on each doc, with the recogniser run once per batch
        on the undecided names of all its documents."""
        for batch in minibatch(docs, size=batch_size):
            pendings = [self._decide(doc) for doc in batch]
            recognise_docs(self.nlp, [(doc, p.undecided) for doc, p in zip(batch, pendings) if p.undecided])
            for doc, pending in zip(batch, pendings):
                yield self._complete(doc, pending)

    def _decide(self, doc: Doc) -> "_Pending":
        """The names the rules found, and those left for the recogniser."""
        view = doc_view(doc)
        lower = view.lower
        self._unglue_known_names(doc)
        self._drop_index_names(doc)
        self._drop_wire_credits(doc)
        self._names_around_places(doc)
        self._investment_arms(doc, lower)
        in_ent = entity_mask(doc)
        title_case = view.headline_starts
        in_dateline = [False] * len(doc)
        # "BOSTON, Nov 14 - loomwave, whose ...": the word after a dateline opens the sentence.
        clause_starts = set()
        for sent in doc.sents:
            end = self._dateline_end(sent)
            for k in range(sent.start, end):
                in_dateline[k] = True
            if end > sent.start:
                clause_starts.add(end)
        candidates = []
        people = []
        titled: set[int] = set()  # where a company written before a title ends
        for start, end in self._split_at_titles(doc, self._chunks(view, in_ent, frozenset(clause_starts)), people, titled):
            while start < end and in_dateline[start]:
                start += 1
            opened = start
            start, end = self._trim(doc, start, end)
            if start >= end:
                continue
            # "Korean Air" trimmed to "Air": one everyday word left of a longer run is a
            # fragment of a name, not a name.
            if end - start == 1 and start > opened and lower[start] in self.common \
                    and not doc[opened:start][-1].is_stop:
                continue
            if self._rejected(doc, start, end, titled=end in titled):
                if end - start >= 2 and end not in titled and self._is_person(doc, start, end):
                    people.append(Span(doc, start, end, label="PERSON"))
                continue
            # "the Red Mesa AI campus", "Leipzig AI campus developer": a site's name
            if self.facility_nouns.starting_at(lower, end):
                continue
            # "to buy Vireo-3 servers": a product before the kind of product it is
            if end < len(doc) and doc[end].text[:1].islower() and self.product_heads.starting_at(lower, end):
                continue
            # In a Title Case headline capitals say nothing; names there are
            # only taken from the gazetteer and from the body (propagation).
            if view.sent_start[start] in title_case:
                continue
            # "Meanwhile, ..." / "Simultaneously, ...": an opener, not a name.
            if end - start == 1 and doc[start].is_sent_start and end < len(doc) and lower[end] == "," \
                    and doc[start].text not in self.org_suffixes and not self._suffixed(doc, start, end):
                if self._sentence_adverb(lower, start):
                    continue
            candidates.append((start, end))

        found: dict[tuple[int, int], None] = {}
        undecided: list[tuple[int, int]] = []
        names = {s: e for s, e in candidates}
        names.update({e.start: e.end for e in doc.ents if e.label_ == "ORG"})
        for start, end in candidates:
            if end in titled or (self._suffixed(doc, start, end) or self._verb_after(doc, lower, end, names)
                    or self._appositive(doc, lower, start, end) or self._possessive_deal(doc, lower, end, start)
                    or self._item_head(doc, lower, start, end) or self._reports_results(doc, lower, start, end)
                    # "the Ridewell IPO": a listing written right after the name is the company's
                    or self.listing_nouns.starting_at(lower, end)):
                found[(start, end)] = None
            elif self._cue_before(doc, lower, start):
                found[(start, end)] = None
            else:
                undecided.append((start, end))
        # Only where no rule decided, and the recogniser's word could count, does the
        # trained NER run: structure where it is needed.
        undecided = [(start, end) for start, end in undecided if self._taggable(doc, start, end)]
        return _Pending(candidates, found, undecided, people)

    def _complete(self, doc: Doc, pending: "_Pending") -> Doc:
        """The recogniser's companies (its spans are in the doc by now), lists, people,
        and the entities written to the doc."""
        lower = doc_view(doc).lower
        candidates, found, people = pending.candidates, pending.found, pending.people
        if pending.undecided:
            tagged = recognise(self.nlp, doc, pending.undecided)
            for start, end in pending.undecided:
                if self._tagged_company(tagged, doc, start, end):
                    found[(start, end)] = None
        # Lists after a cue or a known ORG: "led by A, with B, C and D".
        starts = {s: e for s, e in candidates}
        anchors = [(s, e) for s, e in found] + [(e.start, e.end) for e in doc.ents if e.label_ == "ORG"]
        queue = sorted(anchors)
        seen = set(queue)
        while queue:
            s, e = queue.pop(0)
            k = e
            if k < len(doc) and lower[k] in POSSESSIVE:
                continue
            gap = 0
            while k < len(doc) and lower[k] in LIST_SEPARATORS and gap < 3 and not doc[k].is_sent_start:
                k += 1
                gap += 1
            if gap == 0 or k not in starts:
                continue
            if not any(lower[x] in (",", "and", "&") for x in range(e, k)):
                continue
            nxt = (k, starts[k])
            if nxt in seen:
                continue
            seen.add(nxt)
            # only grow lists that a cue or an ORG on the left anchors
            if (s, e) in found or any(doc[x].ent_type_ == "ORG" for x in range(s, e)):
                found[nxt] = None
                queue.append(nxt)
        self._grow_lists_leftwards(doc, candidates, found)

        people += [Span(doc, e.start, e.end, label="PERSON") for e in doc.ents if e.label_ == "PERSON"]
        surnames = {p[-1].text for p in people if len(p) >= 2}
        for s, e in list(found):
            # "Jobs announced": a person's surname on a second mention is the person.
            if e - s == 1 and doc[s].text in surnames:
                del found[(s, e)]
                people.append(Span(doc, s, e, label="PERSON"))
        # "Cook said": every later bare surname of a named person is that person.
        in_ent = entity_mask(doc)
        taken = {(s, e) for s, e in found}
        people += [Span(doc, i, i + 1, label="PERSON") for i, t in (enumerate(doc) if surnames else ())
                   if t.text in surnames and not in_ent[i] and t.text[:1].isupper()
                   and not any(s <= i < e for s, e in taken)]
        merged = self._join_adjacent_names(doc, list(found))
        spans = [self._span(doc, s, e) for s, e in merged]
        add_entities(doc, [sp for sp in spans if any(doc[k].ent_type_ for k in range(sp.start, sp.end))], replace=True)
        add_entities(doc, spans + people, replace=False)
        self._propagate(doc)
        return doc

    def _split_at_titles(self, doc: Doc, chunks: list[tuple[int, int]], people: list[Span],
                         titled: set[int]) -> list[tuple[int, int]]:
        """"Quorline CEO Dana Reyes": a company, a title and a person written as one
        capitalised run are two names. The words before the title are a company (where
        it ends goes to ``titled``); the two or three after it a person (to ``people``)."""
        out = []
        for start, end in chunks:
            cut = next((k for k in range(start + 1, end) if doc[k].lower_ in self.inline_titles), None)
            head = [t.lower_ for t in doc[start:cut]] if cut is not None else []
            if cut is None:
                out.append(self._split_before_person(doc, start, end, people))
                continue
            # "Former Chairman Ann Lee", "Finance Minister Alexei Kudrin": one everyday word
            # before the title is no company, and the title no part of the person's name
            if all(w in self.generic for w in head) or len(head) == 1 and head[0] in self.common:
                first = cut + 1
                while first < end and doc[first].lower_ in self.title_words:
                    first += 1
                out.append((first, end) if 2 <= end - first <= 3 else (start, end))
                continue
            while cut > start + 1 and doc[cut - 1].lower_ in self.title_words:  # "Orbel Executive Vice Chairman"
                cut -= 1
            if cut == end - 1:  # "Harbor Peak Founder and Managing Partner Ann Lee"
                titled.add(cut)
                out.append((start, cut))
                continue
            first = cut + 1  # "Chief Executive Officer Mara Voss": past the whole title
            while first < end and doc[first].lower_ in self.title_words:
                first += 1
            if 2 <= end - first <= 3 and all(t.text[:1].isupper() and t.is_alpha for t in doc[first:end]):
                people.append(Span(doc, first, end, label="PERSON"))
                titled.add(cut)
                out.append((start, cut))
            else:
                out.append((start, end))
        return out

    def _grow_lists_leftwards(self, doc: Doc, candidates: list[tuple[int, int]],
                              found: dict[tuple[int, int], None]) -> None:
        """"automakers Ford, Chrysler and General Motors": the names listed before a
        company that closes the list with "and" are companies too. The link next to
        that company must hold "and" or "&", so an opener ("Yesterday, Nvidia said")
        never joins; links further left may be commas."""
        lower = doc_view(doc).lower
        ends = {e: s for s, e in candidates}
        anchors = [(s, e) for s, e in found] + [(e.start, e.end) for e in doc.ents if e.label_ == "ORG"]
        for s, _ in anchors:
            first_link = True
            while True:
                k, gap = s, 0
                while k > 0 and lower[k - 1] in LIST_SEPARATORS and gap < 3 and not doc[k].is_sent_start:
                    k -= 1
                    gap += 1
                link = lower[k:s]
                if gap == 0 or k not in ends or not doc[ends[k]].text[:1].isupper() \
                        or (first_link and not {"and", "&"} & set(link)) or not first_link and link != [","]:
                    break
                prev = (ends[k], k)
                found[prev] = None
                s, first_link = prev[0], False

    def _split_before_person(self, doc: Doc, start: int, end: int, people: list[Span]) -> tuple[int, int]:
        """"an analyst at Fort Pitt Capital Group Charlie Smith said": a company's name
        closed by a company word, then a first name and one or two more capitalised
        words, is the company and its person run together. The company part is returned,
        the person goes to ``people``; other runs come back whole.

        A company part of one word is left whole: "Bank Julius Baer" is one name."""
        for k in range(start + 2, end - 1):
            if doc[k - 1].text in self.org_suffixes and doc[k].text in self.given_names \
                    and 2 <= end - k <= 3 and doc[end - 1].text not in self.closing_words \
                    and all(t.is_alpha and t.text[:1].isupper() and not t.is_upper for t in doc[k:end]):
                people.append(Span(doc, k, end, label="PERSON"))
                return start, k
        return start, end

    @staticmethod
    def _tagged(tagged: dict[tuple[int, int], str], doc: Doc, start: int, end: int) -> str | None:
        """The trained NER's label for exactly this name (or "the" and this name), if any."""
        label = tagged.get((start, end))
        if label is None and start > 0 and doc[start - 1].lower_ == "the":
            label = tagged.get((start - 1, end))
        return label

    @staticmethod
    def _taggable(doc: Doc, start: int, end: int) -> bool:
        """Whether the recogniser's ORG could make this name a company.

        The recogniser's ORGs also hold the forms news uses for products, bodies and
        abbreviations, so its word alone is not taken for those shapes: one word in
        capitals ("OPEC", "EBIT") or with a capital inside ("FaceTime"), and a name
        after a possessive that is no place's ("Apple's Spotlight", not "France's Thales").
        The recogniser never runs on them: a third of its work, for no answer.

        >>> import spacy
        >>> doc = spacy.blank("en")("Ask FaceTime and Quill Labs")
        >>> [CompanyFinder._taggable(doc, s, e) for s, e in [(1, 2), (3, 5)]]
        [False, True]
        """
        if end - start == 1:
            word = doc[start].text
            if word.isupper() or any(c.isupper() for c in word[1:]):
                return False
        return not (start > 1 and doc[start - 1].lower_ in POSSESSIVE and doc[start - 2].ent_type_ != "GPE")

    def _tagged_company(self, tagged: dict[tuple[int, int], str], doc: Doc, start: int, end: int) -> bool:
        """The trained NER calls this :meth:`_taggable` name an ORG, and does not call
        the same words a person or a place anywhere else in the document."""
        if self._tagged(tagged, doc, start, end) != "ORG" or not self._taggable(doc, start, end):
            return False
        words = doc[start:end].text
        return not any(label != "ORG" and doc[s:e].text == words for (s, e), label in tagged.items())

    def _join_adjacent_names(self, doc: Doc, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """"Air" + the place "Canada", "Singapore" + "Airlines", "Apple" + "Computer":
        a name found next to an ORG or place it is written together with is one
        longer company name."""
        out = []
        for s, e in found:
            # "Harlow & Finch Ventures": across an ampersand too
            if s > 1 and doc[s - 1].text == "&" and doc[s - 2].ent_type_ in ("ORG", "GPE") and doc[s - 2].whitespace_:
                s -= 1
            if s > 0 and doc[s - 1].ent_type_ in ("ORG", "GPE") and doc[s - 1].whitespace_ and not doc[s].is_sent_start:
                k = s - 1
                while k > 0 and doc[k].ent_iob_ == "I":
                    k -= 1
                s = k
            if e < len(doc) and doc[e].ent_type_ in ("ORG", "GPE") and doc[e - 1].whitespace_ \
                    and doc[e].ent_iob_ == "B" and not doc[e].is_sent_start:
                k = e + 1
                while k < len(doc) and doc[k].ent_iob_ == "I":
                    k += 1
                e = k
            out.append((s, e))
        return out

    def _distinctive(self, word: str) -> bool:
        """A capitalised word that is no everyday English word, so it can stand for a name."""
        low = word.lower()
        return (len(word) > 2 and (word[:1].isupper() or word[:1].isdigit()) and low not in self.common and low not in self.generic
                and low not in self.months and low not in self.not_names and word not in self.org_suffixes)

    def _canonical(self, doc: Doc, start: int, end: int) -> str:
        while end - start > 1 and doc[end - 1].text in self.legal_suffixes:
            end -= 1
            if end - start > 1 and doc[end - 1].text == ",":
                end -= 1
        return doc[start:end].text

    def _span(self, doc: Doc, start: int, end: int, canonical: str | None = None) -> Span:
        return Span(doc, start, end, label="ORG", span_id=canonical or self._canonical(doc, start, end))

    @staticmethod
    def _resolve_short_forms(doc: Doc, names: dict[tuple[str, ...], str]) -> None:
        """A bare "Thessaly" found on its own refers to the document's "Thessaly Semiconductor"."""
        ents = list(doc.ents)
        changed = False
        for n, ent in enumerate(ents):
            if ent.label_ != "ORG":
                continue
            full = names.get(tuple(t.text for t in ent))
            if full and full != (ent.ent_id_ or ent.text) and len(full) > len(ent.text):
                ents[n] = Span(doc, ent.start, ent.end, label="ORG", span_id=full)
                changed = True
        if changed:
            doc.ents = ents

    def _later_forms(self, ent: Span) -> list[tuple[str, ...]]:
        """The shorter forms a document may use for a company it names in full:
        its initials ("General Motors Corporation" ... "GM") and its name without
        the company words closing it ("Ford Motor Company" ... "Ford"). A form that
        is a curated name of its own, a place, an everyday abbreviation or a word
        that cannot stand for a name is left out."""
        text = ent.text
        if len(ent) < 2 or text in self.curated_names:
            return []
        forms = []
        for initials in names_parsing.acronyms(text, self.closing_words):
            # "AI", "SA", "CEO", "IT" are words of their own, not one company's initials
            if initials.lower() not in self.not_names and initials not in self.org_suffixes \
                    and initials not in self.known_names and initials.lower() not in STOP_WORDS:
                forms.append((initials,))
        short = names_parsing.leading_words(text, self.closing_words)
        if short and short not in self.curated_names and short not in self.place_names:
            words = short.split()
            if not all(w.lower() in self.generic or w.lower() in self.months or w.lower() in self.not_names
                       for w in words) and len(short) > 2:
                tokens = tuple(t.text for t in ent)
                cut = next((k for k in range(1, len(tokens)) if " ".join(tokens[:k]) == short), None)
                if cut:
                    forms.append(tokens[:cut])
        return forms

    def _propagate(self, doc: Doc) -> None:
        """Label every other mention of a name the document already calls an ORG."""
        names: dict[tuple[str, ...], str] = {}
        # Longer names first, so "Thessaly Semiconductor" claims "Thessaly".
        for ent in sorted(doc.ents, key=lambda e: -(e.end - e.start)):
            if ent.label_ != "ORG":
                continue
            canonical = ent.ent_id_ or ent.text
            tokens = tuple(t.text for t in ent)
            names.setdefault(tokens, canonical)
            # "Halden AI" introduces "Halden"; "Sequoia Capital" introduces "Sequoia".
            if len(tokens) >= 2 and tokens[-1] in self.org_suffixes and tokens[-1] not in self.legal_suffixes:
                short = tokens[:-1]
                if not all(w.lower() in self.generic for w in short) and " ".join(short) not in self.curated_names:
                    names.setdefault(short, canonical)
            # A name the gazetteer does not know is later cut to its first word:
            # "Sable Logic Inc." ... "Sable's chip".
            words = next((k + 1 for k, t in enumerate(ent) if t.whitespace_), len(tokens))
            first = tokens[:words]
            if len(tokens) > words and " ".join(tokens) not in self.curated_names and "".join(first) not in self.curated_names \
                    and self._distinctive("".join(first)):
                names.setdefault(first, canonical)
            for short in self._later_forms(ent):
                names.setdefault(short, canonical)
        if not names:
            return
        self._resolve_short_forms(doc, names)
        in_ent = entity_mask(doc)
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for tokens in sorted(names, key=len, reverse=True):
            by_first.setdefault(tokens[0], []).append(tokens)
        spans = []
        i = 0
        while i < len(doc):
            matched = 0
            if not in_ent[i]:
                for tokens in by_first.get(doc[i].text, ()):
                    j = i + len(tokens)
                    if j <= len(doc) and not any(in_ent[i:j]) and tuple(t.text for t in doc[i:j]) == tokens \
                            and not self._wire_credit(doc, i, j):
                        nxt = doc[j] if j < len(doc) else None
                        if nxt is not None and self._namey(nxt.text) and not in_ent[j] and nxt.text not in self.org_suffixes:
                            continue  # part of a longer name
                        spans.append(self._span(doc, i, j, names[tokens]))
                        matched = len(tokens)
                        break
            i += matched or 1
        add_entities(doc, spans, replace=False)
