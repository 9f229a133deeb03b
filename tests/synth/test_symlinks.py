"""Writes never follow a link: a symlink a pull request commits where synth writes (the output folder, a file in it,
atlantis.yaml, .github/CODEOWNERS, a temporary file's name, registry/schema.json) is refused or never touched."""

import json
import os
import shutil
from pathlib import Path

import pytest

from modules.base import safewrite
from modules.engine import outdir
from tests.helpers import materialize


def _snapshot(root: Path) -> dict[str, object]:
    """Every entry under root, links as links (never followed)."""
    out: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            out[rel] = ("link", os.readlink(p)) if p.is_symlink() else ("file", p.read_bytes()) if p.is_file() else ("dir",)
    return out


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project (cdktf.json beside the output) synthesized once: generated/, atlantis.yaml, .github/CODEOWNERS."""
    root = tmp_path_factory.mktemp("links") / "project"
    materialize(None, root)
    (root / "cdktf.json").write_text("{}")
    from modules.commands.cli import main

    cwd = os.getcwd()
    os.chdir(root)
    try:
        assert main(["synth", "--quiet"]) == 0
    finally:
        os.chdir(cwd)
    assert (root / "atlantis.yaml").is_file() and (root / ".github" / "CODEOWNERS").is_file()
    return root


@pytest.fixture
def planted(project, tmp_path):
    """A copy of the project and, beside it, a folder outside the repository that links may point into."""
    root = tmp_path / "project"
    shutil.copytree(project, root, symlinks=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim").write_text("not the compiler's\n")
    return root, outside


def _edit_registry(root: Path) -> None:
    """A change that rewrites a stack and atlantis.yaml's neighbours: synth has something to write."""
    team = root / "registry" / "teams" / "fraud.yaml"
    team.write_text(team.read_text().replace("dev: {budget_usd: 3000}", "dev: {budget_usd: 3100}"))


def test_a_committed_link_at_a_temporary_files_old_name_is_never_written_through(planted, run_cli):
    root, outside = planted
    (root / ".atlantis.yaml.tmp").symlink_to(outside / "victim")
    (root / ".github" / ".CODEOWNERS.tmp").symlink_to(outside / "victim")
    (root / "atlantis.yaml").unlink()  # synth must write it again
    (root / ".github" / "CODEOWNERS").write_text("stale\n")
    code, _, err = run_cli(["synth", "--quiet"], cwd=root)
    assert code == 0, err
    assert (outside / "victim").read_text() == "not the compiler's\n"
    for rel in ("atlantis.yaml", ".github/CODEOWNERS"):
        assert (root / rel).is_file() and not (root / rel).is_symlink(), rel
    assert "dir: generated/stacks/fraud-dev" in (root / "atlantis.yaml").read_text()
    assert not [p for p in root.glob(".atlantis.yaml.*.tmp")], "no temporary file is left behind"


@pytest.mark.parametrize(
    "rel, kind",
    [
        ("atlantis.yaml", "file"),
        (".github/CODEOWNERS", "file"),
        (".github", "folder"),
        ("generated", "folder"),
        ("generated/stacks/fraud-dev/cdk.tf.json", "file"),
        ("generated/stacks/fraud-dev", "folder"),
        ("generated/manifest.json", "file"),
    ],
)
@pytest.mark.parametrize("changed", [True, False], ids=["registry-changed", "nothing-changed"])
def test_a_symlinked_target_is_refused_and_nothing_is_written(planted, run_cli, rel, kind, changed):
    root, outside = planted
    target = root / rel
    moved = outside / "moved"
    shutil.move(str(target), str(moved))  # what the link points at: the real content, outside the repository
    target.symlink_to(moved, target_is_directory=kind == "folder")
    if changed:
        _edit_registry(root)
    before, before_outside = _snapshot(root), _snapshot(outside)
    code, out, err = run_cli(["synth", "--quiet"], cwd=root)
    assert (code, out) == (2, ""), err
    assert "Traceback" not in err
    assert err.startswith("error: refusing to write ") and "is a symbolic link" in err and "Nothing was written." in err
    assert f"{rel} is a symbolic link" in err or f"{rel.split('/')[0]} is a symbolic link" in err
    assert _snapshot(root) == before and _snapshot(outside) == before_outside


def test_a_leftover_of_an_interrupted_run_that_is_a_link_is_neither_followed_nor_removed(planted):
    root, outside = planted
    staged = outside / "staged"
    (staged / "stacks" / "fraud-dev").mkdir(parents=True)
    (staged / "stacks" / "fraud-dev" / "cdk.tf.json").write_text("{}")
    (staged / "journal.json").write_text('{"moves": ["stacks/fraud-dev/cdk.tf.json"], "removes": ["stacks/fraud-prod"]}')
    before, before_outside = _snapshot(root / "generated"), _snapshot(outside)
    (root / ".generated-staging-x").symlink_to(staged, target_is_directory=True)
    assert outdir.recover(root / "generated") is None
    assert _snapshot(root / "generated") == before and _snapshot(outside) == before_outside
    assert (root / ".generated-staging-x").is_symlink()


def test_a_journal_that_points_outside_the_output_is_refused(planted):
    root, outside = planted
    stage = root / ".generated-staging-x"
    stage.mkdir()
    (stage / "victim").write_text("moved out\n")
    before, before_outside = _snapshot(root / "generated"), _snapshot(outside)
    for rel in ("../../outside/victim", "/etc/passwd", "stacks/../../x", ""):
        (stage / "journal.json").write_text(json.dumps({"moves": ["stacks/a/cdk.tf.json"], "removes": [rel]}))
        with pytest.raises(safewrite.UnsafeTarget, match="journal is not one synth writes"):
            outdir.recover(root / "generated")
    assert _snapshot(root / "generated") == before and _snapshot(outside) == before_outside


def test_schema_is_not_written_through_a_link(planted, run_cli):
    root, outside = planted
    (root / "registry" / "schema.json").symlink_to(outside / "victim")
    code, _, err = run_cli(["schema"], cwd=root)
    assert code == 2 and "registry/schema.json is a symbolic link" in err
    assert (outside / "victim").read_text() == "not the compiler's\n"


def test_a_new_file_is_never_created_through_a_link_or_over_a_file(tmp_path):
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "existing").write_text("x")
    for name in ("dangling", "existing"):
        with pytest.raises(FileExistsError):
            safewrite.write_new(tmp_path / name, b"y")
    assert not (tmp_path / "nowhere").exists() and (tmp_path / "existing").read_text() == "x"
    safewrite.replace_file(tmp_path / "existing", "z")
    assert (tmp_path / "existing").read_text() == "z" and sorted(p.name for p in tmp_path.iterdir()) == ["dangling", "existing"]
