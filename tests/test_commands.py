"""The commands layer: cli.py parses into each command's typed options; each command is a module of its own
that loads only what it needs."""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import subprocess
import sys

import pytest

from modules.commands.cli import COMMANDS, _parser
from tests.helpers import EXAMPLE, TESTS


def subcommands() -> dict[str, argparse.ArgumentParser]:
    return next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)).choices


def test_every_parsed_argument_reaches_its_command_as_a_typed_option():
    parsers = subcommands()
    assert set(parsers) == set(COMMANDS)
    for name, sub in parsers.items():
        dests = {a.dest for a in sub._actions if a.dest != "help"}
        fields = {f.name for f in dataclasses.fields(COMMANDS[name].options)}
        assert dests == fields, f"{name}: parsed {sorted(dests)}, options {sorted(fields)}"
        assert COMMANDS[name].options.__dataclass_params__.frozen
        module = importlib.import_module(f"modules.commands.{COMMANDS[name].module}")
        assert callable(getattr(module, COMMANDS[name].module)), f"modules/commands/{COMMANDS[name].module}.py"


def test_options_are_filled_by_name(run_cli, monkeypatch):
    from modules.commands import post

    seen = []
    monkeypatch.setattr(post, "post", lambda opts: seen.append(opts) or 0)
    code, _, _ = run_cli(["post", "apply", "--stack", "a", "--stack", "b", "--job", "cost-tags", "--timeout", "5"])
    assert code == 0
    opts = seen[0]
    assert (opts.mode, opts.stacks, opts.job, opts.timeout, opts.all) == ("apply", ("a", "b"), "cost-tags", 5.0, False)


@pytest.mark.parametrize(
    "argv,unloaded",
    [
        (["validate", "--registry", str(EXAMPLE)], ("cdktn", "jsii", "boto3", "modules.engine.synth")),
        (["graph", "--registry", str(EXAMPLE)], ("cdktn", "jsii", "boto3")),
    ],
)
def test_a_command_loads_only_what_it_needs(argv, unloaded):
    code = (
        f"import sys; from modules.commands.cli import main; assert main({argv!r}) == 0; "
        f"loaded = sorted(m for m in sys.modules if m.startswith({unloaded!r})); assert not loaded, loaded"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=TESTS.parent, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_review_and_outputs_do_not_import_synth():
    """The diff command (modules/commands/diff.py) joins review and synth; neither side imports the other back."""
    code = (
        "import pkgutil, importlib, sys, modules.review, modules.outputs\n"
        "for pkg in (modules.review, modules.outputs):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__):\n"
        "        importlib.import_module(f'{pkg.__name__}.{m.name}')\n"
        "assert 'modules.engine.synth' not in sys.modules and 'modules.commands' not in sys.modules"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=TESTS.parent, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_post_that_cannot_even_load_is_a_usage_problem_not_pending(run_cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "modules.commands.post", None)  # importing it fails, as without boto3
    code, _, err = run_cli(["post", "plan", "--stack", "organization"])
    assert code == 3 and "post: internal error before the run started: ModuleNotFoundError" in err
    code, _, err = run_cli(["validate", "--registry", str(EXAMPLE)])
    assert code == 0, "other commands never load post"


def test_each_command_is_one_record_and_the_command_line_names_none():
    """A command's name, help, arguments, options, whether it builds constructs and its exit codes are its record in
    specs.py; cli.py builds the parser and maps errors from the records alone (no command's name in it but the default
    one), and the post-step's exit scheme is the post package's own."""
    from pathlib import Path

    from modules.base.exits import STANDARD
    from modules.commands import cli
    from modules.post import exits as post_exits
    from modules.review import drift

    source = Path(cli.__file__).read_text()
    named = [name for name in COMMANDS if f'"{name}"' in source or f"'{name}'" in source]
    assert named == ["synth"], "only the default command is named in cli.py"
    assert (COMMANDS["post"].exits, COMMANDS["access-drift"].exits, COMMANDS["drift"].exits) == (
        post_exits.POST,
        post_exits.ACCESS_DRIFT,
        drift.EXITS,
    )
    assert all(c.exits is STANDARD for name, c in COMMANDS.items() if name not in ("post", "access-drift", "drift"))
