"""Moving existing accounts from the organization stack into their teams' access stacks, with the real Terraform and
state files built for the purpose (docs/operations.md, "Moving accounts into team stacks").

Two teams of the base fixture: fraud (sandbox and dev created, prod adopted) and risk (dev and prod created; its dev
shares a prefix with fraud's dev, so fraud-dev reads risk-dev's id across teams). The deployment is applied in effect
with every account in the organization stack (`account_moves` lists both teams as `organization`), then each step's
output is planned against those states: the import step plans only no-op imports of the ids AWS has, the forget step
only forgets in the organization stack and nothing in the stacks that read the ids, and runs interrupted between the
two stacks either import or fail, never create. Over every plan made here: no account is created, destroyed or
replaced.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.base import naming
from modules.plan.layout import plan
from modules.registry.validate import load_registry
from tests.helpers import materialize, synthesize
from tests.terraform import runner
from tests.terraform.account_states import ACCOUNT, Deployment, Plan

IDS = {
    "fraud-sandbox": "100000000011",
    "fraud-dev": "100000000012",
    "fraud-prod": "333333333333",  # adopted (the base fixture's adoptable account)
    "risk-dev": "100000000021",
    "risk-prod": "100000000022",
}
TEAMS = {"fraud": ("fraud-dev", "fraud-prod", "fraud-sandbox"), "risk": ("risk-dev", "risk-prod")}
STACKS = ["organization", "fraud-access", "risk-access", "fraud-dev", "risk-dev"]
READERS = ("fraud-dev", "risk-dev")
SHARE = "shares:\n  - {name: risk-features, kind: s3_prefix, resource: features/, from: dev, to: [{team: fraud, environment: dev}]}\n"
STEPS = {"organization": "{fraud: organization, risk: organization}", "import": "{fraud: import, risk: import}"}
STEPS |= {"forget": "{fraud: forget, risk: forget}", "done": None}


@pytest.fixture(scope="module")
def moves(tmp_path_factory):
    """(outputs by step, the deployment applied with every account in the organization stack)."""
    why = runner.missing()
    if why:
        pytest.skip(f"terraform tier skipped: {why}")
    root = tmp_path_factory.mktemp("account-move")
    registry = materialize(None, root)
    with (registry / "teams" / "risk.yaml").open("a") as f:
        f.write(SHARE)
    base = (registry / "organization.yaml").read_text()
    outs = {}
    for step, entry in STEPS.items():
        (registry / "organization.yaml").write_text(base + (f"account_moves: {entry}\n" if entry else ""))
        outs[step] = root / step
        synthesize(plan(load_registry(registry)), outs[step], allow_destroy=True)
    accounts = {
        key: {"id": aid, "email": f"aws+{key}@acme.example", "name": f"acme-{key}"} for key, aid in IDS.items() if key != "fraud-prod"
    }
    accounts["fraud-prod"] = {"id": IDS["fraud-prod"], "email": "aws+fraud-prod@acme.example", "name": "acme-fraud-prod"}
    with runner.StandIn(store=root / "store.json") as env:
        deployed = Deployment(root / "deployed", root / "store.json", env)
        deployed.seed(outs["organization"], STACKS, accounts)
        assert deployed.held("organization") == {f"{ACCOUNT}.account-{k}": v for k, v in IDS.items()}
        # What each stack plans before anything moves: nothing in the organization and access stacks; in an account
        # stack, what the stand-in cannot settle (a set of objects with optional attributes, such as a security
        # group's rules, plans as changed every time: it computes no provider defaults). The move must add nothing.
        for stack in STACKS:
            p = deployed.plan(stack)
            assert p.ok, p.errors
            BEFORE[stack] = sorted((c.address, c.actions) for c in p.changes)
        assert all(not BEFORE[s] for s in STACKS if s not in READERS), BEFORE
        yield outs, deployed


BEFORE: dict[str, list] = {}  # stack -> its plan's changes before the move (the moves fixture)


@pytest.fixture
def lab(moves, tmp_path):
    outs, deployed = moves
    d = deployed.copy(tmp_path / "work")
    yield outs, d
    churn = [
        (p.stack, c.address, c.actions) for p in d.plans for c in p.of_type(ACCOUNT) if set(c.actions) & {"create", "delete"}
    ]  # a replacement is a delete and a create
    assert not churn, f"an account created, destroyed or replaced: {churn}"


def unchanged(p: Plan) -> bool:
    """The plan changes nothing that it did not change before the move (see BEFORE), and no output."""
    return p.ok and sorted((c.address, c.actions) for c in p.changes) == BEFORE[p.stack] and not p.outputs


def imports_only(p: Plan, team: str) -> None:
    """The team's accounts imported with the ids AWS has, and nothing else changes."""
    assert p.ok, p.errors
    assert {c.address: (c.actions, c.importing) for c in p.changes} == {f"{ACCOUNT}.account-{k}": (("no-op",), IDS[k]) for k in TEAMS[team]}


def test_import_then_forget_then_done(lab):
    outs, d = lab
    d.use(outs["import"])  # step 1: the access stacks import; nothing else changes
    assert unchanged(d.plan("organization"))
    for team in TEAMS:
        imports_only(d.plan(naming.access_stack(team)), team)
    for reader in READERS:
        assert unchanged(d.plan(reader)), reader
    for team in TEAMS:
        d.apply(naming.access_stack(team))
        assert unchanged(d.plan(naming.access_stack(team)))  # applied: the import is skipped from now on
        assert d.outputs(naming.access_stack(team))["account_ids"] == {k: IDS[k] for k in TEAMS[team]}

    d.use(outs["forget"])  # step 2: the organization forgets; the readers read the same ids from the access stacks
    org = d.plan("organization")
    assert org.ok, org.errors
    assert {c.address: c.actions for c in org.changes} == {f"{ACCOUNT}.account-{k}": ("forget",) for k in IDS}
    assert org.outputs == {"account_ids": ["delete"]}
    for stack in (*map(naming.access_stack, TEAMS), *READERS):
        assert unchanged(d.plan(stack)), stack
    d.apply("organization")
    assert d.held("organization") == {}
    assert unchanged(d.plan("organization"))

    d.use(outs["done"])  # the entry removed: the lookup imports go, the adopted account's import stays (skipped)
    for stack in ("organization", *map(naming.access_stack, TEAMS), *READERS):
        assert unchanged(d.plan(stack)), stack
    assert d.held("fraud-access") == {f"{ACCOUNT}.account-{k}": IDS[k] for k in TEAMS["fraud"]}


def test_the_organization_forgets_before_a_team_imports(lab):
    """Interrupted: fraud imported, then the organization's forget step applied for both teams before risk's import.
    risk's access stack still imports its accounts (the lookup needs no organization state); risk's readers, switched
    to an access stack that has not been applied, fail (never create) until it is."""
    outs, d = lab
    d.use(outs["import"])
    d.plan("fraud-access")
    d.apply("fraud-access")
    d.use(outs["forget"])
    d.plan("organization")
    d.apply("organization")
    assert d.held("organization") == {}
    early = d.plan("risk-dev")
    assert not early.ok and any("account_ids" in e for e in early.errors), early.errors
    imports_only(d.plan("risk-access"), "risk")
    d.apply("risk-access")
    assert unchanged(d.plan("risk-access"))
    for reader in READERS:
        assert unchanged(d.plan(reader)), reader


def test_a_stale_saved_import_plan_applied_after_the_forget(lab):
    """risk's import step planned and saved but applied only after the organization forgot its accounts: the saved plan
    holds the ids it imports, so it applies, and the next plan is empty."""
    outs, d = lab
    d.use(outs["import"])
    imports_only(d.plan("risk-access", "stale.tfplan"), "risk")
    d.plan("fraud-access")
    d.apply("fraud-access")
    d.use(outs["forget"])
    d.plan("organization")
    d.apply("organization")
    d.apply("risk-access", "stale.tfplan")
    assert d.held("risk-access") == {f"{ACCOUNT}.account-{k}": IDS[k] for k in TEAMS["risk"]}
    assert unchanged(d.plan("risk-access"))


def test_readers_switched_before_the_import_fail_and_create_nothing(lab):
    """The forget step's output planned with no import applied: the readers fail on the access stacks' missing
    account_ids; the organization only forgets (the synth refuses this skipped step: tests/delivery/test_account_moves.py)."""
    outs, d = lab
    d.use(outs["forget"])
    for reader in READERS:
        p = d.plan(reader)
        assert not p.ok and any("account_ids" in e for e in p.errors), (reader, p.errors)
    org = d.plan("organization")
    assert org.ok and {c.actions for c in org.changes} == {("forget",)}


def test_the_example_stacks_are_prepared_against_seeded_states(moves, tmp_path):
    """runner.prepare points remote state at the states a test names, and at placeholders for the others."""
    outs, _ = moves
    states = {"organization": tmp_path / "org.tfstate"}
    runner.prepare(outs["forget"] / "stacks", tmp_path / "w", states=states)
    doc = (tmp_path / "w" / "fraud-access" / "cdk.tf.json").read_text()
    assert str(states["organization"]) in doc and str(tmp_path / "w" / "states" / "identity.tfstate") in doc
    assert Path(tmp_path / "w" / "states" / "organization.tfstate").is_file()
