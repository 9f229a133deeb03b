"""An adopted account's own access role (organization.yaml `adoptable_accounts[id].access_role`), end to end: the
account's providers assume it in mode apply (the plan role in mode plan), the guardrails treat it, in that account
only, as they treat OrganizationAccountAccessRole, and the post-step reaches the account through it."""

import json

from modules.plan.layout import plan
from modules.post.manifest import manifests
from modules.registry.validate import load_registry
from tests.helpers import FIXTURES
from tests.policy_sim import Request, denied

CASE = FIXTURES / "valid" / "adopted-account-with-its-own-access-role"
ADOPTED = "333333333333"
LEGACY = f"arn:aws:iam::{ADOPTED}:role/LegacyAdmin"


def _roles(doc: dict) -> list[str]:
    return [a["role_arn"] for p in doc["provider"]["aws"] for a in p.get("assume_role") or []]


def test_the_adopted_accounts_providers_assume_its_own_role_by_mode(synthesized_fixture):
    _, out = synthesized_fixture(CASE)
    prod = json.loads((out / "stacks" / "fraud-prod" / "cdk.tf.json").read_text())
    assert _roles(prod)[0] == f'arn:aws:iam::{ADOPTED}:role/${{var.access_mode == "plan" ? "acme-plan" : "LegacyAdmin"}}'
    # shared services (the CI role's provider) and the created accounts keep OrganizationAccountAccessRole
    assert _roles(prod)[1].endswith('${var.access_mode == "plan" ? "acme-plan" : "OrganizationAccountAccessRole"}')
    dev = json.loads((out / "stacks" / "fraud-dev" / "cdk.tf.json").read_text())
    assert "LegacyAdmin" not in json.dumps(dev)


def test_the_guardrails_exempt_and_protect_that_role_in_that_account_only(synthesized_fixture):
    _, out = synthesized_fixture(CASE)
    org = json.loads((out / "stacks" / "organization" / "cdk.tf.json").read_text())
    scps = [
        json.loads(p["content"]) for p in org["resource"]["aws_organizations_policy"].values() if p.get("type") == "SERVICE_CONTROL_POLICY"
    ]
    scps = [d for d in scps if any(s.get("Sid") == "ProtectPlatformRoles" for s in d["Statement"])]
    assert scps, "the protect-platform-roles guardrail is attached"
    for scp in scps:
        # Terraform, through the adopted account's own role, may manage the platform's roles there...
        assert not denied(scp, Request("iam:PutRolePolicy", LEGACY, f"arn:aws:iam::{ADOPTED}:role/acme-plan"))
        # ...a role of that name in any other account may not, and nobody else may edit the access role itself
        other = "arn:aws:iam::444444444444:role/LegacyAdmin"
        assert denied(scp, Request("iam:PutRolePolicy", other, "arn:aws:iam::444444444444:role/acme-plan"))
        team = f"arn:aws:iam::{ADOPTED}:role/fraud-notebook"
        assert denied(scp, Request("iam:UpdateAssumeRolePolicy", team, LEGACY))


def test_the_post_step_reaches_the_account_through_it(tmp_path):
    from tests.helpers import materialize

    docs = manifests(plan(load_registry(materialize(CASE, tmp_path))))
    assert docs["fraud-prod"].jobs.preflight.access_role == "LegacyAdmin"
    assert all(d.jobs.preflight.access_role is None for n, d in docs.items() if n != "fraud-prod" and d.jobs.preflight)
