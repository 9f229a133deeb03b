"""synth runs the registry's cross-file checks in a forked child while it plans and builds: a registry that fails
them is refused with exactly validate's report, whatever the plan or the build of the unchecked registry did, and the
output is untouched."""

import json
import shutil
import subprocess
import sys

import pytest

from modules.base.errors import RegistryError
from modules.commands import loading
from modules.engine import outdir
from modules.engine import synth as engine_synth
from tests.helpers import FIXTURES, TESTS, materialize, synthesize
from tests.synth.test_incremental import compile_, tree


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=TESTS.parent, capture_output=True, text=True, timeout=300)


# plan() of these raises on the unchecked registry (an unknown team, guardrails that do not fit); it completes on the
# last one, which then waits for the checks' verdict before it builds anything. Without --quiet: no progress line
# either, the report is validate's to the byte.
@pytest.mark.parametrize("case", ["share-to-unknown-team", "guardrails-too-large", "account-email-collision"])
def test_a_registry_failing_its_checks_is_refused_as_validate_refuses_it(base, tmp_path, case):
    registry = materialize(FIXTURES / "invalid" / case, tmp_path)
    out = tmp_path / "out"
    shutil.copytree(base[1], out)
    before = tree(out)
    validate = cli("validate", "--registry", str(registry))
    assert validate.returncode == 1
    proc = cli("synth", "--registry", str(registry), "--out", str(out))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout + proc.stderr == validate.stdout + validate.stderr
    assert tree(out) == before, "nothing written"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out-")], "no staging folder left"


def test_the_checks_verdict_comes_before_anything_is_written(base, tmp_path, monkeypatch, capsys):
    """With the checks failing (a stand-in), a registry edit that would rebuild a stack writes nothing."""
    registry = materialize(None, tmp_path)
    (registry / "teams" / "fraud.yaml").write_text((registry / "teams" / "fraud.yaml").read_text() + "\n# an edit\n")
    out = tmp_path / "out"
    shutil.copytree(base[1], out)
    (out / "stacks" / "fraud-dev" / "cdk.tf.json").write_text("{}")  # hand-edited: rebuilt by this synth
    before = tree(out)
    monkeypatch.setattr(loading, "run_checks", failing_checks)
    from modules.commands.cli import main

    assert main(["synth", "--quiet", "--registry", str(registry), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "a stand-in check's finding" in err and "nothing was written" in err
    assert tree(out) == before


def failed(order: list[str]) -> None:
    order.append("verify")
    raise RuntimeError("checks failed")


def test_nothing_is_built_before_the_checks_verdict(tmp_path, monkeypatch):
    order = []
    monkeypatch.setattr(engine_synth, "build", lambda *a, **k: order.append("build") or ({}, []))
    registry = materialize(None, tmp_path)
    with pytest.raises(RuntimeError, match="checks failed"):
        synthesize(compile_(registry), tmp_path / "out", verify=lambda: failed(order))
    assert order == ["verify"], "nothing built before a failed verdict"
    assert not (tmp_path / "out").exists()


def failing_checks(reg):
    return [RegistryError("registry/teams/fraud.yaml", 1, "team 'fraud'", "a stand-in check's finding")]


def test_a_failing_registry_neither_finishes_an_interrupted_run_nor_makes_folders(base, tmp_path, monkeypatch, capsys):
    """Finishing an earlier run's journal writes the output, and --out in a new folder makes folders: both wait for
    the checks, so a registry that fails them (a stand-in) leaves the journal and the file system as they were."""
    from modules.commands.cli import main

    registry = materialize(None, tmp_path)
    out = tmp_path / "out"
    shutil.copytree(base[1], out)
    stage = tmp_path / ".out-staging-interrupted"
    (stage / "stacks" / "risk-dev").mkdir(parents=True)
    (stage / "stacks" / "risk-dev" / "cdk.tf.json").write_text("{}")
    (stage / outdir.JOURNAL).write_text(json.dumps({"moves": ["stacks/risk-dev/cdk.tf.json"], "removes": []}))
    before = tree(out)
    monkeypatch.setattr(loading, "run_checks", failing_checks)
    assert main(["synth", "--quiet", "--registry", str(registry), "--out", str(out)]) == 1
    assert "a stand-in check's finding" in capsys.readouterr().err
    assert tree(out) == before and (stage / outdir.JOURNAL).is_file(), "the interrupted run is left for a valid one"
    nowhere = tmp_path / "new" / "deeper" / "out"
    assert main(["synth", "--quiet", "--registry", str(registry), "--out", str(nowhere)]) == 1
    assert not (tmp_path / "new").exists()
    monkeypatch.undo()  # the real checks pass: the interrupted run is finished, as before
    assert main(["synth", "--quiet", "--registry", str(registry), "--out", str(out)]) == 0
    assert not stage.exists() and "finished writing" in capsys.readouterr().err
