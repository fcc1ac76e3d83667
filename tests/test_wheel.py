"""The package works from a built wheel, outside the repository."""

import os
import subprocess
import sys
import textwrap

from tests.conftest import ROOT


def test_wheel_ships_patterns_and_runs(tmp_path):
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(wheels), str(ROOT)], check=True, capture_output=True, text=True)
    # Every shipped data folder is declared: setuptools has nothing to warn about.
    assert "Warning" not in build.stderr and "would be ignored" not in build.stderr, build.stderr
    [wheel] = list(wheels.glob("infra_extract-*.whl"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True)
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text("Veloxa Compute raised $40 million from Nvidia.\n"
                                                      "MetaX began shipping its MXC500 GPU.\n")
    script = textwrap.dedent(
        """
        import sys, pipeline
        from pipeline.knowledge import available_sources, builtin_dir
        assert pipeline.__file__.startswith(sys.argv[1]), pipeline.__file__
        assert str(builtin_dir()).startswith(sys.argv[1]), builtin_dir()
        assert "china-tech" in available_sources(), available_sources()
        assert (builtin_dir() / "kb" / "companies.jsonl").is_file()
        assert (builtin_dir() / "sources" / "china-tech" / "companies.jsonl").is_file()
        from importlib import resources
        assert (resources.files("pipeline") / "templates" / "report.html").is_file()
        from pipeline.cli import main
        main(["run", "articles", "-o", "out", "--source", "china-tech"])
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    result = subprocess.run([sys.executable, "-c", script, str(site)], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "1 read" in result.stdout
    assert "Veloxa Compute" in (tmp_path / "out" / "deals.csv").read_text()
    assert "MXC500,MetaX" in (tmp_path / "out" / "chips.csv").read_text()


def test_the_html_readers_imports_are_direct_dependencies():
    """justext imports lxml.html.clean, which lxml no longer contains; pip before 24
    ignores the lxml[html_clean] extra justext asks for, so the project names the
    package itself (.ci/plain-pip-install installs with such a pip)."""
    import tomllib
    from importlib.metadata import packages_distributions

    import lxml.html.clean  # noqa: F401  (fails here when the package is missing)

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {d.split(">")[0].split("<")[0].split("=")[0].strip().lower().replace("-", "_") for d in declared}
    [distribution] = packages_distributions()["lxml_html_clean"]
    assert distribution.lower().replace("-", "_") in names
