"""`infra-extract patterns validate` and `run --patterns` on broken pattern folders:
each broken line is reported as `file:line: what is wrong`."""

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.knowledge import TABLE_FILES, PatternFileError, load_knowledge
from pipeline.pattern_check import TABLE_KEYS, check_folders

# (file name, file text, line with the problem, words the message must hold)
BROKEN = [
    ("companies.jsonl", '{"label": "ORG", "pattern": "Quorra", "id": "Quorra"}\n{"label": "ORG", "pattern": "Quorra\n',
     2, "invalid JSON"),
    ("companies.jsonl", '["ORG", "Quorra"]\n', 1, "expected a JSON object"),
    ("companies.jsonl", '{"label": "ORG", "pattern": "Quorra", "id": "Quorra", "vendr": "x"}\n', 1, "unknown key(s) 'vendr'"),
    ("companies.jsonl", '{"label": "ORG", "pattern": "Quorra"}\n', 1, "missing 'id'"),
    ("chips.jsonl", '{"label": "ORG", "pattern": "QX-9", "id": "QX-9"}\n', 1, "use 'CHIP'"),
    ("companies.jsonl", '{"label": "ORG", "pattern": [{"TEXTT": "Quorra"}], "id": "Quorra"}\n', 1,
     "bad token pattern"),
    ("companies.jsonl", '{"label": "ORG", "pattern": [{"TEXT": "D-Wave"}], "id": "D-Wave"}\n', 1,
     "can never match: the tokenizer splits it into 'D' + '-' + 'Wave'"),
    ("companies.jsonl", '{"label": "ORG", "pattern": "Quorra", "id": "Quorra"}\n'
                        '{"label": "ORG", "pattern": "Quorra", "id": "Quorra Labs"}\n', 2,
     "given two canonical names"),
    ("companies.jsonl", '{"label": "ORG", "pattern": "Quorra", "id": "Quorra", "examples": "Quorra raised."}\n', 1,
     "examples must be a list"),
    ("currencies.jsonl", '{"prefix": ["Q$"]}\n', 1, "missing 'code'"),
    ("cues.json", '{\n  "equity_verbs": ["bags"],\n  "equity_verb": ["nets"]\n}\n', 3, "unknown cue list 'equity_verb'"),
    ("cues.json", '{\n  "equity_verbs": "bags"\n}\n', 2, "must be a list"),
]


@pytest.mark.parametrize("name,text,line,words", BROKEN, ids=[b[3][:30] for b in BROKEN])
def test_each_problem_names_file_and_line(tmp_path, name, text, line, words):
    (tmp_path / name).write_text(text, encoding="utf-8")
    problems = [str(p) for p in check_folders([tmp_path], include_builtin=False)]
    assert any(p.startswith(f"{tmp_path / name}:{line}: ") and words in p for p in problems), problems


def test_builtin_patterns_are_valid():
    assert check_folders([]) == []


def test_a_later_folder_may_remap_a_name(tmp_path):
    (tmp_path / "companies.jsonl").write_text('{"label": "ORG", "pattern": "Blue Owl", "id": "Blue Owl Capital"}\n')
    assert check_folders([tmp_path]) == []


def test_validate_command_exit_status(tmp_path):
    runner = CliRunner()
    good = runner.invoke(main, ["patterns", "validate"])
    assert good.exit_code == 0 and "ok" in good.output
    (tmp_path / "chips.jsonl").write_text('{"label": "CHIP", "pattern": "QX-9"}\n', encoding="utf-8")
    bad = runner.invoke(main, ["patterns", "validate", str(tmp_path)])
    assert bad.exit_code == 2
    assert f"{tmp_path / 'chips.jsonl'}:1: missing 'id'" in bad.output


def test_run_refuses_invalid_patterns_before_reading_articles(tmp_path):
    articles = tmp_path / "in"
    articles.mkdir()
    (articles / "a.txt").write_text("Quorra raised $5 million.", encoding="utf-8")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "companies.jsonl").write_text('{"label": "ORG", "pattern": "Quorra", "id": "Quorra"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(articles), "-o", str(out), "--patterns", str(mine)])
    assert result.exit_code == 2
    assert f"{mine / 'companies.jsonl'}:1: invalid JSON" in result.output
    assert "no article was read" in result.output
    assert not out.exists()


# Files the loader never reads: (file name, text, the name the message proposes or None)
UNREAD = [
    ("bad.jsonl", '{"label": "ORG", "pattern": "Quorra", "id": "Quorra"}\n', None),
    ("company.jsonl", '{"label": "ORG", "pattern": "Quorra", "id": "Quorra"}\n', "companies.jsonl"),
    ("chip.jsonl", '{"label": "CHIP", "pattern": "QX-9", "id": "QX-9"}\n', "chips.jsonl"),
    ("Companies.JSONL", '{"label": "ORG", "pattern": "Quorra", "id": "Quorra"}\n', "companies.jsonl"),
    ("cue.json", '{"equity_verbs": ["bags"]}\n', "cues.json"),
]


@pytest.mark.parametrize("name,text,proposed", UNREAD, ids=[u[0] for u in UNREAD])
def test_a_file_the_loader_skips_is_reported_by_name(tmp_path, name, text, proposed):
    (tmp_path / name).write_text(text, encoding="utf-8")
    [problem] = [str(p) for p in check_folders([tmp_path], include_builtin=False)]
    assert problem.startswith(f"{tmp_path / name}: not read: ")
    assert "companies.jsonl, chips.jsonl" in problem and "cues.json" in problem  # the names it would read
    if proposed:
        assert f"rename it to {proposed!r}" in problem
    else:
        assert "rename it" not in problem


def test_broken_lines_of_an_unread_jsonl_file_are_reported_too(tmp_path):
    (tmp_path / "company.jsonl").write_text('{"label": "ORG", "pattern": "Quorra", "id": "Quorra"}\n{"label": \n',
                                            encoding="utf-8")
    problems = [str(p) for p in check_folders([tmp_path], include_builtin=False)]
    assert any(p.startswith(f"{tmp_path / 'company.jsonl'}:2: invalid JSON") for p in problems), problems


def test_other_files_in_a_pattern_folder_are_left_alone(tmp_path):
    (tmp_path / "README.md").write_text("# my patterns\n", encoding="utf-8")
    (tmp_path / "names.csv").write_text("name\nQuorra\n", encoding="utf-8")
    (tmp_path / "companies.jsonl").write_text('{"label": "ORG", "pattern": "Quorra", "id": "Quorra"}\n')
    assert check_folders([tmp_path], include_builtin=False) == []


@pytest.mark.parametrize("name", ["bad.jsonl", "company.jsonl"])
def test_validate_and_run_refuse_a_folder_whose_file_is_misnamed(tmp_path, name):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / name).write_text('{"label": "ORG", "pattern": "Quorra", "id": "Quorra"}\n', encoding="utf-8")
    runner = CliRunner()
    validated = runner.invoke(main, ["patterns", "validate", str(mine)])
    assert validated.exit_code == 2 and f"{mine / name}: not read" in validated.output
    assert "ok" not in validated.output.split()
    articles = tmp_path / "in"
    articles.mkdir()
    (articles / "a.txt").write_text("Quorra raised $5 million.", encoding="utf-8")
    ran = runner.invoke(main, ["run", str(articles), "-o", str(tmp_path / "out"), "--patterns", str(mine)])
    assert ran.exit_code == 2 and f"{mine / name}: not read" in ran.output
    assert not (tmp_path / "out").exists()


def test_the_loader_refuses_a_misnamed_file_too(tmp_path):
    """The Python API and spaCy configs load patterns without `validate`: they refuse it as well."""
    (tmp_path / "company.jsonl").write_text('{"label": "ORG", "pattern": "Quorra", "id": "Quorra"}\n')
    with pytest.raises(PatternFileError, match=r"company\.jsonl: not read"):
        load_knowledge([tmp_path])


def test_every_lookup_table_the_loader_reads_has_a_schema():
    assert set(TABLE_KEYS) == set(TABLE_FILES)


def test_patterns_are_read_as_json_and_never_run(tmp_path):
    """Files that would run code if the loader trusted them: a Python module, a
    pickle and a YAML object tag. None runs; the one in a file the tool reads
    is reported as invalid JSON, the others are not read at all."""
    import pickle

    marker = tmp_path / "ran"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "companies.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n", encoding="utf-8")

    class Plant:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    (mine / "companies.pkl").write_bytes(pickle.dumps(Plant()))
    (mine / "chips.jsonl").write_text(f"!!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    (mine / "companies.jsonl").write_text('{"label": "ORG", "pattern": "Quorra", "id": "Quorra"}\n', encoding="utf-8")
    articles = tmp_path / "in"
    articles.mkdir()
    (articles / "a.txt").write_text("Quorra raised $5 million.", encoding="utf-8")
    runner = CliRunner()
    validated = runner.invoke(main, ["patterns", "validate", str(mine)])
    assert validated.exit_code == 2 and f"{mine / 'chips.jsonl'}:1: invalid JSON" in validated.output
    ran = runner.invoke(main, ["run", str(articles), "-o", str(tmp_path / "out"), "--patterns", str(mine)])
    assert ran.exit_code == 2
    (mine / "chips.jsonl").unlink()
    ran = runner.invoke(main, ["run", str(articles), "-o", str(tmp_path / "out"), "--patterns", str(mine)])
    assert ran.exit_code == 0, ran.output
    assert not marker.exists()
