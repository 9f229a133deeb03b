"""Every invalid fixture gives exactly its expected messages (file:line, entity, value, what is allowed); valid ones pass."""

from pathlib import Path

import pytest

from tests.helpers import FIXTURES, materialize

INVALID = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())
VALID = sorted(p for p in (FIXTURES / "valid").iterdir() if p.is_dir())


def test_there_is_an_invalid_case_per_check():
    assert len(INVALID) >= 30


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_registry_reports_exact_errors(case: Path, tmp_path, run_cli):
    materialize(case, tmp_path)
    code, out, err = run_cli(["validate", "--registry", "registry"], cwd=tmp_path)
    expected = (case / "expected.txt").read_text().splitlines()
    lines = err.splitlines()
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    assert lines[:-1] == expected
    assert lines[-1] == f"{len(expected)} error{'s' if len(expected) != 1 else ''} found; nothing was written."


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_registry_passes(case: Path, tmp_path, run_cli):
    materialize(case, tmp_path)
    code, out, err = run_cli(["validate", "--registry", "registry"], cwd=tmp_path)
    assert (code, err) == (0, "")
    assert out.startswith("registry: valid — ")


def test_base_fixture_is_valid(tmp_path, run_cli):
    materialize(None, tmp_path)
    code, out, _ = run_cli(["validate", "--registry", "registry"], cwd=tmp_path)
    assert code == 0
    assert out == "registry: valid — 2 teams (2 active, 0 decommissioned), 5 accounts (1 adopted), 4 people, 1 share\n"


def test_errors_are_sorted_by_file_then_line(tmp_path, run_cli):
    materialize(FIXTURES / "invalid" / "many-errors-in-many-files", tmp_path)
    _, _, err = run_cli(["validate", "--registry", "registry"], cwd=tmp_path)
    keys = []
    for line in err.splitlines()[:-1]:
        file, line_no, _ = line.split(":", 2)
        keys.append((file, int(line_no)))
    assert keys == sorted(keys) and len(keys) == 3


def test_paths_are_shown_as_the_user_typed_the_registry_folder(tmp_path, run_cli):
    materialize(FIXTURES / "invalid" / "unknown-owner", tmp_path / "acme")
    _, _, err = run_cli(["validate", "--registry", "acme/registry/"], cwd=tmp_path)
    assert err.startswith("acme/registry/teams/fraud.yaml:4: team 'fraud' › owners[1]: unknown person 'zed'")


def test_missing_registry_folder_is_an_environment_error(tmp_path, run_cli):
    code, _, err = run_cli(["validate", "--registry", "nowhere"], cwd=tmp_path)
    assert code == 2
    assert "registry folder 'nowhere' not found" in err


def test_usage_error_exits_2(run_cli):
    code, _, err = run_cli(["validate", "--no-such-flag"])
    assert code == 2
    assert "unrecognized arguments" in err


def test_only_construct_building_commands_rerun_optimized():
    from modules.commands.cli import wants_cdktn

    assert wants_cdktn([]) and wants_cdktn(["synth", "--registry", "x"]) and wants_cdktn(["--quiet"])
    assert not wants_cdktn(["validate"]) and not wants_cdktn(["schema"]) and not wants_cdktn(["synth", "--help"])
