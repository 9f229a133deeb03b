"""The destroy guard holds in CI: `check-destroy --base REF` compares with the base branch's committed output,
and only an opt-in that the pull request adds to the platform's allow-destroy.yaml lets a removal through."""

import json
import re
import shutil
from pathlib import Path

import pytest

from modules.review.guard import REASON_PLACEHOLDER, OptInInvalid, parse_opt_ins
from tests.delivery.test_pull_request import git, synth
from tests.helpers import materialize

COMMIT = ("-c", "user.name=t", "-c", "user.email=t@example.com")


@pytest.fixture(scope="module")
def base_repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("guard-base")
    materialize(None, root)
    synth(root)
    (root / "allow-destroy.yaml").write_text(
        "allow:\n  - {stack: fraud-dev, address: 'aws_sagemaker_user_profile.profiles[\"bob\"]', reason: an earlier change}\n"
    )
    git("init", "-q", "-b", "main", cwd=root)
    git(*COMMIT, "add", "-A", cwd=root)
    git(*COMMIT, "commit", "-qm", "base", cwd=root)
    return root


@pytest.fixture
def pr(base_repo, tmp_path):
    root = tmp_path / "pr"
    shutil.copytree(base_repo, root, symlinks=True)
    return root


@pytest.fixture(scope="module")
def bob_leaves(base_repo, tmp_path_factory):
    """The output after bob leaves fraud, synthesized with --allow-destroy (what a careless PR commits)."""
    root = tmp_path_factory.mktemp("bob-leaves") / "r"
    shutil.copytree(base_repo, root, symlinks=True)
    team = root / "registry" / "teams" / "fraud.yaml"
    team.write_text(team.read_text().replace("  - {person: bob, role: data-scientist}\n", ""))
    synth(root)
    return root


def _apply(src: Path, dest: Path) -> None:
    shutil.rmtree(dest / "generated")
    shutil.copytree(src / "generated", dest / "generated")


def test_no_change_passes(pr, run_cli):
    code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=pr)
    assert code == 0 and out == "check-destroy: nothing is removed or replaced compared with main\n"


def test_output_committed_with_allow_destroy_still_fails_in_ci(pr, bob_leaves, run_cli):
    _apply(bob_leaves, pr)
    code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=pr)
    assert code == 1
    assert '  - stack fraud-dev: aws_sagemaker_user_profile.profiles["bob"] is destroyed (loses' in out
    assert '  - stack fraud-sandbox: aws_sagemaker_user_profile.profiles["bob"] is destroyed (loses' in out
    assert out.count("NOT APPROVED") == 2, "the entry already on the base branch approves nothing"
    assert "2 not approved" in out


def test_an_opt_in_added_by_the_change_approves_exactly_what_it_names(pr, bob_leaves, run_cli):
    _apply(bob_leaves, pr)
    (pr / "allow-destroy.yaml").write_text(
        "allow:\n"
        "  - {stack: fraud-dev, address: 'aws_sagemaker_user_profile.profiles[\"bob\"]', reason: an earlier change}\n"
        "  - {stack: fraud-sandbox, address: 'aws_sagemaker_user_profile.profiles[\"bob\"]', reason: bob left; home exported}\n"
    )
    code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=pr)
    assert code == 1 and out.count("NOT APPROVED") == 1 and 'fraud-dev: aws_sagemaker_user_profile.profiles["bob"]' in out
    (pr / "allow-destroy.yaml").write_text(
        "allow:\n  - {stack: fraud-dev, reason: bob left fraud; home exported}\n"
        "  - {stack: fraud-sandbox, address: 'aws_sagemaker_user_profile.profiles[\"bob\"]', reason: bob left; home exported}\n"
    )
    code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=pr)
    assert code == 0 and out.count("approved (bob left") == 2


def test_the_refusal_prints_the_entries_that_approve_exactly_what_it_refuses(pr, bob_leaves, run_cli):
    """The refusal ends with ready-to-paste entries: with their reasons written, the same check passes; as pasted,
    with the placeholder reason, it is refused. A removal that is not a stack's is not told to decommission."""
    _apply(bob_leaves, pr)
    code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=pr)
    assert code == 1 and "status: decommissioned" not in out
    block = "allow:\n" + out.split("\nallow:\n", 1)[1]
    assert block == (
        "allow:\n"
        "  - stack: 'fraud-dev'\n"
        "    address: 'aws_sagemaker_user_profile.profiles[\"bob\"]'\n"
        f"    reason: '{REASON_PLACEHOLDER}'\n"
        "  - stack: 'fraud-sandbox'\n"
        "    address: 'aws_sagemaker_user_profile.profiles[\"bob\"]'\n"
        f"    reason: '{REASON_PLACEHOLDER}'\n"
    )
    (pr / "allow-destroy.yaml").write_text(block)
    code, out, err = run_cli(["check-destroy", "--base", "main"], cwd=pr)
    assert code == 1 and "`reason` is required" in err
    # fraud-dev's entry on the base branch (reason "an earlier change") was spent by that change; the same entry
    # again approves nothing, a new reason is a new approval, read by the platform admins who own the file
    (pr / "allow-destroy.yaml").write_text(
        block.replace(REASON_PLACEHOLDER, "an earlier change", 1).replace(REASON_PLACEHOLDER, "bob left")
    )
    code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=pr)
    assert code == 1 and out.count("approved (bob left)") == 1
    assert "  - stack: 'fraud-dev'\n" in out.split("\nallow:\n", 1)[1] and "fraud-sandbox'" not in out.split("\nallow:\n", 1)[1]
    (pr / "allow-destroy.yaml").write_text(block.replace(REASON_PLACEHOLDER, "bob left; home exported (TICKET-9)"))
    code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=pr)
    assert code == 0 and out.count("approved (bob left; home exported (TICKET-9))") == 2, out


def test_a_removed_stack_is_told_the_decommissioning_path(pr, run_cli):
    (pr / "registry" / "teams" / "risk.yaml").unlink()
    fraud = pr / "registry" / "teams" / "fraud.yaml"
    fraud.write_text(fraud.read_text().replace("{team: risk, environment: prod}", "{team: fraud, environment: dev}"))
    synth(pr)
    code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=pr)
    assert code == 1 and "set `status: decommissioned`" in out and "  - stack: 'risk-dev'\n    reason:" in out


def test_a_missing_output_folder_is_every_stack_removed(pr, run_cli):
    shutil.rmtree(pr / "generated")
    code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=pr)
    assert code == 1 and "stack organization: removed" in out and "stack fraud-prod: removed" in out


def test_a_cidr_change_is_refused_as_a_replacement(pr, run_cli):
    team = pr / "registry" / "teams" / "fraud.yaml"
    team.write_text(team.read_text().replace("dev: {budget_usd: 3000}", "dev: {budget_usd: 3000, vpc_cidr: 10.21.0.0/22}"))
    synth(pr)
    code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=pr)
    assert code == 1 and "aws_sagemaker_domain.domain is replaced, forced by vpc_id" in out


@pytest.mark.parametrize(
    "text, message",
    [
        ("allow:\n  - {stack: fraud-dev}\n", "`reason` is required"),
        ("allow:\n  - {stack: fraud-dev, reason: '  '}\n", "`reason` is required"),
        ("allow:\n  - {stack: fraud-dev, share: x, reason: r}\n", "name either a `stack`"),
        ("allow:\n  - {label: destroy-ok, reason: r}\n", "an entry has `stack`"),
        ("allow: yes\n", "expected a mapping"),
        ("allow: [\n", "not valid YAML"),
    ],
)
def test_a_wrong_opt_in_is_an_error_not_silence(text, message):
    with pytest.raises(OptInInvalid, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse_opt_ins(text, "allow-destroy.yaml")


def test_the_opt_in_file_is_the_platform_admins_last_rule_in_codeowners(example_registry):
    from tests.delivery.test_delivery_files import fresh_root_files

    lines = fresh_root_files(example_registry)[".github/CODEOWNERS"].splitlines()
    assert lines[-1] == "/allow-destroy.yaml @amara-ok"


def test_head_ref_reads_the_change_as_committed_data(pr, bob_leaves, run_cli):
    """In CI the job runs the default branch's code and reads the pull request's commit: the working tree is not used."""
    _apply(bob_leaves, pr)
    git(*COMMIT, "checkout", "-qb", "pr", cwd=pr)
    git(*COMMIT, "add", "-A", cwd=pr)
    git(*COMMIT, "commit", "-qm", "bob leaves", cwd=pr)
    git("checkout", "-q", "main", cwd=pr)  # the working tree is the base again
    code, out, _ = run_cli(["check-destroy", "--base", "main", "--head", "pr"], cwd=pr)
    assert code == 1 and out.count("NOT APPROVED") == 2
    assert run_cli(["check-destroy", "--base", "main"], cwd=pr)[0] == 0, "without --head: the working tree (the base)"


def test_the_guard_workflow_runs_only_the_default_branchs_code():
    import subprocess

    import yaml

    root = Path(__file__).resolve().parents[2]
    path = root / ".github" / "workflows" / "destroy-guard.yml"
    doc = yaml.safe_load(path.read_text())
    assert list(doc[True]) == ["pull_request_target"], "the base branch's workflow, not the pull request's"
    steps = doc["jobs"]["check-destroy"]["steps"]
    assert steps[0]["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    runs = [s.get("run", "") for s in steps]
    assert not any(re.search(r"\bmake\b", r) or "pip install" in r and r.split()[-1] != "." for r in runs), "the default branch's install"
    assert runs[-1].startswith("sagemaker-registry check-destroy --base") and "--head refs/remotes/pr/merge" in runs[-1]
    check = root / ".venv-scan" / "bin" / "check-jsonschema"
    proc = subprocess.run([str(check), "--builtin-schema", "vendor.github-workflows", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_synth_compares_a_deleted_output_folder_with_what_git_has(pr, run_cli):
    """Locally too, a missing generated/ (deleted by hand) is no blank cheque: synth compares with HEAD's output."""
    shutil.rmtree(pr / "generated")
    (pr / "registry" / "teams" / "risk.yaml").unlink()
    fraud = pr / "registry" / "teams" / "fraud.yaml"
    fraud.write_text(fraud.read_text().replace("{team: risk, environment: prod}", "{team: fraud, environment: dev}"))
    code, _, err = run_cli(["synth", "--registry", str(pr / "registry"), "--out", str(pr / "generated"), "--quiet"])
    assert code == 1 and "  - risk-dev\n  - risk-prod\n" in err
    assert not (pr / "generated").exists()


def test_dropping_an_adoption_is_refused_in_ci_and_shown_as_destructive_in_diff(pr, run_cli):
    """It passed validate, synth, diff and check-destroy; the account then planned a replacement that only
    prevent_destroy stopped, and that failed plan blocked every account change in the stack that held it."""
    team = pr / "registry" / "teams" / "fraud.yaml"
    team.write_text(team.read_text().replace('  prod: {account_id: "333333333333"}', "  prod: {}"))
    synth(pr)  # with --allow-destroy, as a careless pull request would
    code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=pr)
    assert code == 1
    assert (
        "  - stack fraud-access: aws_organizations_account.account-fraud-prod changes identity, existing 333333333333 → "
        "(none: created by Terraform)"
    ) in out
    assert out.count("NOT APPROVED") == 1
    code, md, _ = run_cli(["diff", "--base", "main", "--no-synth"], cwd=pr)
    assert code == 0
    warning = md.split("> [!WARNING]\n> **Destructive effects**\n", 1)[1].split("\n\n", 1)[0]
    assert warning == (
        "> - account fraud-prod no longer adopts existing account 333333333333: Terraform would manage its name and email "
        "again, which replaces it (a new account is created and the adopted one leaves the organization); keep its account_id\n"
        ">   - `aws_organizations_account.account-fraud-prod` forced by import: existing 333333333333 → (none: created by Terraform)"
    ), "said once, in the accounts' change, with the resource as its detail"
    code, doc, _ = run_cli(["diff", "--base", "main", "--no-synth", "--format", "json"], cwd=pr)
    (change,) = [c for c in json.loads(doc)["changes"] if c["destructive"]]
    assert (change["section"], change["kind"], change["facts"]["old_account_id"]) == (
        "accounts",
        "account_adoption_dropped",
        "333333333333",
    )
    (pr / "allow-destroy.yaml").write_text(
        "allow:\n  - {stack: fraud-access, address: aws_organizations_account.account-fraud-prod, reason: account closed (TICKET-9)}\n"
    )
    code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=pr)
    assert code == 0 and "approved (account closed (TICKET-9))" in out
