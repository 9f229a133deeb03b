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
