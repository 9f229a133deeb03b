"""`post plan --stack organization --job preflight` as Atlantis runs it, against moto server and the served emulation:
a healthy organization passes, each missing first-apply prerequisite gives its own note and exit 1, and every
problem is listed at once. The World (test_e2e_process) seeds the organization as docs/operations.md's "Before the first
apply" prepares it; each case here undoes one step.
"""

from types import SimpleNamespace

import pytest

from modules.plan.layout import plan
from modules.post.manifest import manifests
from tests.post.emulation import create_role, delete_role
from tests.post.world import REGION

ORG = ("plan", "--stack", "organization", "--job", "preflight")
ACCESS_ROLE_DOCS = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_create-cross-account-role.html"


def moto_org(world):
    from moto.organizations.models import organizations_backends

    return organizations_backends[world.organization["MasterAccountId"]]["aws"]


def checks(world) -> dict:
    return world.docs["organization"]["jobs"]["preflight"]["organization"]


def edit(world, **changes) -> None:
    checks(world).update(changes)
    world.write()


def missing(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("missing  organization: preflight ")]


def test_a_healthy_organization_passes(world):
    world.em.throttle_every = 2  # every other request: S3's three calls in a row meet it too
    seeded, world.em.calls = list(world.em.mutations), []
    code, out, err = world.post(*ORG)
    assert code == 0 and out.splitlines()[-1] == "post plan: 1 stack(s), nothing to do", out + err
    assert {"ThrottlingException", "SlowDown"} <= {c for _, c in world.em.errors}, "throttling was injected and survived"
    assert world.em.mutations == seeded, "preflight only reads"
    calls = set(world.em.calls)
    assert {
        "organizations:DescribeOrganization",
        "organizations:ListAWSServiceAccessForOrganization",
        "organizations:ListRoots",
        "organizations:ListAccounts",
        "servicequotas:GetServiceQuota",
        "sso:ListInstances",
    } <= calls, calls


def _features(world):
    moto_org(world).org.feature_set = "CONSOLIDATED_BILLING"


def _suspend_log_archive(world):
    world.session.client("organizations").close_account(AccountId=world.accounts["log-archive"])


def _disable_scp(world):
    org = world.session.client("organizations")
    org.disable_policy_type(RootId=org.list_roots()["Roots"][0]["Id"], PolicyType="SERVICE_CONTROL_POLICY")


def _suspend_versioning(world):
    world.session.client("s3").put_bucket_versioning(Bucket=checks(world)["state_bucket"], VersioningConfiguration={"Status": "Suspended"})


def _management(world):
    world.docs["organization"]["account"]["id"] = "100000000001"
    world.write()


def _identity_center_region(world):
    world.docs["organization"]["jobs"]["preflight"]["identity_center_region"] = "eu-central-1"
    world.write()


# (break one prerequisite, the note's target (None: any), words of its message)
CASES = {
    "all features": (_features, None, "only consolidated billing features: enable all features"),
    "management account": (_management, None, "organization.yaml management_account_id is 100000000001"),
    "trusted access": (
        lambda w: w.session.client("organizations").disable_aws_service_access(ServicePrincipal="ram.amazonaws.com"),
        "ram.amazonaws.com",
        "--service-principal ram.amazonaws.com",
    ),
    "scp policy type": (_disable_scp, "SERVICE_CONTROL_POLICY", "aws organizations enable-policy-type --root-id r-"),
    "state bucket missing": (
        lambda w: edit(w, state_bucket="northwind-no-such-state"),
        "northwind-no-such-state",
        "the state bucket does not exist: create it in eu-west-1 with versioning",
    ),
    "state bucket region": (
        lambda w: edit(w, state_region="eu-central-1"),
        "northwind-terraform-state",
        "is in eu-west-1, but organization.yaml state_backend.region says eu-central-1",
    ),
    "state bucket versioning": (_suspend_versioning, "northwind-terraform-state", "versioning is suspended"),
    "central account missing": (
        lambda w: edit(w, central_accounts=[{"label": "shared-services", "id": "999999999999"}]),
        "999999999999",
        "the shared-services account 999999999999 is not in the organization",
    ),
    "central account suspended": (_suspend_log_archive, None, "is SUSPENDED, not ACTIVE"),
    "central account role": (
        lambda w: delete_role(w.accounts["shared-services"], "OrganizationAccountAccessRole"),
        None,
        "the shared-services account",
    ),
    "adopted account missing": (
        lambda w: edit(w, adopted_accounts=["888888888888"]),
        "888888888888",
        "the adopted account 888888888888 is not in the organization",
    ),
    "account quota": (  # the organization stack creates accounts while a deployment's teams have not moved them yet
        lambda w: (setattr(w.em, "account_quota", None), edit(w, new_accounts=[f"northwind-team{i}-dev" for i in range(8)])),
        "account quota",
        "will have 16 accounts (8 now and 8 this stack creates), but its quota is 10",
    ),
    "identity center region": (_identity_center_region, None, "does not exist in eu-central-1"),
}


@pytest.mark.parametrize("case", CASES)
def test_each_missing_prerequisite_says_what_to_do(world, case):
    breaks, target, words = CASES[case]
    breaks(world)
    code, out, err = world.post(*ORG)
    assert code == 1, out + err
    [note] = missing(out)
    assert words in note and (target is None or f" preflight {target}: " in note), out
    assert out.splitlines()[-1] == "post plan: 1 stack(s), 1 missing prerequisite(s) in organization"


def test_every_problem_is_listed_at_once(world):
    for case in (
        "all features",
        "trusted access",
        "scp policy type",
        "state bucket versioning",
        "central account suspended",
        "account quota",
        "identity center region",
    ):
        CASES[case][0](world)
    code, out, err = world.post(*ORG)
    assert code == 1, out + err
    assert len(missing(out)) == 7, out
    assert out.splitlines()[-1] == "post plan: 1 stack(s), 7 missing prerequisite(s) in organization"


def test_no_organization_is_one_note_and_the_rest_still_checked(world):
    moto_org(world)._reset()
    edit(world, state_bucket="northwind-no-such-state")
    code, out, err = world.post(*ORG)
    assert code == 1, out + err
    assert [n.split(": ", 2)[1] for n in missing(out)] == ["preflight organization", "preflight northwind-no-such-state"], out
    assert "aws organizations create-organization --feature-set ALL" in out


def test_with_organization_id_the_id_is_checked_and_trusted_access_is_the_stacks(world):
    world.session.client("organizations").disable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    edit(world, organization_id=world.organization["Id"])
    code, out, err = world.post(*ORG)
    assert code == 0, "the organization stack manages trusted access: " + out + err
    edit(world, organization_id="o-zzzzzzzzzz")
    code, out, err = world.post(*ORG)
    assert code == 1 and [
        f"preflight o-zzzzzzzzzz: organization.yaml organization_id is o-zzzzzzzzzz, but the organization "
        f"is {world.organization['Id']}" in n
        for n in missing(out)
    ] == [True], out + err


def test_an_unreadable_quota_is_a_warning(world):
    world.em.quota_denied = True
    code, out, err = world.post(*ORG)
    assert code == 0, out + err
    assert (
        "warning  organization: preflight account quota: cannot read the account quota (Service Quotas GetServiceQuota "
        "organizations L-E619E033: AccessDeniedException" in out
    )
    assert "the default quota is 10" in out and out.splitlines()[-1] == "post plan: 1 stack(s), 1 warning(s)"


ACCESS = ("plan", "--stack", "pricing-access", "--job", "preflight")  # creates pricing's accounts, adopts one


def test_a_teams_access_stack_checks_the_accounts_it_creates_and_adopts(world):
    """pricing-access creates northwind-pricing-preprod and -sandbox (-dev exists already) beside the 8 accounts there
    are: an applied quota of 10 is enough, 9 is not; the account it adopts must be a member."""
    world.em.account_quota = 10.0
    assert world.post(*ACCESS)[0] == 0
    world.em.account_quota = 9.0
    code, out, _ = world.post(*ACCESS)
    assert code == 1 and "will have 10 accounts (8 now and 2 this stack creates), but its quota is 9" in out
    assert "request an increase to at least 10" in out and "--quota-code L-E619E033 --desired-value 10" in out
    world.em.account_quota = 10.0
    world.docs["pricing-access"]["jobs"]["preflight"]["accounts"]["adopted_accounts"] = ["888888888888"]
    world.write()
    code, out, _ = world.post(*ACCESS)
    assert code == 1 and "the adopted account 888888888888 is not in the organization" in out


RAM_PRODUCER = ("plan", "--stack", "pricing-dev", "--job", "preflight")  # produces an organization-only pipeline share


def test_an_organization_only_share_needs_rams_sharing_which_the_organization_stack_turns_on(world):
    """Trusted access for ram.amazonaws.com through Organizations is not RAM's sharing: the provider's
    aws_ram_sharing_with_organization also needs RAM's service-linked role, which only RAM's own call creates."""

    def notes():
        code, out, err = world.post(*RAM_PRODUCER)
        return code, [line for line in out.splitlines() if line.startswith("missing")]

    assert notes() == (0, []), "the World's organization stack enabled it"
    delete_role(world.organization["MasterAccountId"], "AWSServiceRoleForResourceAccessManager")
    code, found = notes()
    assert code == 1 and len(found) == 1 and "no AWSServiceRoleForResourceAccessManager" in found[0], found
    assert "(price-elasticity-pipeline)" in found[0] and "apply the organization stack first" in found[0]
    world.session.client("ram").enable_sharing_with_aws_organization()  # what the organization stack's apply does
    assert notes() == (0, [])
    world.session.client("organizations").disable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    code, found = notes()
    assert code == 1 and len(found) == 1 and "no trusted access for ram.amazonaws.com" in found[0], found


ADOPTED = ("plan", "--stack", "pricing-prod", "--job", "preflight")


def test_an_adopted_account_without_the_access_role_fails_its_plan_and_says_what_to_do(world):
    assert world.post(*ADOPTED)[0] == 0, "the role is there"
    adopted = world.accounts["legacy-pricing"]
    delete_role(adopted, "OrganizationAccountAccessRole")  # as in an account that joined by invitation
    code, out, err = world.post(*ADOPTED)
    assert code == 1, out + err
    [note] = [line for line in out.splitlines() if line.startswith("missing")]
    assert f"cannot assume arn:aws:iam::{adopted}:role/OrganizationAccountAccessRole (AccessDenied" in note
    assert ACCESS_ROLE_DOCS in note and f"adoptable_accounts['{adopted}'].access_role" in note
    create_role(adopted, "LegacyAdmin")
    world.docs["pricing-prod"]["jobs"]["preflight"]["access_role"] = "LegacyAdmin"
    world.write()
    code, out, err = world.post(*ADOPTED)
    assert code == 0, "the role the registry names is assumed: " + out + err


def test_the_registry_names_the_access_role_and_the_identity_center_region(example_registry):
    """Fields another change adds to the registry model, read with getattr: they reach the manifests."""
    org = example_registry.organization
    base_plan = plan(example_registry)
    adopted = next(a.account.adopted_id for a in base_plan.accounts if a.account.adopted_id)
    changed = plan(
        example_registry.model_copy(
            update={
                "organization": org.model_copy(
                    update={
                        "adoptable_accounts": {adopted: SimpleNamespace(team="pricing", environment="prod", access_role="LegacyAdmin")},
                        "identity_center": org.identity_center.model_copy(update={"region": "eu-central-1"}),
                    }
                )
            }
        )
    )
    docs, base = manifests(changed), manifests(base_plan)
    assert docs["pricing-prod"].jobs.preflight.access_role == "LegacyAdmin"
    assert {d.jobs.preflight.identity_center_region for d in docs.values() if d.jobs.preflight} == {"eu-central-1"}
    assert base["pricing-prod"].jobs.preflight.access_role == "OrganizationAccountAccessRole"
    assert {d.jobs.preflight.identity_center_region for d in base.values() if d.jobs.preflight} == {REGION}
    # modules/aws/account.py gives the provider the same record's role (org_access_role_arn(id, access_role)).
    assert changed.account("pricing-prod").account.access_role == "LegacyAdmin"
    assert base_plan.account("pricing-prod").account.access_role is None


def test_the_operators_guide_says_what_preflight_checks_and_the_example_needs_16_accounts(example_registry):
    from pathlib import Path

    from modules.post.gateway_org import ACCOUNT_QUOTA
    from modules.post.preflight import DEFAULT_ACCOUNT_QUOTA

    guide = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    section = guide[guide.index("## Before the first apply") : guide.index("## Pull requests and Atlantis")]
    docs = manifests(plan(example_registry))
    org = docs["organization"].jobs.preflight.organization
    teams = [d.jobs.preflight.accounts for d in docs.values() if d.jobs.preflight and d.jobs.preflight.accounts]
    created = sum(len(t.new_accounts) + len(t.adopted_accounts) for t in teams) + len(org.new_accounts) + len(org.adopted_accounts)
    needed = created + len(org.central_accounts) + 1  # + management
    assert needed == 16 and f"the example needs {needed}" in section
    assert f"the default is {DEFAULT_ACCOUNT_QUOTA} accounts" in section and f"--quota-code {ACCOUNT_QUOTA[1]}" in section
    assert "python main.py post plan --stack organization --job preflight" in section
    for what in (
        "all features",
        "state bucket",
        "shared services and log archive",
        "account quota",
        "Identity Center instance",
        "Adopted accounts",
        "What preflight cannot check",
    ):
        assert what in section, what
    for service in org.trusted_services:
        assert f"`{service.removesuffix('.amazonaws.com')}`" in section, service


def test_every_job_reaches_an_adopted_account_through_the_role_the_registry_names(world):
    """Not only preflight: studio-cleanup in the adopted account assumes the same role as the stack's provider."""
    import json

    adopted = world.accounts["legacy-pricing"]
    delete_role(adopted, "OrganizationAccountAccessRole")
    create_role(adopted, "LegacyAdmin")
    tf_plan = world.tmp / "pricing-prod-plan.json"
    tf_plan.write_text(
        json.dumps(
            {
                "resource_changes": [
                    {
                        "type": "aws_sagemaker_user_profile",
                        "change": {"actions": ["delete"], "before": {"domain_id": "d-emulated01", "user_profile_name": "ivan"}},
                    }
                ]
            }
        )
    )
    job = ("plan", "--stack", "pricing-prod", "--job", "studio-cleanup", "--tf-plan", str(tf_plan))
    code, out, err = world.post(*job)
    assert code == 1 and "AccountUnreachable: cannot assume" in out and "OrganizationAccountAccessRole" in out, out + err
    world.docs["pricing-prod"]["jobs"]["preflight"]["access_role"] = "LegacyAdmin"
    world.write()
    code, out, err = world.post(*job)
    assert code == 0 and out.splitlines()[-1] == "post plan: 1 stack(s), nothing to do", out + err
    assert "sagemaker:ListApps" in world.em.calls, "the job reached the account"
