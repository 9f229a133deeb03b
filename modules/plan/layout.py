"""The stack layout: which stacks exist and what each holds. Pure Python, no cdktn.

`plan(registry)` turns the validated model into plain frozen records; the construct modules
under modules/aws only translate those records into resources. Everything a reviewer might ask
("who gets what where") is decided here and tested without synthesizing.

Where things live (docs/design.md, "Where team-scoped things live"): whatever only one team's file decides lives in that team's
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
from functools import cached_property
from typing import TypeAlias

from .. import guardrails
from ..base import naming
from ..base.seed_push import GitSettings
from ..guardrails import Scp
from ..registry.model import Registry
from ..shares import KINDS, Share
from . import libraries, seed, trusted_access
from .access import access_stack
from .account import Account, account_stack, planned_shares, team_accounts
from .account import AccountStack as AccountStack  # re-exported: the construct modules import it from here
from .records import (
    AccessStack,
    Backend,
    CatalogTemplate,
    Group,
    IdentityStack,
    OrgValues,
    PermissionSet,
    Person,
    SharedServicesStack,
    StackRecord,
    TemplateVersion,
)


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

    @property
    def team_accounts(self) -> tuple[Account, ...]:
        """Every team account the plan holds, whichever stack manages it: an onboarding team's too, though it has
        no account stacks yet. What reviews and the output's facts read (never which stack holds the resource)."""
        return self.organization.accounts

    def account(self, key: str) -> AccountStack:
        return next(a for a in self.accounts if a.account.key == key)

    @cached_property
    def _by_name(self) -> dict[str, tuple[StackRecord, StackInput]]:
        inputs: dict[str, StackInput] = {
            naming.ORGANIZATION_STACK: self.organization,
            naming.IDENTITY_STACK: self.identity,
            naming.SHARED_SERVICES_STACK: self.shared_services,
        }
        inputs.update({s.name: s for s in self.access} | {s.name: s for s in self.accounts})
        return {r.name: (r, inputs[r.name]) for r in self.records}

    def record(self, name: str) -> StackRecord:
        return self._by_name[name][0]

    def stack_input(self, name: str) -> StackInput:
        """The one record a stack's construct module builds from (besides `values` and its StackRecord)."""
        return self._by_name[name][1]


def _ou_paths(reg: Registry) -> tuple[str, ...]:
    paths = {naming.SUSPENDED_OU}
    for env in reg.environments:
        parts = env.organizational_unit.split("/")
        for i in range(1, len(parts) + 1):
            paths.add("/".join(parts[:i]))
    return tuple(sorted(paths, key=lambda p: (p.count("/"), p)))


def _admins_group(reg: Registry) -> Group:
    admins = tuple(sorted(set(reg.organization.platform_admins)))
    return Group(
        naming.platform_admins_group(reg.organization.name), "Platform administrators: administrator access to every account", admins
    )


def _permission_sets(reg: Registry) -> tuple[PermissionSet, ...]:
    out = []
    for key, ps in reg.permission_sets.items():
        inline = None
        if ps.inline_policy:
            inline = json.dumps(json.loads(reg.files[ps.inline_policy]), sort_keys=True, separators=(",", ":"))
        out.append(
            PermissionSet(
                naming.permission_set_name(key),
                ps.description or f"{key} (access.yaml)",
                ps.session_duration,
                tuple(sorted(set(ps.managed_policies))),
                inline,
            )
        )
    out.append(
        PermissionSet(
            naming.PLATFORM_ADMIN_PERMISSION_SET,
            "Platform administrators (break glass and operations)",
            "PT1H",
            ("arn:aws:iam::aws:policy/AdministratorAccess",),
            None,
        )
    )
    return tuple(sorted(out, key=lambda p: p.name))


def _catalog(reg: Registry) -> tuple[CatalogTemplate, ...]:
    """Each template; which teams see it is each team's access stack's business (team_access.py)."""
    return tuple(
        CatalogTemplate(
            t.name,
            t.description or t.name,
            t.version,
            t.owner,
            reg.files[t.template],
            earlier=tuple(TemplateVersion(p.version, reg.files[p.template]) for p in sorted(t.previous, key=lambda p: _semver(p.version))),
        )
        for t in reg.templates
    )


def _semver(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _records(
    organization: OrganizationStack, shared: SharedServicesStack, access: tuple[AccessStack, ...], accounts: tuple[AccountStack, ...]
) -> tuple[StackRecord, ...]:
    """Which states each stack reads and which stacks it must follow (docs/design.md, "Stack records")."""
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
        after = [shared_name]
        if any(KINDS[s.kind].organization_sharing for s in acct.shares_out):
            after.append(org)  # its RAM shares are organization-only: RAM's sharing with the organization comes first
        out.append(StackRecord(acct.name, reads=tuple(sorted(reads)), after=tuple(sorted(after))))
    return tuple(sorted(out, key=lambda r: r.name))


def plan(reg: Registry) -> Plan:
    """The whole stack layout for a registry. Deterministic: every collection is sorted."""
    org = reg.organization
    accounts = team_accounts(reg)
    by_key = {a.key: a for a in accounts}
    teams = {t.name: t for t in reg.teams}
    shares = planned_shares(reg)
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
        alarm_subscribers=tuple(sorted((p.user_name, p.email) for p in reg.people if p.user_name in set(org.platform_admins) and p.email)),
        organization_id=org.organization_id,
        trusted_services=trusted_access.trusted_services(org.trusted_services),
    )
    shared = SharedServicesStack(
        naming.SHARED_SERVICES_STACK,
        org.shared_services_account_id,
        naming.catalog_bucket_name(org.name, org.bucket_suffix),
        seed.seeded(reg, _catalog(reg)),
        guards.workload_roots,
        libraries=libraries.organization_libraries(reg, publishers=False),
        git=GitSettings(reg.git.provider, reg.git.connection_arn, reg.git.owner) if reg.git else None,
    )
    access = tuple(sorted((access_stack(reg, t) for t in reg.teams), key=lambda a: a.name))
    # A new team is two pull requests (docs/design.md, "A new team is two pull requests"): while onboarding, only its
    # accounts (organization) and its groups (its access stack) exist; its account stacks come with `status: active`,
    # after that apply, so no stack ever reads an account id the organization state does not have yet.
    account_stacks = tuple(account_stack(reg, teams[a.team], a, shares, by_key) for a in accounts if teams[a.team].status != "onboarding")
    return Plan(
        org=org.name,
        home_region=org.home_region,
        management_account_id=org.management_account_id,
        backend=backend,
        default_tags=default_tags,
        values=OrgValues(
            org.name,
            org.home_region,
            org.management_account_id,
            backend,
            default_tags,
            org.identity_center.instance_arn,
            org.identity_center.identity_store_id,
            org.shared_services_account_id,
            org.log_archive,
            org.identity_center.region or org.home_region,
        ),
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
