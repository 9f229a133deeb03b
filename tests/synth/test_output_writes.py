"""How synth writes the output: only the files that change, each atomically, under a journal that the next run finishes
after a crash; and how it knows the output is intact without reading it (the stat index, engine/outdir.py)."""

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from modules.engine import fingerprint, outdir
from modules.plan.layout import plan
from modules.registry.validate import load_registry
from tests.helpers import materialize, synthesize
from tests.synth.conftest import synth_registry

ADD_CAROL = ("  - {person: dave, role: viewer}\n", "  - {person: dave, role: viewer}\n  - {person: carol, role: data-scientist}\n")


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _output(root: Path) -> dict[str, bytes]:
    """The output without synth's cache (the CLI's records the registry's digest, synthesize() here does not)."""
    return {rel: data for rel, data in _tree(root).items() if rel != fingerprint.FILE}


def _inodes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_ino for p in sorted(root.rglob("*")) if p.is_file()}


def _edit(registry: Path, old: str, new: str, team: str = "fraud") -> None:
    path = registry / "teams" / f"{team}.yaml"
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))


def _plan(registry: Path):
    return plan(load_registry(registry))


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}-staging-"))


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The base registry synthesized once, and the output of the same registry with carol added to fraud."""
    root = tmp_path_factory.mktemp("writes")
    registry = materialize(None, root)
    before = synth_registry(registry, root / "before")
    edited = root / "edited"
    shutil.copytree(registry, edited)
    _edit(edited, *ADD_CAROL)
    return registry, before, edited, synth_registry(edited, root / "after")


@pytest.fixture
def out(made, tmp_path):
    """A copy of the base registry's output, with an index of its own (as a synth into it leaves)."""
    registry, before, _, _ = made
    out = tmp_path / "out"
    shutil.copytree(before, out)
    synthesize(_plan(registry), out)  # nothing to build: reads the copy once and records its index
    assert outdir.index_path(out).is_file()
    return out


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no except clause of the code under test catches it."""


def _kill_at_rename(monkeypatch, n: int) -> None:
    real = os.rename
    calls = []

    def rename(src, dst):
        calls.append(dst)
        if len(calls) == n:
            raise Killed()
        return real(src, dst)

    monkeypatch.setattr(outdir.os, "rename", rename)


def test_only_the_files_that_change_are_written(made, out):
    _, before, edited, after = made
    inodes = _inodes(out)
    result = synthesize(_plan(edited), out)
    assert result.changed == ("fraud-access", "fraud-dev", "fraud-sandbox")
    assert _tree(out) == _tree(after)
    rewritten = sorted(rel for rel, ino in _inodes(out).items() if inodes.get(rel) != ino)
    assert rewritten == [
        "fingerprints.json",
        "post/fraud-access.json",
        "post/fraud-dev.json",
        "post/fraud-sandbox.json",
        "stacks/fraud-access/cdk.tf.json",
        "stacks/fraud-dev/cdk.tf.json",
        "stacks/fraud-sandbox/cdk.tf.json",
    ], "every other file keeps its inode: not read, not linked, not rewritten"
    assert _leftovers(out) == []


def test_a_kill_while_moving_files_into_place_is_finished_by_the_next_run_and_the_guard_still_holds(made, out, monkeypatch, run_cli):
    registry, before, edited, after = made
    _kill_at_rename(monkeypatch, 3)  # the journal's rename, one file moved into place, then the kill
    with pytest.raises(Killed):
        synthesize(_plan(edited), out)
    monkeypatch.undo()
    assert _tree(out) not in (_tree(before), _tree(after)), "the crash left the output half written"
    (stage,) = [out.parent / n for n in _leftovers(out)]
    assert (stage / outdir.JOURNAL).is_file()

    # the next run, of a registry that would destroy risk's stacks: it first finishes the interrupted one, then
    # compares with that output, and refuses
    destroying = shutil.copytree(edited, out.parent / "destroying")
    (destroying / "teams" / "risk.yaml").unlink()
    _edit(destroying, "{team: risk, environment: prod}", "{team: fraud, environment: dev}")
    code, _, err = run_cli(["synth", "--registry", str(destroying), "--out", str(out), "--quiet"])
    assert code == 1 and "  - risk-dev\n  - risk-prod\n" in err, "a half-written output does not fool the guard"
    assert _tree(out) == _tree(after), "the interrupted run's output, complete"
    assert _leftovers(out) == []


def test_a_kill_before_the_journal_leaves_the_output_as_it_was(made, out, monkeypatch, run_cli):
    _, before, edited, after = made
    _kill_at_rename(monkeypatch, 1)  # the journal's own rename: nothing was decided
    with pytest.raises(Killed):
        synthesize(_plan(edited), out)
    monkeypatch.undo()
    assert _tree(out) == _tree(before) and _leftovers(out) == []
    # what a SIGKILL there leaves (no clean-up ran): a staging folder without a journal, which the next run drops
    stage = out.parent / f".{out.name}-staging-killed"
    (stage / "stacks" / "fraud-dev").mkdir(parents=True)
    (stage / "stacks" / "fraud-dev" / "cdk.tf.json").write_text("{}")
    assert fingerprint.unchanged(out, None, ()) is None, "not a no-op while an earlier run's leftovers are there"
    code, _, err = run_cli(["synth", "--registry", str(edited), "--out", str(out), "--quiet"])
    assert (code, err) == (0, "") and _output(out) == _output(after) and _leftovers(out) == []


def _settled(out: Path) -> None:
    """Let the clock tick past the last write, then record an index that vouches for every file (none is racy)."""
    time.sleep(0.05)
    found = outdir.scan(out)
    for rel in found.stats:
        found.sha(rel)
    outdir.write_index(found)


def test_the_no_op_check_reads_no_file_the_index_vouches_for(made, out, monkeypatch):
    registry, _, _, _ = made
    digest = fingerprint.registry_digest(registry)
    synthesize(_plan(registry), out, registry_digest=digest, note="the note")
    _settled(out)
    read = []
    real = outdir.digest
    monkeypatch.setattr(outdir, "digest", lambda data: read.append(len(data)) or real(data))
    assert fingerprint.unchanged(out, digest, ()) == "the note"
    assert read == []


@pytest.mark.parametrize("how", ["same size, mtime put back", "extra file", "extra folder", "removed file", "index missing"])
def test_whatever_changed_in_the_output_is_noticed_and_put_right(made, out, how, run_cli):
    registry, before, _, _ = made
    digest = fingerprint.registry_digest(registry)
    synthesize(_plan(registry), out, registry_digest=digest)
    _settled(out)
    target = out / "stacks" / "fraud-dev" / "cdk.tf.json"
    if how == "same size, mtime put back":  # what a stat of size and mtime alone would miss; ctime says it
        st = target.stat()
        target.write_text(target.read_text().replace("fraud", "FRAUD", 1))
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert target.stat().st_size == st.st_size and target.stat().st_mtime_ns == st.st_mtime_ns
    elif how == "extra file":  # Terraform would plan it with the stack
        (target.parent / "extra.tf.json").write_text("{}")
    elif how == "extra folder":
        (out / "stacks" / "stray").mkdir()
    elif how == "removed file":
        (out / "post" / "fraud-dev.json").unlink()
    else:
        outdir.index_path(out).unlink()
    expected = None if how != "index missing" else ""
    assert fingerprint.unchanged(out, digest, ()) == expected
    code, _, err = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet"])
    assert (code, err) == (0, "")
    assert _output(out) == _output(before)
    assert sorted(p.name for p in (out / "stacks").iterdir()) == sorted(p.name for p in (before / "stacks").iterdir())


def test_a_symlink_that_replaced_a_file_the_index_vouches_for_is_refused(made, out):
    registry, _, _, _ = made
    digest = fingerprint.registry_digest(registry)
    synthesize(_plan(registry), out, registry_digest=digest)
    _settled(out)
    target = out / "post" / "fraud-dev.json"
    moved = out.parent / "moved.json"
    shutil.move(target, moved)
    target.symlink_to(moved)
    with pytest.raises(outdir.safewrite.UnsafeTarget, match="fraud-dev.json is a symbolic link"):
        fingerprint.unchanged(out, digest, ())


def test_a_journal_that_moves_anything_but_a_plain_file_is_refused(out, run_cli, made):
    """A staging folder is synth's own, but it sits beside the output in a repository: a journal whose staged entry is
    a link (or a folder) is not one synth wrote, and nothing is moved through it."""
    registry = made[0]
    stage = out.parent / f".{out.name}-staging-planted"
    (stage / "stacks" / "fraud-dev").mkdir(parents=True)
    (stage / "stacks" / "fraud-dev" / "cdk.tf.json").symlink_to("/etc/passwd")
    (stage / outdir.JOURNAL).write_text('{"moves": ["stacks/fraud-dev/cdk.tf.json"], "removes": []}')
    before = _tree(out)
    code, _, err = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet"])
    assert code == 2 and "not a plain file" in err
    assert _tree(out) == before


def test_an_index_that_names_paths_outside_the_output_is_ignored(out):
    """The index says which entries a folder holds while its stat is unchanged: one naming `..` is not synth's."""
    found = outdir.scan(out)
    outdir.write_index(found)
    doc = json.loads(outdir.index_path(out).read_text())
    doc["files"]["stacks/../../escape"] = [0, 0, 0, 0, None]
    outdir.index_path(out).write_text(json.dumps(doc))
    again = outdir.scan(out)
    assert "stacks/../../escape" not in again.stats and again.stats.keys() == found.stats.keys()
    assert not again.vouched, "an index that is not synth's vouches for nothing"
