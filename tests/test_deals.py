"""How financial news states deals, as example tables: each case is one way of
writing a deal (or a figure that is no deal), with invented company names so a
gazetteer cannot help."""

import pytest

# (text, fields the single deal must have; investor lists must be included)
BASICS = [
    ("Veloxa Compute raised $40 million in a Series A led by Harbor Peak Capital.",
     {"company": "Veloxa Compute", "deal_type": "equity_round", "round": "series_a", "amount": 40e6,
      "lead_investors": ["Harbor Peak Capital"], "status": "closed"}),
    ("Nscale, backed by Nvidia, raised $2 billion at a valuation of $14.6 billion.",
     {"company": "Nscale", "amount": 2e9, "valuation": 14.6e9, "investors": ["Nvidia"]}),
    ("Anthropic closed a $13 billion Series F. The round was led by ICONIQ, with Fidelity and Lightspeed co-leading.",
     {"company": "Anthropic", "round": "series_f", "amount": 13e9}),
    ("Orbitalis Labs agreed to acquire Trellis Photonics for $300 million.",
     {"company": "Orbitalis Labs", "deal_type": "acquisition", "target": "Trellis Photonics", "status": "announced"}),
    ("Amazon completed its $4 billion purchase of Quillon.",
     {"company": "Amazon", "deal_type": "acquisition", "target": "Quillon", "amount": 4e9, "status": "closed"}),
    ("Nvidia took a $5 billion stake in Intel.",
     {"company": "Nvidia", "deal_type": "investment", "target": "Intel", "amount": 5e9}),
    ("SoftBank is seeking up to $40 billion in loans.",
     {"company": "SoftBank", "deal_type": "debt", "amount_qualifier": "up_to", "status": "seeking"}),
    ("Veloxa is in talks to raise $100 million.",
     {"company": "Veloxa", "deal_type": "equity_round", "status": "talks"}),
    ("Fathom Silicon priced its IPO at $24 a share, raising $1.1 billion.",
     {"company": "Fathom Silicon", "deal_type": "ipo", "amount": 1.1e9}),
    ("Robotics startups like Quarrel, with $23 million in Series A funding, are hiring.",
     {"company": "Quarrel", "round": "series_a", "amount": 23e6}),
    ("Crusoe secured a $750 million credit facility from Brookfield.",
     {"company": "Crusoe", "deal_type": "debt", "amount": 750e6, "investors": ["Brookfield"]}),
    # "a round" is the article, not round A; "A round" in capitals is.
    ("Voxly raised $15 million in a round led by Greyhaven.",
     {"company": "Voxly", "round": None, "lead_investors": ["Greyhaven"]}),
    ("Voxly raised a $15 million A round led by Greyhaven.",
     {"company": "Voxly", "round": "series_a"}),
]

ACROSS_SENTENCES = [
    ("Vantora Systems raised $250 million in a Series C round. The financing values the company at "
     "$2.1 billion. Existing backers Index Ventures and Kleiner Perkins also took part.",
     {"company": "Vantora Systems", "round": "series_c", "valuation": 2.1e9,
      "investors": ["Index Ventures", "Kleiner Perkins"]}),
    ("Plexon AI said on Tuesday it had raised $80 million. The round was led by Quarry Hill Capital. "
     "It gives the company a post-money valuation of $900 million.",
     {"company": "Plexon AI", "amount": 80e6, "valuation": 900e6, "lead_investors": ["Quarry Hill Capital"]}),
    ("Brightwater Labs closed a $60 million round. Halyard Ventures led the deal, with Oakmere Capital "
     "and Tessel Partners participating.",
     {"company": "Brightwater Labs", "lead_investors": ["Halyard Ventures"],
      "investors": ["Oakmere Capital", "Tessel Partners"]}),
    ("Corvane Cloud secured a $400 million term loan. The facility was arranged by Deutsche Bank and HSBC.",
     {"company": "Corvane Cloud", "deal_type": "debt", "investors": ["Deutsche Bank", "HSBC"]}),
    # The target's old backers and an earlier valuation are not part of an acquisition.
    ("Arm has acquired Nexyra for $310 million. Nexyra, which had raised $58 million from Sequoia Capital and "
     "Walden Catalyst, was last valued at $200 million.",
     {"company": "Arm", "target": "Nexyra", "investors": [], "valuation": None}),
    ("Polar Vault raised $200 million from Verdane. Polar Vault also said Nordea and DNB had provided a loan.",
     {"company": "Polar Vault", "amount": 200e6}),
]

# How news names a deal's investors: (text, fields the single deal must have).
INVESTORS = [
    # The next sentence names the backers "in the round", or says where the money "came from".
    ("Quorvane has raised $18 million in seed funding. Investors in the round include Accel, Tiger Global, "
     "Kestrel Partners and others.",
     {"investors": ["Accel", "Tiger Global", "Kestrel Partners"]}),
    ("Quorvane has raised $18 million in seed funding. The funding came from Accel and Sequoia Capital, the company said.",
     {"investors": ["Accel", "Sequoia Capital"]}),
    # "X's venture arm, Y": the arm invests, not its parent.
    ("Corvid Labs raised $60 million in a Series B led by Quorra's venture arm, Quorra Ventures, with "
     "participation from Halvern's growth fund, Halvern Capital, and Ridgeback Partners.",
     {"lead_investors": ["Quorra Ventures"], "investors": ["Quorra Ventures", "Halvern Capital", "Ridgeback Partners"]}),
    # Backers named a few sentences after the deal, once other details came between.
    ("Sable Forge raised $120 million in a Series C. The round was led by Halyard Ventures. The financing values "
     "the company at $1.5 billion. Chief executive Ana Ruiz said the money would pay for hiring. Existing "
     "investors Oakmere Capital and Tessel Partners also participated.",
     {"lead_investors": ["Halyard Ventures"], "investors": ["Oakmere Capital", "Tessel Partners"]}),
    ("Corvane Cloud secured a $400 million term loan from Deutsche Bank. Morgan Stanley acted as adviser. "
     "The company will use it to buy servers. Brightline Capital and Oakmere Credit are among the other lenders.",
     {"deal_type": "debt", "investors": ["Deutsche Bank", "Brightline Capital", "Oakmere Credit"]}),
    # Lenders a borrower is talking to, and buyers of its notes.
    ("Corvane Cloud is in talks with Banco Ribera and Calder Bank about a €900 million project financing.",
     {"deal_type": "debt", "status": "talks", "investors": ["Banco Ribera", "Calder Bank"]}),
    ("Kestrel Grid sold $80M of convertible notes to Oakmere Capital and Halyard Ventures.",
     {"company": "Kestrel Grid", "deal_type": "debt", "investors": ["Oakmere Capital", "Halyard Ventures"]}),
    # Investors who are expected to lead or join a round still being negotiated.
    ("Veloxa is in talks to raise $300 million at a $4 billion valuation. Halyard Ventures is expected to lead "
     "the round, and Quorra's growth fund Quorra Growth is set to participate.",
     {"lead_investors": ["Halyard Ventures"], "investors": ["Halyard Ventures", "Quorra Growth"]}),
    ("Orvane is in talks to raise $200 million. Paris-based investment firm Veldhaven is in discussions to lead "
     "the round.",
     {"lead_investors": ["Veldhaven"]}),
    # Unknown names the role words before them introduce.
    ("Polder Compute closed a €95 million Series A co-led by Halyard Ventures, with participation from "
     "existing investor Pebblerun and the Dutch investment group Veldhaven.",
     {"investors": ["Halyard Ventures", "Pebblerun", "Veldhaven"]}),
    ("Tarnwell raised a $4.5 million pre-seed round from Tailwind and Haystack.",
     {"investors": ["Tailwind", "Haystack"]}),
    ("Tarnwell closed a $12 million seed round. Halyard Ventures led; Gravelpit and a handful of angels chipped in.",
     {"lead_investors": ["Halyard Ventures"], "investors": ["Gravelpit"]}),
]

VALUATIONS = [
    ("Lumeral raised $90 million at a $1.2 billion valuation.", 1.2e9),
    ("Lumeral raised $90 million, valuing it at $1.2 billion.", 1.2e9),
    ("Lumeral raised $90 million in a round that values the company at $1.2 billion.", 1.2e9),
    ("Lumeral raised $90 million at a post-money valuation of $1.2 billion.", 1.2e9),
    ("Lumeral raised $90 million, which gave it a $1.2 billion valuation.", 1.2e9),
    ("Lumeral raised $90 million from Quarry Hill Capital at a valuation of roughly $1.2 billion.", 1.2e9),
]

TYPES_AND_STATUS = [
    ("Etchwell raised a $120 million Series A extension from Primary Venture Partners and Positive Sum.",
     {"company": "Etchwell", "round": "series_a", "investors": ["Primary Venture Partners", "Positive Sum"]}),
    ("Pellucid raised a $4 million pre-seed round.", {"round": "pre_seed", "deal_type": "equity_round"}),
    ("Corvane Cloud closed a $1.5 billion revolving credit facility.", {"deal_type": "debt", "status": "closed"}),
    ("Corvane Cloud issued $2 billion of senior notes.", {"deal_type": "debt"}),
    ("Hexfield agreed to acquire Lantern Micro for $700 million.",
     {"deal_type": "acquisition", "company": "Hexfield", "target": "Lantern Micro", "status": "announced"}),
    ("Hexfield's $700 million acquisition of Lantern Micro closed in March.",
     {"deal_type": "acquisition", "company": "Hexfield", "target": "Lantern Micro", "status": "closed"}),
    ("Hexfield took a $300 million stake in Lantern Micro.",
     {"deal_type": "investment", "company": "Hexfield", "target": "Lantern Micro", "investors": ["Hexfield"]}),
    ("Hexfield agreed to buy Lantern Micro in an all-stock deal valued at $4.1 billion.",
     {"deal_type": "acquisition", "target": "Lantern Micro", "amount": 4.1e9, "valuation": None}),
    ("Oakhaven AI will merge with Brisk Compute in an all-stock deal valued at $3.4B.",
     {"deal_type": "acquisition", "company": "Oakhaven AI", "target": "Brisk Compute", "amount": 3.4e9}),
    ("Quellon priced its IPO at $21 a share, raising $640 million.",
     {"deal_type": "ipo", "company": "Quellon", "amount": 640e6}),
    ("Kestrel Compute is in talks to raise $500 million, according to people familiar with the matter.",
     {"status": "talks", "amount": 500e6}),
    ("Kestrel Compute is seeking to raise as much as $500 million in debt.",
     {"status": "seeking", "deal_type": "debt", "amount_qualifier": "up_to"}),
]


def single_deal(nlp, text):
    deals = nlp(text)._.deals
    assert len(deals) == 1, deals
    return deals[0]


def check(deal, expected):
    for field, value in expected.items():
        if field in ("investors", "lead_investors") and value:
            assert set(value) <= set(deal[field]), (field, deal[field])
        else:
            assert deal[field] == value, (field, deal[field])


@pytest.mark.parametrize("text,expected", BASICS, ids=[c[0][:40] for c in BASICS])
def test_deals(nlp, text, expected):
    check(single_deal(nlp, text), expected)


@pytest.mark.parametrize("text,expected", ACROSS_SENTENCES, ids=[c[0][:40] for c in ACROSS_SENTENCES])
def test_deal_details_across_sentences(nlp, text, expected):
    check(single_deal(nlp, text), expected)


@pytest.mark.parametrize("text,expected", INVESTORS, ids=[c[0][:40] for c in INVESTORS])
def test_investors(nlp, text, expected):
    check(single_deal(nlp, text), expected)


@pytest.mark.parametrize("text,valuation", VALUATIONS, ids=[v[0][24:60] for v in VALUATIONS])
def test_valuation_phrasing(nlp, text, valuation):
    deal = single_deal(nlp, text)
    assert deal["amount"] == 90e6 and deal["valuation"] == valuation


@pytest.mark.parametrize("text,expected", TYPES_AND_STATUS, ids=[c[0][:40] for c in TYPES_AND_STATUS])
def test_deal_types_and_status(nlp, text, expected):
    check(single_deal(nlp, text), expected)


# (text, the (company, amount) of every deal it holds, in order)
PASSAGES = [
    ("Verlaine Calcul SAS closed a €300 million Series B led by Eurazeo. Existing investor Partech also took "
     "part. Alongside the equity, Société Générale and BNP Paribas provided a EUR 120m term loan.",
     [("Verlaine Calcul", 300e6), ("Verlaine Calcul", 120e6)]),
    ("Mistral AI is in talks to raise €1.7 billion. Total disclosed across the five completed or agreed deals "
     "above: roughly $5.2 billion.", [("Mistral AI", 1.7e9)]),
    ("fluxgrid (lowercase, on purpose) is seeking $200-$250 million in convertible notes.",
     [("fluxgrid", 200e6)]),
    ("Orbis-K raised $120 million in a Series C. The financing values the company at $1.4 billion, up from "
     "roughly $500 million when it last raised money in 2023.", [("Orbis-K", 120e6)]),
    ("Meridian Ridge closed a $1.2 billion credit facility led by MUFG. It comprises a $1.05 billion "
     "construction loan and a $150 million letter-of-credit facility.", [("Meridian Ridge", 1.2e9)]),
    ("Arm has acquired Nexyra for $310 million. Nexyra, which had raised $58 million from Sequoia Capital, "
     "was valued at $200 million in 2024.", [("Arm", 310e6)]),
    # An earlier round named as a round is a deal of its own, unlike a total raised.
    ("Runcible raised $18 million in a Series A. Runcible previously raised a $4.5 million seed round in 2023.",
     [("Runcible", 18e6), ("Runcible", 4.5e6)]),
    # The amount as written, not its conversion.
    ("Daon Semiconductor has raised 150 billion won (about $110 million) in a pre-IPO round.",
     [("Daon Semiconductor", 150e9)]),
    # More about the round just told is not another deal.
    ("SiLQ Labs raised $140 million in a Series B. The round was anchored by a $50 million commitment from "
     "Khosla Ventures.", [("SiLQ Labs", 140e6)]),
    ("Temasek-backed Lumora Data Centres is seeking to raise as much as $800 million.",
     [("Lumora Data Centres", 800e6)]),
    ("Oakhurst Digital — agreed to buy rack integrator Prism Racks for $340M in cash.",
     [("Oakhurst Digital", 340e6)]),
]


@pytest.mark.parametrize("text,expected", PASSAGES, ids=[p[0][:40] for p in PASSAGES])
def test_deals_in_a_passage(nlp, text, expected):
    assert [(d["company"], d["amount"]) for d in nlp(text)._.deals] == expected


def test_lenders_that_provided_a_loan(nlp):
    deals = nlp(PASSAGES[0][0])._.deals
    assert set(deals[1]["investors"]) == {"Société Générale", "BNP Paribas"}
    assert deals[1]["deal_type"] == "debt"


# A newsletter's terse items: name, what it does, then the deal without a verb.
NEWSLETTER_ITEMS = [
    # An item behind a bullet names its company before the colon or dash.
    ("Deals of the day\n- Quorvane: $8M seed from Tiger Global and Kestrel Partners.",
     {"company": "Quorvane", "round": "seed", "amount": 8e6, "investors": ["Tiger Global", "Kestrel Partners"]}),
    ("Deals of the day\n• Tallyo — $3M pre-seed from Accel",
     {"company": "Tallyo", "round": "pre_seed", "amount": 3e6}),
    # Shorthand: a round letter after the amount, "X lead", "@ $Y post".
    ("Brindle AI: $30M A, Benchmark lead.",
     {"company": "Brindle AI", "round": "series_a", "amount": 30e6, "lead_investors": ["Benchmark"]}),
    ("Corrigan Labs: $87M B @ $1.1B post, Lux lead.",
     {"company": "Corrigan Labs", "round": "series_b", "valuation": 1.1e9}),
    ("quillWorks → acquired by Snowflake, ~$600M (cash + stock).",
     {"company": "Snowflake", "deal_type": "acquisition", "target": "quillWorks", "amount": 600e6}),
    ("Gannet Inference is out shopping a ~$250M Series C at a ~$2B pre, per two people who've seen the deck.",
     {"company": "Gannet Inference", "status": "seeking", "round": "series_c"}),
    ("Tarn Data Centres lines up €300m of project finance from ING and Société Générale.",
     {"company": "Tarn Data Centres", "deal_type": "debt", "investors": ["ING", "Société Générale"]}),
    ("Nvidia — put $150M into optical-switching startup Kestrel Fabric for a minority stake.",
     {"company": "Nvidia", "deal_type": "investment", "target": "Kestrel Fabric"}),
    ("Aether.Grid — closed a $40M seed extension led by Founders Fund.",
     {"company": "Aether.Grid", "round": "seed", "amount": 40e6}),
    ("Tessel8 (photonic interconnect) — $40M Series B led by Playground Global; Intel Capital participated.",
     {"company": "Tessel8", "round": "series_b", "amount": 40e6, "lead_investors": ["Playground Global"]}),
    ("Cinderblock (modular data halls) — seeking a $200M Series D; Goldman Sachs is advising.",
     {"company": "Cinderblock", "status": "seeking", "amount": 200e6}),
    ("Coldfront — $500M senior secured notes offering, priced at 9.25% and closed Thursday.",
     {"company": "Coldfront", "deal_type": "debt", "amount": 500e6}),
    ("Ridgeline GPU — $50M venture debt facility from Western Technology Investment.",
     {"company": "Ridgeline GPU", "deal_type": "debt", "investors": ["Western Technology Investment"]}),
]


@pytest.mark.parametrize("text,expected", NEWSLETTER_ITEMS, ids=[c[0][:30] for c in NEWSLETTER_ITEMS])
def test_newsletter_items(nlp, text, expected):
    check(single_deal(nlp, text), expected)


NOT_DEALS = [
    "A $45M Series A for a chip team would have been unthinkable in 2021.",
    "Lambda has signed a $400 million agreement to buy Vireo-3 servers over three years.",
    "SK Hynix said it would invest 19 trillion won in a new packaging plant in Cheongju.",
    "Brightfold shares closed up 2.4% at $352.",
    "Brightfold Compute ships its first chip in May.\nAbout Brightfold Compute\nBrightfold Compute has raised more than "
    "$600 million from investors including Fidelity.",
    "Veloxa's annualized revenue reached $400 million.",
    "Microsoft plans to spend $80 billion on data centres this year.",
    "The company has raised $700 million to date.",
    "Shares closed at $186.50 on Thursday.",
    "Veloxa was last valued at $2 billion.",
    "SoftBank said it would invest ¥500 billion in data centres in Japan.",
    "The AI chip market could reach $400 billion by 2030.",
    "Lumeral expects an annualized run-rate of $300 million by December.",
    "Lumeral, last valued at $1.2 billion, hired a new finance chief.",
    "Hexfield has raised $900 million in total since 2021.",
    "Hexfield plans to spend $12 billion on capital expenditures next year.",
    "The inference chip market could be worth $250 billion by 2030.",
    "Regulators fined Hexfield $45 million.",
    "Hexfield shares rose 4% to $212.40.",
    "Hexfield signed a $2 billion contract to buy GPUs from Nvidia.",
    "Lautan Digital has committed to buy roughly US$600 million of Nvidia B200 systems.",
    "Crusoe has committed to purchase US$140 million of Halden-2 systems for its cloud.",
    "Pallwick Cloud said it had signed a $1.15 billion agreement to buy AMD's MI355X accelerators.",
]


@pytest.mark.parametrize("text", NOT_DEALS, ids=NOT_DEALS)
def test_figures_that_are_no_deal(nlp, text):
    assert nlp(text)._.deals == []


ROLES = [
    # Who raises is the ORG the round is "in"; an ORG naming its chips is no party.
    ("GIC led a S$200 million Series C in NeuroLoft Pte. Ltd., a Singapore operator of GPU halls.",
     {"company": "NeuroLoft", "investors": ["GIC"]}),
    ("Lenders led by JPMorgan and MUFG are in advanced discussions to provide $38 billion of debt to Meridian-DC, "
     "the developer building two data-centre campuses in Texas.",
     {"company": "Meridian-DC", "deal_type": "debt", "status": "talks"}),
    ("Kairos agreed to sell a 10% stake to Humain, the Saudi AI company, for $450 million.",
     {"company": "Humain", "deal_type": "investment", "target": "Kairos", "status": "announced"}),
    ("Kestrel Grid sold $120M of convertible notes to Tiger Global and Coatue.",
     {"company": "Kestrel Grid", "deal_type": "debt"}),
    ("Lumen-Edge, a Denver startup, raised $48 million in a Series B round led by Insight Partners.",
     {"company": "Lumen-Edge"}),
    ("SUNNYVALE, Calif., Oct. 2 - Fabric9 Inc., which designs chiplets, raised more than $500 million.",
     {"company": "Fabric9", "amount_qualifier": "over"}),
    ("BOSTON, Nov 14 - loomwave, whose software schedules training jobs, raised $18 million in seed funding.",
     {"company": "loomwave", "round": "seed"}),
    ("Voltcore Inc. rents out GPUs to AI labs. The company has also borrowed to finance its fleet of Nvidia H100 chips: "
     "a $2.3 billion debt facility provided by Blackstone is secured against them.",
     {"company": "Voltcore", "deal_type": "debt", "investors": ["Blackstone"]}),
]


@pytest.mark.parametrize("text,expected", ROLES, ids=[c[0][:40] for c in ROLES])
def test_deal_roles(nlp, text, expected):
    deal = single_deal(nlp, text)
    check(deal, expected)


def test_a_stake_taken_by_the_company_just_named(nlp):
    doc = nlp("SK Hynix said it would expand packaging. Separately, the chipmaker said it had taken a "
              "$150 million stake in kairosIQ, a San Jose startup.")
    assert [(d["company"], d["target"]) for d in doc._.deals] == [("SK Hynix", "kairosIQ")]


# Deals as journalists write them (issue 19): each case is a class of real prose,
# with invented names. (text, fields the single deal must have)
JOURNALIST_PROSE = [
    # Roles from the structure of the sentence, not from which name comes first.
    ("Harbor Peak led a $26 million round in Skyloft, a drone logistics startup.",
     {"company": "Skyloft", "lead_investors": ["Harbor Peak"], "amount": 26e6}),
    ("Orbel to acquire Quantiq for $8 billion",
     {"company": "Orbel", "target": "Quantiq", "deal_type": "acquisition", "status": "announced"}),
    ("Quorline was acquired by Orbel for $2.1 billion.",
     {"company": "Orbel", "target": "Quorline", "deal_type": "acquisition"}),
    ("Quorline will be acquired by Orbel in a $2.1 billion deal.",
     {"company": "Orbel", "target": "Quorline", "status": "announced"}),
    ("Tessaly announced on Friday that Brandt Motors was selected to purchase Kestrel Trucks for $90 million.",
     {"company": "Brandt Motors", "deal_type": "acquisition"}),
    # The buyer said so, on a day, that it will buy or is buying; "is buying" is no passive.
    ("Orbel said on Tuesday that it had agreed to acquire Quantiq for $1.9 billion.",
     {"company": "Orbel", "target": "Quantiq", "deal_type": "acquisition", "status": "announced"}),
    ("Chipmaker Orbel said Tuesday it will acquire Quantiq, a maker of networking chips, for $1.9 billion in cash.",
     {"company": "Orbel", "target": "Quantiq", "amount": 1.9e9, "status": "announced"}),
    ("Orbel announced it is buying Quantiq for $1.9 billion.",
     {"company": "Orbel", "target": "Quantiq", "status": "announced"}),
    ("Quantiq is being acquired by Orbel for $1.9 billion.",
     {"company": "Orbel", "target": "Quantiq", "status": "announced"}),
    # The headline deal of a funding story, its company described in an appositive.
    ("Voxly, a startup developing AI tools for call centers, today announced that it raised $25 million "
     "in a series B round led by Greyhaven Partners.",
     {"company": "Voxly", "round": "series_b", "amount": 25e6, "lead_investors": ["Greyhaven Partners"]}),
    ("Voxly has raked in $25 million from Greyhaven Partners.", {"company": "Voxly", "amount": 25e6}),
    # A raise inside a relative clause is the deal of the name the clause hangs on.
    ("Sentrix competes with Featurespace and Kountly, which raised $50 million last year.",
     {"company": "Kountly", "amount": 50e6}),
    ("Sentrix, which was founded in 2019, raised $40 million from Greyhaven Partners.",
     {"company": "Sentrix", "amount": 40e6, "investors": ["Greyhaven Partners"]}),
    # "according to" after a name says where the news came from, not that the name is a person's;
    # a led investment stays the investor's (as the corpus's gold has it).
    ("Harbor Peak is leading a $26 million investment in Skyloft, according to people familiar with the matter.",
     {"company": "Harbor Peak", "deal_type": "investment", "target": "Skyloft"}),
    # An unknown buyer named only after "to" in a sale of a third company.
    ("Tessaly sold Quorline to Orbel for $300 million.",
     {"company": "Orbel", "target": "Quorline", "deal_type": "acquisition"}),
    # The exchange a company lists on is no party to its IPO.
    ("Strandline's shares jumped 40% in their Nasdaq debut on Thursday, after the company raised $1.2 billion in its IPO.",
     {"company": "Strandline", "deal_type": "ipo", "amount": 1.2e9}),
    # A takeover announced in the same sentence as the buyer's results.
    ("Orbel reported fourth-quarter revenue of $4.2 billion and said it had agreed to acquire Quantiq, a small "
     "analytics startup, for $90 million.",
     {"company": "Orbel", "target": "Quantiq", "amount": 90e6, "status": "announced"}),
    # The buyer of a passive takeover verb, and the rest of a company bought by its part owner.
    ("Kelvra was snapped up by Orbel last year; terms were not disclosed.",
     {"company": "Orbel", "target": "Kelvra", "deal_type": "acquisition", "amount": None}),
    ("Orbel said it would buy the remaining 60% of Quantiq it does not already own for $400 million.",
     {"company": "Orbel", "target": "Quantiq", "amount": 400e6, "status": "announced"}),
    # The round a leader leads belongs to the name before it; "gets" raises too.
    ("Google's venture arm GV led Kelvra's $12 million Series A.",
     {"company": "Kelvra", "round": "series_a", "lead_investors": ["GV"]}),
    ("Kelvra gets $12 million from Accel to build payroll tools for gig workers.",
     {"company": "Kelvra", "amount": 12e6, "investors": ["Accel"]}),
    # A takeover told from the seller's side, or by its price; a backer describing the target is no investor.
    ("Quantiq agreed to sell itself to Orbel for $8 billion.",
     {"company": "Orbel", "target": "Quantiq", "deal_type": "acquisition", "status": "announced"}),
    ("Orbel, the chip giant, will pay $8 billion for Quantiq.",
     {"company": "Orbel", "target": "Quantiq", "deal_type": "acquisition", "status": "announced"}),
    ("Orbel has agreed to buy Quantiq, the chip startup backed by Harbor Peak, for $8 billion.",
     {"company": "Orbel", "target": "Quantiq", "investors": [], "amount": 8e9}),
    # Money put into a company the knowledge base has never heard of.
    ("Ardent Capital invested $20 million in Fernbrook.",
     {"company": "Ardent Capital", "deal_type": "investment", "target": "Fernbrook"}),
    ("Harbor Peak put $500,000 into Fernbrook, a Denver startup.",
     {"company": "Harbor Peak", "target": "Fernbrook", "amount": 5e5}),
    # The headline deal in one plain sentence: a name with a digit, the round, its lead and the valuation.
    ("Sales analytics startup 4Lumen today announced that it closed a $90 million series C funding round led by "
     "Fenwick Row, valuing the company at $1.4 billion post-money.",
     {"company": "4Lumen", "round": "series_c", "amount": 90e6, "valuation": 1.4e9,
      "lead_investors": ["Fenwick Row"]}),
    # A company named by an English word, told by a raise verb and an amount right after it.
    ("Notion raised $50 million. Investors included Sequoia Capital and angel investor Elad Gil.",
     {"company": "Notion", "investors": ["Sequoia Capital", "Elad Gil"]}),
    ("Ramp has raised $150 million from Founders Fund.", {"company": "Ramp", "investors": ["Founders Fund"]}),
    # Named angels count as investors; a firm's partner named by person is the investor, the firm employs her.
    ("Fernbrook raised $3 million in seed funding from angel investors including Dana Reyes and Tom Alvarez.",
     {"company": "Fernbrook", "investors": ["Dana Reyes", "Tom Alvarez"]}),
    ("Northgate Partners' Dana Reyes led the seed round in Fernbrook, which raised $3 million.",
     {"company": "Fernbrook", "lead_investors": ["Dana Reyes"]}),
    ("Vantablue raised $40 million from investors including Ardent Capital, Halberd Ventures and others.",
     {"company": "Vantablue", "investors": ["Ardent Capital", "Halberd Ventures"]}),
    # Investors named in the sentences after the deal.
    ("Tallyo has raised $18 million in a Series A round. Investors included Bessel Ventures and angel investor "
     "Elad Gil.",
     {"company": "Tallyo", "investors": ["Bessel Ventures", "Elad Gil"]}),
    ("Tallyo has raised $18 million. The round was led by Bessel Ventures. Mara Okoye, a former executive at "
     "Salesforce, also invested as an angel.",
     {"company": "Tallyo", "investors": ["Bessel Ventures", "Mara Okoye"]}),
    ("Tallyo has raised $18 million. Bessel Ventures led the round. Other investors include Ardent Capital, "
     "Y Combinator and a group of angels.",
     {"company": "Tallyo", "lead_investors": ["Bessel Ventures"], "investors": ["Ardent Capital", "Y Combinator"]}),
    # IPOs told as done or filed, with a share price and no amount raised.
    ("Ridewell went public on May 10 at $45 a share.",
     {"company": "Ridewell", "deal_type": "ipo", "amount": None, "status": "closed"}),
    ("Corvane Robotics priced its IPO at $34 per share.",
     {"company": "Corvane Robotics", "deal_type": "ipo", "amount": None}),
    ("Quorline filed for an initial public offering on Nasdaq.",
     {"company": "Quorline", "deal_type": "ipo", "status": "announced"}),
    # An IPO's proceeds in a sentence about its pricing, however far the raise verb stands from the price.
    ("Halvern Systems priced shares at $24, above the marketed range of $20 to $22, raising $1.1 billion.",
     {"company": "Halvern Systems", "deal_type": "ipo", "amount": 1.1e9}),
    # A partner named with the firm: both invest; the company a led round is in raises it.
    ("Marlow partner Ines Carvalho led a $5 million seed round in Tidepool, a Lisbon robotics startup.",
     {"company": "Tidepool", "lead_investors": ["Ines Carvalho"], "round": "seed"}),
    ("Sequoia's growth fund led a $50 million round in Tallyo.", {"company": "Tallyo", "amount": 50e6}),
    # A letter round written after the amount, and a price paid "in cash and stock".
    ("Kelpie raised a $30M B-round led by Ardent Capital.", {"company": "Kelpie", "round": "series_b"}),
    ("Orbel said it will pay $120 million in cash and stock for Quantiq, a Seattle startup.",
     {"company": "Orbel", "target": "Quantiq", "amount": 120e6}),
    # An IPO told by its trading debut and share price only.
    ("Tessaly priced its shares at $14 and began trading on the New York Stock Exchange.",
     {"company": "Tessaly", "deal_type": "ipo", "amount": None}),
    # Underwriters sell a listing; they are no investors.
    ("Halvern Systems raised $1.1 billion in its IPO, which Goldman Sachs and Morgan Stanley led.",
     {"company": "Halvern Systems", "deal_type": "ipo", "investors": [], "lead_investors": []}),
    # Two currencies: one deal, in the currency written first.
    ("Berlin-based Klimata raised EUR 150M ($168M) in a Series B round led by Nordwind Capital.",
     {"company": "Klimata", "amount": 150e6, "currency": "EUR", "round": "series_b"}),
    # A pre-IPO round is a private round.
    ("Daeho Semiconductor raised 90 billion won in a pre-IPO round led by Hanul Ventures.",
     {"company": "Daeho Semiconductor", "deal_type": "equity_round"}),
    # Money put into a field through named partners is the investor's deal, with no target.
    ("Orbel's investments exceeding $20 billion into photonics manufacturing with partners like Quantiq and "
     "Lumora are advancing optical links.",
     {"company": "Orbel", "deal_type": "investment", "target": None, "amount": 20e9, "amount_qualifier": "over"}),
    # A market size in one clause, the round in the next, joined by "and".
    ("Kelvra, a payments startup, is chasing a $300 billion market opportunity and raised $20 million from Accel.",
     {"company": "Kelvra", "amount": 20e6, "investors": ["Accel"]}),
    # A market size beside a round is no part of it.
    ("Callvox, which sells into the $300 billion global contact center market, raised $25 million from Ardent Capital.",
     {"company": "Callvox", "amount": 25e6, "investors": ["Ardent Capital"]}),
]

# Money that is no deal, in the shapes real articles use (issue 19).
JOURNALIST_NOT_DEALS = [
    "Harbor Peak closed a $700 million third fund to back early-stage software companies.",
    "Ardent Capital raised a new $950 million early-stage fund.",
    "Halberd Ventures has closed its third growth fund at $2 billion.",
    "In the $300 billion global contact center market, Callvox competes with larger rivals.",
    "The global security market is expected to reach $14 billion by 2027, and Shieldly wants a share of it.",
    "Vantablue reported revenue of $120 million for the third quarter, up 30% from a year earlier.",
    "Vantablue announced that it lost $2.2 billion in the third quarter.",
    "Klimata shares rose to $32.50 per share after the announcement.",
    "Skyloft has raised $60 million to date.",
    "The Veldran government has announced that it will give up to $150 million in aid to suppliers of Orbel.",
    "Orbel secures $11bn of aircraft deals.",
    "Tessaly negotiates purchase of 22 new Orbel 787 aircraft.",
    "With declared assets of $82 billion and a debt of $172 billion, Tessaly filed for bankruptcy.",
    "Orbel paid $2 million for Nvidia chips.",
    "Kestrel Grid sold GPUs to Quantiq for $5 million.",
    "Shares closed at $203.15 yesterday.",
    # Background: earlier rounds dated in a looking-back clause, a fund's own raise and target,
    # a result's figures, a listing in a relative clause, totals of a whole market.
    "Its backers include Ardent Capital, which led a $62 million Series C in 2024.",
    "The round brings its total to $81 million, including a $9 million seed round led by Halberd Ventures in 2022.",
    "Its last funding, a EUR 34 million Series B led by Kettle Partners in 2023, valued it at EUR 160 million.",
    "Halberd Ventures' previous fund, which closed in 2022, raised $410 million.",
    "Marlow Ventures has closed a GBP 380 million ($480 million) third fund, well above its GBP 300 million target.",
    "Vantablue's revenue for the quarter ended Sept. 30 was $88.2 million, while its net loss narrowed to "
    "$24.6 million from $41.9 million.",
    "Funds in the United States raised about $61 billion in the first nine months of the year.",
    "Lodestar Compute, the cloud provider that went public in March at $16 a share, reported higher revenue.",
    "Revenue raised $5 million last quarter.",
    # Spending on sites and projects, with no company it goes to, is no deal.
    "Orbel will invest $80 billion in data centers this year.",
    "Orbel's investments of $3 billion in new factories will create 2,000 jobs.",
]


@pytest.mark.parametrize("text,expected", JOURNALIST_PROSE, ids=[c[0][:40] for c in JOURNALIST_PROSE])
def test_deals_as_journalists_write_them(nlp, text, expected):
    check(single_deal(nlp, text), expected)


@pytest.mark.parametrize("text", JOURNALIST_NOT_DEALS, ids=[t[:40] for t in JOURNALIST_NOT_DEALS])
def test_money_in_real_prose_that_is_no_deal(nlp, text):
    assert nlp(text)._.deals == []


# A daily digest's short items, each its own deal: (text, [(company, amount, investors)]).
DIGESTS = [
    ("Funding roundup: Quillet raised $4 million; Marrow Labs raised $12 million from Baystone; "
     "Tidewell raised $30 million.",
     [("Quillet", 4e6, []), ("Marrow Labs", 12e6, ["Baystone"]), ("Tidewell", 30e6, [])]),
    ("Funding roundup\n- Quillet raised $4 million from Ardent Capital to build payroll software.\n"
     "- Marrow Labs raised $12 million from Baystone to expand in Europe.\n"
     "- Tidewell, a battery startup, raised $30 million led by Halberd Ventures.",
     [("Quillet", 4e6, ["Ardent Capital"]), ("Marrow Labs", 12e6, ["Baystone"]), ("Tidewell", 30e6, ["Halberd Ventures"])]),
]


@pytest.mark.parametrize("text,expected", DIGESTS, ids=["semicolons", "bullets"])
def test_digest_items_are_deals_of_their_own(nlp, text, expected):
    deals = nlp(text)._.deals
    assert [(d["company"], d["amount"], d["investors"]) for d in deals] == expected
