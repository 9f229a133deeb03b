"""Blast radius: each typical registry change reaches exactly the stacks it must, and no central stack it need not.

A stack's fingerprint covers everything its output depends on (modules/engine/fingerprint.py; incremental synth is
tested byte-identical to a full one in tests/synth/test_incremental.py), so the stacks whose fingerprint moves
are the stacks whose `cdk.tf.json` can change: the Atlantis projects that plan. Pure Python, no cdktn.
"""

from pathlib import Path

import pytest

from modules.engine.fingerprint import stack_digests
from modules.plan.layout import plan
from modules.registry.validate import load_registry
from tests.helpers import materialize

FRAUD, RISK = "teams/fraud.yaml", "teams/risk.yaml"


def digests(registry: Path) -> dict[str, str]:
    return stack_digests(plan(load_registry(registry)))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def radius(tmp_path):
    registry = materialize(None, tmp_path)
    before = digests(registry)

    def after(*edits, new_files: dict[str, str] | None = None) -> list[str]:
        for rel, old, new in edits:
            edit(registry / rel, old, new)
        for rel, text in (new_files or {}).items():
            (registry / rel).write_text(text)
        now = digests(registry)
        return sorted(name for name in before.keys() | now.keys() if before.get(name) != now.get(name))

    return after


def test_member_added_plans_the_access_stack_and_the_accounts_where_they_gain_studio(radius):
    # data-scientist: Studio, permission sets in sandbox and dev only
    assert radius(
        (FRAUD, "  - {person: dave, role: viewer}", "  - {person: dave, role: viewer}\n  - {person: carol, role: data-scientist}")
    ) == ["fraud-access", "fraud-dev", "fraud-sandbox"]


def test_member_added_without_studio_plans_only_the_access_stack(radius):
    assert radius((FRAUD, "  - {person: dave, role: viewer}", "  - {person: dave, role: viewer}\n  - {person: carol, role: viewer}")) == [
        "fraud-access"
    ]


def test_role_changed(radius):
    # viewer (no Studio) -> data-scientist (Studio in sandbox and dev)
    assert radius((FRAUD, "{person: dave, role: viewer}", "{person: dave, role: data-scientist}")) == [
        "fraud-access",
        "fraud-dev",
        "fraud-sandbox",
    ]


def test_template_added_to_the_catalog(radius, tmp_path):
    registry = tmp_path / "registry"
    (registry / "catalog" / "batch.yaml").write_text((registry / "catalog" / "build-train-deploy.yaml").read_text())
    assert radius(
        (
            "catalog.yaml",
            "    owner: platform\n",
            "    owner: platform\n  - name: batch\n    description: Batch\n"
            '    template: catalog/batch.yaml\n    version: "1.0.0"\n    owner: platform\n',
        )
    ) == ["shared-services"]


def test_template_made_visible_to_a_team(radius):
    # the association (access stack) and the launch role its accounts now need
    assert radius(
        (RISK, "  instance_types: [ml.t3.medium]", "  instance_types: [ml.t3.medium]\n  project_templates: [build-train-deploy]")
    ) == ["risk-access", "risk-dev", "risk-prod"]


def test_instance_types_changed(radius):
    # the team's SCP (access stack) and its execution roles
    assert radius((RISK, "  instance_types: [ml.t3.medium]", "  instance_types: [ml.t3.medium, ml.m5.large]")) == [
        "risk-access",
        "risk-dev",
        "risk-prod",
    ]


def test_share_added(radius):
    assert radius(
        (
            RISK,
            "  instance_types: [ml.t3.medium]",
            "  instance_types: [ml.t3.medium]\nshares:\n"
            "  - {name: risk-scores, kind: s3_prefix, resource: scores/, from: prod, "
            "to: [{team: fraud, environment: prod}]}",
        )
    ) == ["fraud-prod", "risk-prod"]


TEAM = (
    "name: churn\ndescription: Churn\ncost_center: CC-3001\nowners: [carol]\n{status}environments:\n  dev: {{}}\n{more}"
    "members:\n  - {{person: carol, role: lead}}\nsagemaker:\n  instance_types: [ml.t3.medium]\n"
)
ADOPTABLE = ("organization.yaml", "adoptable_accounts:\n", 'adoptable_accounts:\n  "444444444444": {team: risk, environment: sandbox}\n')
CENTRAL = ("identity", "organization", "shared-services")


def test_team_onboarding_plans_only_its_access_stack(radius):
    # its accounts are created in its own access stack, beside its groups: no central stack changes
    assert radius(new_files={"teams/churn.yaml": TEAM.format(status="status: onboarding\n", more="")}) == ["churn-access"]


def test_team_added_active(radius):
    # its accounts and access in its access stack, its account stack: no other central or team stack
    assert radius(new_files={"teams/churn.yaml": TEAM.format(status="", more="")}) == ["churn-access", "churn-dev"]


def test_environment_added(radius):
    # the new account in the team's access stack (with its assignments), and its account stack
    assert radius((RISK, "  dev: {}\n", "  dev: {}\n  sandbox: {}\n")) == ["risk-access", "risk-sandbox"]


def test_account_adopted(radius):
    # the platform's consent is the only central edit, and it changes no stack; the import is in the team's access stack
    assert radius(ADOPTABLE, (RISK, "  dev: {}\n", '  dev: {}\n  sandbox: {account_id: "444444444444"}\n')) == [
        "risk-access",
        "risk-sandbox",
    ]


def test_team_decommissioned(radius):
    # risk's accounts move to Suspended and its access goes (access stack), its account stacks keep their data with a
    # retirement budget; fraud's share moves from risk-prod to fraud-dev (both halves); no central stack
    assert radius(
        (RISK, "owners: [carol]", "owners: [carol]\nstatus: decommissioned"),
        (FRAUD, "{team: risk, environment: prod}", "{team: fraud, environment: dev}"),
    ) == ["fraud-dev", "fraud-prod", "risk-access", "risk-dev", "risk-prod"]


def test_an_account_move_plans_one_side_at_a_time(tmp_path):
    """A team's move, step by step: the import changes only its access stack; the forget only the organization and
    the stacks that read the ids (its account stacks, and fraud-prod, which reads risk-prod's across a share); removing
    the entry only the organization (its removed blocks) and the access stack (its lookup imports)."""
    registry = materialize(None, tmp_path)
    org = registry / "organization.yaml"
    text = org.read_text()
    seen = []
    for step in ("organization", "import", "forget", None):
        org.write_text(text + (f"account_moves: {{risk: {step}}}\n" if step else ""))
        seen.append(digests(registry))
    changed = [sorted(n for n in a.keys() | b.keys() if a.get(n) != b.get(n)) for a, b in zip(seen, seen[1:], strict=False)]
    assert changed == [
        ["risk-access"],
        ["fraud-prod", "organization", "risk-dev", "risk-prod"],
        ["organization", "risk-access"],
    ]


def test_people_directory_change_plans_only_identity(radius):
    assert radius(
        ("people.yaml", "people:\n", "people:\n  - {user_name: zoe, email: zoe@acme.example, given_name: Zoe, family_name: Z}\n")
    ) == ["identity"]
