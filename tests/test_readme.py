"""The README's walkthrough "Adding a new source", executed step by step.

Fenced blocks whose info string names a path after the language
("jsonl my-source/companies.jsonl") are written to that path. In "console"
blocks, each "$ " line is a command (infra-extract through click's runner,
anything else as a process) and the lines after it are output it must print.
"""

import shlex
import subprocess

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from pipeline.cli import main
from tests.conftest import ROOT

SECTION = "Adding a new source"


def walkthrough_blocks(markdown: str) -> list[tuple[str, str]]:
    """(info string, content) of each fenced block in SECTION, in order."""
    tokens = MarkdownIt().parse(markdown)
    blocks, inside = [], False
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            inside = tokens[i + 1].content == SECTION
        elif inside and token.type == "fence":
            blocks.append((token.info.strip(), token.content))
    return blocks


def console_steps(content: str) -> list[tuple[str, list[str]]]:
    steps: list[tuple[str, list[str]]] = []
    for line in content.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif line.strip():
            steps[-1][1].append(line)
    return steps


def run_step(command: str, cwd) -> tuple[int, str]:
    argv = shlex.split(command)
    if argv[0] == "infra-extract":
        result = CliRunner().invoke(main, argv[1:], catch_exceptions=False)
        return result.exit_code, result.output
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


BLOCKS = walkthrough_blocks((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_walkthrough_has_files_and_commands():
    kinds = [info.split()[0] for info, _ in BLOCKS]
    assert kinds.count("console") >= 2 and len(BLOCKS) - kinds.count("console") >= 4


def test_adding_a_new_source_walkthrough(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for info, content in BLOCKS:
        words = info.split()
        if words[0] == "console":
            for command, expected in console_steps(content):
                status, output = run_step(command, tmp_path)
                assert status == 0, f"{command}\n{output}"
                lines = [line.rstrip() for line in output.splitlines()]
                for line in expected:
                    assert line in lines, f"{command}: {line!r} not in\n{output}"
        elif len(words) == 2:
            target = tmp_path / words[1]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        else:
            pytest.fail(f"README block {info!r} is neither a file nor a console session")


def test_without_the_folder_the_new_rows_are_absent(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for info, content in BLOCKS:
        words = info.split()
        if len(words) == 2 and words[1].startswith("articles/"):
            (tmp_path / "articles").mkdir(exist_ok=True)
            (tmp_path / words[1]).write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["run", "articles", "-o", "out"])
    assert result.exit_code == 0
    assert "Quillfeather" not in (tmp_path / "out" / "deals.csv").read_text(encoding="utf-8")
    assert "Quillfeather" not in (tmp_path / "out" / "chips.csv").read_text(encoding="utf-8")


def python_blocks(markdown: str, section: str) -> list[str]:
    tokens = MarkdownIt().parse(markdown)
    blocks, inside = [], False
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            inside = tokens[i + 1].content == section
        elif inside and token.type == "fence" and token.info.strip() == "python":
            blocks.append(token.content)
    return blocks


API_EXAMPLES = python_blocks((ROOT / "README.md").read_text(encoding="utf-8"), "Python API")


@pytest.mark.parametrize("code", API_EXAMPLES, ids=[f"example-{i + 1}" for i in range(len(API_EXAMPLES))])
def test_python_api_examples_run(code, monkeypatch):
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})


def test_the_python_api_section_has_examples():
    assert len(API_EXAMPLES) >= 2
