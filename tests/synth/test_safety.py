"""Determinism, the destroy guard and atomic output."""

import random
import shutil
from pathlib import Path

import pytest
import yaml

from modules.registry.yamlio import parse
from modules.review.guard import REASON_PLACEHOLDER, OptInInvalid, parse_opt_ins
from tests.helpers import EXAMPLE, synthesize
from tests.synth.conftest import synth_registry

SHUFFLED_LISTS = {
    "people",
    "templates",
    "members",
    "shares",
    "to",
    "owners",
    "instance_types",
    "project_templates",
    "allowed_regions",
    "platform_admins",
    "environments",
    "managed_policies",
    "studio_allowed_cidrs",
}


def _shuffle(node, rng: random.Random, key=None):
    if isinstance(node, dict):
        items = [(k, _shuffle(v, rng, k)) for k, v in node.items()]
        rng.shuffle(items)
        return dict(items)
    if isinstance(node, list):
        items = [_shuffle(v, rng) for v in node]
        if key in SHUFFLED_LISTS:
            rng.shuffle(items)
        return items
    return node


def shuffled_copy(src: Path, dest: Path, seed: int) -> Path:
    shutil.copytree(src, dest)
    rng = random.Random(seed)
    for path in sorted(dest.rglob("*.yaml")):
        if path.relative_to(dest).parts[0] == "catalog":
            continue  # CloudFormation templates and seed repositories: their bytes are the content
        doc, errors = parse(path.read_text(), str(path))
        assert not errors and not doc.problems
        path.write_text(yaml.safe_dump(_shuffle(doc.data, rng), sort_keys=False, allow_unicode=True))
    return dest


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_shuffled_registry_gives_identical_bytes(example_out, tmp_path):
    registry = shuffled_copy(EXAMPLE, tmp_path / "registry", seed=20261125)
    assert registry.joinpath("people.yaml").read_text() != EXAMPLE.joinpath("people.yaml").read_text()
    out = synth_registry(registry, tmp_path / "out")
    assert _tree(out) == _tree(example_out)


@pytest.fixture
def small_out(tmp_path):
    """The base fixture registry synthesized into tmp_path/out, with a copy of the registry to edit."""
    from tests.helpers import materialize

    registry = materialize(None, tmp_path)
    return registry, synth_registry(registry, tmp_path / "out")


def test_deleting_a_team_file_is_refused(small_out, run_cli):
    registry, out = small_out
    before = _tree(out)
    (registry / "teams" / "risk.yaml").unlink()
    (registry / "teams" / "fraud.yaml").write_text(
        (registry / "teams" / "fraud.yaml").read_text().replace("{team: risk, environment: prod}", "{team: fraud, environment: dev}")
    )
    code, _, err = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet"])
    assert code == 1
    assert "  - risk-dev\n  - risk-prod\n" in err and "status: decommissioned" in err
    assert _tree(out) == before, "a refused run writes nothing"
    code, _, _ = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet", "--allow-destroy"])
    assert code == 0
    assert not (out / "stacks" / "risk-dev").exists()


def test_deleting_one_environment_of_a_team_is_refused(small_out, run_cli):
    registry, out = small_out
    team = registry / "teams" / "fraud.yaml"
    team.write_text(team.read_text().replace("  sandbox: {}\n", ""))
    code, _, err = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet"])
    assert code == 1 and "  - fraud-sandbox\n" in err and "risk" not in err.split("destroy what they manage:")[1].split("allow:")[0]


def test_decommissioning_keeps_every_stack_but_deleting_its_profiles_needs_the_flag(small_out, run_cli):
    """Decommissioning destroys no account, domain or bucket; it deletes the Studio profiles, and with them
    their home folders (docs/design.md, "Decommissioning"): that part is guarded like any removal."""
    registry, out = small_out
    team = registry / "teams" / "risk.yaml"
    team.write_text(team.read_text().replace("owners: [carol]", "owners: [carol]\nstatus: decommissioned"))
    fraud = registry / "teams" / "fraud.yaml"
    fraud.write_text(fraud.read_text().replace("{team: risk, environment: prod}", "{team: fraud, environment: dev}"))
    code, out_text, err = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet"])
    assert code == 1
    listed, block = err.split("\nallow:\n")
    refused = [line for line in listed.splitlines() if line.startswith("  - ")]
    assert [line.split(" is destroyed")[0] for line in refused] == [
        '  - stack risk-dev: aws_sagemaker_user_profile.profiles["carol"]',
        '  - stack risk-prod: aws_sagemaker_user_profile.profiles["carol"]',
    ]
    assert "status: decommissioned` instead" not in err, "the change is a decommissioning: it is not told to decommission"
    # the refusal ends with the entries that approve exactly what it refuses, ready to paste (reasons to be written)
    entries = parse_opt_ins("allow:\n" + block.replace(REASON_PLACEHOLDER, "team risk closed, home folders exported"), "pasted")
    assert [o.key for o in entries] == [
        'risk-dev:aws_sagemaker_user_profile.profiles["carol"]',
        'risk-prod:aws_sagemaker_user_profile.profiles["carol"]',
    ]
    with pytest.raises(OptInInvalid, match="reason"):
        parse_opt_ins("allow:\n" + block, "pasted as it is")
    code, out_text, err = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet", "--allow-destroy"])
    assert (code, err) == (0, "")
    assert (out / "stacks" / "risk-prod" / "cdk.tf.json").is_file()
    # the share now goes to fraud-dev instead of risk-prod: both halves move with it
    assert "changed stacks: fraud-dev, fraud-prod, risk-access, risk-dev, risk-prod\n" in out_text  # not the organization
    code, out_text, _ = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet"])
    assert out_text.endswith("no stack changed\n")


def test_a_failed_synth_leaves_the_previous_output_untouched(small_out, monkeypatch):
    registry, out = small_out
    before = _tree(out)

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure in the middle of construction")

    import modules.engine.build

    monkeypatch.setattr(modules.engine.build, "_build_batch", broken)
    from modules.plan.layout import plan
    from modules.registry.validate import load_registry

    with pytest.raises(RuntimeError):
        synthesize(plan(load_registry(registry)), out, full=True)
    assert _tree(out) == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".out-staging-")] == [], "no staging folder left behind"


def test_an_invalid_registry_writes_nothing(small_out, run_cli):
    registry, out = small_out
    before = _tree(out)
    team = registry / "teams" / "fraud.yaml"
    team.write_text(team.read_text().replace("owners: [alice]", "owners: [nobody]"))
    code, _, err = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet"])
    assert code == 1 and "unknown person 'nobody'" in err
    assert _tree(out) == before


VALID = sorted(p for p in (Path(__file__).parents[1] / "fixtures" / "valid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_every_valid_fixture_synthesizes(case, synthesized_fixture):
    from modules.plan.layout import plan
    from modules.registry.validate import load_registry

    registry, out = synthesized_fixture(case)  # shared with the Terraform tier (tests/terraform)
    expected = plan(load_registry(registry)).stack_names
    assert sorted(p.name for p in (out / "stacks").iterdir()) == sorted(expected)
    assert sorted(p.stem for p in (out / "post").glob("*.json")) == sorted(expected)


def test_synth_never_replaces_a_folder_that_is_not_its_output(tmp_path, run_cli):
    from tests.helpers import materialize

    registry = materialize(None, tmp_path)
    precious = tmp_path / "work"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    code, _, err = run_cli(["synth", "--registry", str(registry), "--out", str(precious), "--quiet"])
    assert code == 2 and "is not a synthesized output" in err
    assert (precious / "notes.txt").read_text() == "keep me"
    code, _, _ = run_cli(["synth", "--registry", str(registry), "--out", str(tmp_path), "--quiet"])
    assert code == 2 and (tmp_path / "registry" / "organization.yaml").is_file()


def test_root_files_only_beside_an_output_in_a_project(tmp_path, run_cli):
    from tests.helpers import materialize

    registry = materialize(None, tmp_path)
    assert run_cli(["synth", "--registry", str(registry), "--out", str(tmp_path / "out"), "--quiet"])[0] == 0
    assert not (tmp_path / "atlantis.yaml").exists(), "no project here: nothing written beside --out"
    (tmp_path / "cdktf.json").write_text("{}")
    assert run_cli(["synth", "--registry", str(registry), "--out", str(tmp_path / "out"), "--quiet"])[0] == 0
    assert "dir: out/stacks/fraud-dev" in (tmp_path / "atlantis.yaml").read_text()
    assert "/registry/teams/fraud.yaml @alice-gh" in (tmp_path / ".github" / "CODEOWNERS").read_text()
