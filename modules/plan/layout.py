"""The stack layout: which stacks exist and what each holds. Pure Python, no cdktn.

`plan(registry)` turns the validated model into plain frozen records (records.py), one planner per kind of stack
(organization.py, identity.py, shared_services.py, access.py, account.py); the construct modules under modules/aws
only translate those records into resources. Everything a reviewer might ask ("who gets what where") is decided
here and tested without synthesizing.

Where things live (docs/design.md, "Where team-scoped things live"): whatever only one team's file decides lives in
that team's stacks, never in a central one. `<team>-access` (management account) holds the team's groups,
memberships, every account assignment into its accounts (a dozen per state, so Identity Center's throttling of
assignment calls, terraform-provider-aws #35646 and #24858, stays out of reach), its catalog associations and its
instance-type SCP (access.py). `identity` keeps users, permission sets, the platform admins' group and its
assignments to the central accounts.

Each stack has a record (records.StackRecord): its kind (kinds.py), the states it reads, the stacks it must follow,
the outputs it provides; remote state, Atlantis' `depends_on` and the apply order all come from it
(tests/test_plan.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property

from ..base import naming
from ..registry.derive import inputs_for
from ..registry.model import Registry
from ..shares import KINDS as SHARE_KINDS
from ..shares import Share
from .access import access_stack
from .account import account_stack, planned_shares, team_accounts
from .identity import identity_stack
from .kinds import ACCESS, ACCOUNT, IDENTITY, KINDS, ORGANIZATION, SHARED_SERVICES, StackKind
from .organization import organization_stack
from .records import (
    AccessStack,
    Account,
    AccountStack,
    Backend,
    IdentityStack,
    OrganizationStack,
    OrgValues,
    Publisher,
    SharedServicesStack,
    StackInput,
    StackRecord,
)
from .shared_services import shared_services_stack


@dataclass(frozen=True)
class Plan:
    values: OrgValues  # the organization-wide values every stack may use
    organization: OrganizationStack
    identity: IdentityStack
    shared_services: SharedServicesStack
    accounts: tuple[AccountStack, ...]
    access: tuple[AccessStack, ...] = ()
    shares: tuple[Share, ...] = ()
    records: tuple[StackRecord, ...] = ()  # one per stack, sorted by name
    # Every team account, whichever stack declares it (Account.held_by): an onboarding team's too, though it has no
    # account stacks yet. What reviews and the output's facts read.
    team_accounts: tuple[Account, ...] = ()

    @property
    def stack_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.records)

    @property
    def publishers(self) -> tuple[Publisher, ...]:
        """Who publishes what, read back from the team accounts' records (review, access, graph)."""
        by_team: dict[str, set[str]] = {}
        for a in self.accounts:
            if a.libraries and a.libraries.packages:
                by_team.setdefault(a.account.team, set()).update(a.libraries.packages)
        return tuple(Publisher(t, tuple(sorted(p))) for t, p in sorted(by_team.items()))

    def only(self, names: list[str]) -> Plan:
        """This plan cut down to what building these stacks reads (values, their inputs and records): what a build
        worker started before the plan gets, instead of the whole plan of every team."""
        keep = set(names)
        return dataclasses.replace(
            self,
            accounts=tuple(a for a in self.accounts if a.name in keep),
            access=tuple(a for a in self.access if a.name in keep),
            shares=(),
            records=tuple(r for r in self.records if r.name in keep),
            team_accounts=(),
        )

    def account(self, key: str) -> AccountStack:
        return self._account_stacks[key]

    def team_account(self, key: str) -> Account | None:
        """The team account of that key (team_accounts), if the plan holds one."""
        return self._team_accounts.get(key)

    # Indexes, built once: the manifests and reviews look accounts up per stack (a scan made them quadratic).
    @cached_property
    def _account_stacks(self) -> dict[str, AccountStack]:
        return {a.account.key: a for a in self.accounts}

    @cached_property
    def _team_accounts(self) -> dict[str, Account]:
        return {a.key: a for a in self.team_accounts}

    @cached_property
    def _inputs(self) -> dict[str, StackInput]:
        out: dict[str, StackInput] = {}
        for kind in KINDS.values():
            held = getattr(self, kind.field)
            out.update({s.name: s for s in (held if isinstance(held, tuple) else (held,))})
        return out

    @cached_property
    def _records(self) -> dict[str, StackRecord]:
        return {r.name: r for r in self.records}

    def record(self, name: str) -> StackRecord:
        return self._records[name]

    def kind(self, name: str) -> StackKind:
        """The row of the stack-kind table a stack belongs to."""
        return KINDS[self.record(name).kind]

    def stack_input(self, name: str) -> StackInput:
        """The one record a stack's construct module builds from (besides `values` and its StackRecord)."""
        return self._inputs[name]


def _records(
    organization: OrganizationStack,
    identity_stack: IdentityStack,
    access: tuple[AccessStack, ...],
    accounts: tuple[AccountStack, ...],
) -> tuple[StackRecord, ...]:
    """Which states each stack reads and which stacks it must follow (docs/design.md, "Stack records")."""
    org, identity, shared_name = naming.ORGANIZATION_STACK, naming.IDENTITY_STACK, naming.SHARED_SERVICES_STACK
    users = ("user_ids",) if identity_stack.managed_users else ()  # external users: each stack looks up its own
    out = [
        StackRecord(org, ORGANIZATION, provides=(*(("account_ids",) if organization.accounts else ()), "organization_id", "ou_ids")),
        # Identity Center works in an organization only once the organization trusts it (sso.amazonaws.com).
        StackRecord(identity, IDENTITY, after=(org,), provides=("group_ids", "permission_set_arns", *users)),
        # reads ou_ids (portfolio shares), organization_id (CI policy)
        StackRecord(shared_name, SHARED_SERVICES, reads=(org,), provides=("portfolio_ids",)),
    ]
    for a in access:
        states = {identity}  # permission_set_arns, the admins' group id, managed users' ids
        if a.held or any(t.adopted_id is None and not t.held_here for t in a.accounts):
            states.add(org)  # ou_ids (its accounts' OUs), account_ids (accounts the organization still holds)
        if a.catalog:
            states.add(shared_name)  # portfolio_ids
        out.append(StackRecord(a.name, ACCESS, reads=tuple(sorted(states)), provides=("account_ids",) if a.held else ()))
    for acct in accounts:
        # account_ids of itself and of each share's other side (a producer's consumers, a consumer's producer), from
        # the stack that holds each (its team's access stack, or the organization while the account moves)
        used = {acct.account.key} | {c for s in acct.shares_out for c in s.consumers} | {s.producer for s in acct.shares_in}
        reads = sorted({p.id_stack for p in acct.peers if p.key in used and p.adopted_id is None})
        if acct.studio_users and not acct.lookup_users:
            reads.append(identity)  # user_ids: Studio's application assignments
        # The deploy role trusts the CI role in shared services: IAM refuses a principal that does not exist yet.
        after = [shared_name]
        if any(SHARE_KINDS[s.kind].organization_sharing for s in acct.shares_out):
            after.append(org)  # its RAM shares are organization-only: RAM's sharing with the organization comes first
        out.append(StackRecord(acct.name, ACCOUNT, reads=tuple(sorted(reads)), after=tuple(sorted(after))))
    return tuple(sorted(out, key=lambda r: r.name))


def org_values(reg: Registry) -> OrgValues:
    org = reg.organization
    return OrgValues(
        org.name,
        org.home_region,
        org.management_account_id,
        Backend(org.state_backend.bucket, org.state_backend.region),
        {**dict(sorted(org.tags.items()))},
        org.identity_center.instance_arn,
        org.identity_center.identity_store_id,
        org.shared_services_account_id,
        org.log_archive,
        org.identity_center.region or org.home_region,
    )


def plan(reg: Registry) -> Plan:
    """The whole stack layout for a registry. Deterministic: every collection is sorted."""
    teams = {t.name: t for t in reg.teams}
    shares = planned_shares(reg)
    guards = inputs_for(reg)  # also the top-level OUs that hold team accounts (workload_roots)
    every = tuple(team_accounts(reg))
    organization = organization_stack(reg, guards, every)
    by_key = {a.key: a for a in every}
    shared = shared_services_stack(reg, guards.workload_roots)
    held: dict[str, list[Account]] = {}  # each team's accounts, in the plan's order: not a scan of all per team
    for a in every:
        held.setdefault(a.team, []).append(a)
    access = tuple(sorted((access_stack(reg, t, tuple(held.get(t.name, ()))) for t in reg.teams), key=lambda a: a.name))
    # A new team is two pull requests (docs/design.md, "A new team is two pull requests"): while onboarding, only its
    # accounts and its groups (its access stack) exist; its account stacks come with `status: active`, after that
    # apply, so no stack ever reads an account id that the state holding the account does not have yet.
    touching: dict[str, list[Share]] = {}  # each account's shares, in the plan's order: not a scan of all per account
    for s in shares:
        for key in dict.fromkeys((s.producer, *s.consumers)):
            touching.setdefault(key, []).append(s)
    account_stacks = tuple(
        account_stack(reg, teams[a.team], a, tuple(touching.get(a.key, ())), by_key, catalog_bucket=shared.catalog_bucket)
        for a in every
        if teams[a.team].status != "onboarding"
    )
    identity = identity_stack(reg)
    return Plan(
        values=org_values(reg),
        organization=organization,
        identity=identity,
        shared_services=shared,
        accounts=account_stacks,
        access=access,
        shares=shares,
        records=_records(organization, identity, access, account_stacks),
        team_accounts=every,
    )
