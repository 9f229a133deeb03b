"""The shipped example registry: valid, believable, and exercising every feature the contract has."""

from modules.outputs.schema import schema_text
from modules.registry.validate import load_registry
from tests.helpers import EXAMPLE


def test_example_is_valid_and_complete():
    reg = load_registry(EXAMPLE)
    assert len(reg.teams) >= 3
    assert len(reg.environments) == 4
    used_roles = {m.role for t in reg.teams for m in t.members}
    assert used_roles == set(reg.roles), "members in every role"
    kinds = {s.kind for t in reg.teams for s in t.shares}
    assert kinds == {"model_package_group", "feature_group", "pipeline", "s3_prefix", "ecr_repository"}
    assert any(e.account_id for t in reg.teams for e in t.environments.values()), "an adopted account"
    assert any(t.status == "decommissioned" for t in reg.teams)


def test_unquoted_account_id_with_leading_zero_keeps_its_text():
    reg = load_registry(EXAMPLE)
    assert reg.team("pricing").environments["prod"].account_id == "012345678901"


def test_committed_schema_is_fresh():
    assert (EXAMPLE / "schema.json").read_text() == schema_text(), "run `python main.py schema` and commit"


def test_every_registry_file_points_editors_at_the_schema():
    for path in sorted(EXAMPLE.rglob("*.yaml")):
        if path.relative_to(EXAMPLE).parts[0] == "catalog":
            continue  # CloudFormation templates and seed repositories, not registry files
        rel = "../schema.json" if path.parent.name == "teams" else "schema.json"
        assert path.read_text().splitlines()[0] == f"# yaml-language-server: $schema={rel}", path


def test_schema_command_check_mode(run_cli, tmp_path):
    reg = tmp_path / "registry"
    reg.mkdir()
    code, _, err = run_cli(["schema", "--registry", str(reg), "--check"])
    assert code == 1 and "stale" in err
    assert run_cli(["schema", "--registry", str(reg)])[0] == 0
    assert run_cli(["schema", "--registry", str(reg), "--check"])[0] == 0
