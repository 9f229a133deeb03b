"""Hostile input: what a pull request could put in the registry to reach outside it. Each case fails closed:
exact `file:line` message, exit 1, no traceback."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.helpers import BASE, materialize

OUTSIDE = "resolves outside the registry folder (a symlink?); registry files must live inside it"


def _validate(run_cli, tmp_path):
    code, out, err = run_cli(["validate", "--registry", "registry"], cwd=tmp_path)
    assert "Traceback" not in err and out == ""
    assert code == 1
    return err.splitlines()[:-1]


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """A folder beside the registry that a symlink may point into."""
    out = tmp_path / "elsewhere"
    out.mkdir()
    return out


def test_team_file_symlinked_out_of_the_registry(tmp_path, elsewhere, run_cli):
    reg = materialize(None, tmp_path)
    shutil.copy(reg / "teams" / "risk.yaml", elsewhere / "risk.yaml")
    (reg / "teams" / "risk.yaml").unlink()
    (reg / "teams" / "risk.yaml").symlink_to(elsewhere / "risk.yaml")
    assert _validate(run_cli, tmp_path) == [f"registry/teams/risk.yaml:1: {OUTSIDE}"]


def test_teams_folder_symlinked_out_of_the_registry(tmp_path, elsewhere, run_cli):
    reg = materialize(None, tmp_path)
    shutil.move(str(reg / "teams"), elsewhere / "teams")
    (reg / "teams").symlink_to(elsewhere / "teams")
    assert _validate(run_cli, tmp_path) == [f"registry/teams:1: {OUTSIDE}"]


def test_registry_file_symlinked_out_of_the_registry(tmp_path, elsewhere, run_cli):
    reg = materialize(None, tmp_path)
    shutil.move(str(reg / "people.yaml"), elsewhere / "people.yaml")
    (reg / "people.yaml").symlink_to(elsewhere / "people.yaml")
    assert _validate(run_cli, tmp_path) == [f"registry/people.yaml:1: {OUTSIDE}"]


def test_catalog_template_symlinked_out_of_the_registry(tmp_path, elsewhere, run_cli):
    reg = materialize(None, tmp_path)
    (elsewhere / "secret.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\n")
    (reg / "catalog" / "build-train-deploy.yaml").unlink()
    (reg / "catalog" / "build-train-deploy.yaml").symlink_to(elsewhere / "secret.yaml")
    assert _validate(run_cli, tmp_path) == [
        f"registry/catalog.yaml:4: template 'build-train-deploy' › template: template file 'catalog/build-train-deploy.yaml' {OUTSIDE}"]


def test_policy_file_symlinked_out_of_the_registry(tmp_path, elsewhere, run_cli):
    reg = materialize(None, tmp_path)
    shutil.move(str(reg / "policies"), elsewhere / "policies")
    (reg / "policies").symlink_to(elsewhere / "policies")
    assert _validate(run_cli, tmp_path) == [
        f"registry/access.yaml:6: permission set 'DataScientist' › inline_policy: policy file 'policies/data-scientist.json' {OUTSIDE}"]


def test_symlink_that_stays_inside_the_registry_is_fine(tmp_path, run_cli):
    reg = materialize(None, tmp_path)
    (reg / "policies" / "alias.json").symlink_to(reg / "policies" / "data-scientist.json")
    os.replace(reg / "policies" / "alias.json", reg / "policies" / "data-scientist2.json")
    code, _, err = run_cli(["validate", "--registry", "registry"], cwd=tmp_path)
    assert (code, err) == (0, "")


def test_base_is_a_plain_folder():
    assert not any(p.is_symlink() for p in BASE.rglob("*"))
