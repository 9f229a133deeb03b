"""The stack layout: which stacks exist and what each holds. Pure Python, no cdktn.

`plan(registry)` turns the validated model into plain frozen records; the construct modules
under modules/aws only translate those records into resources. Everything a reviewer might ask
("who gets what where") is decided here and tested without synthesizing.

Where things live (DESIGN.md decision 2): whatever only one team's file decides lives in that team's
stacks, never in a central one. `<team>-access` (management account) holds the team's groups,
memberships, every account assignment into its accounts (a dozen per state, so Identity Center's
throttling of assignment calls, terraform-provider-aws #35646 and #24858, stays out of reach), its
catalog associations and its instance-type SCP (team_access.py). `identity` keeps users, permission
sets, the platform admins' group and its assignments to the central accounts.

Each stack has a record (records.StackRecord): the states it reads, the stacks it must follow, the outputs it
provides; remote state, Atlantis' `depends_on` and the apply order all come from it (tests/test_plan.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TypeAlias

from . import guardrails, libraries, naming, seed, trusted_access
from .guardrails import Scp
from .records import (AccessStack, Backend, CatalogTemplate, Group, IdentityStack, OrgValues, PermissionSet, Person,
                      SharedServicesStack, StackRecord, TemplateVersion)
from .registry.model import Registry, Team
from .shares import KINDS, Share
from .team_access import access_stack

# Decommissioned accounts keep what holds data (keys, buckets, home volumes), which costs a little every month:
# their budget is organization.yaml's retired_budget_usd (default 10) rather than a zero-spend $0.01 that would
# alert every month (DESIGN.md, decision 12).
DEFAULT_RETIRED_BUDGET = Decimal("10")


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
class PeerAccount:
    """An account as an account stack refers to it (itself, or the other side of a share)."""

    key: str
    adopted_id: str | None
    role_name: str
    bucket_name: str
    kms_alias: str


@dataclass(frozen=True)
class StudioUser:
    user_name: str
    profile_name: str


@dataclass(frozen=True)
class AccountStack(libraries.AccountStackFields):  # + libraries, seed_bucket (keyword-only)
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
    tags: dict[str, str]
    shares_out: tuple[Share, ...] = ()  # shares this account produces
    shares_in: tuple[Share, ...] = ()  # shares this account consumes
    project_templates: tuple[str, ...] = ()  # catalog templates visible to this team
    # Regions AWS Config records in: every region the SCPs allow (global resources only in the account's region).
    config_regions: tuple[str, ...] = ()
    peers: tuple[PeerAccount, ...] = ()  # itself and every account on the other side of its shares

    def peer(self, key: str) -> PeerAccount:
        return next(p for p in self.peers if p.key == key)


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

# The one record a stack's construct module builds from, by kind of stack.
StackInput: TypeAlias = OrganizationStack | IdentityStack | SharedServicesStack | AccessStack | AccountStack

@dataclass(frozen=True)
class Plan:
    org: str
    home_region: str
    management_account_id: str
    backend: Backend
    default_tags: dict[str, str]
    values: OrgValues
    organization: OrganizationStack
    identity: IdentityStack
    shared_services: SharedServicesStack
    accounts: tuple[AccountStack, ...]
    access: tuple[AccessStack, ...] = ()
    shares: tuple[Share, ...] = ()
    records: tuple[StackRecord, ...] = ()  # one per stack, sorted by name

    @property
    def stack_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.records)

    def account(self, key: str) -> AccountStack:
        return next(a for a in self.accounts if a.account.key == key)

    @cached_property
    def _by_name(self) -> dict[str, tuple[StackRecord, StackInput]]:
        inputs: dict[str, StackInput] = {naming.ORGANIZATION_STACK: self.organization, naming.IDENTITY_STACK: self.identity,
                                     naming.SHARED_SERVICES_STACK: self.shared_services}
        inputs.update({s.name: s for s in self.access} | {s.name: s for s in self.accounts})
        return {r.name: (r, inputs[r.name]) for r in self.records}

    def record(self, name: str) -> StackRecord:
        return self._by_name[name][0]

    def stack_input(self, name: str) -> StackInput:
        """The one record a stack's construct module builds from (besides `values` and its StackRecord)."""
        return self._by_name[name][1]


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
                ou_path=naming.SUSPENDED_OU if team.status == "decommissioned" else env.organizational_unit,
                adopted_id=te.account_id,
                decommissioned=team.status == "decommissioned",
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
            bucket = naming.data_bucket_name(reg.organization.name, team.name, s.from_, reg.organization.bucket_suffix)
            resource = KINDS[s.kind].planned_resource(s.resource, bucket)
            out.append(Share(s.name, s.kind, resource, s.access, naming.account_key(team.name, s.from_), consumers))
    return tuple(sorted(out, key=lambda s: s.name))


def _retired_budget(reg: Registry) -> Decimal:
    value = reg.organization.retired_budget_usd
    return Decimal(value) if value is not None else DEFAULT_RETIRED_BUDGET


def _peer(reg: Registry, key: str, accounts: dict[str, Account]) -> PeerAccount:
    a, org = accounts[key], reg.organization.name
    return PeerAccount(key, a.adopted_id, naming.execution_role_name(org, a.team, a.environment),
                       naming.data_bucket_name(org, a.team, a.environment, reg.organization.bucket_suffix), naming.kms_alias(org, a.team, a.environment))


def _account_stack(reg: Registry, team: Team, account: Account, shares: tuple[Share, ...],
                   accounts: dict[str, Account]) -> AccountStack:
    org = reg.organization
    mine = [s for s in shares if s.producer == account.key or account.key in s.consumers]
    keys = {account.key} | {k for s in mine for k in (s.producer, *s.consumers)}
    peers = tuple(_peer(reg, k, accounts) for k in sorted(keys))
    env = reg.environment(account.environment)
    te = team.environments[account.environment]
    emails = {email for o in team.owners if (email := reg.person(o).email)}
    budget = te.budget_usd if te.budget_usd is not None else env.budget_usd
    return AccountStack(
        name=naming.account_stack(team.name, account.environment),
        account=account,
        region=org.home_region,
        budget_usd=budget if team.active else _retired_budget(reg),
        budget_emails=tuple(sorted(emails)),
        vpc_cidr=te.vpc_cidr or env.vpc_cidr,
        vpc_only=env.sagemaker_network == "vpc_only",
        role_name=naming.execution_role_name(org.name, team.name, account.environment),
        bucket_name=naming.data_bucket_name(org.name, team.name, account.environment, org.bucket_suffix),
        log_bucket=naming.log_bucket_name(org.name, org.log_archive, org.bucket_suffix),
        domain_name=naming.domain_name(org.name, team.name, account.environment),
        kms_alias=naming.kms_alias(org.name, team.name, account.environment),
        instance_types=tuple(sorted(set(team.sagemaker.instance_types))),
        idle_shutdown_minutes=team.sagemaker.idle_shutdown_minutes,
        studio_users=studio_users(reg, team, account.environment),
        tags={**dict(sorted(org.tags.items())), **account.tags},
        shares_out=tuple(s for s in shares if s.producer == account.key),
        shares_in=tuple(s for s in shares if account.key in s.consumers),
        project_templates=tuple(sorted(set(team.sagemaker.project_templates))) if team.active else (),
        config_regions=tuple(sorted(set(org.allowed_regions))),
        peers=peers, **libraries.account_fields(reg, team, account.environment),
    )


def _admins_group(reg: Registry) -> Group:
    admins = tuple(sorted(set(reg.organization.platform_admins)))
    return Group(naming.platform_admins_group(reg.organization.name),
                 "Platform administrators: administrator access to every account", admins)


def _permission_sets(reg: Registry) -> tuple[PermissionSet, ...]:
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
    """Each template; which teams see it is each team's access stack's business (team_access.py)."""
    return tuple(CatalogTemplate(t.name, t.description or t.name, t.version, t.owner, reg.files[t.template],
                                 earlier=tuple(TemplateVersion(p.version, reg.files[p.template])
                                               for p in sorted(t.previous, key=lambda p: _semver(p.version))))
                 for t in reg.templates)


def _semver(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _records(organization: OrganizationStack, shared: SharedServicesStack, access: tuple[AccessStack, ...],
             accounts: tuple[AccountStack, ...]) -> tuple[StackRecord, ...]:
    """Which states each stack reads and which stacks it must follow (DESIGN.md decision 4)."""
    org, identity, shared_name = naming.ORGANIZATION_STACK, naming.IDENTITY_STACK, naming.SHARED_SERVICES_STACK
    out = [
        StackRecord(org, provides=("account_ids", "organization_id", "ou_ids")),
        # Identity Center works in an organization only once the organization trusts it (sso.amazonaws.com).
        StackRecord(identity, after=(org,), provides=("group_ids", "permission_set_arns", "user_ids")),
        # reads ou_ids (portfolio shares), organization_id (CI policy)
        StackRecord(shared_name, reads=(org,), provides=("portfolio_ids",)),
    ]
    for a in access:
        reads = [identity]  # permission_set_arns, the admins' group id, user ids
        if any(t.adopted_id is None for t in a.accounts):
            reads.append(org)  # account_ids
        if a.catalog:
            reads.append(shared_name)  # portfolio_ids
        out.append(StackRecord(a.name, reads=tuple(sorted(reads))))
    for acct in accounts:
        reads = []
        if any(p.adopted_id is None for p in acct.peers):
            reads.append(org)  # account_ids of itself or a share's other side
        if acct.studio_users:
            reads.append(identity)  # user_ids: Studio's application assignments
        # The deploy role trusts the CI role in shared services: IAM refuses a principal that does not exist yet.
        out.append(StackRecord(acct.name, reads=tuple(sorted(reads)), after=(shared_name,)))
    return tuple(sorted(out, key=lambda r: r.name))


def plan(reg: Registry) -> Plan:
    """The whole stack layout for a registry. Deterministic: every collection is sorted."""
    org = reg.organization
    accounts = _accounts(reg)
    by_key = {a.key: a for a in accounts}
    teams = {t.name: t for t in reg.teams}
    shares = _shares(reg)
    guards = guardrails.inputs_for(reg)  # also the top-level OUs that hold team accounts (workload_roots)
    central = [("shared-services", org.shared_services_account_id)]
    if org.log_archive != org.shared_services_account_id:
        central.append(("log-archive", org.log_archive))
    backend = Backend(org.state_backend.bucket, org.state_backend.region)
    default_tags = {**dict(sorted(org.tags.items()))}
    organization = OrganizationStack(
        name=naming.ORGANIZATION_STACK,
        ou_paths=_ou_paths(reg),
        accounts=tuple(accounts),
        workload_roots=tuple(sorted(set(guards.workload_roots) | {naming.SUSPENDED_OU})),
        allowed_regions=tuple(sorted(org.allowed_regions)),
        scps=guardrails.scp_plan(guards),
        log_archive_account_id=org.log_archive,
        log_bucket=naming.log_bucket_name(org.name, org.log_archive, org.bucket_suffix),
        trail_name=naming.trail_name(org.name),
        alarm_subscribers=tuple(sorted((p.user_name, p.email) for p in reg.people
                                       if p.user_name in set(org.platform_admins) and p.email)),
        organization_id=org.organization_id,
        trusted_services=trusted_access.trusted_services(org.trusted_services),
    )
    shared = SharedServicesStack(naming.SHARED_SERVICES_STACK, org.shared_services_account_id,
                                 naming.catalog_bucket_name(org.name, org.bucket_suffix), seed.seeded(reg, _catalog(reg)),
                                 guards.workload_roots, libraries=libraries.organization_libraries(reg, publishers=False))
    access = tuple(sorted((access_stack(reg, t) for t in reg.teams), key=lambda a: a.name))
    # A new team is two pull requests (DESIGN.md decision 7): while onboarding, only its accounts (organization)
    # and its groups (its access stack) exist; its account stacks come with `status: active`, after that apply,
    # so no stack ever reads an account id the organization state does not have yet.
    account_stacks = tuple(_account_stack(reg, teams[a.team], a, shares, by_key) for a in accounts
                           if teams[a.team].status != "onboarding")
    return Plan(
        org=org.name,
        home_region=org.home_region,
        management_account_id=org.management_account_id,
        backend=backend,
        default_tags=default_tags,
        values=OrgValues(org.name, org.home_region, org.management_account_id, backend, default_tags,
                         org.identity_center.instance_arn, org.identity_center.identity_store_id,
                         org.shared_services_account_id, org.log_archive,
                         org.identity_center.region or org.home_region),
        organization=organization,
        identity=IdentityStack(
            name=naming.IDENTITY_STACK,
            instance_arn=org.identity_center.instance_arn,
            identity_store_id=org.identity_center.identity_store_id,
            managed_users=org.identity_center.users == "managed",
            people=tuple(Person(p.user_name, p.email, p.given_name, p.family_name) for p in reg.people),
            groups=(_admins_group(reg),),
            permission_sets=_permission_sets(reg),
            central_assignments=tuple(central),
            admins_group=naming.platform_admins_group(org.name),
            region=org.identity_center.region,
        ),
        shared_services=shared,
        accounts=account_stacks,
        access=access,
        shares=shares,
        records=_records(organization, shared, access, account_stacks),
    )
