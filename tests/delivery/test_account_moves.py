"""Moving a deployment's accounts into their teams' access stacks, as synth, diff and check-destroy see it: one step
per pull request (organization.yaml account_moves), refused with what to write when a step is skipped or taken back,
and a forget paired with an import read as a move, never a destroy (the Terraform tier shows the plans:
tests/terraform/test_account_move.py)."""

from __future__ import annotations

import copy
import json
import shutil

import pytest

from modules.engine.destroy import findings, guarded
from tests.delivery.test_check_destroy import COMMIT
from tests.delivery.test_pull_request import git, synth
from tests.helpers import materialize

ACCOUNT = "aws_organizations_account"
DEV = f"{ACCOUNT}.account-risk-dev"


def moves(root, entry: str | None) -> None:
    org = root / "registry" / "organization.yaml"
    text = org.read_text().split("account_moves:")[0]
    org.write_text(text + (f"account_moves: {entry}\n" if entry else ""))


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """A repository whose committed output holds every account in the organization stack (the upgrade's first step)."""
    root = tmp_path_factory.mktemp("moves") / "repo"
    materialize(None, root)
    moves(root, "{fraud: organization, risk: organization}")
    synth(root)
    git("init", "-q", "-b", "main", cwd=root)
    git(*COMMIT, "add", "-A", cwd=root)
    git(*COMMIT, "commit", "-qm", "every account in the organization stack", cwd=root)
    return root


@pytest.fixture
def repo(deployed, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(deployed, root, symlinks=True)
    return root


def refusal(run_cli, root, *args: str) -> list[str]:
    code, out, err = run_cli(["synth", "--quiet", *args], cwd=root)
    assert code == 1 and out == "" and "Traceback" not in err
    return err.splitlines()


def test_each_step_passes_synth_diff_and_the_guard(repo, run_cli):
    for entry, said in (
        ("{fraud: organization, risk: import}", "moves to risk-access (step 1 of 2)"),
        ("{fraud: organization, risk: forget}", "moves to risk-access (step 2 of 2)"),
        ("{fraud: organization}", "has moved to risk-access"),
    ):
        moves(repo, entry)
        code, _, err = run_cli(["synth", "--quiet"], cwd=repo)
        assert (code, err) == (0, ""), entry
        code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=repo)
        assert code == 0 and out == "check-destroy: nothing is removed or replaced compared with main\n", (entry, out)
        code, md, _ = run_cli(["diff", "--base", "main", "--no-synth"], cwd=repo)
        assert code == 0 and f"- account risk-dev {said}" in md and "created" not in md and "Destructive" not in md, md
        git(*COMMIT, "add", "-A", cwd=repo)
        git(*COMMIT, "commit", "-qm", entry, cwd=repo)


def test_an_account_left_out_of_the_list_is_refused_with_what_to_write(repo, run_cli):
    moves(repo, "{fraud: organization}")
    assert refusal(run_cli, repo)[:2] == [
        "registry/organization.yaml:20: organization 'acme' › account_moves: team 'risk' is not in account_moves, but the "
        "previous output holds its accounts (risk-dev, risk-prod) in the organization stack: without an entry the "
        "organization stack would destroy them and risk-access create new ones. Add `risk: organization` to "
        "organization.yaml account_moves (they stay), or `risk: import` (the first step of their move into risk-access) "
        "(allowed: one step at a time: organization → import → forget → not listed)",
        "1 error found; nothing was written.",
    ]
    code, _, err = run_cli(["diff", "--base", "main"], cwd=repo)
    assert code == 1 and "team 'risk' is not in account_moves" in err


def test_a_skipped_or_backward_step_is_refused_and_nothing_is_written(repo, run_cli):
    before = (repo / "generated" / "manifest.json").read_bytes()
    moves(repo, "{fraud: organization, risk: forget}")
    (skipped, *_) = refusal(run_cli, repo)
    assert skipped.endswith(
        "account_moves says `risk: forget`, but the previous output holds its accounts (risk-dev, risk-prod) in the "
        "organization stack and risk-access has not imported them: the organization stack would forget accounts no other "
        "stack holds. Set `risk: import` first, apply it, then `risk: forget` (allowed: one step at a time: organization → "
        "import → forget → not listed)"
    )
    moves(repo, "{fraud: organization, risk: import}")
    assert run_cli(["synth", "--quiet"], cwd=repo)[0] == 0
    moves(repo, "{fraud: organization, risk: organization}")
    (back, *_) = refusal(run_cli, repo)
    assert "account_moves says `risk: organization`, but risk-access has imported its accounts (risk-dev, risk-prod): going " in back
    moves(repo, "{fraud: organization}")
    (early, *_) = refusal(run_cli, repo)
    assert "its accounts (risk-dev, risk-prod) are imported into risk-access while the organization stack still holds them" in early
    assert (repo / "generated" / "manifest.json").read_bytes() != before, "the import step was written"


def test_a_new_account_of_a_moving_team_is_refused(repo, run_cli):
    moves(repo, "{fraud: organization, risk: import}")
    assert run_cli(["synth", "--quiet"], cwd=repo)[0] == 0
    team = repo / "registry" / "teams" / "risk.yaml"
    team.write_text(team.read_text().replace("  dev: {}\n", "  dev: {}\n  sandbox: {}\n"))
    (line, *_) = refusal(run_cli, repo)
    assert "account risk-sandbox is new, but account_moves says `risk: import`: a new account cannot be imported" in line


def test_forcing_the_final_layout_is_refused_by_the_guard_in_ci(repo, run_cli):
    """--allow-destroy writes what the registry says; CI's guard still finds each account destroyed in the organization
    stack and declared anew, without an import, in the access stack."""
    moves(repo, None)
    assert refusal(run_cli, repo)[-1].startswith("Only where these accounts exist nowhere yet")
    assert run_cli(["synth", "--quiet", "--allow-destroy"], cwd=repo)[0] == 0
    code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=repo)
    assert code == 1
    assert f"  - stack organization: {DEV} is destroyed (loses the AWS account" in out
    assert (
        f"  - stack risk-access: {DEV} is declared without an import, but the previous output already has this account: "
        "Terraform would create it a second time instead of taking it over: NOT APPROVED"
    ) in out


# ---- the guard on documents: which pairs are moves -------------------------------------------------------------------


def _account(email="aws+risk-dev@acme.example"):
    return {"email": email, "name": "acme-risk-dev", "lifecycle": {"prevent_destroy": True}}


def _doc(*, account=None, removed=False, lookup=False):
    doc: dict = {"resource": {ACCOUNT: {"account-risk-dev": account}} if account else {}}
    if removed:
        doc["removed"] = [{"from": DEV, "lifecycle": {"destroy": False}}]
    if lookup:
        doc["import"] = [{"to": DEV, "id": "${one([for a in x : a.id])}"}]
    return doc


def _kinds(before, after, accounts=frozenset({"risk-dev"})):
    return [(f.kind, f.stack) for f in guarded(findings(before, after, accounts_before=accounts))]


def test_a_forget_with_exactly_one_taker_is_a_move():
    org_held = {"organization": _doc(account=_account())}
    importing = {"risk-access": _doc(account=_account(), lookup=True)}
    assert _kinds({**org_held, "risk-access": _doc()}, {"organization": _doc(removed=True), **importing}) == []
    # the taker already held it (the import step was applied in an earlier change)
    held = {"risk-access": _doc(account=_account(), lookup=True)}
    assert _kinds({**org_held, **held}, {"organization": _doc(removed=True), **held}) == []


def test_a_forget_without_a_taker_is_abandoned_and_without_removed_a_destroy():
    before = {"organization": _doc(account=_account()), "risk-access": _doc()}
    assert _kinds(before, {"organization": _doc(removed=True), "risk-access": _doc()}) == [("abandoned", "organization")]
    # a taker of another account (another email) takes nothing over
    other = {"risk-access": _doc(account=_account("aws+someone@acme.example"), lookup=True)}
    assert _kinds(before, {"organization": _doc(removed=True), **other}) == [("abandoned", "organization")]
    # two takers: Terraform would import one account into two states
    two = {name: _doc(account=_account(), lookup=True) for name in ("risk-access", "fraud-access")}
    assert _kinds(before, {"organization": _doc(removed=True), **two}) == [("abandoned", "organization")]
    importing = _doc(account=_account(), lookup=True)
    assert _kinds(before, {"organization": _doc(), "risk-access": importing}) == [("removed", "organization")]


def test_an_existing_account_declared_anew_without_an_import_is_recreated():
    before = {"organization": _doc(), "risk-access": _doc()}
    after = {"organization": _doc(), "risk-access": _doc(account=_account())}
    assert _kinds(before, after) == [("recreated", "risk-access")]
    assert _kinds(before, after, accounts=frozenset()) == [], "a new account (the previous output has none): created"
    assert _kinds(before, {"organization": _doc(), "risk-access": _doc(account=_account(), lookup=True)}) == []


def test_dropping_the_lookup_import_of_a_held_account_is_benign_and_changing_it_is_not():
    held = _doc(account=_account(), lookup=True)
    assert _kinds({"risk-access": held}, {"risk-access": _doc(account=_account())}) == []
    changed = copy.deepcopy(held)
    changed["resource"][ACCOUNT]["account-risk-dev"]["lifecycle"]["ignore_changes"] = ["email", "name"]
    del changed["import"]
    assert _kinds({"risk-access": held}, {"risk-access": changed}) == [("replaced", "risk-access")], "not the same body"


def test_the_synth_guard_reads_the_taker_even_when_its_stack_is_kept(repo, run_cli, tmp_path):
    """At the forget step the access stacks do not change (synth keeps their files): the guard still reads them to find
    the taker of each account the organization forgets."""
    moves(repo, "{fraud: organization, risk: import}")
    assert run_cli(["synth", "--quiet"], cwd=repo)[0] == 0
    moves(repo, "{fraud: organization, risk: forget}")
    code, out, err = run_cli(["synth"], cwd=repo)
    assert (code, err.count("refusing")) == (0, 0), err
    assert "risk-access" not in out.split("changed stacks:")[1]
    doc = json.loads((repo / "generated" / "stacks" / "organization" / "cdk.tf.json").read_text())
    assert [r["from"] for r in doc["removed"]] == [f"{ACCOUNT}.account-risk-dev", f"{ACCOUNT}.account-risk-prod"]
