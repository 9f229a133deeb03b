"""The files beside the stacks, computed by a forked child while the synth process builds (modules/engine/aside.py):
the same bytes as computed in the process, a failing child falls back to the process (which then sees the error
itself), and an abandoned child is stopped."""

from __future__ import annotations

import os
import sys

import pytest

from modules.engine.aside import DISABLE, Later
from tests.helpers import materialize

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="the child is forked on Linux only")


@linux_only
def test_the_child_computes_the_value_in_another_process():
    later = Later(lambda: (os.getpid(), "x" * 1_000_000))  # bigger than a pipe's buffer
    pid, text = later()
    assert pid != os.getpid() and text == "x" * 1_000_000
    assert later() == (pid, text)  # asked twice, computed once


@linux_only
def test_a_failing_child_is_computed_again_here_and_its_error_raised_here():
    calls = []

    def fails() -> None:
        calls.append(os.getpid())  # the child's append is in its own memory: only this process's shows
        raise ValueError("boom")

    later = Later(fails)
    with pytest.raises(ValueError, match="boom"):
        later()
    assert calls == [os.getpid()]


@linux_only
def test_a_child_whose_result_is_not_wanted_is_stopped():
    later = Later(lambda: "y" * 10_000_000)  # blocks on its full pipe until read
    pid = later._pid
    later.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no such child any more
    later.cancel()  # again (an error path after an interrupted read): nothing left to close or kill, no error


@linux_only
def test_a_child_past_the_deadline_is_stopped_and_the_work_done_here(monkeypatch):
    """A child that never answers (a lock another thread held at the fork) cannot hang synth."""
    import time

    from modules.engine import aside

    monkeypatch.setattr(aside, "DEADLINE", 0.5)
    parent = os.getpid()
    later = Later(lambda: time.sleep(60) if os.getpid() != parent else "here")
    pid = later._pid
    assert later() == "here"
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_disabled_or_unforked_it_is_computed_here_when_asked(monkeypatch):
    monkeypatch.setenv(DISABLE, "1")
    assert Later(os.getpid)() == os.getpid()
    monkeypatch.delenv(DISABLE)
    assert Later(os.getpid, fork=False)() == os.getpid()


@linux_only
def test_synth_writes_the_same_bytes_with_and_without_the_child(tmp_path, run_cli, monkeypatch):
    """The synth command in a project (root files included), a one-team edit each way, byte for byte."""
    trees = []
    for mode in ("child", "here"):
        root = tmp_path / mode
        materialize(None, root)
        (root / "cdktf.json").write_text("{}")  # a project: atlantis.yaml and CODEOWNERS are written beside the output
        if mode == "here":
            monkeypatch.setenv(DISABLE, "1")
        assert run_cli(["synth", "--quiet", "--jobs", "1"], cwd=root)[0] == 0
        team = root / "registry" / "teams" / "fraud.yaml"
        team.write_text(team.read_text().replace("  - {person: dave, role: viewer}", "  - {person: dave, role: lead}"))
        code, out, err = run_cli(["synth", "--quiet", "--jobs", "1"], cwd=root)
        assert code == 0, err
        trees.append(
            {
                str(p.relative_to(root)): p.read_bytes()
                for p in sorted(root.rglob("*"))
                if p.is_file() and "registry" not in p.parts and not p.name.startswith(".generated-") and p.name != "fingerprints.json"
            }
        )
    assert trees[0] == trees[1]
    assert "atlantis.yaml" in trees[0] and any(k.startswith("generated/post/") for k in trees[0])
