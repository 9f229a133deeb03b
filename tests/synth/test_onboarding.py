"""A new team is two pull requests (docs/design.md, "A new team is two pull requests"): while `status: onboarding`, only its
accounts and groups exist, so nothing in its first pull request reads an account id before it is created."""

from __future__ import annotations

import json

from modules.plan.layout import plan
from modules.registry.validate import load_registry
from tests.helpers import FIXTURES, materialize


def onboarding(tmp_path, status: str = "onboarding"):
    reg_dir = materialize(FIXTURES / "valid" / "onboarding-team", tmp_path)
    team = reg_dir / "teams" / "ledger.yaml"
    team.write_text(team.read_text().replace("status: onboarding", f"status: {status}"))
    reg = load_registry(reg_dir)
    return plan(reg)


def test_an_onboarding_team_gets_accounts_and_groups_but_no_account_stacks(tmp_path):
    p = onboarding(tmp_path)
    access = next(a for a in p.access if a.team == "ledger")
    assert {a.key for a in access.held} == {"ledger-dev", "ledger-prod"}  # in its own access stack
    assert not [a for a in p.organization.accounts if a.team == "ledger"]
    assert all(not a.decommissioned and a.ou_path != "Suspended" for a in access.held)
    assert not [s for s in p.stack_names if s.startswith("ledger-") and s != "ledger-access"]
    assert {g.name for g in access.groups} == {"acme-ledger-lead", "acme-ledger-viewer"}
    assert access.accounts == () and access.scp is None and access.catalog == ()


def test_the_second_pull_request_adds_the_account_stacks_and_assignments(tmp_path):
    p = onboarding(tmp_path, "active")
    assert {"ledger-dev", "ledger-prod"} <= set(p.stack_names)
    access = next(a for a in p.access if a.team == "ledger")
    assert {t.key for t in access.accounts} == {"ledger-dev", "ledger-prod"} and access.scp is not None


def test_an_onboarding_teams_access_stack_creates_its_accounts_and_reads_no_account_id(synthesized_fixture):
    _, out = synthesized_fixture(FIXTURES / "valid" / "onboarding-team")
    text = (out / "stacks" / "ledger-access" / "cdk.tf.json").read_text()
    doc = json.loads(text)
    assert "outputs.account_ids" not in text and "aws_identitystore_group" in doc["resource"]
    assert sorted(doc["resource"]["aws_organizations_account"]) == ["account-ledger-dev", "account-ledger-prod"]
    assert "import" not in doc  # created, not imported
    assert "ledger" not in (out / "stacks" / "organization" / "cdk.tf.json").read_text()


def test_the_previous_outputs_facts(tmp_path):
    """No output is a bootstrap (nothing refused); an output records its accounts; one written before the accounts
    were recorded counts an account as existing when its account stack does."""
    from modules.outputs.facts import previous_facts

    assert previous_facts(None).accounts is None and previous_facts(tmp_path / "missing").accounts is None
    out = tmp_path / "out"
    (out / "stacks" / "fraud-dev").mkdir(parents=True)
    (out / "stacks" / "fraud-dev" / "cdk.tf.json").write_text("{}")
    (out / "manifest.json").write_text(json.dumps({"stacks": {}}))
    assert previous_facts(out).accounts == {"fraud-dev"}
    (out / "manifest.json").write_text(json.dumps({"accounts": {"ledger-dev": {"team": "ledger"}}, "stacks": {}}))
    assert previous_facts(out).accounts == {"ledger-dev"}


def test_active_is_refused_only_for_a_team_none_of_whose_accounts_exist(tmp_path):
    from modules.outputs.facts import Previous, unready_teams

    reg_dir = materialize(FIXTURES / "valid" / "onboarding-team", tmp_path)
    team = reg_dir / "teams" / "ledger.yaml"
    team.write_text(team.read_text().replace("status: onboarding", "status: active"))
    reg = load_registry(reg_dir)
    p = plan(reg)
    others = frozenset(a.key for a in p.team_accounts if a.team != "ledger")
    (err,) = unready_teams(reg, p, Previous(others))
    assert str(err).startswith(f"{reg_dir}/teams/ledger.yaml:7: ") and "team 'ledger' › status: team 'ledger' is new" in str(err)
    assert unready_teams(reg, p, Previous(others | {"ledger-dev"})) == [], "an account exists: not a new team"
    assert unready_teams(reg, p, Previous(None)) == [], "a bootstrap refuses nothing"
