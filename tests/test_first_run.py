"""The first run of a team member: `make validate` installs only the compiler's runtime (no scanner, no test tool),
says what each long step does, and `python main.py` with a Python that lacks the dependencies either finds the
project's .venv or says in one line what to run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_TOOLS = ("'.[test]'", "pytest", "moto", "ruff", "mypy")
SCANNERS = (".venv-scan", "scanners.txt", "checkov")


@pytest.fixture
def clean_tree(tmp_path) -> Path:
    """A fresh clone's Makefile inputs, with no virtual environment yet."""
    for rel in ("Makefile", "pyproject.toml", ".ci/scanners.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / rel, tmp_path / rel)
    return tmp_path


def dry_run(tree: Path, target: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # as a user runs it, also when the tests themselves run under `make test` (a sub-make prints its directory)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES")}
    proc = subprocess.run(["make", "-n", target], cwd=tree, capture_output=True, text=True, check=True, env=env)
    return proc.stdout


@pytest.mark.parametrize("target", ["validate", "synth", "schema"])
def test_what_a_team_member_runs_installs_no_scanner_and_no_test_tool(clean_tree, target):
    recipe = dry_run(clean_tree, target)
    assert "pip install --quiet -e ." in recipe and recipe.rstrip().endswith(f"main.py {target}")
    assert not [word for word in TEST_TOOLS + SCANNERS if word in recipe], recipe


def test_make_test_installs_the_test_tools_and_the_scanners(clean_tree):
    recipe = dry_run(clean_tree, "test")
    assert "pip install --quiet -e '.[test]'" in recipe and "pip install --quiet -r .ci/scanners.txt" in recipe


def test_each_long_setup_step_says_what_it_does(clean_tree):
    recipe = dry_run(clean_tree, "validate").splitlines()
    steps = [line for line in recipe if line.startswith('echo "setup ')]
    assert [s.split(":")[0] for s in steps] == [f'echo "setup {i}/4' for i in range(1, 5)]
    # each step's line comes before its command
    assert recipe.index(next(s for s in steps if "2/4" in s)) < recipe.index(".venv/bin/python -m pip install --quiet -e .")


def test_the_runtime_installs_no_test_dependency():
    text = (ROOT / "pyproject.toml").read_text()
    runtime = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert not [tool for tool in ("pytest", "moto", "ruff", "mypy", "hypothesis", "jq", "checkov") if f'"{tool}' in runtime]


def test_outside_the_venv_main_finds_the_projects_venv():
    """`-S`: no site-packages, as a Python without the project's dependencies."""
    proc = subprocess.run([sys.executable, "-S", str(ROOT / "main.py"), "validate"], cwd=ROOT, capture_output=True, text=True)
    assert (proc.returncode, proc.stderr) == (0, "") and proc.stdout.startswith("registry: valid — ")


def test_without_a_venv_main_says_in_one_line_what_to_run(tmp_path):
    shutil.copyfile(ROOT / "main.py", tmp_path / "main.py")
    proc = subprocess.run([sys.executable, "-S", str(tmp_path / "main.py"), "validate"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
    assert "no module" in proc.stderr and "run `make validate`" in proc.stderr and "`.venv/bin/python main.py ...`" in proc.stderr
