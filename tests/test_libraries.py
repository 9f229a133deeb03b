"""Internal libraries : who may read and publish what, evaluated on the policies the stacks carry.

Cross-account access to CodeArtifact needs both halves: the caller's identity policy in its team account and
the repository (or domain) policy in shared services. `reach` evaluates both, as IAM does for a principal in
another account (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
"""

from __future__ import annotations

import json

import pytest

from modules.plan import libraries as L
from modules.plan import records as R
from modules.policies import libraries as P
from tests.libraries_plan import ORG_ID, with_libraries
from tests.policy_sim import Request, allowed


@pytest.fixture(scope="module")
def plan(example_registry):
    from modules.plan.layout import plan as make_plan

    return with_libraries(
        make_plan(example_registry), publish={"recsys": ("Recsys_Features", "recsys.utils"), "pricing": ("pricing-tools",)}
    )


def role_arn(acct, role: str) -> str:
    return f"arn:aws:iam::{acct.account.adopted_id or '999900000000'}:role/{role}"


def identity(acct, role: str) -> dict:
    """The role's libraries policy as account.py attaches it (read, plus publish where the role may)."""
    lib = acct.libraries
    publish = (P.publish_policy(lib) or {"Statement": []})["Statement"]
    may = role == "deploy" or lib.execution_role_publishes
    return {"Statement": P.read_policy(lib)["Statement"] + (publish if may else [])}


def reach(plan, acct, role: str, action: str, resource: str, *, org_id: str = ORG_ID) -> bool:
    name = "northwind-deploy" if role == "deploy" else acct.role_name
    principal = role_arn(acct, name)
    req = Request(action, principal, resource, context={"aws:PrincipalOrgID": org_id})
    lib = plan.shared_services.libraries
    resource_policy = (
        P.domain_policy(lib, org_id=ORG_ID)
        if action == "codeartifact:GetAuthorizationToken"
        else P.repository_policy(lib, org_id=ORG_ID, deploy_role="northwind-deploy")
    )
    return allowed(identity(acct, role), req) and allowed(resource_policy, req)


def package(plan, name: str) -> str:
    return P.package_arn(plan.accounts[0].libraries, name)


def test_names_are_normalized_as_pypi_does():
    assert L.normalize("Fraud_Utils") == L.normalize("fraud-utils") == L.normalize("fraud..utils") == "fraud-utils"


def test_a_team_publishes_exactly_its_own_packages(plan):
    for acct in plan.accounts:
        if acct.account.team != "recsys":
            continue
        for pkg in ("recsys-features", "Recsys_Features", "recsys-utils"):
            assert reach(plan, acct, "deploy", "codeartifact:PublishPackageVersion", package(plan, pkg)), (acct.name, pkg)
        for pkg in ("pricing-tools", "recsys-features-extra", "numpy"):
            assert not reach(plan, acct, "deploy", "codeartifact:PublishPackageVersion", package(plan, pkg)), (acct.name, pkg)


def test_execution_roles_publish_only_where_people_write(plan):
    checked = set()
    for acct in plan.accounts:
        if acct.account.team != "recsys":
            continue
        env = acct.account.environment
        can = reach(plan, acct, "execution", "codeartifact:PublishPackageVersion", package(plan, "recsys-features"))
        assert can == (env in ("sandbox", "dev")), acct.name  # prod is read-only for people
        checked.add(env)
    assert checked == {"sandbox", "dev", "prod"}


def test_the_repository_policy_stops_a_role_the_identity_policy_would_let_publish(plan):
    """A team account role with a publishing identity policy but another name (not the platform's) is refused."""
    acct = plan.account("recsys-dev")
    req = Request(
        "codeartifact:PublishPackageVersion",
        role_arn(acct, "someone-elses-role"),
        package(plan, "recsys-features"),
        context={"aws:PrincipalOrgID": ORG_ID},
    )
    assert allowed(identity(acct, "deploy"), req)
    assert not allowed(P.repository_policy(plan.shared_services.libraries, org_id=ORG_ID, deploy_role="northwind-deploy"), req)


def test_every_team_account_reads(plan):
    lib = plan.accounts[0].libraries
    calls = [
        ("codeartifact:GetAuthorizationToken", P.domain_arn(lib)),
        ("codeartifact:GetRepositoryEndpoint", P.repository_arn(lib)),
        ("codeartifact:ReadFromRepository", P.repository_arn(lib)),
    ]
    for acct in plan.accounts:
        assert acct.libraries, acct.name
        for role in ("execution", "deploy"):
            for action, resource in calls:
                assert reach(plan, acct, role, action, resource), (acct.name, role, action)
            bearer = Request("sts:GetServiceBearerToken", context={"sts:AWSServiceName": "codeartifact.amazonaws.com"})
            assert allowed(identity(acct, role), bearer)
            assert not allowed(
                identity(acct, role), Request("sts:GetServiceBearerToken", context={"sts:AWSServiceName": "other.amazonaws.com"})
            )


def test_nobody_outside_the_organization_reads(plan):
    acct = plan.account("recsys-dev")
    assert not reach(plan, acct, "execution", "codeartifact:ReadFromRepository", P.repository_arn(acct.libraries), org_id="o-someoneelse")


def test_the_repository_policy_does_not_grow_with_teams(plan):
    import dataclasses

    few = json.dumps(P.repository_policy(plan.shared_services.libraries, org_id=ORG_ID, deploy_role="northwind-deploy"))
    many_publishers = tuple(R.Publisher(f"team-{i}", (f"pkg-{i}",)) for i in range(500))
    many = json.dumps(
        P.repository_policy(
            dataclasses.replace(plan.shared_services.libraries, publishers=many_publishers), org_id=ORG_ID, deploy_role="northwind-deploy"
        )
    )
    assert few == many and len(few) < 7168


def test_the_pip_script_points_pip_at_the_repository(plan):
    lib = plan.accounts[0].libraries
    script = P.pip_script(lib)
    assert script.startswith("#!/bin/bash\n")
    assert (
        "pip config set global.index-url "
        '"https://aws:$TOKEN@northwind-libs-200000000002.d.codeartifact.eu-west-1.amazonaws.com/pypi/ml-libraries/simple/"' in script
    )
    assert "--domain northwind-libs --domain-owner 200000000002 --region eu-west-1" in script


@pytest.mark.parametrize(
    "role, may",
    [
        ("northwind-deploy", True),
        ("northwind-recsys-sandbox-sagemaker-execution", True),
        ("northwind-recsys-dev-sagemaker-execution", True),
        ("northwind-recsys-prod-sagemaker-execution", False),
        ("northwind-recsys-preprod-sagemaker-execution", False),
        ("northwind-prod-sandbox-x-sagemaker-execution", False),  # a name that only contains a write environment
        ("northwind-sagemaker-projects-launch", False),
    ],
)
def test_the_repository_policy_alone_lets_only_publishing_roles_publish(plan, role, may):
    """The second half on its own: even a role whose identity policy allowed it could not publish from production."""
    req = Request(
        "codeartifact:PublishPackageVersion",
        f"arn:aws:iam::999900000000:role/{role}",
        package(plan, "recsys-features"),
        context={"aws:PrincipalOrgID": ORG_ID},
    )
    assert allowed(P.repository_policy(plan.shared_services.libraries, org_id=ORG_ID, deploy_role="northwind-deploy"), req) == may


def test_the_registry_compiles_to_publishing_environments_and_packages():
    """organization.yaml `libraries` and a team's `libraries.publish` -> the plan records (production never publishes
    from Studio; a decommissioned team publishes nothing; names are normalized)."""
    from types import SimpleNamespace as NS

    envs = [
        NS(name="sandbox", human_access="write", production=False),
        NS(name="dev", human_access="write", production=False),
        NS(name="preprod", human_access="read", production=False),
        NS(name="prod", human_access="read", production=True),
    ]
    teams = [
        NS(name="a", active=True, libraries=NS(publish=["A_Lib", "a.lib", "b-lib"])),
        NS(name="old", active=False, libraries=NS(publish=["old-lib"])),
        NS(name="c", active=True, libraries=NS(publish=[])),
    ]
    reg = NS(
        organization=NS(
            name="acme",
            shared_services_account_id="222222222222",
            home_region="eu-west-1",
            libraries=NS(domain="acme", repository="ml-libraries", upstreams=["pypi"]),
        ),
        environments=envs,
        teams=teams,
        environment=lambda n: next(e for e in envs if e.name == n),
    )
    lib = L.organization_libraries(reg)
    assert lib.publishing_environments == ("dev", "sandbox")
    assert lib.publishers == (R.Publisher("a", ("a-lib", "b-lib")),)
    a_prod = L.account_libraries(reg, teams[0], "prod")
    assert (a_prod.packages, a_prod.execution_role_publishes) == (("a-lib", "b-lib"), False)
    assert L.account_libraries(reg, teams[0], "sandbox").execution_role_publishes is True
    assert L.account_libraries(reg, teams[1], "dev").packages == ()
    assert L.account_libraries(reg, teams[2], "dev").packages == ()
    reg.organization.libraries = None
    assert L.organization_libraries(reg) is None and L.account_libraries(reg, teams[0], "dev") is None
