"""main.py re-runs itself under `python -O` only when that is faster: when the optimized bytecode is there."""

import os
import sys

import main


def test_no_bytecode_writing_and_no_optimized_bytecode_means_no_reexec(monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    real = os.path.exists
    monkeypatch.setattr(os.path, "exists", lambda p: False if str(p).endswith(".opt-1.pyc") else real(p))
    assert main.optimized_bytecode_ready() is False


def test_optimized_bytecode_present_or_writable_means_reexec(monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    assert main.optimized_bytecode_ready() is True
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    real = os.path.exists
    monkeypatch.setattr(os.path, "exists", lambda p: True if str(p).endswith(".opt-1.pyc") else real(p))
    assert main.optimized_bytecode_ready() is True


def test_the_commands_main_re_runs_optimized_are_the_ones_that_build_constructs():
    """main.py decides before importing the compiler: its list and its answer are the command table's."""
    from modules.commands.cli import wants_cdktn
    from modules.commands.specs import COMMANDS

    assert set(main.CDKTN_COMMANDS) == {name for name, c in COMMANDS.items() if c.cdktn}
    for argv in ([], ["--quiet"], ["synth"], ["synth", "--help"], ["diff", "-h"], ["diff", "--base", "main"], *([n] for n in COMMANDS)):
        assert main.wants_optimized(argv) == wants_cdktn(argv), argv
