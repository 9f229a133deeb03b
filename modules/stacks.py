"""The stack layout: which stacks exist and what each holds. Pure Python, no cdktn.

`plan(registry)` turns the validated model into plain frozen records; the construct modules
under modules/aws only translate those records into resources. Everything a reviewer might ask
("who gets what where") is decided here and tested without synthesizing.

Where assignments live: Identity Center throttles account-assignment calls hard
(terraform-provider-aws #35646, #24858), so each team account stack holds the assignments into
its own account (a few per stack) instead of one `identity` state holding them all. `identity`
holds users, groups, memberships and permission sets, and the platform admins' assignments to
the shared services and log archive accounts.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from . import guardrails, naming, trusted_access
from .guardrails import Scp
from .registry.model import Registry, Team
from .sharing import Share

# Decommissioned accounts keep a "zero spend" budget: AWS's own zero-spend template uses $0.01 so that
# the 100 % alert fires on the first cent (https://docs.aws.amazon.com/cost-management/latest/userguide/budget-templates.html).
DECOMMISSIONED_BUDGET = Decimal("0.01")


@dataclass(frozen=True)
class Backend:
    bucket: str
    region: str

    def key(self, stack: str) -> str:
        return f"{stack}/terraform.tfstate"


@dataclass(frozen=True)
class Account:
    key: str  # "<team>-<environment>": stable id, also the key in the account_ids output
    team: str
    environment: str
    name: str
    email: str
    ou_path: str  # OU path under the root; "Suspended" for decommissioned teams
    adopted_id: str | None  # set when the account exists already and is imported
    decommissioned: bool
    tags: dict[str, str]
    access_role: str | None = None  # adopted: adoptable_accounts[id].access_role (None: ORGANIZATION_ACCESS_ROLE)


@dataclass(frozen=True)
class Assignment:
    """Group -> permission set in one account."""

    group: str
    permission_set: str


@dataclass(frozen=True)
class StudioUser:
    user_name: str
    profile_name: str


@dataclass(frozen=True)
class AccountStack:
    name: str
    account: Account
    region: str
    budget_usd: Decimal
    budget_emails: tuple[str, ...]
    vpc_cidr: str
    vpc_only: bool
    role_name: str
    bucket_name: str
    log_bucket: str
    domain_name: str
    kms_alias: str
    instance_types: tuple[str, ...]
    idle_shutdown_minutes: int
    studio_users: tuple[StudioUser, ...]
    assignments: tuple[Assignment, ...]
    tags: dict[str, str]
    shares_out: tuple[Share, ...] = ()  # shares this account produces
    shares_in: tuple[Share, ...] = ()  # shares this account consumes
    project_templates: tuple[str, ...] = ()  # catalog templates visible to this team
    # Regions AWS Config records in: every region the SCPs allow (global resources only in the account's region).
    config_regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    name: str
    description: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class PermissionSet:
    name: str
    description: str
    session_duration: str
    managed_policies: tuple[str, ...]
    inline_policy: str | None  # the policy JSON, canonical


@dataclass(frozen=True)
class Person:
    user_name: str
    email: str | None  # None only with users: external (checked)
    given_name: str | None
    family_name: str | None


@dataclass(frozen=True)
class IdentityStack:
    name: str
    instance_arn: str
    identity_store_id: str
    managed_users: bool
    people: tuple[Person, ...]
    groups: tuple[Group, ...]
    permission_sets: tuple[PermissionSet, ...]
    # Platform admins' access to the central accounts (team accounts assign it themselves).
    central_assignments: tuple[tuple[str, str], ...]  # (account label, account id)
    admins_group: str
    region: str | None = None  # identity_center.region: where the instance lives (None: home_region)


@dataclass(frozen=True)
class OrganizationStack:
    name: str
    ou_paths: tuple[str, ...]  # every OU path, parents before children
    accounts: tuple[Account, ...]
    workload_roots: tuple[str, ...]  # top-level OU paths that hold team accounts: baseline SCPs go here
    allowed_regions: tuple[str, ...]
    scps: tuple[Scp, ...]
    log_archive_account_id: str
    log_bucket: str
    trail_name: str
    alarm_subscribers: tuple[tuple[str, str], ...] = ()  # (user name, email) of platform admins: security alarms
    # Set when organization.yaml names the organization: it is imported and owns the trusted-access list.
    organization_id: str | None = None
    trusted_services: tuple[str, ...] = ()  # every service principal with trusted access (required + the org's own)


@dataclass(frozen=True)
class TemplateVersion:
    version: str
    body: str  # the CloudFormation template text


@dataclass(frozen=True)
class CatalogTemplate:
    name: str
    description: str
    version: str
    owner: str
    body: str  # the CloudFormation template text
    visible_to: tuple[str, ...]  # execution role names (one per team account) that see it in Studio
    earlier: tuple[TemplateVersion, ...] = ()  # versions kept (deprecated), oldest first

    @property
    def versions(self) -> tuple[TemplateVersion, ...]:
        """Every published version, oldest first: the oldest is the product's own first artifact."""
        return (*self.earlier, TemplateVersion(self.version, self.body))


@dataclass(frozen=True)
class SharedServicesStack:
    name: str
    account_id: str
    catalog_bucket: str
    templates: tuple[CatalogTemplate, ...]
    share_with_ous: tuple[str, ...]  # top-level workload OU paths the portfolios are shared with


@dataclass(frozen=True)
class Plan:
    org: str
    home_region: str
    management_account_id: str
    backend: Backend
    default_tags: dict[str, str]
    organization: OrganizationStack
    identity: IdentityStack
    shared_services: SharedServicesStack
    accounts: tuple[AccountStack, ...]
    shares: tuple[Share, ...] = ()

    @property
    def stack_names(self) -> tuple[str, ...]:
        return tuple(sorted([*naming.CENTRAL_STACKS, *(a.name for a in self.accounts)]))

    def account(self, key: str) -> AccountStack:
        return next(a for a in self.accounts if a.account.key == key)


def _accounts(reg: Registry) -> list[Account]:
    org = reg.organization
    out = []
    for team in reg.teams:
        for env_name, te in sorted(team.environments.items()):
            env = reg.environment(env_name)
            out.append(Account(
                key=naming.account_key(team.name, env_name),
                team=team.name,
                environment=env_name,
                name=naming.account_name(org.name, team.name, env_name),
                email=naming.account_email(org.account_email, team.name, env_name),
                ou_path=env.organizational_unit if team.active else naming.SUSPENDED_OU,
                adopted_id=te.account_id,
                decommissioned=not team.active,
                tags=_team_tags(team, env_name),
                access_role=naming.adopted_access_role(org, te.account_id),
            ))
    return out


def _team_tags(team: Team, env_name: str) -> dict[str, str]:
    return {"cost_center": team.cost_center, "environment": env_name, "team": team.name}


def _ou_paths(reg: Registry) -> tuple[str, ...]:
    paths = {naming.SUSPENDED_OU}
    for env in reg.environments:
        parts = env.organizational_unit.split("/")
        for i in range(1, len(parts) + 1):
            paths.add("/".join(parts[:i]))
    return tuple(sorted(paths, key=lambda p: (p.count("/"), p)))


def _assignments(reg: Registry, team: Team, env_name: str) -> tuple[Assignment, ...]:
    """The team's groups -> permission sets in this account, and the platform admins' (always, even decommissioned)."""
    out = {Assignment(naming.platform_admins_group(reg.organization.name), naming.PLATFORM_ADMIN_PERMISSION_SET)}
    if not team.active:
        return tuple(out)
    for member in team.members:
        ps = reg.roles[member.role].permission_sets.get(env_name)
        if ps:
            out.add(Assignment(naming.group_name(reg.organization.name, team.name, member.role), naming.permission_set_name(ps)))
    return tuple(sorted(out, key=lambda a: (a.group, a.permission_set)))


def studio_users(reg: Registry, team: Team, env_name: str) -> tuple[StudioUser, ...]:
    """Members who get Studio in this environment: role has studio and maps a permission set here."""
    if not team.active:
        return ()
    users = {
        m.person for m in team.members
        if reg.roles[m.role].studio and env_name in reg.roles[m.role].permission_sets
    }
    return tuple(StudioUser(u, naming.profile_name(u)) for u in sorted(users))


def _shares(reg: Registry) -> tuple[Share, ...]:
    """Every share with producer and consumer account keys. Shares of decommissioned producers stay:
    decommissioning removes people's access, not the machine access other teams rely on."""
    out = []
    for team in reg.teams:
        for s in team.shares:
            consumers = tuple(sorted({naming.account_key(t.team, t.environment) for t in s.to}))
            resource = s.resource
            if s.kind == "s3_prefix":  # "bucket/prefix" naming the producer's own data bucket: keep the prefix
                resource = resource.removeprefix(naming.data_bucket_name(reg.organization.name, team.name, s.from_) + "/")
            out.append(Share(s.name, s.kind, resource, s.access, naming.account_key(team.name, s.from_), consumers))
    return tuple(sorted(out, key=lambda s: s.name))


def _account_stack(reg: Registry, team: Team, account: Account, shares: tuple[Share, ...]) -> AccountStack:
    org = reg.organization
    env = reg.environment(account.environment)
    te = team.environments[account.environment]
    emails = {reg.person(o).email for o in team.owners} - {None}
    budget = te.budget_usd if te.budget_usd is not None else env.budget_usd
    return AccountStack(
        name=naming.account_stack(team.name, account.environment),
        account=account,
        region=org.home_region,
        budget_usd=budget if team.active else DECOMMISSIONED_BUDGET,
        budget_emails=tuple(sorted(emails)),
        vpc_cidr=te.vpc_cidr or env.vpc_cidr,
        vpc_only=env.sagemaker_network == "vpc_only",
        role_name=naming.execution_role_name(org.name, team.name, account.environment),
        bucket_name=naming.data_bucket_name(org.name, team.name, account.environment),
        log_bucket=naming.log_bucket_name(org.name, org.log_archive),
        domain_name=naming.domain_name(org.name, team.name, account.environment),
        kms_alias=naming.kms_alias(org.name, team.name, account.environment),
        instance_types=tuple(sorted(set(team.sagemaker.instance_types))),
        idle_shutdown_minutes=team.sagemaker.idle_shutdown_minutes,
        studio_users=studio_users(reg, team, account.environment),
        assignments=_assignments(reg, team, account.environment),
        tags={**dict(sorted(org.tags.items())), **account.tags},
        shares_out=tuple(s for s in shares if s.producer == account.key),
        shares_in=tuple(s for s in shares if account.key in s.consumers),
        project_templates=tuple(sorted(set(team.sagemaker.project_templates))) if team.active else (),
        config_regions=tuple(sorted(set(org.allowed_regions))),
    )


def _groups(reg: Registry) -> tuple[Group, ...]:
    org = reg.organization.name
    groups = []
    for team in reg.teams:
        if not team.active:
            continue
        for role in sorted({m.role for m in team.members}):
            members = tuple(sorted(m.person for m in team.members if m.role == role))
            groups.append(Group(naming.group_name(org, team.name, role), f"Team {team.name}, role {role}", members))
    admins = tuple(sorted(set(reg.organization.platform_admins)))
    groups.append(Group(naming.platform_admins_group(org), "Platform administrators: administrator access to every account", admins))
    return tuple(sorted(groups, key=lambda g: g.name))


def _permission_sets(reg: Registry) -> tuple[PermissionSet, ...]:
    import json

    out = []
    for key, ps in reg.permission_sets.items():
        inline = None
        if ps.inline_policy:
            inline = json.dumps(json.loads(reg.files[ps.inline_policy]), sort_keys=True, separators=(",", ":"))
        out.append(PermissionSet(naming.permission_set_name(key), ps.description or f"{key} (access.yaml)", ps.session_duration,
                                 tuple(sorted(set(ps.managed_policies))), inline))
    out.append(PermissionSet(naming.PLATFORM_ADMIN_PERMISSION_SET, "Platform administrators (break glass and operations)",
                             "PT1H", ("arn:aws:iam::aws:policy/AdministratorAccess",), None))
    return tuple(sorted(out, key=lambda p: p.name))


def _catalog(reg: Registry) -> tuple[CatalogTemplate, ...]:
    """Each template with the execution roles that see it: one per account of each active team that lists it."""
    org = reg.organization.name
    out = []
    for t in reg.templates:
        roles = sorted(naming.execution_role_name(org, team.name, env)
                       for team in reg.teams if team.active and t.name in team.sagemaker.project_templates
                       for env in team.environments)
        out.append(CatalogTemplate(t.name, t.description or t.name, t.version, t.owner, reg.files[t.template], tuple(roles)))
    return tuple(out)


def guardrail_inputs(reg: Registry) -> guardrails.Inputs:
    """What decides the SCPs; checks.py uses it too, so packing limits are reported at file:line."""
    org = reg.organization
    by_ou: dict[str, set[str]] = {}
    for env in reg.environments:
        by_ou.setdefault(env.organizational_unit, set()).add(env.sagemaker_network)
    return guardrails.Inputs(
        org=org.name,
        allowed_regions=tuple(sorted(org.allowed_regions)),
        studio_allowed_cidrs=tuple(sorted(org.network.studio_allowed_cidrs)),
        log_bucket=naming.log_bucket_name(org.name, org.log_archive),
        workload_roots=tuple(sorted({e.organizational_unit.split("/")[0] for e in reg.environments})),
        vpc_only_ous=tuple(sorted(ou for ou, modes in by_ou.items() if modes == {"vpc_only"})),
    )


def plan(reg: Registry) -> Plan:
    """The whole stack layout for a registry. Deterministic: every collection is sorted."""
    org = reg.organization
    accounts = _accounts(reg)
    teams = {t.name: t for t in reg.teams}
    shares = _shares(reg)
    workload_roots = tuple(sorted({e.organizational_unit.split("/")[0] for e in reg.environments}))
    central = [("shared-services", org.shared_services_account_id)]
    if org.log_archive != org.shared_services_account_id:
        central.append(("log-archive", org.log_archive))
    return Plan(
        org=org.name,
        home_region=org.home_region,
        management_account_id=org.management_account_id,
        backend=Backend(org.state_backend.bucket, org.state_backend.region),
        default_tags={**dict(sorted(org.tags.items()))},
        organization=OrganizationStack(
            name=naming.ORGANIZATION_STACK,
            ou_paths=_ou_paths(reg),
            accounts=tuple(accounts),
            workload_roots=tuple(sorted(set(workload_roots) | {naming.SUSPENDED_OU})),
            allowed_regions=tuple(sorted(org.allowed_regions)),
            scps=guardrails.scp_plan(guardrail_inputs(reg)),
            log_archive_account_id=org.log_archive,
            log_bucket=naming.log_bucket_name(org.name, org.log_archive),
            trail_name=naming.trail_name(org.name),
            alarm_subscribers=tuple(sorted((p.user_name, p.email) for p in reg.people
                                           if p.user_name in set(org.platform_admins) and p.email)),
            organization_id=getattr(org, "organization_id", None),
            trusted_services=trusted_access.trusted_services(getattr(org, "trusted_services", None) or ()),
        ),
        identity=IdentityStack(
            name=naming.IDENTITY_STACK,
            instance_arn=org.identity_center.instance_arn,
            identity_store_id=org.identity_center.identity_store_id,
            managed_users=org.identity_center.users == "managed",
            people=tuple(Person(p.user_name, p.email, p.given_name, p.family_name) for p in reg.people),
            groups=_groups(reg),
            permission_sets=_permission_sets(reg),
            central_assignments=tuple(central),
            admins_group=naming.platform_admins_group(org.name),
            region=getattr(org.identity_center, "region", None),
        ),
        shared_services=SharedServicesStack(
            naming.SHARED_SERVICES_STACK, org.shared_services_account_id, naming.catalog_bucket_name(org.name),
            _catalog(reg), workload_roots),
        accounts=tuple(_account_stack(reg, teams[a.team], a, shares) for a in accounts),
        shares=shares,
    )
