"""Pattern folders layered over the built-in ones: names extend, a record with
the same id or key overrides, source packs switch on by name; and the
`patterns test`, `patterns import` and `patterns sources` commands."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.extract import extract_text
from pipeline.knowledge import PatternFileError, available_sources, load_knowledge, pattern_folders
from pipeline.language import make_nlp
from pipeline.pattern_import import SpreadsheetError, import_names


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def ents(nlp, text):
    return {(e.text, e.label_, e.ent_id_) for e in nlp(text).ents}


# (file, records, sentence, entity the sentence must give as (text, label, id))
LAYERS = [
    ("added name", "companies.jsonl", [{"label": "ORG", "pattern": "qorvane", "id": "Qorvane Systems"}],
     "The deal was struck with qorvane on Monday.", ("qorvane", "ORG", "Qorvane Systems")),
    ("alias of a built-in id", "companies.jsonl", [{"label": "ORG", "pattern": "Team Green", "id": "Nvidia"}],
     "Analysts expect Team Green to ship more parts.", ("Team Green", "ORG", "Nvidia")),
    ("re-mapped built-in name", "companies.jsonl",
     [{"label": "ORG", "pattern": "Blue Owl", "id": "Blue Owl Capital Inc."}],
     "The loan came from Blue Owl.", ("Blue Owl", "ORG", "Blue Owl Capital Inc.")),
    ("added chip", "chips.jsonl", [{"label": "CHIP", "pattern": "Qv-88", "id": "Qv-88", "vendor": "Qorvane"}],
     "The cluster runs on Qv-88 cards.", ("Qv-88", "CHIP", "Qv-88")),
]


@pytest.mark.parametrize("file_name,records,text,entity", [c[1:] for c in LAYERS], ids=[c[0] for c in LAYERS])
def test_a_user_folder_extends_and_overrides(tmp_path, file_name, records, text, entity):
    write_jsonl(tmp_path / file_name, records)
    assert entity in ents(make_nlp(pattern_dirs=[tmp_path]), text)


def test_a_record_with_the_same_id_overrides_its_attributes(tmp_path):
    write_jsonl(tmp_path / "chips.jsonl", [{"label": "CHIP", "pattern": "H100", "id": "H100", "vendor": "Quorra"}])
    assert load_knowledge().chip_vendor["H100"] == "Nvidia"
    assert load_knowledge([tmp_path]).chip_vendor["H100"] == "Quorra"


def test_a_remapped_name_leaves_one_pattern(tmp_path):
    write_jsonl(tmp_path / "companies.jsonl", [{"label": "ORG", "pattern": "Blue Owl", "id": "Blue Owl Capital Inc."}])
    ids = [p["id"] for p in load_knowledge([tmp_path]).ruler_patterns if p["pattern"] == "Blue Owl"]
    assert ids == ["Blue Owl Capital Inc."]


def test_lookup_records_and_cue_lists_layer(tmp_path):
    write_jsonl(tmp_path / "rounds.jsonl", [{"round": "series_a", "forms": ["Series A", "A round"]}])
    (tmp_path / "cues.json").write_text(json.dumps({"equity_verbs": ["trousers"]}), encoding="utf-8")
    knowledge = load_knowledge([tmp_path])
    assert {"round": "series_a", "forms": ["Series A", "A round"]} in knowledge.rounds
    assert "trousers" in knowledge.cues["equity_verbs"] and "raised" in knowledge.cues["equity_verbs"]


def test_source_pack_switches_on_by_name():
    assert "china-tech" in available_sources()
    text = "Xinwei Semiconductor raised RMB 300 million in an A+ round led by Qiming Venture Partners."
    without = extract_text(make_nlp(), text).frames()["deals"]
    with_pack = extract_text(make_nlp(sources=["china-tech"]), text).frames()["deals"]
    assert with_pack.loc[0, "round"] == "series_a_plus"
    assert without.empty or pd.isna(without.loc[0, "round"])


def test_unknown_source_names_the_known_ones():
    with pytest.raises(PatternFileError, match="unknown source pack 'nope'.*china-tech"):
        pattern_folders(["nope"])
    result = CliRunner().invoke(main, ["run", "--source", "nope", "-o", "out"])
    assert result.exit_code == 2 and "china-tech" in result.output


def test_sources_command_lists_packs():
    result = CliRunner().invoke(main, ["patterns", "sources"])
    assert result.exit_code == 0 and result.output.startswith("china-tech\t")


def test_patterns_test_command_reports_failing_examples(tmp_path):
    write_jsonl(tmp_path / "companies.jsonl", [
        {"label": "ORG", "pattern": "Qorvane", "id": "Qorvane", "examples": ["Qorvane raised $5 million."]},
        {"label": "ORG", "pattern": "Pellmore", "id": "Pellmore", "examples": ["Nothing here names it."]},
    ])
    result = CliRunner().invoke(main, ["patterns", "test", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'companies.jsonl'}:2: expected ORG 'Pellmore' in 'Nothing here names it.'" in result.output
    assert "companies.jsonl:1:" not in result.output


def test_patterns_test_command_passes_on_the_builtin_patterns_and_packs():
    result = CliRunner().invoke(main, ["patterns", "test", "--source", "china-tech", "--with-builtin"])
    assert result.exit_code == 0, result.output
    passed, _, total = result.output.split()[:3]
    assert passed == total and int(total) > 1000
    only_pack = CliRunner().invoke(main, ["patterns", "test", "--source", "china-tech"])
    assert only_pack.exit_code == 0 and only_pack.output.split()[2] == "16", only_pack.output


SHEET = pd.DataFrame({
    "Company": ["Qorvane Systems, Inc.", "Pellmore Data", "", "Tessaline Ltd"],
    "Canonical": ["", "Pellmore", "", ""],
    "Also known as": ["Qorvane; QRV", "", "", "Tessaline AI"],
    "Type": ["company", "investor", "", "company"],
})

# (case, options, records that must be among the output as (pattern, id))
IMPORTS = [
    ("name is the id", {}, {("Qorvane Systems, Inc.", "Qorvane Systems, Inc."), ("Tessaline Ltd", "Tessaline Ltd")}),
    ("legal form dropped for a short name", {"legal_suffixes": ["Inc.", "Ltd"]},
     {("Qorvane Systems", "Qorvane Systems, Inc."), ("Tessaline", "Tessaline Ltd")}),
    ("id column", {"id_column": "Canonical"}, {("Pellmore Data", "Pellmore"), ("Pellmore", "Pellmore")}),
    ("aliases split", {"alias_columns": ["Also known as"]},
     {("Qorvane", "Qorvane Systems, Inc."), ("QRV", "Qorvane Systems, Inc."), ("Tessaline AI", "Tessaline Ltd")}),
]


@pytest.mark.parametrize("options,expected", [c[1:] for c in IMPORTS], ids=[c[0] for c in IMPORTS])
def test_import_names(options, expected):
    imported = import_names(SHEET, "ORG", name_column="Company", **options)
    assert expected <= {(r["pattern"], r["id"]) for r in imported.records}
    assert imported.warnings == ["4: no name; row skipped"]


def test_import_copies_fields_and_refuses_keys_the_label_cannot_carry():
    imported = import_names(SHEET, "ORG", name_column="Company", fields={"kind": "Type"})
    assert imported.records[0] == {"label": "ORG", "pattern": "Qorvane Systems, Inc.", "id": "Qorvane Systems, Inc.",
                                   "kind": "company"}
    with pytest.raises(SpreadsheetError, match="cannot carry 'vendor'"):
        import_names(SHEET, "ORG", name_column="Company", fields={"vendor": "Type"})
    with pytest.raises(SpreadsheetError, match="no column 'Name'.*'Company'"):
        import_names(SHEET, "ORG", name_column="Name")


def test_import_keeps_the_first_id_of_a_name():
    sheet = pd.DataFrame({"name": ["Helix", "Helix"], "id": ["Helix Labs", "Helix Robotics"]})
    imported = import_names(sheet, "ORG", name_column="name", id_column="id")
    assert ("Helix", "Helix Labs") in {(r["pattern"], r["id"]) for r in imported.records}
    assert ("Helix", "Helix Robotics") not in {(r["pattern"], r["id"]) for r in imported.records}
    assert imported.warnings == ["3: 'Helix' already names 'Helix Labs'; kept that, skipped 'Helix Robotics'"]


def test_import_command_writes_a_valid_pattern_file(tmp_path):
    sheet = tmp_path / "portfolio.csv"
    SHEET.to_csv(sheet, index=False)
    folder = tmp_path / "mine"
    folder.mkdir()
    runner = CliRunner()
    args = ["patterns", "import", str(sheet), "--label", "ORG", "--name-column", "Company",
            "--alias-column", "Also known as", "--field", "kind=Type", "-o", str(folder)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "portfolio.csv:4: no name" in result.output
    lines = (folder / "companies.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["id"] == "Qorvane Systems, Inc."
    assert runner.invoke(main, ["patterns", "validate", str(folder)]).exit_code == 0
    again = runner.invoke(main, args)
    assert again.exit_code == 2 and "--append" in again.output
    assert runner.invoke(main, [*args, "--append"]).exit_code == 0
    assert len((folder / "companies.jsonl").read_text(encoding="utf-8").splitlines()) == 2 * len(lines)


def test_import_command_names_a_missing_file(tmp_path):
    result = CliRunner().invoke(main, ["patterns", "import", str(tmp_path / "none.csv"), "--label", "ORG"])
    assert result.exit_code == 2 and "none.csv: no such file" in result.output
