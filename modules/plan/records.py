"""Every record of the plan, in one module: organization-wide values, stack records, and each kind's stack input.

Pure data, no cdktn. Each construct module gets its own stack's record plus `OrgValues`, never the whole plan,
so a stack's inputs are exactly what its fingerprint covers (kinds.py). Records are frozen and built in sorted
order: their repr is the fingerprint's canonical form.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeAlias

from ..base import naming
from ..guardrails import Scp
from ..shares import Share

# ---------------------------------------------------------------- every stack


@dataclass(frozen=True)
class Backend:
    bucket: str
    region: str

    def key(self, stack: str) -> str:
        return f"{stack}/terraform.tfstate"


@dataclass(frozen=True)
class OrgValues:
    """What every stack may use: the organization-wide values, and nothing that depends on one team."""

    org: str
    home_region: str
    management_account_id: str
    backend: Backend
    default_tags: dict[str, str]
    instance_arn: str  # Identity Center
    identity_store_id: str
    shared_services_account_id: str
    log_archive_account_id: str
    identity_center_region: str  # where Identity Center's API (users, groups, assignments) is called


@dataclass(frozen=True)
class StackRecord:
    """How one stack relates to the others (docs/design.md, "Stack records").

    `kind`: its row of the stack-kind table (kinds.py). `reads`: the states whose outputs it reads (one
    `terraform_remote_state` each); `after`: stacks it must be applied after for another reason (a trust policy
    naming a role another stack creates: IAM refuses a principal that does not exist yet). Atlantis' `depends_on` is
    the union; the apply order follows it. `provides`: the outputs of its state that other stacks read
    (tests/test_plan.py holds the construct modules to these lists: every remote read is of a state in `reads` and an
    output in its `provides`)."""

    name: str
    kind: str
    reads: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    provides: tuple[str, ...] = ()

    @property
    def depends_on(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.reads) | set(self.after)))


# ---------------------------------------------------------------- organization


# The steps of an account's move from the organization stack into its team's access stack (organization.yaml
# `account_moves`; docs/operations.md, "Moving accounts into team stacks"). None: the account lives in the access stack.
MOVE_ORGANIZATION, MOVE_IMPORT, MOVE_FORGET = "organization", "import", "forget"
MOVE_STEPS = (MOVE_ORGANIZATION, MOVE_IMPORT, MOVE_FORGET)


@dataclass(frozen=True)
class Account:
    key: str  # "<team>-<environment>": stable id, also the key in the account_ids outputs
    team: str
    environment: str
    name: str
    email: str
    ou_path: str  # OU path under the root; "Suspended" for decommissioned teams
    adopted_id: str | None  # set when the account exists already and is imported
    decommissioned: bool
    tags: dict[str, str]
    access_role: str | None = None  # adopted: adoptable_accounts[id].access_role (None: ORGANIZATION_ACCESS_ROLE)
    # Its team's step in account_moves (MOVE_STEPS); None: moved, or never central. Kept out of the fingerprints
    # (repr=False): what a stack's output takes from it is in that stack's own record (the accounts the organization
    # declares and forgets, an access stack's lookup imports, a peer's id_stack), so a step rebuilds only those.
    move: str | None = field(default=None, repr=False)

    @property
    def in_organization(self) -> bool:
        """The organization stack declares it: not moving yet, or being imported by the access stack (step 1)."""
        return self.move in (MOVE_ORGANIZATION, MOVE_IMPORT)

    @property
    def in_access(self) -> bool:
        """Its team's access stack declares it: from the import step on, and for every account not moving."""
        return self.move != MOVE_ORGANIZATION

    @property
    def lookup_import(self) -> bool:
        """The access stack imports it by its email in the organization's account list (a created account, while it
        moves); an adopted account keeps the import of its known id for good."""
        return self.adopted_id is None and self.move in (MOVE_IMPORT, MOVE_FORGET)

    @property
    def held_by(self) -> str:
        """The stack whose state holds it once this output is applied: the one whose `account_ids` output other
        stacks read its id from (the organization stack until its forget step is applied)."""
        return naming.ORGANIZATION_STACK if self.in_organization else naming.access_stack(self.team)


@dataclass(frozen=True)
class OrganizationStack:
    name: str
    ou_paths: tuple[str, ...]  # every OU path, parents before children
    accounts: tuple[Account, ...]  # the team accounts it still declares (organization and import steps of a move)
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
    forgotten: tuple[str, ...] = ()  # keys of the accounts it forgets (`removed`, destroy = false): a move's last step


# ---------------------------------------------------------------- identity and each team's access


@dataclass(frozen=True)
class Group:
    name: str
    description: str
    members: tuple[str, ...]
    role: str = ""  # the team role it stands for ("": the platform admins' group)
    # For the access review, not the stack's output: (member, last day of access, ISO) of each time-bound membership.
    # repr=False keeps it out of the stack's fingerprint (kinds.own_inputs), so an end date rebuilds nothing.
    until: tuple[tuple[str, str], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Person:
    user_name: str
    email: str | None  # None only with users: external (checked)
    given_name: str | None
    family_name: str | None


@dataclass(frozen=True)
class PermissionSet:
    name: str
    description: str
    session_duration: str
    managed_policies: tuple[str, ...]
    inline_policy: str | None  # the policy JSON, canonical


@dataclass(frozen=True)
class IdentityStack:
    name: str
    instance_arn: str
    identity_store_id: str
    managed_users: bool
    people: tuple[Person, ...]
    groups: tuple[Group, ...]  # the platform admins' group only: team groups live in the access stacks
    permission_sets: tuple[PermissionSet, ...]
    # Platform admins' access to the central accounts (team accounts assign it themselves).
    central_assignments: tuple[tuple[str, str], ...]  # (account label, account id)
    admins_group: str
    region: str | None = None  # identity_center.region: where the instance lives (None: home_region)


@dataclass(frozen=True)
class Assignment:
    """Group -> permission set in one account."""

    group: str
    permission_set: str


@dataclass(frozen=True)
class UserAssignment:
    """User -> permission set in one account: a grant of grants.yaml (temporary elevated access)."""

    user: str
    permission_set: str
    # For the access review, not the stack's output (repr=False: not in the fingerprint, as Group.until):
    # (role, last day, reason) of each grant behind it.
    granted_by: tuple[tuple[str, str, str], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class TeamAccount:
    """One of a team's accounts as its access stack targets it."""

    key: str  # "<team>-<environment>": the key in the account_ids outputs
    adopted_id: str | None  # an adopted account's id is known; a created one's is its resource's here, or the organization's
    assignments: tuple[Assignment, ...]  # the team's groups and the platform admins' (always: break-glass)
    instance_types_scp: bool  # the team's instance-type SCP is attached (active teams)
    user_assignments: tuple[UserAssignment, ...] = ()  # grants.yaml: a person's own access, not through a group
    held_here: bool = False  # the access stack declares the account itself (else: the organization stack's output)


@dataclass(frozen=True)
class InstanceTypesScp:
    name: str
    description: str
    content: str  # the policy JSON, compact


@dataclass(frozen=True)
class AccessStack:
    """`<team>-access` (management account): the team's accounts and what only its file decides about who gets in
    and what runs.

    Its accounts (created, or adopted), its Identity Center groups and memberships, every assignment into its
    accounts, the Service Catalog associations that make its templates visible in Studio (in the shared services
    account), and its instance-type SCP. A decommissioned team's access stack stays, holding its accounts and only
    the platform admins' break-glass assignments."""

    name: str
    team: str
    active: bool
    admins_group: str
    groups: tuple[Group, ...]
    accounts: tuple[TeamAccount, ...]
    catalog: tuple[tuple[str, str], ...]  # (template name, execution role name) visible in Studio
    scp: InstanceTypesScp | None
    held: tuple[Account, ...] = ()  # the team accounts it declares (all but those still in the organization stack)
    lookup_imports: tuple[str, ...] = ()  # keys of the held accounts it imports by their email (a move's two steps)
    # With `users: external`: the user names its memberships and grants bind, looked up here (not in identity).
    lookups: tuple[str, ...] = ()


# ---------------------------------------------------------------- shared services: catalog, seed code, libraries


@dataclass(frozen=True)
class SeedCode:
    """One template version's seed: the zip and where it is stored in the catalog bucket."""

    folder: str  # path under registry/, for messages and review
    key: str  # object key in the catalog bucket
    zip_bytes: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.zip_bytes).hexdigest()

    @property
    def content_base64(self) -> str:
        return base64.b64encode(self.zip_bytes).decode("ascii")


@dataclass(frozen=True)
class GitSettings:
    """catalog.yaml `git`: where seed code becomes a project's repository (base/seed_push.py)."""

    provider: str  # codecommit | codeconnections
    connection_arn: str | None = None
    owner: str | None = None

    @property
    def connections(self) -> bool:
        return self.provider == "codeconnections"


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
    earlier: tuple[TemplateVersion, ...] = ()  # versions kept (deprecated), oldest first
    seed: SeedCode | None = None  # the current version's starting repository, uploaded beside the template

    @property
    def versions(self) -> tuple[TemplateVersion, ...]:
        """Every published version, oldest first: the oldest is the product's own first artifact."""
        return (*self.earlier, TemplateVersion(self.version, self.body))


@dataclass(frozen=True)
class Publisher:
    team: str
    packages: tuple[str, ...]  # normalized names


@dataclass(frozen=True)
class Libraries:
    """The organization's CodeArtifact: the domain and repositories in shared services (docs/design.md,
    "Internal libraries"; the policies are policies/libraries.py)."""

    org: str
    domain: str
    repository: str
    upstreams: tuple[str, ...]  # registry names ("pypi"), in upstream order
    owner_account_id: str  # shared services
    region: str
    # Execution roles of these environments may publish (human_access write, never production); deploy roles everywhere.
    publishing_environments: tuple[str, ...]
    publishers: tuple[Publisher, ...] = ()  # who owns which packages, for review and graph

    def proxy_repository(self, upstream: str) -> str:
        return f"{self.repository}-{upstream}"


@dataclass(frozen=True)
class SharedServicesStack:
    name: str
    account_id: str
    catalog_bucket: str
    templates: tuple[CatalogTemplate, ...]
    share_with_ous: tuple[str, ...]  # top-level workload OU paths the portfolios are shared with
    # CodeArtifact (organization.yaml `libraries`), without its publishers: who publishes what is decided in each
    # team's own stacks, so a team's packages never change this stack (docs/design.md, "Internal libraries").
    libraries: Libraries | None = None
    git: GitSettings | None = None  # catalog.yaml `git`: where seed code becomes a project's repository


# ---------------------------------------------------------------- each team account


@dataclass(frozen=True)
class PeerAccount:
    """An account as an account stack refers to it (itself, or the other side of a share)."""

    key: str
    adopted_id: str | None
    role_name: str
    bucket_name: str
    kms_alias: str
    id_stack: str = naming.ORGANIZATION_STACK  # the stack whose `account_ids` output has a created account's id


@dataclass(frozen=True)
class StudioUser:
    user_name: str
    profile_name: str


@dataclass(frozen=True)
class AccountLibraries:
    """What one team account reads and publishes."""

    domain: str
    repository: str
    owner_account_id: str
    region: str
    packages: tuple[str, ...]  # normalized names the team publishes (empty: read only)
    execution_role_publishes: bool  # the environment's human_access is write (never production)


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
    tags: dict[str, str]
    shares_out: tuple[Share, ...] = ()  # shares this account produces
    shares_in: tuple[Share, ...] = ()  # shares this account consumes
    project_templates: tuple[str, ...] = ()  # catalog templates visible to this team
    # Regions AWS Config records in: every region the SCPs allow (global resources only in the account's region).
    config_regions: tuple[str, ...] = ()
    peers: tuple[PeerAccount, ...] = ()  # itself and every account on the other side of its shares
    libraries: AccountLibraries | None = None  # reads the internal repository (and publishes the team's packages)
    seed_bucket: str | None = None  # the catalog bucket, when a template the team sees has seed code (launch role)
    lookup_users: bool = False  # `users: external`: its Studio users are looked up here (through the management provider)

    def peer(self, key: str) -> PeerAccount:
        return next(p for p in self.peers if p.key == key)


# The one record a stack's construct module builds from, by kind of stack (kinds.py).
StackInput: TypeAlias = OrganizationStack | IdentityStack | SharedServicesStack | AccessStack | AccountStack
