"""synth runs the registry's cross-file checks in a forked child while it plans and builds: a registry that fails
them is refused with exactly validate's report, whatever the plan or the build of the unchecked registry did, and the
output is untouched."""

import shutil
import subprocess
import sys

import pytest

from modules.base.errors import RegistryError
from modules.commands import loading
from modules.engine import synth as engine_synth
from tests.helpers import FIXTURES, TESTS, materialize, synthesize
from tests.synth.test_incremental import compile_, tree


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("checked")
    registry = materialize(None, root)
    out = root / "out"
    synthesize(compile_(registry), out, full=True, jobs=1)
    return out


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=TESTS.parent, capture_output=True, text=True, timeout=300)


# plan() of these raises on the unchecked registry (an unknown team, guardrails that do not fit); it completes on the
# last one, whose stacks are then built before the checks' verdict arrives
@pytest.mark.parametrize("case", ["share-to-unknown-team", "guardrails-too-large", "account-email-collision"])
def test_a_registry_failing_its_checks_is_refused_as_validate_refuses_it(base, tmp_path, case):
    registry = materialize(FIXTURES / "invalid" / case, tmp_path)
    out = tmp_path / "out"
    shutil.copytree(base, out)
    before = tree(out)
    validate = cli("validate", "--registry", str(registry))
    assert validate.returncode == 1
    proc = cli("synth", "--quiet", "--registry", str(registry), "--out", str(out))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout + proc.stderr == validate.stdout + validate.stderr
    assert tree(out) == before, "nothing written"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out-")], "no staging folder left"


def test_the_checks_verdict_comes_before_anything_is_written(base, tmp_path, monkeypatch, capsys):
    """With the checks failing only once the stacks are built (a stand-in that fails them), nothing is written."""
    registry = materialize(None, tmp_path)
    (registry / "teams" / "fraud.yaml").write_text((registry / "teams" / "fraud.yaml").read_text() + "\n# an edit\n")
    out = tmp_path / "out"
    shutil.copytree(base, out)
    (out / "stacks" / "fraud-dev" / "cdk.tf.json").write_text("{}")  # hand-edited: rebuilt by this synth
    before = tree(out)

    def failing_checks(reg):
        return [RegistryError("registry/teams/fraud.yaml", 1, "team 'fraud'", "a stand-in check's finding")]

    monkeypatch.setattr(loading, "run_checks", failing_checks)
    from modules.commands.cli import main

    assert main(["synth", "--quiet", "--registry", str(registry), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "a stand-in check's finding" in err and "nothing was written" in err
    assert tree(out) == before  # the one stack to build was built before the verdict, then thrown away


def failed(order: list[str]) -> None:
    order.append("verify")
    raise RuntimeError("checks failed")


def test_a_long_build_waits_for_the_checks(tmp_path, monkeypatch):
    order = []
    monkeypatch.setattr(engine_synth, "VERIFY_FIRST", 0)
    monkeypatch.setattr(engine_synth, "build", lambda *a, **k: order.append("build") or ({}, []))
    registry = materialize(None, tmp_path)
    with pytest.raises(RuntimeError, match="checks failed"):
        synthesize(compile_(registry), tmp_path / "out", verify=lambda: failed(order))
    assert order == ["verify"], "nothing built before a failed verdict"
    assert not (tmp_path / "out").exists()
