"""The `preflight` job: what must be true before a stack is planned, checked with the APIs that can answer,
and for each problem one note saying what to do. It only reads; every problem is listed, not just the first.

- every stack with a preflight: the Identity Center instance exists in identity_center.region (its ARN does not
  name a region), with the identity store the registry names; external users exist in that store;
- `organization` (planned before anything else): the organization (all features, the registry's id and
  management account), trusted access and the SCP policy type when the registry does not give organization_id
  (with it, the organization stack manages them: docs/design.md, "The organization resource"), the state bucket (there, in its region,
  versioned), the central and adopted accounts (members, ACTIVE; the central ones reachable through
  OrganizationAccountAccessRole, which the log archive's provider and shared-services assume), and the account quota;
- a team stack of an adopted account: the role its provider assumes can be assumed;
- a team stack producing organization-only RAM shares (feature groups, pipelines): RAM's sharing with the
  organization is on, read as the AWS provider reads its `aws_ram_sharing_with_organization` (RAM's service-linked
  role in the management account, and trusted access for ram.amazonaws.com). The organization stack turns it on;
- shared services, with catalog.yaml `git`: the seed code's Git provider answers (the connection is AVAILABLE, or
  CodeCommit lists repositories).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..base import naming
from .job_types import Action, Context, Note, Planned
from .seed_code import connection_notes

if TYPE_CHECKING:
    from .manifest import GitCheck, OrganizationChecks, Preflight, TeamAccountChecks

JOB = "preflight"
DEFAULT_ACCOUNT_QUOTA = 10  # https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
ALL_FEATURES = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_org_support-all-features.html"
TRUSTED_ACCESS = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_integrate_services.html"
ACCESS_ROLE = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_create-cross-account-role.html"
QUOTA_CONSOLE = "https://console.aws.amazon.com/servicequotas/home?region=us-east-1#!/services/organizations/quotas"
CODECOMMIT = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-codecommit-repository.html"
# RAM's sharing within the organization: the role EnableSharingWithAwsOrganization creates, and the trusted access it
# turns on; the provider reads both (terraform-provider-aws internal/service/ram/sharing_with_organization.go).
RAM_ROLE = "AWSServiceRoleForResourceAccessManager"
RAM_PRINCIPAL = "ram.amazonaws.com"
RAM_SHARING = "https://docs.aws.amazon.com/ram/latest/userguide/getting-started-sharing.html#getting-started-sharing-orgs"


def _missing(target: str, message: str) -> Note:
    return Note(JOB, "missing", target, message)


def preflight(ctx: Context) -> Planned:
    spec = ctx.jobs.preflight
    if not spec:
        return [], []
    notes: list[Note] = []
    if spec.organization:
        notes += organization_notes(ctx, spec.organization)
    if spec.accounts:
        notes += account_notes(ctx, spec.accounts)
    notes += identity_center_notes(ctx, spec)
    if spec.access_role:
        notes += access_role_notes(ctx, spec.access_role)
    if spec.ram_shares:
        notes += ram_sharing_notes(ctx, spec.ram_shares)
    if spec.git:
        notes += git_notes(ctx, spec.git)
    return [], notes


def git_notes(ctx: Context, git: GitCheck) -> list[Note]:
    """Seed code's Git provider: a connection must be AVAILABLE (authorized in the console); CodeCommit must answer."""
    if git.provider == "codeconnections" and git.connection_arn:
        return connection_notes(ctx, git.connection_arn, JOB)[1]
    refused = ctx.gateway.codecommit_error(ctx.account_id, ctx.region)
    if refused is None:
        return []
    return [
        _missing(
            "codecommit",
            f"CodeCommit refuses account {ctx.account_id} ({refused}); AWS closed it to new customers ({CODECOMMIT}): "
            "in catalog.yaml choose git: {provider: codeconnections, connection_arn, owner}",
        )
    ]


def ram_sharing_notes(ctx: Context, shares: tuple[str, ...]) -> list[Note]:
    """The stack's RAM shares are organization-only: without RAM's sharing with the organization they cannot
    reach their consumers. Both halves are read, each problem its own note."""
    missing = []
    if not ctx.gateway.management_role_exists(RAM_ROLE, ctx.region):
        missing.append(f"the management account has no {RAM_ROLE} (trusted access enabled through Organizations does not create it)")
    if RAM_PRINCIPAL not in ctx.gateway.trusted_services(ctx.region):
        missing.append(f"the organization has no trusted access for {RAM_PRINCIPAL}")
    what = ", ".join(shares)
    return [
        _missing(
            "ram sharing",
            f"RAM's sharing with the organization is off ({why}), so this stack's organization-only RAM shares "
            f"({what}) cannot reach their consumers: apply the organization stack first (it manages "
            "aws_ram_sharing_with_organization), or from the management account run "
            f"`aws ram enable-sharing-with-aws-organization` ({RAM_SHARING})",
        )
        for why in missing
    ]


def identity_center_notes(ctx: Context, spec: Preflight) -> list[Note]:
    region = spec.identity_center_region
    instances = ctx.gateway.identity_center_instances(region)
    notes = []
    if spec.instance_arn not in instances:
        notes.append(
            _missing(
                spec.instance_arn,
                f"the Identity Center instance does not exist in {region} "
                "(organization.yaml identity_center.instance_arn; identity_center.region, default home_region, "
                "must be the instance's region: the IAM Identity Center console's Settings page shows both)",
            )
        )
    elif instances[spec.instance_arn] and instances[spec.instance_arn] != spec.identity_store_id:
        notes.append(
            _missing(
                spec.identity_store_id,
                f"the instance's identity store is {instances[spec.instance_arn]}, "
                "not the one organization.yaml identity_center.identity_store_id names: correct it",
            )
        )
    # The users are looked up either way: every problem at once.
    for user in spec.external_users:
        if not ctx.gateway.user_exists(region, spec.identity_store_id, user):
            notes.append(
                _missing(
                    user,
                    f"no user '{user}' in identity store {spec.identity_store_id}: "
                    "provision them in the identity provider (SCIM) or remove them from people.yaml",
                )
            )
    return notes


def access_role_notes(ctx: Context, role: str, who: str = "the stack's provider") -> list[Note]:
    refused = ctx.gateway.access_role_error(ctx.account_id, role, ctx.region)
    if refused is None:
        return []
    arn = f"arn:aws:iam::{ctx.account_id}:role/{role}"
    return [
        _missing(
            arn,
            f"{who}: cannot assume {arn} ({refused}). Organizations creates "
            f"OrganizationAccountAccessRole only in the accounts it creates, not in accounts that joined ({ACCESS_ROLE}). "
            f"Sign in to account {ctx.account_id} as an administrator and create the role '{role}' with the "
            "AdministratorAccess policy, trusting the management account (IAM > Roles > Create role > AWS account > "
            "another AWS account: the management account's id)"
            + (
                ""
                if who != "the stack's provider"
                else "; or, if the account has another role the management "
                f"account may assume, name it in organization.yaml adoptable_accounts['{ctx.account_id}'].access_role"
            ),
        )
    ]


def organization_notes(ctx: Context, spec: OrganizationChecks) -> list[Note]:
    notes = bucket_notes(ctx, spec)
    org = ctx.gateway.organization(ctx.region)
    if org is None:
        notes.insert(
            0,
            _missing(
                "organization",
                "the management account is not in an organization: create one with "
                "all features (`aws organizations create-organization --feature-set ALL`, or the AWS "
                "Organizations console); the account, quota and trusted-access checks need it",
            ),
        )
        return notes
    found = []
    if org.get("FeatureSet") != "ALL":
        found.append(
            _missing(
                org["Id"],
                f"the organization has only consolidated billing features: enable all features "
                f"(`aws organizations enable-all-features`; every member account must accept: {ALL_FEATURES})",
            )
        )
    if org.get("MasterAccountId") and org["MasterAccountId"] != ctx.account_id:
        found.append(
            _missing(
                org["Id"],
                f"the credentials are in the organization of management account {org['MasterAccountId']}, "
                f"but organization.yaml management_account_id is {ctx.account_id}: run with the management "
                "account's credentials, or correct management_account_id",
            )
        )
    if spec.organization_id:
        if org["Id"] != spec.organization_id:
            found.append(
                _missing(
                    spec.organization_id,
                    f"organization.yaml organization_id is {spec.organization_id}, but the "
                    f"organization is {org['Id']}: correct organization_id (the stack imports it, never creates one)",
                )
            )
    else:
        found += trusted_access_notes(ctx, spec)
    return found + account_notes(ctx, spec) + notes


def trusted_access_notes(ctx: Context, spec: OrganizationChecks) -> list[Note]:
    """Without organization_id nothing manages trusted access or the SCP policy type: they must be on already."""
    hint = "; or name the organization in organization.yaml organization_id, and the organization stack manages it"
    enabled = ctx.gateway.trusted_services(ctx.region)
    notes = [
        _missing(
            svc,
            f"trusted access is not enabled for {svc}: `aws organizations enable-aws-service-access "
            f"--service-principal {svc}` (or from the service's own console: {TRUSTED_ACCESS}){hint}",
        )
        for svc in spec.trusted_services
        if svc not in enabled
    ]
    types = ctx.gateway.root_policy_types(ctx.region)
    for kind in spec.policy_types:
        if types.get(kind) != "ENABLED":
            notes.append(
                _missing(
                    kind,
                    f"the policy type {kind} is {types.get(kind, 'not enabled').lower()} on the root: "
                    f"`aws organizations enable-policy-type --root-id {types.get('root', '<root id>')} "
                    f"--policy-type {kind}`{hint}",
                )
            )
    return notes


def account_notes(ctx: Context, spec: OrganizationChecks | TeamAccountChecks) -> list[Note]:
    """The central accounts (organization stack) and the team accounts a stack adopts or creates (the organization
    stack while accounts move, else each team's access stack): members and ACTIVE, and room in the account quota."""
    accounts = ctx.gateway.organization_accounts(ctx.region)
    by_id = {a["Id"]: a for a in accounts}
    notes = []
    central = getattr(spec, "central_accounts", ())
    wanted = [(c.id, f"the {c.label} account", f"organization.yaml {c.label.replace('-', '_')}_account_id") for c in central]
    wanted += [
        (i, "the adopted account", "the team file's account_id and organization.yaml adoptable_accounts") for i in spec.adopted_accounts
    ]
    for account_id, what, where in wanted:
        status = by_id.get(account_id, {}).get("Status")
        if status is None:
            notes.append(
                _missing(
                    account_id,
                    f"{what} {account_id} is not in the organization: invite it "
                    f"(`aws organizations invite-account-to-organization --target Id={account_id},Type=ACCOUNT`) "
                    f"and accept the invitation in that account, or correct {where}",
                )
            )
        elif status != "ACTIVE":
            notes.append(_missing(account_id, f"{what} {account_id} is {status}, not ACTIVE: use an active account ({where})"))
        elif account_id not in spec.adopted_accounts:  # an adopted account's role is checked by its own stack
            # The organization stack (log archive) and shared-services reach the central accounts through this role.
            notes += access_role_notes(replace(ctx, account_id=account_id), naming.ORGANIZATION_ACCESS_ROLE, f"{what} {account_id}")
    names = {a.get("Name") for a in accounts}
    creating = [n for n in spec.new_accounts if n not in names]
    total = len(accounts) + len(creating)
    quota = ctx.gateway.account_quota(ctx.region)
    sizes = f"{total} accounts ({len(accounts)} now and {len(creating)} this stack creates)"
    increase = (
        f"request an increase to at least {total} (Service Quotas in us-east-1 > AWS Organizations > Default "
        f"maximum number of accounts: {QUOTA_CONSOLE}; or `aws service-quotas request-service-quota-increase "
        f"--region us-east-1 --service-code organizations --quota-code L-E619E033 --desired-value {total}`)"
    )
    if isinstance(quota, str):  # not a failure: the quota may well be enough
        notes.append(
            Note(
                JOB,
                "warning",
                "account quota",
                f"cannot read the account quota ({quota}); the organization "
                f"will have {sizes} (the default quota is {DEFAULT_ACCOUNT_QUOTA}): check the quota, and if it is "
                f"lower, {increase}",
            )
        )
    elif total > quota:
        notes.append(_missing("account quota", f"the organization will have {sizes}, but its quota is {quota:g}: {increase}"))
    return notes


def bucket_notes(ctx: Context, spec: OrganizationChecks) -> list[Note]:
    bucket, region = spec.state_bucket, spec.state_region
    facts = ctx.gateway.bucket_facts(bucket, region)
    location = "" if region == "us-east-1" else f" --create-bucket-configuration LocationConstraint={region}"
    versioning = f"`aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled`"
    if facts["error"] == "missing":
        return [
            _missing(
                bucket,
                f"the state bucket does not exist: create it in {region} with versioning "
                f"(`aws s3api create-bucket --bucket {bucket} --region {region}{location}`, then {versioning}; "
                "organization.yaml state_backend)",
            )
        ]
    if facts["error"]:
        return [
            _missing(
                bucket,
                f"the state bucket cannot be read with these credentials ({facts['error']}): bucket names "
                "are global, so it may belong to another account: choose another state_backend.bucket, or let the "
                "management account read it",
            )
        ]
    notes = []
    if facts["region"] != region:
        notes.append(
            _missing(
                bucket,
                f"the state bucket is in {facts['region']}, but organization.yaml state_backend.region "
                f"says {region}: correct state_backend.region (a bucket cannot move)",
            )
        )
    if facts["versioning"] != "Enabled":
        notes.append(
            _missing(
                bucket,
                f"the state bucket's versioning is {(facts['versioning'] or 'off').lower()}: "
                f"{versioning} (earlier states can then be recovered: "
                "https://developer.hashicorp.com/terraform/language/backend/s3)",
            )
        )
    return notes


def preflight_perform(ctx: Context, action: Action) -> None:  # pragma: no cover - preflight plans no action
    raise ValueError(f"preflight performs nothing ({action.call})")
