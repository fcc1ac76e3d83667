"""The components on spacy.blank("en"), one example table per stage."""

import pytest
import spacy

from pipeline.language import STAGES, make_nlp
from pipeline.tokenizer import customize_tokenizer


def ents(doc, label):
    return [(e.ent_id_ or e.text) for e in doc.ents if e.label_ == label]


SENTENCES = [
    ("Acme Inc. said it raised $5 million. The round was led by Beta.", 2),
    ("Headline without a full stop\nBody sentence one. Body two.", 3),
    ("The U.S. government approved it. No. 1 on the list.", 2),
    ("- first item\n- second item", 2),
    ("Veloxa raised $40M. The round was led by Beta.", 2),
    ("Runcible raised $18 million in a Series A. Runcible hired staff.", 2),
    ("The part is rated at 750W. It ships in May.", 2),
    # Hard-wrapped text: a line break inside a sentence is a space.
    ("Thameside raised £120 million in\na round led by Amadeus. The Kelpie processor pairs 64GB of memory with\n"
     "900 GB/s of bandwidth and draws\nroughly 275W.\n\nHeadline of the next item\n\nBody of the next item.", 4),
]


@pytest.mark.parametrize("text,n", SENTENCES, ids=[s[0][:30] for s in SENTENCES])
def test_sentences(text, n):
    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    nlp.add_pipe("infra_sentences")
    doc = nlp(text)
    assert len([s for s in doc.sents if s.text.strip()]) == n


COMPANIES = [
    # A known short name glued to another word is part of a longer, unknown name.
    ("Lumen-Edge raised $48 million in a Series B round.", "Lumen-Edge"),
    ("Deep-Grid Systems bought Varga Optical. Deep-Grid's purchase closed in May.", "Deep-Grid Systems"),
    # A code with a company suffix is the company.
    ("Fabric9 Inc. raised more than $500 million.", "Fabric9"),
    # Items and lower-case brands after a dateline.
    ("BOSTON, Nov 14 - loomwave raised $18 million in seed funding.", "loomwave"),
    ("GIC led a Series C in NeuroLoft Pte. Ltd. last week.", "NeuroLoft"),
    ("Veloxa Compute raised $40 million in a Series A round.", "Veloxa Compute"),
    ("Trellis, a Berlin-based startup, secured €12m.", "Trellis"),
    ("The round was led by Harbor Peak Capital, with participation from Quillon and Marrow Partners.", "Quillon"),
    ("The round was led by Harbor Peak Capital, with participation from Quillon and Marrow Partners.", "Harbor Peak Capital"),
    ("Investors include Obsidian Ventures, Pallas and Korrin.", "Korrin"),
    ("The startup is backed by Greyfield.", "Greyfield"),
    ("Orbitalis Labs is building a lunar data centre.", "Orbitalis Labs"),
    ("NVIDIA and Nvidia's partners agreed.", "Nvidia"),
    ("Run:ai was bought by Nvidia.", "Run:ai"),
    ("D-Wave shares rose.", "D-Wave"),
    ("xAI raised $6 billion.", "xAI"),
    ("Fidelity Management & Research Company joined the round, as did Lightspeed.", "Fidelity"),
    ("Halden AI raised $8m. Halden said demand was strong.", "Halden AI"),
    ("Robotics startups like Quarrel have drawn interest.", "Quarrel"),
    ("Thessaly Semiconductor makes chips. Thessaly raised $9m.", "Thessaly Semiconductor"),
    ("Broadcom agreed to acquire 4th-Line Photonics Ltd. for $1.1 billion.", "4th-Line Photonics"),
    ("Mizuho Capital and Swisscom Ventures joined the round.", "Mizuho Capital"),
    ("Mizuho Capital and Swisscom Ventures joined the round.", "Swisscom Ventures"),
    ("Etchwell raised $20m from Primary Venture Partners.", "Primary Venture Partners"),
    ("Hexfield took a stake in kumo.dc, a Tokyo operator of data centres.", "kumo.dc"),
    ("fluxgrid is seeking $200 million in convertible notes.", "fluxgrid"),
    ("SAN FRANCISCO, Nov 10 - Kiln.ai, a startup, said it had closed a $210 million Series C.", "Kiln.ai"),
    ("Tessel8 (photonic interconnect) — $40M Series B led by Playground Global.", "Tessel8"),
    ("Quarry/AI (GPU marketplace) — $12.5M seed co-led by Conviction.", "Quarry/AI"),
    ("k2 Compute (Nordic sovereign cloud) — closed a €30M bridge round from Northzone.", "k2 Compute"),
    ("VOLTRA (liquid cooling) — $150M Series C extension.", "VOLTRA"),
    ("Zürich-based Säntis Systems raised CHF 80 million.", "Säntis Systems"),
    # A place before a bank's name, or after it, is part of the name.
    ("The round was led by state-run lender Chile Development Bank.", "Chile Development Bank"),
    ("Karmel Compute borrowed Rs 900 crore from State Bank of Poland and Halden Bank.", "State Bank of Poland"),
    # Role words name the investor after them; a list ending in a deal verb names every member.
    ("It closed a Series B with participation from existing shareholder Zürcher Kantonalbank.", "Zürcher Kantonalbank"),
    ("Fernhill and Octavo Ventures also took part.", "Fernhill"),
    ("Tarnwell closed a C$50 million Series A from Tailwind and Inovia Capital.", "Tailwind"),
]


@pytest.mark.parametrize("text,company", COMPANIES, ids=[f"{c[1]}: {c[0][:30]}" for c in COMPANIES])
def test_companies(nlp, text, company):
    assert company in ents(nlp(text), "ORG")


NOT_COMPANIES = [
    # A product right before the kind of product it is.
    ("Lambda agreed to buy Vireo-3 servers over three years.", "Vireo-3"),
    # Role words are no names.
    ("Lenders led by JPMorgan provided the loan.", "Lenders"),
    ("In March, the firm opened an office in Dallas.", "March"),
    ("Generative AI is booming.", "Generative AI"),
    ("Meanwhile, Veloxa raised $5m.", "Meanwhile"),
    ("Jane Smith, CEO of Veloxa, said the round closed.", "Jane Smith"),
    ("The company opened offices in Dallas and Phoenix.", "Dallas"),
    ("Shares closed higher on Friday.", "Shares"),
    ("Veloxa Raises $40M To Build Inference Chips For Europe", "Veloxa"),
    ("The Series C led by Harbor Peak Capital closed.", "C"),
    ("SAN FRANCISCO, April 3 (Reuters) - Veloxa raised $5m.", "SAN FRANCISCO"),
    ("BERLIN — Veloxa raised $5m.", "BERLIN"),
    ("NEW YORK, Nov 10 - Veloxa raised $5m.", "YORK"),
    ("SAN JOSE, Calif., Nov 12 (Wire) - Veloxa raised $5m.", "Calif."),
    ("SAN FRANCISCO, Nov 10 - Kiln.ai, a startup, said it had closed a $210 million Series C.", "Nov"),
    ("HEXFIELD TO BUY QUILLFEATHER\nHexfield agreed to buy Quillfeather for $1 billion.", "HEXFIELD TO"),
    ("A $2.2bn financing for the Red Mesa AI campus has closed, developer Pinyon Infrastructure said.", "Red Mesa AI"),
]


@pytest.mark.parametrize("text,name", NOT_COMPANIES, ids=[n[1] for n in NOT_COMPANIES])
def test_not_companies(nlp, text, name):
    assert name not in ents(nlp(text), "ORG")


PEOPLE = [
    ("Jane Smith, CEO of Veloxa, said the round closed.", "Jane Smith"),
    ("The lab was founded by chief scientist Mara Lindqvist.", "Mara Lindqvist"),
]


@pytest.mark.parametrize("text,person", PEOPLE, ids=[p[1] for p in PEOPLE])
def test_people(nlp, text, person):
    assert person in ents(nlp(text), "PERSON")


# (text, the short form, the canonical name every mention of it must carry)
SHORT_FORMS = [
    ("Sable Logic Inc. raised $160 million. Sable's chip ships in May.", "Sable", "Sable Logic"),
    ("Ridgeline Digital Infrastructure LLC secured a loan. Ridgeline said the campus opens in 2027.",
     "Ridgeline", "Ridgeline Digital Infrastructure"),
    ("Broadcom agreed to buy 4th-Line Photonics Ltd. for $1 billion. 4th-Line had raised £95 million.",
     "4th-Line", "4th-Line Photonics"),
]


@pytest.mark.parametrize("text,short,canonical", SHORT_FORMS, ids=[s[2] for s in SHORT_FORMS])
def test_short_form_refers_to_the_full_name(nlp, text, short, canonical):
    doc = nlp(text)
    mentions = [e for e in doc.ents if e.label_ == "ORG" and e.text.startswith(short)]
    assert len(mentions) == 2 and {e.ent_id_ for e in mentions} == {canonical}


def test_aws_and_amazon_are_two_companies(nlp):
    orgs = ents(nlp("AWS and Amazon both spoke."), "ORG")
    assert len(set(orgs)) == 2


CHIPS = [
    ("Nvidia's H200 ships in May.", "H200", "Nvidia"),
    ("The AMD Instinct MI300X is popular.", "MI300X", "AMD"),
    ("Google's Ironwood TPU was shown.", "Ironwood", "Google"),
    ("Clusters of H100s were bought.", "H100", "Nvidia"),
    ("Cindervale Semiconductor unveiled its CV-9 inference accelerator.", "CV-9", "Cindervale Semiconductor"),
    # A quoted name before the kind of chip; a code that taped out; a name before its code.
    ("Ostrand's “Merle” inference accelerator draws 60 W.", "Merle", "Ostrand"),
    ("Quillon unveiled its QX-300, which taped out in June.", "QX-300", "Quillon"),
    ("The money pays for the tape-out of Kestrel Q5, its second chip.", "Kestrel Q5", None),
    ("Ostrand raised $85M. Money goes to the tape-out of Quarrel Z4 (specs below). The Z4 ships in May.",
     "Quarrel Z4", None),
    # The name the text uses, not a sibling name of the same part.
    ("Google rents out TPU v6e capacity.", "TPU v6e", "Google"),
    # A generation's name before its part number names one chip, the part.
    ("Its Blackwell Ultra B300 began shipping.", "B300", "Nvidia"),
    # Generations of one product line are the same kind of product.
    ("Mirra-2 succeeds Mirra-1, which entered production in 2024. Mirra-2 is a 3nm accelerator.", "Mirra-1", None),
]


@pytest.mark.parametrize("text,chip,vendor", CHIPS, ids=[c[1] for c in CHIPS])
def test_chips(nlp, text, chip, vendor):
    chips = {c["chip"]: c["vendor"] for c in nlp(text)._.chips}
    assert chips.get(chip, "<missing>") == vendor


NOT_CHIPS = [
    ("Tern is built on TSMC's N3E, a 3nm-class process.", "N3E"),
    ("Nimbic builds compilers for RISC-V AI chips.", "V"),
]


@pytest.mark.parametrize("text,name", NOT_CHIPS, ids=[n[1] for n in NOT_CHIPS])
def test_not_chips(nlp, text, name):
    assert name not in {c["chip"] for c in nlp(text)._.chips}


def test_asides_and_comparisons_name_something_else(nlp):
    # "It" goes on about the subject before; a figure "on the B200" is the B200's.
    doc = nlp("Nvidia's B300, the mid-cycle refresh of last year's B200, is the chip to beat. It packs 288GB of "
              "HBM3E, up from 180GB on the B200, while bandwidth holds at 8 TB/s.")
    assert [(s["subject"], s["value"]) for s in doc._.specs] == [("B300", 288), ("B200", 180), ("B300", 8)]


def test_spec_table_rows_name_their_product(nlp):
    text = ("Orrin published the lineup.\n| Model | Parameters | Context window (tokens) |\n|---|---|---|\n"
            "| Wren-3 Flash | 9B | 128K |\n| Wren-3 | 72B | 256K |")
    specs = {(s["subject"], s["attribute"], s["value"]) for s in nlp(text)._.specs}
    assert specs == {("Wren-3 Flash", "parameters", 9e9), ("Wren-3 Flash", "context_window", 128000),
                     ("Wren-3", "parameters", 72e9), ("Wren-3", "context_window", 256000)}


def test_a_short_code_refers_to_the_introduced_name(nlp):
    doc = nlp("Aurelic also introduced the Helios H2e, an air-cooled variant of its Helios H2 accelerator. "
              "The H2e is configured with 144GB of HBM3E.")
    assert [(s["subject"], s["value"]) for s in doc._.specs] == [("Helios H2e", 144)]


def test_a_short_code_refers_to_the_chip_named_in_full(nlp):
    doc = nlp("Google rents out TPU v6e capacity; each v6e chip offers 918 TFLOPS of BF16 compute.")
    assert {c["chip"] for c in doc._.chips} == {"TPU v6e"}
    assert [s["subject"] for s in doc._.specs] == ["TPU v6e"]


def test_a_generation_before_its_part_is_no_second_chip(nlp):
    assert [c["chip"] for c in nlp("Its Blackwell Ultra B300 began shipping.")._.chips] == ["B300"]


def test_a_family_name_after_its_member_is_no_second_chip(nlp):
    assert [c["chip"] for c in nlp("Google's Ironwood TPU is now generally available.")._.chips] == ["Ironwood"]


def test_catalogue_name_inside_a_chip_name(nlp):
    doc = nlp("Nvidia showed the Nemotron 3 Ultra chip at its conference.")
    assert [c["chip"] for c in doc._.chips] == ["Nemotron 3 Ultra"]


SUBJECTS = [
    # A second clause joined by "and" is no aside: its chip is the subject.
    ("AMD's MI355X is shipping now, and its MI450, due next year, will carry 432 GB of HBM4.", "MI450"),
    # What a relative claim compares with, and a predecessor, are not what the text goes on about.
    ("The Varro-2 accelerator succeeds Varro-1, which shipped in 2024. The company says the chip delivers three times the "
     "tokens per watt of Nvidia's L40S on open models. It carries 144 GB of HBM3E.", "Varro-2"),
    # A code introduced without a chip word, then described as "the chip".
    ("Tenzing's pitch rests on the TZ-900, which shipped in July. The chip is built on TSMC's 5nm process.", "TZ-900"),
    ("The Orca-5 accelerator, built from spare H100 capacity, reaches 900 teraflops of FP8.", "Orca-5"),
    ("Pellucid trained Quill-70B on 15 trillion tokens using 4,096 H200 GPUs.", "Quill-70B"),
    ("The B200 has 192GB of memory.", "B200"),
    # A process name is no product: the part built on it is the subject.
    ("Halden-2 is fabricated on TSMC's 3nm N3P process and packs 144 billion transistors.", "Halden-2"),
    # An appositive describes the name right before it.
    ("Halden-2 doubles the speed of its predecessor, Halden-1, a 5nm part.", "Halden-1"),
    # A variant keeps its own name.
    ("The Halden-2 accelerator ships in May. An air-cooled version, Halden-2 Air, is rated at 750W.",
     "Halden-2 Air"),
    # The model a benchmark runs "on" is the workload, not the subject.
    ("In tests, a single Halden-2 card sustained 2,400 tokens per second on Mistral Large 2.", "Halden-2"),
    # The object of a comparison is not the subject.
    ("Halcyon says Tern-2 is twice as fast as Tern-1 and serves 450 tokens per second.", "Tern-2"),
    ("Tarn released Ysolde-70B, a 70-billion-parameter model. It serves 450 tokens per second on a single "
     "B300 node.", "Ysolde-70B"),
    # Throughput belongs to what the sentence is about...
    ("Cerebras said its WSE-3 wafer-scale processor served Aster-2 at 2,100 tokens per second.", "WSE-3"),
    # Names in any alphabet, and a chip named before the kind of chip it is.
    ("Munich start-up Zugspitze AI released Föhn-1, a 13-billion-parameter model.", "Föhn-1"),
    ("The Kelpie inference processor is fabricated on TSMC's 5nm node.", "Kelpie"),
    # A quoted name in a headline is no possessive company.
    ("CAMBRIDGE — Thameside raises £120 million for ‘Kelpie’ chip\n\nThe Kelpie inference processor is "
     "fabricated on TSMC’s 5nm node.", "Kelpie"),
    # A sentence that refers back keeps the earlier subject; a later name is a comparison.
    ("Huawei has begun shipping the Ascend 910C. The chip carries 128GB of HBM, roughly double the earlier "
     "Ascend 910B.", "Ascend 910C"),
    # Names a launch introduces, with or without a code.
    ("Tollund Labs released Corvid 7, an open-weight reasoning model with 70 billion parameters.", "Corvid 7"),
    ("Brisa was valued at $2 billion. Its flagship model, Brisa Max, has 300 billion parameters.", "Brisa Max"),
    ("The startup's first training chip, called Marlin, is built on a 5nm process.", "Marlin"),
    ("The company's optical engine, dubbed Skiff, is fabricated on TSMC's 6nm process.", "Skiff"),
    ("Rannoch released Vesk-Pro 2, a 1.5-trillion-parameter mixture-of-experts model with a 1M-token context "
     "window.", "Vesk-Pro 2"),
    # The hardware in an opening phrase is where the model runs, not the subject.
    ("On an eight-GPU H200 server, its Skerry-Chat model runs at 9,000 tokens per second.", "Skerry-Chat"),
    # A name the text introduces without a launch verb.
    ("With Tern, its second-generation accelerator, Orrin has a part that packs 216GB of memory.", "Tern"),
    # A family name after one of its members says what kind of chip it is.
    ("Google's Ironwood TPU offers 192GB of HBM per chip.", "Ironwood"),
    # A company named inside a unit ("Arm cores") does not hide the figure.
    ("The Arcus CPU packs 72 Arm cores.", "Arcus"),
]


@pytest.mark.parametrize("text,subject", SUBJECTS, ids=[s[1] for s in SUBJECTS])
def test_spec_subjects(nlp, text, subject):
    assert {s["subject"] for s in nlp(text)._.specs} == {subject}


def test_spec_subject_across_sentences(nlp):
    doc = nlp("Cindervale unveiled its CV-9 accelerator. The chip pairs with 96GB of HBM3e and draws 600W.")
    specs = {(s["subject"], s["attribute"], s["value"]) for s in doc._.specs}
    assert ("CV-9", "memory", 96.0) in specs
    assert ("CV-9", "power", 600.0) in specs


def test_compared_throughput_belongs_to_the_hardware_named_with_it(nlp):
    doc = nlp("A single H200 generated 3,100 tokens per second on a chat model, versus 2,050 tokens/s on the H100.")
    assert [(s["subject"], s["value"]) for s in doc._.specs] == [("H200", 3100), ("H100", 2050)]


@pytest.mark.parametrize("text", [
    "Larkspur-2 has 90 billion parameters. On Groq's LPU it runs at 480 tokens per second.",
    "Larkspur-2 has 90 billion parameters. Served on Groq LPUs, it generates 480 tokens per second.",
    "Larkspur-2 has 90 billion parameters. On a single eight-GPU MI355X node it sustains 480 tokens per second.",
], ids=["on X it runs", "served on X", "on a node"])
def test_throughput_belongs_to_the_model_not_the_hardware_it_runs_on(nlp, text):
    assert [(s["subject"], s["value"]) for s in nlp(text)._.specs if s["attribute"] == "throughput"] == [
        ("Larkspur-2", 480)]


def test_list_items_inherit_the_subject(nlp):
    doc = nlp("Skerry unveiled the Halden-2 accelerator on Tuesday.\nKey figures, according to Skerry:\n"
              "- Dense compute: 4.8 petaflops at FP8\n- 640 matrix cores\n- Memory: 256GB of HBM3e\n"
              "- Board power: 1.1 kW with liquid cooling")
    assert {s["subject"] for s in doc._.specs} == {"Halden-2"} and len(doc._.specs) == 4


def test_a_code_is_labelled_by_its_clearest_mention(nlp):
    doc = nlp("Fathom Silicon's IPO pops, Halcyon ships Tern-2\n"
              "Halcyon released Tern-2, an open-weight model with 120 billion parameters.")
    assert ents(doc, "MODEL") == ["Tern-2", "Tern-2"] and doc._.chips == []


def test_a_server_is_not_a_chip(nlp):
    doc = nlp("Heliotrope's HX-2 server packs eight AMD Instinct MI355X accelerators.")
    assert [c["chip"] for c in doc._.chips] == ["MI355X"]


def test_headline_spec_gives_way_to_the_body(nlp):
    doc = nlp("Rubin details, a 4nm inference part and a Gulf campus\n"
              "Cindervale unveiled its CV-9 inference accelerator. The CV-9 is built on a 4nm process.")
    assert [(s["subject"], s["value"]) for s in doc._.specs] == [("CV-9", 4)]


def test_rack_power_is_not_a_chip_spec(nlp):
    doc = nlp("The hall supports rack densities of up to 140 kW, enough for Nvidia GB300 NVL72 systems.")
    assert doc._.specs == []


def test_relative_claims_are_not_specs(nlp):
    doc = nlp("Nvidia says the B200 is four times faster than the H100.")
    assert doc._.specs == []


def test_pipeline_round_trips_through_disk(nlp, tmp_path):
    text = "Veloxa Compute raised $40 million. Its CV-9 accelerator has 96GB of HBM3e."
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert loaded.pipe_names == nlp.pipe_names
    a, b = nlp(text), loaded(text)
    assert [(e.text, e.label_, e.ent_id_) for e in a.ents] == [(e.text, e.label_, e.ent_id_) for e in b.ents]
    assert a._.deals == b._.deals and a._.specs == b._.specs


def test_ruler_runs_before_an_installed_ner(tmp_path):
    base = spacy.blank("en")
    base.add_pipe("ner")
    base.initialize()
    base.to_disk(tmp_path / "model")
    nlp = make_nlp(model=str(tmp_path / "model"))
    names = nlp.pipe_names
    assert names.index("infra_entity_ruler") < names.index("ner")
    assert all(stage in names for stage in STAGES)
    doc = nlp("Nvidia invested $5 billion in Intel.")
    assert ("Nvidia", "ORG") in [(e.ent_id_ or e.text, e.label_) for e in doc.ents]


def test_the_tokenizer_cache_is_emptied_once_every_stage_has_its_words(monkeypatch):
    """Building the pipeline tokenises tens of thousands of pattern names and cue words,
    which fill the tokenizer's cache (at most max_cache_size chunks): no article word
    was cached after that, and tokenising ran about four times slower (make bench).
    The cache itself is not visible from Python, so the test checks when it is emptied
    (after the last stage took its word lists) and that emptying it keeps the rules."""
    import pipeline.language as language

    seen = []
    real = language.empty_tokenizer_cache
    monkeypatch.setattr(language, "empty_tokenizer_cache", lambda nlp: (seen.append(list(nlp.pipe_names)), real(nlp)))
    fresh = language.make_nlp()
    assert seen == [fresh.pipe_names] and fresh.pipe_names[-1] == STAGES[-1]
    plain = spacy.blank("en")
    customize_tokenizer(plain)
    assert fresh.tokenizer.rules == plain.tokenizer.rules
    assert [t.text for t in fresh("It raised $5m. Shares of Acme Inc. rose.")] == \
        [t.text for t in plain("It raised $5m. Shares of Acme Inc. rose.")]
