"""CI reaches only its own team account; plans run read-only. Escalation paths tried here, each blocked."""

import itertools
import json

import pytest

from modules import policies
from modules.base import naming
from tests.policy_sim import Request, allowed, denied
from tests.resolve import fake_account_id
from tests.synth.conftest import iam_items, policy, resources, stack

SHARED = "200000000002"
TEAM_STACKS = ("pricing-dev", "pricing-prod", "recsys-dev", "demand-forecast-prod")


def _role(out, name, construct):
    return iam_items(stack(out, name), "aws_iam_role")[construct]


def _pipeline(project: str) -> Request:
    return Request(
        "sts:AssumeRole", context={"aws:SourceAccount": SHARED, "aws:SourceArn": f"arn:aws:codebuild:eu-west-1:{SHARED}:project/{project}"}
    )


@pytest.mark.parametrize("name", TEAM_STACKS)
def test_an_accounts_ci_role_is_assumable_only_by_its_own_pipelines(example_out, name):
    ci = _role(example_out, name, "ci-role")
    assert ci["name"] == f"northwind-{name}-ci" and ci["provider"] == "aws.shared-services"
    trust = json.loads(ci["assume_role_policy"])
    assert allowed(trust, _pipeline(f"northwind-{name}-deploy"))
    others = [f"northwind-{other}-deploy" for other in TEAM_STACKS if other != name] + ["northwind-deploy", "anything"]
    for project in others:  # another team's or environment's project; a project outside the naming scheme
        assert not allowed(trust, _pipeline(project)), project
    elsewhere = Request(
        "sts:AssumeRole",
        context={
            "aws:SourceAccount": "999999999999",
            "aws:SourceArn": f"arn:aws:codebuild:eu-west-1:999999999999:project/northwind-{name}-x",
        },
    )
    assert not allowed(trust, elsewhere), "a project of the same name in another account"


@pytest.mark.parametrize("name", TEAM_STACKS)
def test_an_accounts_ci_role_assumes_only_that_accounts_deploy_role(example_out, name):
    doc = policy(iam_items(stack(example_out, name), "aws_iam_role_policy")["ci-role-policy"]["policy"])
    deploy = naming.deploy_role("northwind")
    for other in TEAM_STACKS:
        account = "012345678901" if other == "pricing-prod" else fake_account_id(other)  # pricing-prod is adopted
        req = Request("sts:AssumeRole", resource=f"arn:aws:iam::{account}:role/{deploy}")
        if other != name:
            assert not allowed(doc, req), f"{name}'s CI reaches {other}"
    assert not allowed(doc, Request("sts:AssumeRole", resource=f"arn:aws:iam::{SHARED}:role/{deploy}"))
    assert not allowed(doc, Request("iam:PassRole", resource="*"))
    assert [s["Resource"].rsplit(":role/", 1)[1] for s in doc["Statement"]] == [deploy]
    assert all(s["Action"] == "sts:AssumeRole" for s in doc["Statement"])


def test_no_central_ci_role_reaches_every_account_any_more(example_out):
    shared = iam_items(stack(example_out, "shared-services"), "aws_iam_role")
    assert "ci-role" not in shared and not any(r["name"] == "northwind-ci" for r in shared.values())


MODE_ROLE = '${var.access_mode == "plan" ? "northwind-plan" : "OrganizationAccountAccessRole"}'


def test_every_assumed_role_is_chosen_by_mode_and_defaults_to_the_apply_role(example_out):
    """The plan-time variable is a mode (apply | plan); the compiler maps it to a role name per account."""
    for path in sorted((example_out / "stacks").glob("*/cdk.tf.json")):
        doc = json.loads(path.read_text())
        arns = [a["role_arn"] for p in doc.get("provider", {}).get("aws", []) for a in p.get("assume_role") or []]
        assert all(arn.endswith(f":role/{MODE_ROLE}") for arn in arns), path.parent.name
        if arns:
            var = doc["variable"]["access_mode"]
            assert var["default"] == "apply" and var["nullable"] is False
            assert var["validation"][0]["condition"] == '${contains(["apply", "plan"], var.access_mode)}'
        else:
            assert "variable" not in doc, "a stack that assumes no role declares no mode"


@pytest.mark.parametrize(
    "name, construct",
    [(n, "plan-role") for n in TEAM_STACKS] + [("shared-services", "plan-role"), ("organization", "log-archive-plan-role")],
)
def test_every_account_has_a_read_only_plan_role_trusted_only_by_the_plan_identity(example_out, name, construct):
    doc = stack(example_out, name)
    role = iam_items(doc, "aws_iam_role")[construct]
    assert role["name"] == "northwind-plan"
    trust = json.loads(role["assume_role_policy"])
    plan_identity = "arn:aws:iam::100000000001:role/northwind-github-plan"
    assert allowed(trust, Request("sts:AssumeRole", principal_arn=plan_identity))
    for principal in (
        "arn:aws:iam::100000000001:role/OrganizationAccountAccessRole",
        "arn:aws:iam::100000000001:role/northwind-github-plan-x",
        f"arn:aws:iam::{SHARED}:role/northwind-github-plan",
    ):
        assert not allowed(trust, Request("sts:AssumeRole", principal_arn=principal)), principal
    attached = [a for a in iam_items(doc, "aws_iam_role_policy_attachment").values() if a["role"].endswith(f'["{construct}"].name}}')]
    assert [a["policy_arn"] for a in attached] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    deny = policy(iam_items(doc, "aws_iam_role_policy")[f"{construct}-no-data"]["policy"])
    assert denied(deny, Request("kms:Decrypt")) and denied(deny, Request("secretsmanager:GetSecretValue"))
    if name in TEAM_STACKS:
        bucket = resources(doc, "aws_s3_bucket")["data-bucket"]["bucket"]
        assert denied(deny, Request("s3:GetObject", resource=f"arn:aws:s3:::{bucket}/features/x.parquet"))


def test_the_guardrails_protect_the_ci_and_plan_roles(example_registry):
    from modules.guardrails import protect_platform_roles

    doc = {"Statement": list(protect_platform_roles("northwind").statements)}
    for role in ("northwind-pricing-dev-ci", "northwind-plan"):
        req = Request(
            "iam:UpdateAssumeRolePolicy",
            resource=f"arn:aws:iam::{SHARED}:role/{role}",
            principal_arn=f"arn:aws:iam::{SHARED}:role/AWSReservedSSO_DataScientist_0123",
        )
        assert denied(doc, req), role


def test_team_names_the_registry_accepts_never_fall_inside_another_teams_pipeline_trust():
    """Every pair of team names built from these pieces: a pair the registry accepts (naming.team_inside finds
    neither inside the other) has pipeline trusts that admit only their own projects, in every environment; a pair
    it refuses really collides (the refusal is not broader than the danger)."""
    pieces, envs = ("ml", "pricing", "dev", "prod", "devops"), ("dev", "prod", "sandbox")
    names = {"-".join(p) for p in itertools.product(pieces, repeat=2)} | set(pieces)

    def admits(trusting: tuple[str, str], project_of: tuple[str, str]) -> bool:
        trust = policies.ci_trust(account_id=SHARED, region="eu-west-1", prefix=naming.pipeline_prefix("org", *trusting))
        return allowed(trust, _pipeline(f"{naming.pipeline_prefix('org', *project_of)}-build"))

    for a, b in itertools.permutations(sorted(names), 2):
        refused = naming.team_inside(a, {a, b}, envs) or naming.team_inside(b, {a, b}, envs)
        crossing = [(ea, eb) for ea in envs for eb in envs if admits((a, ea), (b, eb)) or admits((b, eb), (a, ea))]
        assert bool(refused) == bool(crossing), (a, b, refused, crossing)
