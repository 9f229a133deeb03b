"""The pull-request path end to end: a git repository, an edit to one team file, synth, diff."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from modules.engine.destroy import instances
from modules.outputs import root_files
from modules.plan.layout import plan
from modules.registry.validate import load_registry
from modules.review.mdtext import text as md_text
from tests.helpers import materialize, synthesize


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def synth(root: Path) -> None:
    reg = load_registry(root / "registry")
    p = plan(reg)
    out = root / "generated"
    synthesize(p, out, allow_destroy=True, root_files=root_files(reg, p, root=root, out=out, registry_dir=root / "registry"))


def tree(root: Path) -> dict[str, bytes]:
    """The repository's files a pull request could carry: not git's, not the registry, not synth's stat index beside
    the output (`.generated-index.json`, a local cache that .gitignore leaves out)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts and "registry" not in p.parts and not p.name.startswith(".generated-")
    }


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A repository with the base registry and its output committed, then one member added to team fraud."""
    root = tmp_path_factory.mktemp("repo")
    materialize(None, root)
    synth(root)
    git("init", "-q", "-b", "main", cwd=root)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A", cwd=root)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base", cwd=root)
    before = tree(root)
    team = root / "registry" / "teams" / "fraud.yaml"
    team.write_text(
        team.read_text().replace(
            "  - {person: dave, role: viewer}", "  - {person: dave, role: viewer}\n  - {person: carol, role: data-scientist}"
        )
    )
    synth(root)
    return root, before, tree(root)


def test_blast_radius_of_one_team_edit(repo):
    _, before, after = repo
    changed = sorted(name for name in after if before.get(name) != after[name])
    # carol joins as data-scientist, a role that maps sandbox and dev only: fraud-prod does not move
    # the membership in fraud's access stack, the profiles where carol gains Studio; no central stack (the post
    # manifests of the same stacks say what the registry grants there, for the access-drift job)
    assert changed == [
        "generated/fingerprints.json",
        "generated/post/fraud-access.json",
        "generated/post/fraud-dev.json",
        "generated/post/fraud-sandbox.json",
        "generated/stacks/fraud-access/cdk.tf.json",
        "generated/stacks/fraud-dev/cdk.tf.json",
        "generated/stacks/fraud-sandbox/cdk.tf.json",
    ]


def test_diff_names_the_access_change_and_the_stacks_that_plan(repo, run_cli):
    root, _, _ = repo
    code, out, err = run_cli(["diff", "--base", "main"], cwd=root)
    assert (code, err) == (0, "")
    assert out == (
        "## Registry change since main\n\n"
        "### Access\n"
        "- carol gains DataScientist in fraud-dev, fraud-sandbox (fraud / data-scientist)\n\n"
        "### Studio\n"
        "- Studio profile for carol added in fraud-dev, fraud-sandbox\n\n"
        "### Stacks that will plan (3)\n"
        "`fraud-access`, `fraud-dev`, `fraud-sandbox`\n"
    )
    code, out, _ = run_cli(["diff", "--base", "main", "--format", "json"], cwd=root)
    assert '"stacks_to_plan": [' in out and '"destructive": []' in out


def test_diff_with_an_unknown_ref_is_an_environment_error(repo, run_cli):
    root, _, _ = repo
    code, _, err = run_cli(["diff", "--base", "no-such-branch"], cwd=root)
    assert code == 2 and "unknown git ref 'no-such-branch'" in err


def test_diff_compiles_the_registry_even_when_generated_is_stale(repo, run_cli, tmp_path):
    root = tmp_path / "clone"
    shutil.copytree(repo[0], root)
    risk = root / "registry" / "teams" / "risk.yaml"
    risk.write_text(risk.read_text().replace("  - {person: bob, role: viewer}\n", ""))  # no synth after the edit
    code, out, _ = run_cli(["diff", "--base", "main"], cwd=root)
    assert code == 0
    assert "- bob loses ReadOnly in risk-dev, risk-prod (was risk / viewer)" in out
    assert "`fraud-access`, `fraud-dev`, `fraud-sandbox`, `risk-access`\n" in out
    code, out, _ = run_cli(["diff", "--base", "main", "--no-synth"], cwd=root)
    assert "`fraud-access`, `fraud-dev`, `fraud-sandbox`\n" in out, "--no-synth trusts the output folder as it is"


PLANS = Path(__file__).parent / "plans"


@pytest.fixture(scope="module")
def repo_with_plans(tmp_path_factory):
    """The base registry committed; then bob leaves fraud and fraud's dev VPC moves (not yet synthesized)."""
    root = tmp_path_factory.mktemp("repo-plans")
    materialize(None, root)
    synth(root)
    git("init", "-q", "-b", "main", cwd=root)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A", cwd=root)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base", cwd=root)
    team = root / "registry" / "teams" / "fraud.yaml"
    team.write_text(
        team.read_text()
        .replace("  - {person: bob, role: data-scientist}\n", "")
        .replace("dev: {budget_usd: 3000}", "dev: {budget_usd: 3000, vpc_cidr: 10.21.0.0/22}")
    )
    return root


def test_pr_comment_merges_terraform_plans(repo_with_plans, run_cli):
    code, out, err = run_cli(["diff", "--base", "main", "--plans", str(PLANS)], cwd=repo_with_plans)
    assert (code, err) == (0, "")
    profile_gone = (
        "Studio profile for bob deleted in fraud-dev, fraud-sandbox (bob leaves fraud): studio-cleanup deletes "
        "bob's apps and spaces first, and bob loses the home folder (data, notebooks) on the domain's EFS volume"
    )
    cidr = (
        "VPC CIDR of fraud-dev: 10.20.0.0/22 → 10.21.0.0/22: the VPC, its subnets and the Studio domain with its user "
        "profiles are replaced: apps and spaces are deleted, and the home EFS volume is kept but no longer attached"
    )
    gone = "(delete because no resource config)"
    gone_key = "(delete because each key)"  # an instance whose key left its for_each map
    assert out == (
        "## Registry change since main\n\n"
        "> [!CAUTION]\n"
        "> **Terraform would replace or destroy resources** in `fraud-access` (4 to destroy), `fraud-dev` (5 to replace, "
        "2 to destroy), `fraud-sandbox` (2 to destroy): the addresses are under Terraform plans below.\n\n"
        "> [!WARNING]\n"
        "> **Destructive effects**\n"
        f"> - {profile_gone}\n"
        f"> - {cidr}\n"
        ">   - `aws_sagemaker_domain.domain` forced by vpc_id (aws_vpc.vpc is replaced: cidr_block 10.20.0.0/22 → 10.21.0.0/22)\n"
        '>   - `aws_sagemaker_user_profile.profiles["alice"]` forced by domain_id (aws_sagemaker_domain.domain is replaced: vpc_id)\n'
        ">   - `aws_subnet.private-0` forced by cidr_block: 10.20.0.0/23 → 10.21.0.0/23\n"
        ">   - `aws_subnet.private-1` forced by cidr_block: 10.20.2.0/23 → 10.21.2.0/23\n"
        ">   - `aws_vpc.vpc` forced by cidr_block: 10.20.0.0/22 → 10.21.0.0/22\n\n"
        "### Access\n"
        "- bob loses DataScientist in fraud-dev, fraud-sandbox (was fraud / data-scientist)\n\n"
        "### Side effects\n"
        "- group acme-fraud-data-scientist emptied and deleted (its last member: bob left); its assignments in fraud-dev, "
        "fraud-sandbox go with it\n\n"
        "### Stacks that will plan (3)\n"
        "`fraud-access`, `fraud-dev`, `fraud-sandbox`\n\n"
        "### Terraform plans\n"
        "| stack | add | change | replace | destroy | import |\n"
        "|---|---:|---:|---:|---:|---:|\n"
        "| `fraud-access` :warning: | 0 | 0 | 0 | 4 | 0 |\n"
        "| `fraud-dev` :warning: | 0 | 1 | 5 | 2 | 0 |\n"
        "| `fraud-sandbox` :warning: | 0 | 0 | 0 | 2 | 0 |\n\n"
        "`fraud-access` destroys:\n"
        f"- `aws_identitystore_group.group-acme-fraud-data-scientist` {gone}\n"
        f'- `aws_identitystore_group_membership.members["acme-fraud-data-scientist/bob"]` {gone_key}\n'
        f'- `aws_ssoadmin_account_assignment.assignments["fraud-dev/acme-fraud-data-scientist/DataScientist"]` {gone_key}\n'
        f'- `aws_ssoadmin_account_assignment.assignments["fraud-sandbox/acme-fraud-data-scientist/DataScientist"]` {gone_key}\n\n'
        "`fraud-dev` replaces:\n"
        "- `aws_sagemaker_domain.domain` (replace because cannot update; forced by subnet_ids, vpc_id)\n"
        '- `aws_sagemaker_user_profile.profiles["alice"]` (replace because cannot update; forced by domain_id)\n'
        "- `aws_subnet.private-0` (replace because cannot update; forced by cidr_block, vpc_id)\n"
        "- `aws_subnet.private-1` (replace because cannot update; forced by cidr_block, vpc_id)\n"
        "- `aws_vpc.vpc` (replace because cannot update; forced by cidr_block)\n\n"
        "`fraud-dev` destroys:\n"
        f'- `aws_sagemaker_user_profile.profiles["bob"]` {gone_key}\n'
        f'- `aws_ssoadmin_application_assignment.studio-access["bob"]` {gone_key}\n\n'
        "`fraud-sandbox` destroys:\n"
        f'- `aws_sagemaker_user_profile.profiles["bob"]` {gone_key}\n'
        f'- `aws_ssoadmin_application_assignment.studio-access["bob"]` {gone_key}\n'
    )


def test_pr_comment_json_carries_the_same_facts(repo_with_plans, run_cli):
    code, out, _ = run_cli(["diff", "--base", "main", "--plans", str(PLANS), "--format", "json"], cwd=repo_with_plans)
    assert code == 0
    doc = json.loads(out)
    _, md, _ = run_cli(["diff", "--base", "main", "--plans", str(PLANS)], cwd=repo_with_plans)
    for change in doc["changes"]:
        assert md.count(md_text(change["text"])) == 1, change["text"]
    assert [c["kind"] for c in doc["changes"]] == ["access_lost", "studio_profile_deleted", "group_deleted", "vpc_cidr_changed"]
    assert doc["destructive"] == [c["text"] for c in doc["changes"] if c["destructive"]]
    assert doc["stacks_to_plan"] == ["fraud-access", "fraud-dev", "fraud-sandbox"] and doc["plans_missing"] == []
    assert doc["destructive_plans"] == ["fraud-access", "fraud-dev", "fraud-sandbox"]
    cidr = next(c for c in doc["changes"] if c["kind"] == "vpc_cidr_changed")
    assert [(r["address"], r["attribute"]) for r in cidr["facts"]["replaced"]][:2] == [
        ("aws_sagemaker_domain.domain", "vpc_id"),
        ('aws_sagemaker_user_profile.profiles["alice"]', "domain_id"),
    ]
    # what the compiler predicts from the stack JSON is what Terraform's plan (the fixture) replaces
    terraform = {r["address"] for p in doc["plans"] if p["stack"] == "fraud-dev" for r in p["replaced"]}
    assert {r["address"] for r in cidr["facts"]["replaced"]} == terraform
    dev = next(p for p in doc["plans"] if p["stack"] == "fraud-dev")
    assert {k: dev[k] for k in ("add", "change", "replace", "destroy", "import")} == {
        "add": 0,
        "change": 1,
        "replace": 5,
        "destroy": 2,
        "import": 0,
    }
    assert dev["replaced"][0] == {
        "address": "aws_sagemaker_domain.domain",
        "reason": "replace_because_cannot_update",
        "forced_by": ["subnet_ids", "vpc_id"],
    }
    for p in doc["plans"]:
        for r in p["replaced"] + p["destroyed"]:
            assert f"`{r['address']}`" in md


def test_plan_fixtures_name_resources_the_base_output_has(repo_with_plans):
    """The fixtures are realistic: whatever they replace or destroy exists in the committed stacks."""
    for path in sorted(PLANS.glob("*.json")):
        stack = json.loads((repo_with_plans / "generated" / "stacks" / path.stem / "cdk.tf.json").read_text())
        have = set(instances(stack))  # each instance of a for_each resource by its own address
        for rc in json.loads(path.read_text())["resource_changes"]:
            if rc["mode"] == "managed" and rc["change"]["before"] is not None:
                assert rc["address"] in have, f"{path.name}: {rc['address']}"


def test_diff_refuses_what_is_not_a_plan(repo_with_plans, run_cli, tmp_path):
    (tmp_path / "identity.json").write_text('{"format_version": "2.0", "resource_changes": []}')
    code, _, err = run_cli(["diff", "--base", "main", "--plans", str(tmp_path)], cwd=repo_with_plans)
    assert code == 2 and "format_version 2.0 is not 1.x" in err
    code, _, err = run_cli(["diff", "--base", "main", "--plans", str(tmp_path / "nope")], cwd=repo_with_plans)
    assert code == 2 and "plan folder" in err and "not found" in err


def test_adoption_plan_fixtures_match_a_fresh_synth(tmp_path):
    """plans-adoption/ is what the adoption compiles to: every resource of the new stack created, the import
    the team's access stack declares."""
    materialize(None, tmp_path)
    risk = tmp_path / "registry" / "teams" / "risk.yaml"
    risk.write_text(risk.read_text().replace("  dev: {}", '  dev: {}\n  sandbox: {account_id: "555555555555"}', 1))
    org = tmp_path / "registry" / "organization.yaml"
    org.write_text(
        org.read_text().replace("adoptable_accounts:\n", 'adoptable_accounts:\n  "555555555555": {team: risk, environment: sandbox}\n')
    )
    synth(tmp_path)
    stacks = tmp_path / "generated" / "stacks"
    fixtures = PLANS.parent / "plans-adoption"
    team = json.loads((stacks / "risk-sandbox" / "cdk.tf.json").read_text())
    created = {
        rc["address"]
        for rc in json.loads((fixtures / "risk-sandbox.json").read_text())["resource_changes"]
        if rc["change"]["actions"] == ["create"]
    }
    assert created == set(instances(team))
    access = json.loads((stacks / "risk-access" / "cdk.tf.json").read_text())
    imports = {(i["to"], i["id"]) for i in access["import"]}
    assert ("aws_organizations_account.account-risk-sandbox", "555555555555") in imports
    for rc in json.loads((fixtures / "risk-access.json").read_text())["resource_changes"]:
        if rc["change"].get("importing"):
            assert (rc["address"], rc["change"]["importing"]["id"]) in imports
