"""Plain records the plan hands to the construct modules: organization-wide values, stack records, team access.

Pure data, no cdktn. Each construct module gets its own stack's record plus `OrgValues`, never the
whole plan, so a stack's inputs are exactly what its fingerprint covers (modules/engine/fingerprint.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..base.seed_push import GitSettings
from .libraries import Libraries
from .seed import SeedCode


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

    `reads`: the states whose outputs it reads (one `terraform_remote_state` each); `after`: stacks it must
    be applied after for another reason (a trust policy naming a role another stack creates: IAM refuses a
    principal that does not exist yet). Atlantis' `depends_on` is the union; the apply order follows it.
    `provides`: the outputs of its state that other stacks read (tests/test_plan.py holds the construct
    modules to these lists: every remote read is of a state in `reads` and an output in its `provides`)."""

    name: str
    reads: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    provides: tuple[str, ...] = ()

    @property
    def depends_on(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.reads) | set(self.after)))


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


@dataclass(frozen=True)
class Group:
    name: str
    description: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class TeamAccount:
    """One of a team's accounts as its access stack targets it."""

    key: str  # "<team>-<environment>": the key in the organization stack's account_ids output
    adopted_id: str | None  # an adopted account's id is known; a created one's comes from the organization state
    assignments: tuple[Assignment, ...]  # the team's groups and the platform admins' (always: break-glass)
    instance_types_scp: bool  # the team's instance-type SCP is attached (active teams)
    user_assignments: tuple[UserAssignment, ...] = ()  # grants.yaml: a person's own access, not through a group


@dataclass(frozen=True)
class InstanceTypesScp:
    name: str
    description: str
    content: str  # the policy JSON, compact


@dataclass(frozen=True)
class AccessStack:
    """`<team>-access` (management account): what only this team's file decides about who gets in and what runs.

    Its Identity Center groups and memberships, every assignment into its accounts, the Service Catalog
    associations that make its templates visible in Studio (in the shared services account), and its
    instance-type SCP. A decommissioned team's access stack stays, holding only the platform admins'
    break-glass assignments."""

    name: str
    team: str
    active: bool
    admins_group: str
    groups: tuple[Group, ...]
    accounts: tuple[TeamAccount, ...]
    catalog: tuple[tuple[str, str], ...]  # (template name, execution role name) visible in Studio
    scp: InstanceTypesScp | None


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
    groups: tuple[Group, ...]  # the platform admins' group only: team groups live in the access stacks
    permission_sets: tuple[PermissionSet, ...]
    # Platform admins' access to the central accounts (team accounts assign it themselves).
    central_assignments: tuple[tuple[str, str], ...]  # (account label, account id)
    admins_group: str
    region: str | None = None  # identity_center.region: where the instance lives (None: home_region)


@dataclass(frozen=True)
class PermissionSet:
    name: str
    description: str
    session_duration: str
    managed_policies: tuple[str, ...]
    inline_policy: str | None  # the policy JSON, canonical


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
