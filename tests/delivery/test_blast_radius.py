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


def test_team_added(radius):
    team = (
        "name: churn\ndescription: Churn\ncost_center: CC-3001\nowners: [carol]\nenvironments:\n  dev: {}\n"
        "members:\n  - {person: carol, role: lead}\nsagemaker:\n  instance_types: [ml.t3.medium]\n"
    )
    # its account in the organization; its access and account stacks; no other central or team stack
    assert radius(new_files={"teams/churn.yaml": team}) == ["churn-access", "churn-dev", "organization"]


def test_team_decommissioned(radius):
    # risk's accounts move to Suspended (organization), its access goes (access stack), its account stacks
    # keep their data with a retirement budget; fraud's share moves from risk-prod to fraud-dev (both halves)
    assert radius(
        (RISK, "owners: [carol]", "owners: [carol]\nstatus: decommissioned"),
        (FRAUD, "{team: risk, environment: prod}", "{team: fraud, environment: dev}"),
    ) == ["fraud-dev", "fraud-prod", "organization", "risk-access", "risk-dev", "risk-prod"]


def test_people_directory_change_plans_only_identity(radius):
    assert radius(
        ("people.yaml", "people:\n", "people:\n  - {user_name: zoe, email: zoe@acme.example, given_name: Zoe, family_name: Z}\n")
    ) == ["identity"]
