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
        f"registry/catalog.yaml:4: template 'build-train-deploy' › template: template file 'catalog/build-train-deploy.yaml' {OUTSIDE}"
    ]


def test_policy_file_symlinked_out_of_the_registry(tmp_path, elsewhere, run_cli):
    reg = materialize(None, tmp_path)
    shutil.move(str(reg / "policies"), elsewhere / "policies")
    (reg / "policies").symlink_to(elsewhere / "policies")
    assert _validate(run_cli, tmp_path) == [
        f"registry/access.yaml:6: permission set 'DataScientist' › inline_policy: policy file 'policies/data-scientist.json' {OUTSIDE}"
    ]


def test_symlink_that_stays_inside_the_registry_is_fine(tmp_path, run_cli):
    reg = materialize(None, tmp_path)
    (reg / "policies" / "alias.json").symlink_to(reg / "policies" / "data-scientist.json")
    os.replace(reg / "policies" / "alias.json", reg / "policies" / "data-scientist2.json")
    code, _, err = run_cli(["validate", "--registry", "registry"], cwd=tmp_path)
    assert (code, err) == (0, "")


def test_base_is_a_plain_folder():
    assert not any(p.is_symlink() for p in BASE.rglob("*"))


def test_a_huge_file_of_unknown_keys_gives_a_bounded_report(tmp_path, run_cli):
    """80,000 unknown keys: 20 errors of the kind, one line counting the rest, the total; validation stays linear."""
    import time

    reg = materialize(None, tmp_path)
    path = reg / "teams" / "risk.yaml"
    path.write_text(path.read_text() + "".join(f"k{i}: 1\n" for i in range(20000)))
    started = time.perf_counter()
    lines = _validate(run_cli, tmp_path)
    assert time.perf_counter() - started < 60
    assert len(lines) == 21
    assert lines[0].startswith("registry/teams/risk.yaml:13: team 'risk': unknown field 'k0' (allowed: ")
    assert lines[-1] == "registry/teams/risk.yaml: … and 19980 more errors like the one on line 33: unknown field … …"


def test_report_caps_each_kind_per_file_but_counts_all():
    from modules.base.errors import RegistryError, RegistryInvalid

    errors = [RegistryError("a.yaml", i, "", f"unknown field 'k{i}'") for i in range(1, 31)]
    errors += [RegistryError("a.yaml", 99, "", "something else"), RegistryError("b.yaml", 1, "", "unknown field 'x'")]
    lines = RegistryInvalid(errors).report().splitlines()
    assert len(lines) == 20 + 2 + 1 + 1
    assert "a.yaml: … and 10 more errors like the one on line 21: unknown field …" in lines
    assert lines[-1] == "32 errors found; nothing was written."


def _with_libraries(reg: Path, org_edit: tuple[str, str], publish: str) -> None:
    org = reg / "organization.yaml"
    text = org.read_text().replace(*org_edit) + "libraries: {domain: acme, repository: ml-libraries, upstreams: [pypi]}\n"
    org.write_text(text)
    risk = reg / "teams" / "risk.yaml"
    risk.write_text(risk.read_text() + f"libraries:\n  publish: [{publish}]\n")


def test_a_public_package_name_cannot_be_published_to_every_teams_studio(tmp_path, run_cli):
    """A team claiming numpy, boto3 and pip would serve its own builds of them to every team account."""
    reg = materialize(None, tmp_path)
    _with_libraries(reg, ("", ""), "numpy, boto3, pip, Acme_Risk.Tools")
    lines = _validate(run_cli, tmp_path)
    assert [line.split(": ", 2)[1] for line in lines] == [f"team 'risk' › libraries › publish[{i}]" for i in range(3)]
    assert all("must begin with the organization's package prefix 'acme-'" in line for line in lines)
    assert lines[0].endswith("rename it, e.g. 'acme-numpy'")


def test_a_default_package_prefix_that_is_a_public_namespace_is_refused_at_the_name(tmp_path, run_cli):
    reg = materialize(None, tmp_path)
    _with_libraries(reg, ("name: acme", "name: pytest"), "pytest-cov")
    assert _validate(run_cli, tmp_path) == [
        "registry/organization.yaml:1: organization 'pytest' › name: package prefix 'pytest-' (the default, from the organization's "
        "name: set libraries.package_prefix) begins many public packages on PyPI ('pytest-...'): team packages could pass for "
        "public ones; choose your own"
    ]


def test_a_package_prefix_must_end_with_a_separator(tmp_path, run_cli):
    """'acme' would admit 'acmetools' and the like: a prefix is a whole first part of the name."""
    reg = materialize(None, tmp_path)
    _with_libraries(reg, ("", ""), "acme-tools")
    org = reg / "organization.yaml"
    org.write_text(org.read_text().replace("upstreams: [pypi]}", "upstreams: [pypi], package_prefix: acme}"))
    lines = _validate(run_cli, tmp_path)
    assert len(lines) == 1 and "organization 'acme' › libraries › package_prefix: invalid value 'acme'" in lines[0]
    assert "ending with -, _ or ." in lines[0]
