"""``infra_deals``: funding rounds, debt, acquisitions, investments and IPOs.

A sentence with a deal trigger (a verb or noun from patterns/cues.json) and an
amount that is not a valuation, revenue, spending plan or other non-deal figure
yields a deal. The company is the ORG the sentence is about; investors are the
ORGs the cues place on the investor side ("led by", "participation from",
"X led the round"). The next sentences may add investors, a valuation or the
round when they refer back ("The round was led by ...").
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.base import KnowledgeComponent, doc_text, doc_view, drop_doc_view, entities_by_sentence
from pipeline.components.phrases import Phrases
from pipeline.parsing.rounds import SHORT_ROUND, find_round

POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
LISTING_WORDS = frozenset({"debut", "debuts", "listing", "listings", "flotation"})
# Sentences after a deal that may still describe it, and further ones that may
# still name its backers ("Existing investors X and Y also participated.").
FOLLOW_SENTENCES = 2
FOLLOW_BACKERS = 4
FOLLOW_REFERENCES = re.compile(
    r"(?<![\w])(?:the|this|that|its)\s+(?:round|deal|financing|funding|raise|investment|facility|loan|transaction|"
    r"acquisition|purchase|offering|ipo|series)|(?<![\w])(?:led|co-led|participated|joined|valu\w+)", re.I
)
# A sentence opening with these describes the deal of the sentence before.
BACK_REFERENCE = re.compile(
    r"(?:the|this|that)\s+(?:round|deal|financing|funding|raise|facility|loan|transaction|offering|investment)\b", re.I
)
ABOUT_HEADING = re.compile(r"^About\s+(?!the\b|this\b|that\b)[A-Z0-9][^.!?\n]{0,60}$")
INTO_BLOCKERS = frozenset({",", ";", "for", "of", "at", "from", "with", "by", "on", "as", "and"})
DESCRIPTION_REACH = 4  # words describing an investor between its owner and its name: "Quorra's growth fund, X"
SALE_REACH = 5  # tokens from "sell" to the stake it sells ("sell a 10% minority stake")
INTO_REACH = 9  # tokens between "in"/"into" and the company invested in ("in Seoul-based chip-design startup X")
TYPE_PRIORITY = ("acquisition", "ipo", "debt", "equity_round", "investment")
# No deal is this small; smaller amounts are prices, fees or per-unit figures.
MIN_DEAL_AMOUNT = 1000
# Words that may stand between "at" and the amount it values: "at about $2bn".
AMOUNT_LEAD_INS = frozenset("a an the of at its about around roughly nearly some over more than up to almost above "
                            "under below just approximately an estimated".split())
VALUATION_REACH = 12  # tokens from a valu* word to "at <amount>"
TOTAL_REACH = 6
# How far after an acquisition verb its object may stand ("to acquire chip
# designer X"), and the words that show an ORG is not the object.
OBJECT_REACH = 6
OBJECT_BLOCKERS = frozenset("from with by through via for to on at".split())
# A specific trigger (debt, IPO, acquisition) this many tokens further than a generic
# raise verb still types the deal.
TRIGGER_SLACK = 10
# Words that may follow a company's name without making it a product's modifier.
CLAUSE_WORDS = frozenset("and or in on at to from with as for by after before last this next which that who earlier "
                         "later said says the a an its their is was will would has had have agreed plans".split())
# An amount dated "in <year>" within this many tokens after it, in a clause opened by one
# of these words, is an earlier deal told as background.
HISTORY_REACH = 10
# ("previously raised a $4.5 million seed round in 2023" is the company's own round, told as such.)
HISTORY_MARKERS = frozenset("which that who whose including included last previous former".split())
YEAR = re.compile(r"(?:19|20)\d\d")
COPULAS = frozenset("was were is are totaled totalled reached came stood hit".split())
PAYMENT_WORDS = frozenset("cash stock and shares equity an a all all-stock -".split())
# A venture firm's partner invests for it: "Lowfield partner Kwame Asante led the round".
PARTNER_TITLES = frozenset("partner partners managing general founding principal venture investing investor".split())
# The subject of a raise that makes it a fund's own raise, not a company's round.
FUND_HEADS = frozenset({"fund", "funds", "vehicle"})
AUXILIARIES = frozenset("is are was were has have had also reportedly now still".split())
COMPLEMENTIZERS = frozenset({"that", "said", "says", "announced", "announces"})
RELATIVE_PRONOUNS = frozenset({"which", "that", "who", "whose", "whom"})
# How many describing words may stand between an amount and a noun that makes it a
# size ("the $300 billion global contact center market"), and the words that end the
# description instead: after them the noun belongs to another phrase ("$5m from the fund").
HEAD_REACH = 6
HEAD_BLOCKERS = frozenset("from in into to for by with and or of at on that which who the a an its their his her as "
                          "than over under after before".split())


@Language.factory("infra_deals", default_config={})
def make_deal_finder(nlp: Language, name: str) -> "DealFinder":
    return DealFinder(nlp, name)


class DealFinder(KnowledgeComponent):
    def setup(self) -> None:
        self._sentence_ents: dict[int, list[Span]] = {}
        c = self.knowledge.cues
        P = lambda *names: Phrases(self.nlp, [w for n in names for w in c.get(n, ())])  # noqa: E731
        self.triggers = {
            "acquisition": P("acquisition_verbs", "acquisition_nouns"),
            "ipo": P("ipo_nouns", "ipo_events"),
            "debt": P("debt_nouns"),
            "equity_round": P("equity_verbs", "equity_nouns"),
            "investment": P("investment_verbs", "investment_nouns"),
        }
        self.list_words = frozenset([*c.get("investor_list_words", ()), *(w for w in c.get("company_nouns", ()) if " " not in w)])
        self.crowds = P("investor_crowds")
        self.lead_cues = P("lead_cues")
        self.investor_cues = P("investor_cues")
        self.weak_investor_cues = P("weak_investor_cues")
        self.lead_after = P("lead_after")
        self.participate_after = P("participate_after")
        self.valuation_before = P("valuation_before")
        self.valuation_after = P("valuation_after")
        self.not_before = P("not_deal_before")
        self.not_after = P("not_deal_after")
        self.talks = P("talks_cues")
        self.seeking = P("seeking_cues")
        self.announced = P("announced_cues")
        self.acq_verbs = P("acquisition_verbs")
        self.acq_nouns = P("acquisition_nouns")
        self.totals_before = P("totals_before")
        self.totals_after = P("totals_after")
        self.raise_verbs = P("raise_verbs")
        self.stake_sale_verbs = frozenset(c.get("stake_sale_verbs", ()))
        self.stake_nouns = P("investment_nouns")
        self.breakdown = P("breakdown_cues")
        self.reported_speech = frozenset(c.get("reported_speech", ()))
        self.partner_cues = P("partner_cues")
        self.valuation_words = frozenset(c.get("valuation_words", ()))
        self.deal_value_nouns = frozenset(c.get("deal_value_nouns", ()))
        self.past_valuation = P("past_valuation_cues")
        self.describing = frozenset(c.get("hyphen_modifiers", ()))
        self.total_openers = P("total_openers")
        self.not_deal_heads = frozenset(c.get("not_deal_heads", ()))
        self.sale_verbs = P("sale_verbs")
        self.pay_verbs = P("pay_verbs")
        # A person named where investors are is an angel investor ("angel investor Elad Gil"),
        # unless a job title or a speech verb shows the person speaks for a party.
        self.investor_titles = frozenset(c.get("investor_roles", ())) | {"angel", "angels", "billionaire", "investor"}
        self.job_titles = frozenset(c.get("person_titles", ())) - self.investor_titles - PARTNER_TITLES
        self.person_after = frozenset(c.get("person_after", ()))
        self.common_words = frozenset(c.get("common_words", ()))
        self.ipo_events = P("ipo_events")

    # -- money roles ---------------------------------------------------
    def _money_role(self, doc: Doc, lower: list[str], ent: Span) -> str:
        """"amount" (a deal size), "valuation", or "other" (revenue, totals, prices...)."""
        s, e = ent.start, ent.end
        k = s
        while k > ent.sent.start and lower[k - 1] in AMOUNT_LEAD_INS and s - k < 5:
            k -= 1
        for j in range(k, s + 1):
            n = self.valuation_before.ending_at(lower, j)
            if n:
                # "an all-stock deal valued at $4.1bn" is the price of the deal, not a valuation
                if any(w in self.deal_value_nouns for w in lower[max(ent.sent.start, j - n - 3) : j - n]):
                    return "amount"
                return "valuation"
        if self.valuation_after.starting_at(lower, e):
            return "valuation"
        # "values the two-year-old company at $2bn", "valuing it at about $9.8bn"
        if "at" in lower[max(0, k - 1):s]:
            for j in range(max(ent.sent.start, k - VALUATION_REACH), k):
                if lower[j] in self.valuation_words:
                    return "valuation"
        if self.not_after.starting_at(lower, e) or self._sizes_a_head(doc, lower, e, ent.sent.end):
            return "other"
        # "closed its third growth fund at $2 billion": the size of the fund before "at"
        for j in range(max(ent.sent.start, k - 1), s):
            if lower[j] in ("at", "of") and any(
                    lower[h] in self.not_deal_heads for h in range(max(ent.sent.start, j - HEAD_REACH), j)):
                return "other"
        for j in range(e, min(ent.sent.end, e + TOTAL_REACH)):
            if self.totals_after.starting_at(lower, j):
                return "other"
            if lower[j] in (".", ";") or doc[j].ent_type_ == "MONEY":
                break
        # look back within the clause only: "$24 a share, raising $1.1bn" raises $1.1bn
        clause_start = max(ent.sent.start, s - TOTAL_REACH)
        for j in range(s - 1, clause_start - 1, -1):
            if lower[j] in (",", ";", "—", "–") or doc[j].ent_type_ == "MONEY":
                clause_start = j + 1
                break
            # "is chasing a $300 billion market and raised $20 million": a verb joined by "and"
            # opens a clause of its own
            if j > ent.sent.start and lower[j - 1] in ("and", "but") and self.raise_verbs.starting_at(lower, j):
                clause_start = j
                break
        for back in range(clause_start, s + 1):
            if self.not_before.ending_at(lower, back):
                return "other"
            n = self.totals_before.ending_at(lower, back)
            if n and not self._reported(lower, back - n, ent.sent.start) and not self._names_a_round(lower, e):
                return "other"
        if self._told_as_history(lower, ent) or self._figure_of_a_result(lower, ent):
            return "other"
        # "narrowed to $24.6 million from $41.9 million": the earlier figure of a change
        if s >= 2 and lower[s - 1] == "from" and doc[s - 2].ent_type_ == "MONEY":
            return "other"
        # "Total disclosed across the week's deals: $5.2bn": a sum, not a deal
        if self.total_openers.starting_at(lower, ent.sent.start):
            return "other"
        # "It comprises a $1bn loan and a $150m facility": the parts of a deal already told
        if self.breakdown.find(lower, ent.sent.start, s):
            return "other"
        money = (doc._.money_by_start or {}).get(ent.start_char)
        if money is not None and money["value"] < MIN_DEAL_AMOUNT:
            return "other"
        # "150 billion won (about $110 million)": a conversion of the amount before it
        opener = next((j for j in (s - 1, s - 2) if j > ent.sent.start and lower[j] == "("), None)
        if opener is not None and doc[opener - 1].ent_type_ == "MONEY":
            return "other"
        return "amount"

    def _figure_of_a_result(self, lower: list[str], ent: Span) -> bool:
        """"Quartzline's revenue for the quarter ended Sept. 30 was $88.2 million": a copula
        before the amount, and a result noun (revenue, loss ...) as the clause's subject."""
        start = ent.start
        while start > ent.sent.start and lower[start - 1] in AMOUNT_LEAD_INS:
            start -= 1
        if start == ent.sent.start or lower[start - 1] not in COPULAS:
            return False
        clause = start - 1
        while clause > ent.sent.start and lower[clause - 1] not in (",", ";", "—", "–"):
            clause -= 1
        return any(self.not_before.ending_at(lower, k + 1) for k in range(clause, start - 1))

    @staticmethod
    def _told_as_history(lower: list[str], ent: Span) -> bool:
        """"Bramble Capital, which led a $62 million Series C in 2024", "including a $9
        million seed round led by Sequoia in 2022": an earlier deal, dated by its year,
        in a clause that looks back."""
        sent = ent.sent
        dated = any(lower[k] == "in" and YEAR.fullmatch(lower[k + 1])
                    for k in range(ent.end, min(sent.end - 1, ent.end + HISTORY_REACH)))
        return dated and any(lower[k] in HISTORY_MARKERS for k in range(sent.start, ent.start))

    def _sizes_a_head(self, doc: Doc, lower: list[str], end: int, sent_end: int) -> bool:
        """The amount ending at ``end`` sizes a fund, a market or a budget: "a $700
        million third fund", "the $300 billion global contact center market"."""
        # "GBP 380 million ($480 million) third fund": past the conversion in brackets
        if end < sent_end and lower[end] == "(":
            close = next((k for k in range(end, min(sent_end, end + 8)) if lower[k] == ")"), None)
            if close is not None:
                end = close + 1
        # "$11bn of aircraft deals", "$5 million in sales": a sized noun may follow "of" or "in"
        if end < sent_end and lower[end] in ("of", "in"):
            end += 1
        for k in range(end, min(sent_end, end + HEAD_REACH)):
            if lower[k] in self.not_deal_heads:
                return True
            token = doc[k]
            describing = (token.is_alpha and (token.is_lower or token.is_upper)) or lower[k] == "-"
            if not describing or lower[k] in HEAD_BLOCKERS or token.ent_type_:
                return False
        return False

    def _names_a_takeover(self, doc: Doc, lower: list[str], sent: Span) -> bool:
        """An acquisition noun used as one: "its $427m acquisition of the campus",
        "the purchase of" (not the verb in "committed to purchase $140m of servers")."""
        for start, end in self.acq_nouns.find(lower, sent.start, sent.end):
            before = doc[start - 1] if start > sent.start else None
            if (end < sent.end and lower[end] == "of") or (before is not None and (
                    before.lower_ in ("a", "an", "the", "its", "their", "his", "her") or before.text in POSSESSIVE
                    or before.ent_type_ == "MONEY")):
                return True
        return False

    @staticmethod
    def _names_a_round(lower: list[str], end: int) -> bool:
        """"previously raised a $4.5 million seed round": an earlier deal, not a total."""
        return any(w in ("round", "seed", "series", "pre-seed") for w in lower[end : end + 3])

    def _reported(self, lower: list[str], at: int, sent_start: int) -> bool:
        """"X said on Tuesday it had raised $80m": past perfect in reported speech is news."""
        return lower[at] == "had" and any(w in self.reported_speech for w in lower[max(sent_start, at - 6):at])

    # -- main ----------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        lower = doc_view(doc).lower
        # This stage adds no entity, so one index serves all its sentence lookups.
        self._sentence_ents = entities_by_sentence(doc)
        money_records = {r["start_char"]: r for r in (doc._.money or [])}
        doc._.money_by_start = money_records
        text = doc_text(doc)  # sentence texts as slices of it: Span.text joins tokens on each call
        sents = [clause for s in doc.sents if text[s.start_char:s.end_char].strip()
                 for clause in self._clauses(doc, lower, s)]
        deals: list[dict] = []
        # A press release's "About <Company>" section and what follows it is boilerplate:
        # "has raised more than $600 million from investors including ..." is a total.
        boilerplate = next((si for si, sent in enumerate(sents)
                            if si > 0 and ABOUT_HEADING.match(text[sent.start_char:sent.end_char].strip())), len(sents))
        for si, sent in enumerate(sents[:boilerplate]):
            # Earlier deals' investors are not who raises in a later "the company" sentence.
            backers = {n for d in deals for n in (*d["investors"], *d["lead_investors"])}
            deal = self._deal_in_sentence(doc, lower, sents, si, money_records, backers)
            if deal is None:
                continue
            self._follow(doc, lower, sents, si, deal, money_records)
            deals.append(deal)
        doc._.deals = self._dedupe(deals, headline_end=sents[0].end_char if sents else 0)
        doc._.money_by_start = None
        self._sentence_ents = {}
        drop_doc_view(doc)  # the last stage: the Doc leaves with plain data only
        return doc

    def _clauses(self, doc: Doc, lower: list[str], sent: Span) -> list[Span]:
        """The sentence, or its semicolon clauses when two or more of them carry their own
        amount: a digest's "X raised $4 million; Y raised $12 million from Z; ..."."""
        words = lower[sent.start:sent.end]
        if ";" not in words:  # most sentences: one scan in C, no Token objects
            return [sent]
        cuts = [sent.start + k for k, w in enumerate(words) if w == ";"]
        ents = self._ents(sent)
        bounds = list(zip([sent.start, *(c + 1 for c in cuts)], [*cuts, sent.end]))
        with_money = [(a, b) for a, b in bounds if any(e.label_ == "MONEY" and a <= e.start < b for e in ents)]
        if len(with_money) < 2 or len(with_money) != len([1 for a, b in bounds if b > a]):
            return [sent]
        clauses = []
        for a, b in bounds:
            clause = doc[a:b]
            # later lookups of this clause's entities go through the index, keyed by start
            self._sentence_ents[a] = [e for e in ents if a <= e.start and e.end <= b]
            clauses.append(clause)
        return clauses

    def _ents(self, sent: Span) -> list[Span]:
        """``sent.ents``, from the index made at the start of this stage."""
        return self._sentence_ents.get(sent.start, [])

    def _deal_type(self, lower: list[str], sent: Span, near: int | None = None) -> tuple[str | None, int]:
        """The deal type whose trigger stands nearest the amount (or first in the sentence)."""
        hits: list[tuple[int, int, str]] = []
        for kind, phrases in self.triggers.items():
            for start, end in phrases.find(lower, sent.start, sent.end):
                if kind == "ipo" and start >= 2 and lower[start - 1] == "-" and lower[start - 2] == "pre":
                    continue  # a pre-IPO round is a private round before the listing
                if kind == "investment" and end < sent.end and lower[end] == "by":
                    continue  # "the chip startup backed by Harbor Peak" describes a company
                dist = min(abs(start - near), abs(end - 1 - near)) if near is not None else start - sent.start
                hits.append((dist, TYPE_PRIORITY.index(kind), kind, start))
        if not hits:
            return None, -1
        kinds = {h[2] for h in hits}
        best = None
        for dist, rank, kind, start in sorted(hits):
            if kind == "investment" and "equity_round" in kinds:
                continue  # "invested in a $100M Series B" is the round, seen from the investor
            if kind == "equity_round" and kinds & {"debt", "ipo", "acquisition"}:
                # "raised $2bn in debt", "raising $1.1bn in its IPO": the verb is generic
                other = [h for h in sorted(hits) if h[2] in ("debt", "ipo", "acquisition")]
                if other and other[0][0] <= dist + TRIGGER_SLACK:
                    continue
                # "priced shares at $24, above the range of $20 to $22, raising $1.1 billion":
                # a raise in a sentence about a listing is the listing's, however far apart
                if "ipo" in kinds and "acquisition" not in kinds:
                    continue
            best = (kind, start)
            break
        if best is None:
            best = (sorted(hits)[0][2], sorted(hits)[0][3])
        return best

    def _deal_in_sentence(self, doc, lower, sents, si, money_records, backers=frozenset()) -> dict | None:
        sent = sents[si]
        if si > 0 and BACK_REFERENCE.match(sent.text.lstrip()):
            return None  # "The round was anchored by a $50m commitment ...": more on the deal before
        kind, trigger_at = self._deal_type(lower, sent)
        shorthand = kind is None and bool(SHORT_ROUND.search(sent.text))
        if shorthand:
            kind, trigger_at = "equity_round", sent.start + next(
                (k for k, t in enumerate(sent) if t.ent_type_ == "MONEY"), 0)
        # "Quantiq agreed to sell itself to Orbel", "Orbel will pay $8 billion for Quantiq"
        transfer = self._transfer(doc, lower, sent) if kind in (None, "equity_round", "investment") else None
        if transfer is not None:
            kind, trigger_at = "acquisition", transfer[2]
        if kind is None:
            return None
        moneys = [e for e in self._ents(sent) if e.label_ == "MONEY"]
        roles = {e.start: self._money_role(doc, lower, e) for e in moneys}
        amounts = [e for e in moneys if roles[e.start] == "amount"]
        valuations = [e for e in moneys if roles[e.start] == "valuation"]
        # "Ridewell went public on May 10 at $45 a share": a listing told as done is a deal without an
        # amount; "Lodestar, which went public in March at $16 a share, reported ..." is background
        listed = kind == "ipo" and not amounts and any(
            not any(lower[k] in RELATIVE_PRONOUNS for k in range(max(sent.start, e0 - 2), e0))
            for e0, _ in self.ipo_events.find(lower, sent.start, sent.end))
        if not amounts and kind != "acquisition" and not listed:
            return None
        # "Thornbury's previous fund, which closed in 2022, raised $410 million": a fund raising is no round
        fund_until = min(trigger_at, amounts[0].start) if amounts else trigger_at
        if kind == "equity_round" and any(lower[k] in FUND_HEADS for k in range(sent.start, max(sent.start, fund_until))) \
                and not self.lead_after.find(lower, sent.start, sent.end) and not self.participate_after.find(lower, sent.start, sent.end):
            return None
        # "priced shares at $24, raising $1.1 billion": the amount a raise verb governs
        raised = [e for e in amounts if any(self.raise_verbs.ending_at(lower, j) for j in range(max(sent.start, e.start - 3), e.start + 1))]
        amount = raised[0] if raised else (amounts[0] if amounts else None)
        if amount is not None and not shorthand and transfer is None:
            kind, trigger_at = self._deal_type(lower, sent, near=amount.start)
        orgs = [e for e in self._ents(sent) if e.label_ == "ORG"]
        if not orgs and amount is not None and amount.start == sent.start + 1 and lower[sent.start] in ("a", "an"):
            return None  # "A $45M Series A for a chip team would have been unthinkable": any round, not one
        first_cue = min(trigger_at, amount.start if amount is not None else trigger_at)
        leads, investors = self._investors(doc, lower, sent, self._backers(doc, lower, sent, orgs), weak_from=first_cue)
        company, target = self._parties(doc, lower, sent, kind, trigger_at, orgs, investors, sents, si, backers)
        if transfer is not None:
            company, target = transfer[0], transfer[1]
        if company is None:
            return None
        if kind == "acquisition" and target is None and (amount is None or not self._names_a_takeover(doc, lower, sent)):
            return None  # "committed to buy $600m of servers" buys goods, not a company
        if kind == "investment":
            if target is None and not self._through_partners(lower, sent, trigger_at):
                return None  # money put into projects or sites is spending, not a deal
            investors = [company, *[i for i in investors if i != company]]
        if kind == "acquisition":
            # the buyer pays; names "backed by" or "with" in a takeover sentence describe its parties
            leads, investors = [], []
        if kind == "ipo" and not any(lower[k] in ("cornerstone", "anchor", "cornerstones", "anchors")
                                     for k in range(sent.start, sent.end)):
            # the banks that "led" or underwrote a listing sell it; only cornerstone investors buy in
            leads, investors = [], []
        money = money_records.get(amount.start_char) if amount is not None else None
        valuation = money_records.get(valuations[0].start_char) if valuations else None
        round_name = find_round(sent.text, self.knowledge)
        return {
            "company": company,
            "deal_type": kind,
            "round": round_name if kind == "equity_round" else None,
            "amount": money["value"] if money else None,
            "currency": money["unit"] if money else None,
            "amount_qualifier": money["qualifier"] if money else None,
            "amount_max": money["value_max"] if money else None,
            "valuation": valuation["value"] if valuation else None,
            "investors": [i for i in investors if i != target and (i != company or kind == "investment")],
            "lead_investors": [i for i in leads if i not in (company, target)],
            "target": target,
            "status": self._status(lower, sent),
            "evidence": sent.text.strip(),
            # the company is not named in the sentence but taken from the ones before it
            "_inferred": company not in {self._name(e) for e in orgs},
            "start_char": sent.start_char,
            "end_char": sent.end_char,
        }

    @staticmethod
    def _name(ent: Span) -> str:
        return ent.ent_id_ or ent.text

    def _backers(self, doc: Doc, lower: list[str], sent: Span, orgs: list[Span]) -> list[Span]:
        """The names that may be investors in ``sent``: its ORGs, and the people who
        carry no job title before them and no speech verb after ("CEO Dana Reyes said")."""
        people = [e for e in self._ents(sent) if e.label_ == "PERSON"
                  and not (e.start > sent.start and lower[e.start - 1] in self.job_titles)
                  and not (e.end < sent.end and lower[e.end] in self.person_after)
                  and not (e.end + 1 < sent.end and lower[e.end] == "," and lower[e.end + 1] in self.job_titles)]
        return sorted([*orgs, *people], key=lambda e: e.start) if people else orgs

    def _investors(self, doc, lower, sent, orgs, weak_from: int | None = None) -> tuple[list[str], list[str]]:
        """ORGs on the investor side: after a cue (and its list), or before "led".

        Weak cues ("from", "with", "including") count only from token
        ``weak_from`` on: after the deal's trigger, in the deal's own sentence.
        """
        leads: list[str] = []
        investors: list[str] = []
        mode = None  # "lead" / "investor" once a cue is seen, until the clause ends
        org_at = {e.start: e for e in orgs}
        i = sent.start
        while i < sent.end:
            n_lead = self.lead_cues.starting_at(lower, i)
            n_inv = 0 if n_lead else self.investor_cues.starting_at(lower, i)
            if not n_lead and not n_inv and weak_from is not None and i >= weak_from:
                n_inv = self.weak_investor_cues.starting_at(lower, i)
            if n_lead:
                mode, i = "lead", i + n_lead
                continue
            if n_inv:
                # "from"/"with"/"including" only open an investor list inside deal talk
                mode, i = "investor", i + n_inv
                continue
            if i in org_at:
                ent = org_at[i]
                name = self._name(ent)
                after = ent.end
                if after < len(doc) and lower[after] in POSSESSIVE:
                    # "Quorra's venture arm, Quorra Ventures,": the arm after the owner is the investor
                    i = self._past_description(doc, lower, after + 1, sent.end)
                    continue
                verb_at = self._after_list(doc, lower, ent.end, sent.end)
                # "Marisol Okafor, a former executive at Salesforce, also invested": past the appositive
                past = self._past_appositive(doc, lower, ent.end, sent.end)
                if past is not None:
                    verb_at = past
                # "Thornbury is also in talks to lead": the verb may stand behind "is" and "also"
                aux_at = verb_at
                while aux_at < sent.end and lower[aux_at] in AUXILIARIES:
                    aux_at += 1
                # "Harbor Peak's Dana Reyes", "Lowfield partner Kwame Asante": the firm invests through its partner
                employer = self._employer(doc, lower, sent, ent, org_at) if ent.label_ == "PERSON" else None
                named = [name] if employer is None else [employer, name]
                if self.lead_after.starting_at(lower, verb_at) or self.lead_after.starting_at(lower, aux_at):
                    leads.extend(named)
                    investors.extend(named)
                elif self.participate_after.starting_at(lower, verb_at) or self.participate_after.starting_at(lower, aux_at):
                    investors.extend(named)
                elif mode is not None:
                    investors.extend(named)
                    if mode == "lead":
                        leads.extend(named)
                i = ent.end if past is None else past
                continue
            tok = doc[i]
            if mode is not None and (tok.text in (".", ";") or (tok.ent_type_ == "MONEY")
                                     or (tok.is_alpha and tok.is_lower and lower[i] not in self.list_words)):
                if mode == "lead" and lower[i] in ("with",):
                    mode = "investor"
                elif not (mode == "lead" and lower[i] in ("co", "-", "led", "by")):
                    mode = None
            i += 1
        return list(dict.fromkeys(leads)), list(dict.fromkeys(investors))

    def _past_appositive(self, doc: Doc, lower: list[str], end: int, sent_end: int) -> int | None:
        """Index after ", a former executive at Salesforce," when an investor verb follows it,
        else None. A list ("A, B and C") is no appositive: its comma is followed by a name."""
        if end + 1 >= sent_end or lower[end] != "," or lower[end + 1] not in ("a", "an", "the", "who"):
            return None
        close = next((k for k in range(end + 2, min(sent_end, end + 14)) if lower[k] == ","), None)
        if close is None:
            return None
        k = close + 1
        while k < sent_end and lower[k] in AUXILIARIES:
            k += 1
        if self.participate_after.starting_at(lower, k) or self.lead_after.starting_at(lower, k):
            return k
        return None

    def _employer(self, doc: Doc, lower: list[str], sent: Span, person: Span, org_at: dict[int, Span]) -> str | None:
        """The firm written just before a person as their employer: "Harbor Peak's Dana
        Reyes", "Lowfield partner Kwame Asante", "Sequoia's managing partner Roelof Botha"."""
        k = person.start
        while k > sent.start and lower[k - 1] in PARTNER_TITLES:
            k -= 1
        if k > sent.start and lower[k - 1] in POSSESSIVE:
            k -= 1
        elif k == person.start:
            return None
        firm = next((e for e in org_at.values() if e.end == k), None)
        return self._name(firm) if firm is not None else None

    @staticmethod
    def _past_description(doc, lower, i, end) -> int:
        """Index after a short lower-case description and its comma: "venture arm, | X"."""
        k = i
        while k < end and k < i + DESCRIPTION_REACH and doc[k].is_alpha and doc[k].is_lower:
            k += 1
        if k < end and lower[k] == "," and k > i:
            k += 1
        return k if k > i and k < end and doc[k].ent_type_ == "ORG" else i

    def _after_list(self, doc, lower, i, end) -> int:
        """Index of the first word after a list of ORGs: "A, B and C | also participated",
        "A and a handful of angels | chipped in"."""
        while i < end:
            if doc[i].ent_type_ in ("ORG", "PERSON") or lower[i] in (",", "and", "&", "also", "both", "all"):
                i += 1
                continue
            n = self.crowds.starting_at(lower, i) if i > 0 and lower[i - 1] == "and" else 0
            if n:
                i += n
                continue
            break
        return i

    def _parties(self, doc, lower, sent, kind, trigger_at, orgs, investors, sents, si, backers):
        non_investor = [e for e in orgs if self._name(e) not in investors]
        company = target = None
        if kind == "acquisition":
            verb = self.acq_verbs.find(lower, sent.start, sent.end)
            noun = self.acq_nouns.find(lower, sent.start, sent.end)
            if verb:
                v0, v1 = verb[0]
                # "is acquired" is passive, "is acquiring" is not
                passive = v1 < sent.end and lower[v1] == "by" or (
                    v0 > 0 and lower[v0 - 1] in ("be", "been", "being", "was", "were", "is")
                    and not lower[v0].endswith("ing"))
                before = [e for e in orgs if e.end <= v0]
                after = [e for e in orgs if e.start >= v1]
                if passive:
                    target = before[-1] if before else None
                    by_orgs = [e for e in after if any(lower[k] == "by" for k in range(v1, e.start))]
                    company = by_orgs[0] if by_orgs else (after[0] if after else None)
                else:
                    company = before[0] if before else None
                    # "GM announced on Friday that Penske was selected to purchase Saturn": the
                    # buyer is the subject of the clause the verb is in, after its "that"
                    clause = next((k for k in range(v0 - 1, before[0].end - 1, -1) if lower[k] in COMPLEMENTIZERS),
                                  None) if before else None
                    inner = [e for e in before if clause is not None and e.start > clause]
                    if inner:
                        company = inner[0]
                    # "to buy AMD's MI355X accelerators" buys AMD's products, not AMD
                    target = next((e for e in after if self._object_of(doc, lower, v1, e.start)
                                   and not (e.end < len(doc) and lower[e.end] in POSSESSIVE)), None)
            elif noun:
                n0, n1 = noun[0]
                poss = [e for e in orgs if e.end < len(doc) and lower[e.end] in POSSESSIVE and e.end <= n0]
                after = [e for e in orgs if e.start >= n1]
                company = poss[-1] if poss else ([e for e in orgs if e.end <= n0] or [None])[0]
                of_after = [e for e in after if lower[e.start - 1] in ("of", "by")]
                if company is None and of_after:
                    by = [e for e in after if lower[e.start - 1] == "by"]
                    company = by[0] if by else None
                # "purchase of 22 new Boeing 787 aircraft" buys a maker's products, not the maker
                loose = next((e for e in after if not self._names_goods(doc, lower, n1, e)), None)
                target = next((e for e in after if lower[e.start - 1] == "of"), loose)
                if target is not None and company is not None and target.start == company.start:
                    target = None
            return (self._name(company) if company is not None else None,
                    self._name(target) if target is not None else None)
        if kind == "investment":
            before = [e for e in orgs if e.end <= trigger_at]
            after = [e for e in orgs if e.start > trigger_at]
            # "Kairos agreed to sell a 10% stake to Humain": the buyer invests in the seller
            for stake, _ in self.stake_nouns.find(lower, sent.start, sent.end):
                if any(lower[k] in self.stake_sale_verbs for k in range(max(sent.start, stake - SALE_REACH), stake)):
                    seller = [e for e in orgs if e.end <= stake]
                    buyer = next((e for e in orgs if e.start > stake and lower[e.start - 1] == "to"), None)
                    if seller and buyer is not None:
                        return self._name(buyer), self._name(seller[-1])
            # "a stake in X", "put $150M into optical-switching startup X"
            in_after = [e for e in after if self._invested_in(doc, lower, trigger_at, e)]
            target = self._name(in_after[0]) if in_after else None
            if before:
                return self._name(before[0]), target
            # "Separately, the chipmaker said it had taken a stake in X": the company just written about
            return self._subject_before(sents, si, {*investors, *backers, target}), target
        # equity_round / debt / ipo: who raises
        # "Nvidia H100 chips": a vendor naming its product is no party to the deal
        # "Harbor Peak's Dana Reyes led": the firm employs the investor named after it
        candidates = [e for e in non_investor if not (e.end < len(doc) and lower[e.end] in POSSESSIVE
                                                      and e.end + 1 < len(doc)
                                                      and doc[e.end + 1].ent_type_ in ("ORG", "PERSON"))
                      and not self._described_by(doc, lower, e)
                      and not (e.end < len(doc) and doc[e.end].ent_type_ in ("CHIP", "MODEL"))
                      and not (kind == "ipo" and self._listing_venue(lower, e))]
        before = [e for e in candidates if e.start < trigger_at]
        # "Sequoia's growth fund led a $50 million round in Tallyo": the company a round is in
        # raises it, whoever the sentence opens with
        round_in = [e for e in candidates if e.start > trigger_at and e.start >= 2 and lower[e.start - 1] == "in"
                    and (self.triggers["equity_round"].ending_at(lower, e.start - 1)
                         or lower[e.start - 3] == "series" and len(lower[e.start - 2]) <= 2)]
        relative = self._relative_subject(lower, before, trigger_at)
        # "GV led Kelvra's $12 million Series A": the round a leader leads is its owner's
        owned = [e for e in candidates if e.end + 1 < len(doc) and lower[e.end] in POSSESSIVE
                 and any(doc[k].ent_type_ == "MONEY" or self.triggers["equity_round"].starting_at(lower, k)
                         for k in range(e.end + 1, min(sent.end, e.end + 4)))
                 and self.lead_after.find(lower, sent.start, e.start)]
        if round_in and self.lead_after.find(lower, sent.start, round_in[0].start):
            company = round_in[0]
        elif owned:
            company = owned[0]
        elif relative is not None:
            company = relative
        elif before:
            company = before[0]
        else:
            after = [e for e in candidates if e.start > trigger_at and lower[e.start - 1] in ("in", "for", "into", "to")]
            # "aid to help sub-contractors which supply Airbus": a name inside a relative
            # clause after the trigger belongs to that clause, not to the deal
            loose = [e for e in candidates if not any(lower[k] in RELATIVE_PRONOUNS for k in range(trigger_at, e.start))]
            company = after[0] if after else (loose[0] if loose else None)
        if company is None:
            if self._own_subject(doc, lower, sent, trigger_at):
                return None, None  # "Funds in the United States raised about $61 billion": no company's deal
            company_name = self._subject_before(sents, si, {*investors, *backers})
            return company_name, None
        return self._name(company), None

    @staticmethod
    def _listing_venue(lower: list[str], ent: Span) -> bool:
        """"in their Nasdaq debut", "listed on the New York Stock Exchange": the exchange a
        company lists on is no party to its IPO."""
        before = lower[max(0, ent.start - 2):ent.start]
        return (ent.end < len(lower) and lower[ent.end] in LISTING_WORDS) or before[-1:] == ["on"] \
            or before == ["on", "the"]

    @staticmethod
    def _relative_subject(lower: list[str], before: list[Span], trigger_at: int) -> Span | None:
        """"competes with Featurespace and Sift, which raised $50 million": a trigger inside a
        relative clause is the deal of the name the clause hangs on, not of the sentence's subject.
        A comma after the pronoun closes the clause first ("X, which was founded in 2019, raised")."""
        for ent in reversed(before):
            k = ent.end + 1
            if k < trigger_at and lower[ent.end] == "," and lower[k] in RELATIVE_PRONOUNS \
                    and "," not in lower[k:trigger_at]:
                return ent
        return None

    def _through_partners(self, lower: list[str], sent: Span, trigger_at: int) -> bool:
        """"investments of $20 billion into photonics with partners like X": the money goes
        to companies, named after a partner cue, though none after "in" or "into"."""
        return any(e.label_ == "ORG" and e.start >= cue_end
                   for _, cue_end in self.partner_cues.find(lower, trigger_at, sent.end)
                   for e in self._ents(sent))

    @staticmethod
    def _invested_in(doc: Doc, lower: list[str], trigger_at: int, ent: Span) -> bool:
        """"in X", "into optical-switching startup X": only words describing X stand
        between the preposition and the name, not "a plant in Cheongju for Nvidia"."""
        for k in range(ent.start - 1, max(trigger_at, ent.start - INTO_REACH) - 1, -1):
            if lower[k] in ("in", "into", "to"):
                return True
            based = k + 2 < len(lower) and lower[k + 1] == "-" and lower[k + 2] == "based"  # "Bremen-based X"
            if lower[k] in INTO_BLOCKERS or doc[k].ent_type_ in ("ORG", "MONEY", "GPE") and not based:
                return False
        return False

    def _transfer(self, doc: Doc, lower: list[str], sent: Span) -> tuple[str, str, int] | None:
        """(buyer, bought, verb index) of a takeover told as a sale or a payment:
        "Quantiq agreed to sell itself to Orbel", "Tessaly sold Quorline to Orbel",
        "Orbel will pay $8 billion for Quantiq". None when a stake, notes or goods change hands."""
        ents = self._ents(sent)
        orgs = [e for e in ents if e.label_ == "ORG"]
        if len(orgs) < 2:
            return None
        org_at = {e.start: e for e in orgs}
        for v0, v1 in self.sale_verbs.find(lower, sent.start, sent.end):
            to = next((k for k in range(v1, min(sent.end - 1, v1 + SALE_REACH + 2)) if lower[k] == "to"), None)
            if to is None or to + 1 not in org_at:
                continue
            between = range(v1, to)
            if any(doc[k].ent_type_ in ("MONEY", "CHIP", "MODEL") for k in between) or \
                    self.stake_nouns.find(lower, v1, to) or self.triggers["debt"].find(lower, v1, to):
                continue
            sold = next((org_at[k] for k in between if k in org_at), None)
            if sold is None and {lower[v1 - 1], lower[v1]} & {"itself", "themselves"}:
                sold = next((e for e in reversed(orgs) if e.end <= v0), None)
            if sold is not None:
                return self._name(org_at[to + 1]), self._name(sold), v0
        for v0, v1 in self.pay_verbs.find(lower, sent.start, sent.end):
            k = v1
            while k < sent.end and (doc[k].ent_type_ == "MONEY" or lower[k] in AMOUNT_LEAD_INS):
                k += 1
            # "will pay $120 million in cash and stock for Kitebench.io"
            if k < sent.end and lower[k] == "in":
                j = k + 1
                while j < min(sent.end, k + 6) and lower[j] in PAYMENT_WORDS:
                    j += 1
                if j < sent.end and lower[j] == "for":
                    k = j
            if k == v1 or k + 1 >= sent.end or lower[k] != "for" or k + 1 not in org_at:
                continue
            bought = org_at[k + 1]
            payer = next((e for e in reversed(orgs) if e.end <= v0), None)
            if payer is not None and not self._names_goods(doc, lower, k + 1, bought) and not (
                    bought.end < len(doc) and lower[bought.end] in POSSESSIVE):
                return self._name(payer), self._name(bought), v0
        return None

    @staticmethod
    def _names_goods(doc: Doc, lower: list[str], start: int, ent: Span) -> bool:
        """An ORG after a count, or before a model number or a noun, names products:
        "22 new Boeing 787", "$2 million for Nvidia chips"."""
        counted = any(doc[k].like_num for k in range(start, ent.start))
        nxt = doc[ent.end] if ent.end < len(doc) else None
        numbered = nxt is not None and (nxt.like_num or nxt.ent_type_ in ("CHIP", "MODEL"))
        product = nxt is not None and nxt.is_alpha and nxt.is_lower and lower[ent.end] not in CLAUSE_WORDS
        return counted or numbered or product

    def _described_by(self, doc: Doc, lower: list[str], ent: Span) -> bool:
        """"Temasek-backed Lumora": the ORG describes the company that follows it."""
        return ent.end + 1 < len(doc) and lower[ent.end] == "-" and lower[ent.end + 1] in self.describing

    @staticmethod
    def _object_of(doc: Doc, lower: list[str], verb_end: int, start: int) -> bool:
        """An ORG close after the verb, not behind a preposition ("to buy GPUs from
        Nvidia") nor an amount ("to buy $600m of Nvidia systems")."""
        gap = range(verb_end, start)
        return len(gap) <= OBJECT_REACH and not any(
            lower[k] in OBJECT_BLOCKERS or doc[k].ent_type_ == "MONEY" for k in gap)

    def _own_subject(self, doc: Doc, lower: list[str], sent: Span, trigger_at: int) -> bool:
        """The sentence opens with a plural common noun as its subject ("Funds in the
        United States raised ..."), not a word that refers back to a company ("It",
        "The startup"), so the company of earlier sentences is not who raises."""
        first = next((k for k in range(sent.start, trigger_at) if doc[k].is_alpha), None)
        if first is None or not doc[first].is_title:
            return False
        word = lower[first]
        return (len(word) > 4 and word.endswith("s") and word in self.common_words
                and (first + 1 >= len(doc) or lower[first + 1] != ","))

    def _subject_before(self, sents, si, investors) -> str | None:
        """"The company raised $X": the ORG the previous sentences were about."""
        for back in range(1, 3):
            if si - back < 0:
                break
            orgs = [e for e in self._ents(sents[si - back]) if e.label_ == "ORG" and self._name(e) not in investors]
            if orgs:
                return self._name(orgs[0])
        return None

    def _status(self, lower, sent) -> str:
        for phrases, status in ((self.talks, "talks"), (self.seeking, "seeking"), (self.announced, "announced")):
            if phrases.find(lower, sent.start, sent.end):
                return status
        return "closed"

    def _follow(self, doc, lower, sents, si, deal, money_records) -> None:
        """Fill investors, valuation and round from the next sentences."""
        for k in range(si + 1, min(len(sents), si + 1 + FOLLOW_BACKERS)):
            sent = sents[k]
            kind, _ = self._deal_type(lower, sent)
            moneys = [e for e in self._ents(sent) if e.label_ == "MONEY"]
            roles = {e.start: self._money_role(doc, lower, e) for e in moneys}
            has_new_amount = any(r == "amount" for r in roles.values())
            if has_new_amount and kind is not None:
                break  # another deal starts
            near = k - si <= FOLLOW_SENTENCES
            refers = near and FOLLOW_REFERENCES.search(sent.text) is not None
            orgs = [e for e in self._ents(sent) if e.label_ == "ORG"]
            leads, investors = self._investors(doc, lower, sent, self._backers(doc, lower, sent, orgs),
                                               weak_from=sent.start if refers else None)
            if not near:
                # further away only a backer's own verb ("also took part") ties it to the deal
                leads, investors = [], [n for n in investors if n in self._joined(doc, lower, sent, orgs)]
            if deal["deal_type"] in ("acquisition", "ipo"):
                # later sentences name the target's old backers or the offering's banks
                leads, investors = [], []
            for name in investors:
                if name not in deal["investors"] and name not in (deal["company"], deal["target"]):
                    deal["investors"].append(name)
            for name in leads:
                if name not in deal["lead_investors"] and name not in (deal["company"], deal["target"]):
                    deal["lead_investors"].append(name)
            if deal["valuation"] is None and refers and deal["deal_type"] != "acquisition":
                for e in moneys:
                    # "was last valued at $2.6bn in 2024" is an earlier valuation
                    if roles[e.start] == "valuation" and not self.past_valuation.find(lower, sent.start, e.start):
                        deal["valuation"] = money_records[e.start_char]["value"]
                        break
            if near and deal["deal_type"] == "equity_round" and deal["round"] is None:
                deal["round"] = find_round(sent.text, self.knowledge)

    def _joined(self, doc, lower, sent, orgs) -> set[str]:
        """ORGs whose own verb says they joined a deal: "X and Y also participated"."""
        return {self._name(e) for e in orgs
                if self.participate_after.starting_at(lower, self._after_list(doc, lower, e.end, sent.end))}

    @staticmethod
    def _dedupe(deals: list[dict], headline_end: int) -> list[dict]:
        """One row per deal: mentions of the same company and amount merge, and a
        headline or an amount-less mention gives way to the body's fuller one."""
        # "At EUR 1.1 billion, the price is roughly double ...": an amount already told as
        # another company's deal, in a sentence that names no company of its own, restates it
        told = {}
        for deal in deals:
            told.setdefault((deal["amount"], deal["currency"]), []).append(deal)
        deals = [d for d in deals if not (d.pop("_inferred") and d["amount"] is not None
                                          and any(o is not d and o["company"] != d["company"]
                                                  for o in told[(d["amount"], d["currency"])]))]
        body = [d for d in deals if d["start_char"] >= headline_end]
        body_amounts = {(d["amount"], d["currency"]) for d in body if d["amount"] is not None}
        kept_deals = []
        for deal in deals:
            if deal["start_char"] < headline_end and body and (deal["amount"], deal["currency"]) in body_amounts:
                continue
            if deal["amount"] is None and any(
                d["company"] == deal["company"] and d["deal_type"] == deal["deal_type"] and d["amount"] is not None
                for d in deals
            ):
                continue
            kept_deals.append(deal)
        merged: dict[tuple, dict] = {}
        for deal in kept_deals:
            key = (deal["company"], deal["amount"], deal["deal_type"])
            if key not in merged:
                merged[key] = deal
                continue
            kept = merged[key]
            for field, value in deal.items():
                if kept.get(field) in (None, [], "") and value not in (None, [], ""):
                    kept[field] = value
            for field in ("investors", "lead_investors"):
                kept[field] = list(dict.fromkeys([*kept[field], *deal[field]]))
        return list(merged.values())
