"""Figures and claims in the README and docs that could drift from the code are checked against it: the command
line synopsis against the parser, the `--jobs` default against what build does, `.gitignore` against the
committed files; the README keeps to its audiences (operator and developer guides live in docs/)."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from modules.commands.cli import COMMANDS, _parser
from modules.engine.build import WORKER_MEMORY_KB

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _synopsis() -> dict[str, str]:
    block = README.split("## Command line\n\n```\n", 1)[1].split("```", 1)[0]
    out = {}
    for line in block.splitlines():
        words = line.split("#")[0].split()
        if len(words) > 2:
            out[words[2]] = line
    return out


def test_the_synopsis_names_every_command_with_exactly_its_options():
    synopsis = _synopsis()
    assert set(synopsis) == set(COMMANDS)
    for name, sub in _subparsers().items():
        options = {s for a in sub._actions for s in a.option_strings if s.startswith("--") and s != "--help"}
        assert set(re.findall(r"--[a-z-]+", synopsis[name])) == options, name


def test_the_jobs_default_is_what_build_does():
    jobs = next(a for a in _subparsers()["synth"]._actions if "--jobs" in a.option_strings)
    gigabytes = f"{WORKER_MEMORY_KB // 1_000_000} GB"
    assert f"one per core that has {gigabytes} of memory free" in (jobs.help or "")
    performance = " ".join((ROOT / "docs" / "performance.md").read_text().split())
    assert f"default one per core that has {gigabytes} of memory free" in performance


def test_the_readme_keeps_to_what_the_project_is_the_quick_start_and_the_teams_guide():
    headings = re.findall(r"^## (.+)$", README, flags=re.M)
    assert headings == [
        "Quick start",
        "For a team: your file and your pull requests",
        "The example organization",
        "Command line",
        "Documentation",
    ]
    assert len(README.splitlines()) < 300
    linked = set(re.findall(r"\]\((docs/[\w-]+\.md)\)", README))
    assert linked == {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}, "the README's table lists every document"


def test_the_retention_budget_is_the_one_the_compiler_uses():
    from modules.plan.account import DEFAULT_RETIRED_BUDGET

    assert f"`retired_budget_usd` in `organization.yaml` (default {DEFAULT_RETIRED_BUDGET} US dollars a month" in " ".join(README.split())
    assert "$0.01" not in README


def test_no_committed_file_is_ignored():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git work tree")
    proc = subprocess.run(["git", "ls-files", "-ci", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert proc.stdout == "", ".gitignore names committed files"
