"""The registry's shape as pydantic v2 models: frozen, unknown keys forbidden, every field constrained.

docs/registry.md is generated from these models; each field carries its description so the exported JSON
Schema helps people in their editor. Cross-references between files live in checks/.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

from .. import shares
from .caps import field as capped
from .fields import (
    AccountId,
    BucketName,
    BucketSuffix,
    Cidr,
    CodeArtifactName,
    Email,
    EmailTemplate,
    EnvName,
    GitHubHandle,
    IamRoleName,
    IdentityStoreId,
    InstanceArn,
    InstanceType,
    Latin1Text,
    ManagedPolicyArn,
    Money,
    Name,
    OrganizationId,
    OuPath,
    PackageName,
    PackagePrefix,
    PermissionSetKey,
    Region,
    RelPath,
    RoleName,
    ServicePrincipal,
    SessionDuration,
    ShareName,
    Slug,
    TagKey,
    TagValue,
    Text,
    Until,
    UserName,
    Version,
    VpcCidr,
    pattern,
)
from .origin import Origin, Source


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    # Where the object was written (set by the loader; source.py): checks report errors at it.
    _source: Source | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        """`members:` with nothing after it means "none": an empty optional field takes its default."""
        if isinstance(data, dict):
            optional = {(f.alias or n) for n, f in cls.model_fields.items() if not f.is_required()}
            return {k: v for k, v in data.items() if not (v is None and k in optional)}
        return data


class StateBackend(Base):
    bucket: BucketName = Field(description="the S3 bucket of the Terraform states (made before the first apply)")
    region: Region = Field(description="the state bucket's region")


class IdentityCenter(Base):
    instance_arn: InstanceArn = Field(description="the instance's ARN (Identity Center › Settings)")
    identity_store_id: IdentityStoreId = Field(description="the instance's identity store id")
    users: Literal["managed", "external"] = Field(
        "managed", description="managed: users are created from people.yaml; external: looked up by user name (IdP/SCIM)"
    )
    region: Region | None = Field(
        None, description="where the instance lives (default: home_region); SSO-mode Studio domains must be in the same region"
    )


class Network(Base):
    studio_allowed_cidrs: list[Cidr] = Field(
        default_factory=list, **capped("Network.studio_allowed_cidrs", "networks Studio may be used from; empty: no restriction")
    )


class AdoptableAccount(Base):
    team: Slug = Field(description="the team that may adopt the account")
    environment: EnvName = Field(description="as which of the team's environments")
    access_role: IamRoleName | None = Field(
        None,
        description="the account's administrator role that the management account may assume, when it is not "
        "OrganizationAccountAccessRole (Organizations creates that one only in the accounts it creates)",
    )


class Libraries(Base):
    domain: CodeArtifactName = Field(description="the CodeArtifact domain")
    repository: CodeArtifactName = Field(description="the internal repository every team account reads")
    upstreams: list[Literal["pypi", "npmjs", "maven-central", "nuget", "crates-io", "rubygems"]] = Field(
        default_factory=list, description="public repositories reached through a proxy repository"
    )
    package_prefix: PackagePrefix | None = Field(
        None,
        description="every package a team publishes begins with it, so that no team can publish a public package's name "
        "to every team's Studio: at least 3 characters, ending with -, _ or . (compared after PyPI's normalization: "
        "'Acme_' is 'acme-'); default: the organization's name and '-'",
    )


# Where a team's accounts are during their move into its access stack (organization.yaml `account_moves`), in order.
AccountMove = Literal["organization", "import", "forget"]


class Organization(Base):
    name: Slug = Field(description="the organization's short name: it prefixes every generated name")
    management_account_id: AccountId = Field(description="the AWS Organizations management account (no permission set reaches it)")
    organization_id: OrganizationId | None = Field(None, description="import the organization and manage its trusted access")
    trusted_services: list[ServicePrincipal] = Field(
        default_factory=list, **capped("Organization.trusted_services", "services the organization already trusts")
    )
    retired_budget_usd: Annotated[Decimal, Field(ge=0, le=100_000_000, max_digits=12, decimal_places=2)] = Field(
        Decimal("10"), description="monthly budget of a decommissioned account, US dollars"
    )
    bucket_suffix: BucketSuffix | None = Field(None, description="appended to derived bucket names (global uniqueness)")
    home_region: Region = Field(description="where the stacks deploy")
    allowed_regions: list[Region] = Field(
        min_length=1, **capped("Organization.allowed_regions", "the regions the guardrails (SCPs) allow; must contain home_region")
    )
    account_email: EmailTemplate = Field(description="the email of each account created, with {team} and {environment} placeholders")
    state_backend: StateBackend = Field(description="Terraform's S3 backend: one state per stack, S3-native locking")
    identity_center: IdentityCenter = Field(description="the IAM Identity Center instance")
    shared_services_account_id: AccountId = Field(description="an existing account: Service Catalog, CodeArtifact, CI roles")
    log_archive_account_id: AccountId | None = Field(
        None, description="an existing account for CloudTrail and Config logs (default: shared services)"
    )
    network: Network = Field(Network(), description="where Studio may be used from")
    platform_admins: list[UserName] = Field(
        default_factory=list,
        **capped(
            "Organization.platform_admins", "people with admin on every member account (break-glass), never on the management account"
        ),
    )
    tags: dict[TagKey, TagValue] = Field(default_factory=dict, **capped("Organization.tags", "added to every taggable resource"))
    adoptable_accounts: dict[AccountId, AdoptableAccount] = Field(
        default_factory=dict, **capped("Organization.adoptable_accounts", "existing accounts a team may adopt: the platform's consent")
    )
    libraries: Libraries | None = Field(None, description="internal libraries in CodeArtifact (shared services)")
    account_moves: dict[Slug, AccountMove] = Field(
        default_factory=dict,
        **capped(
            "Organization.account_moves",
            "teams whose accounts are moving from the organization stack into their own <team>-access stack, one step "
            "per pull request: organization (still there: how every team of an existing deployment starts), import (the "
            "access stack imports each account; the organization stack keeps it for now), forget (the organization stack "
            "forgets it, destroying nothing; the team's stacks read its id from the access stack); remove the entry once "
            "forget is applied. A team not listed has its accounts in its access stack (new teams, finished moves); synth "
            "refuses a skipped or backward step",
        ),
    )

    @property
    def log_archive(self) -> str:
        return self.log_archive_account_id or self.shared_services_account_id


class Environment(Base):
    name: EnvName = Field(description="the environment's name, part of account and stack names")
    organizational_unit: OuPath = Field(
        **capped("Environment.organizational_unit", "the OU its accounts go in (path under the root; created if missing)")
    )
    production: bool = Field(False, description="production: human_access may not be write, and no other team's share writes here")
    budget_usd: Money = Field(description="the monthly budget of each account of this environment (a team may override it)")
    sagemaker_network: Literal["public_internet", "vpc_only"] = Field("vpc_only", description="Studio's network access")
    human_access: Literal["write", "read", "none"] = Field("read", description="the most that people get here")
    vpc_cidr: VpcCidr = Field("10.0.0.0/22", description="the VPC each account of this environment gets (accounts are not peered)")


class EnvironmentsFile(Base):
    environments: list[Environment] = Field(
        min_length=1, **capped("EnvironmentsFile.environments", "the environment ladder, in promotion order")
    )


class PermissionSet(Base):
    description: Latin1Text | None = Field(None, **capped("PermissionSet.description", "shown in the AWS access portal"))
    session_duration: SessionDuration = Field("PT1H", description="how long a sign-in lasts")
    managed_policies: list[ManagedPolicyArn] = Field(
        default_factory=list, **capped("PermissionSet.managed_policies", "AWS managed policies it attaches")
    )
    inline_policy: RelPath | None = Field(None, description="a JSON policy file under registry/, attached inline")
    access_level: Literal["write", "read"] = Field(description="checked against each environment's human_access")


class Role(Base):
    studio: bool = Field(False, description="members get a Studio user profile in each environment the role maps")
    permission_sets: dict[EnvName, PermissionSetKey] = Field(
        default_factory=dict, description="environment → permission set: where the role gets in, and with what"
    )


class AccessFile(Base):
    permission_sets: dict[PermissionSetKey, PermissionSet] = Field(
        min_length=1, **capped("AccessFile.permission_sets", "Identity Center permission sets, by name")
    )
    roles: dict[RoleName, Role] = Field(min_length=1, **capped("AccessFile.roles", "the roles a team member may have, by name"))


class Person(Base):
    """With `users: external` only user_name is needed (the IdP holds the rest); managed users need all of
    email, given_name and family_name (checks.py says so at file:line)."""

    user_name: UserName = Field(description="the Identity Center user name (with users: external, it must exist there)")
    email: Email | None = Field(None, description="unique; required with users: managed")
    given_name: Name | None = Field(None, description="required with users: managed")
    family_name: Name | None = Field(None, description="required with users: managed")
    github: GitHubHandle | None = Field(None, description="GitHub user name, for CODEOWNERS")


class PeopleFile(Base):
    people: list[Person] = Field(default_factory=list, **capped("PeopleFile.people", "everyone who may be a member, an owner or an admin"))


class PreviousVersion(Base):
    version: Version = Field(description="an earlier version, still provisionable (deprecated)")
    template: RelPath = Field(description="its CloudFormation template, a path under registry/")


class Template(Base):
    name: Slug = Field(description="the template's name, as teams' project_templates list it")
    description: Text | None = Field(None, **capped("Template.description", "shown in Studio"))
    template: RelPath = Field(description="its CloudFormation template, a path under registry/")
    seed_code: RelPath | None = Field(None, description="folder under registry/: the project's starting repository")
    version: Version = Field(description="the version published now: a changed template or seed needs a new one")
    previous: list[PreviousVersion] = Field(default_factory=list, **capped("Template.previous", "earlier versions kept (deprecated)"))
    owner: Annotated[str, StringConstraints(min_length=1)] = Field(
        "platform", **capped("Template.owner", "the product's owner in Service Catalog")
    )


# CodeConnections connection ARNs as botocore's model has them (the legacy codestar-connections form too).
ConnectionArn = Annotated[
    str,
    pattern(
        r"^arn:aws:(codeconnections|codestar-connections):[a-z]{2}-[a-z]+-[0-9]{1,2}:[0-9]{12}:connection/[A-Za-z0-9_-]{1,64}$",
        "a CodeConnections connection ARN such as arn:aws:codeconnections:eu-west-1:222222222222:connection/1a2b3c4d-...",
    ),
]
GitOwner = Annotated[
    str,
    pattern(
        r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}(/[A-Za-z0-9][A-Za-z0-9._-]{0,99}){0,4}$",
        "the GitHub organization, GitLab group (subgroups with /) or Bitbucket workspace of the seed repositories",
    ),
]


class Git(Base):
    """Where seed code becomes a project's repository."""

    provider: Literal["codecommit", "codeconnections"] = Field(
        description="codecommit (organizations that already use it) or codeconnections (GitHub, GitLab, Bitbucket)"
    )
    connection_arn: ConnectionArn | None = Field(None, description="codeconnections: the connection in the shared services account")
    owner: GitOwner | None = Field(None, description="codeconnections: the organization or group that holds the seed repositories")


class CatalogFile(Base):
    git: Git | None = Field(None, description="where seed code becomes each project's repository (default: codecommit)")
    templates: list[Template] = Field(
        default_factory=list, **capped("CatalogFile.templates", "SageMaker Projects templates, published through Service Catalog")
    )


class TeamEnvironment(Base):
    account_id: AccountId | None = Field(None, description="adopt this existing account instead of creating one")
    budget_usd: Money | None = Field(None, description="this account's monthly budget (default: the environment's)")
    vpc_cidr: VpcCidr | None = Field(None, description="this account's VPC (default: the environment's)")


class Member(Base):
    person: UserName = Field(description="a user_name from people.yaml")
    role: RoleName = Field(description="a role from access.yaml")
    until: Until | None = Field(
        None, description="the last day of this membership (YYYY-MM-DD, inclusive, UTC): the expiry run's pull request removes it after"
    )


class SageMaker(Base):
    instance_types: list[InstanceType] = Field(
        default_factory=lambda: ["ml.t3.medium"],
        min_length=1,
        **capped("SageMaker.instance_types", "what every principal of the team may run (role and SCP)"),
    )
    project_templates: list[Slug] = Field(
        default_factory=list, **capped("SageMaker.project_templates", "catalog.yaml templates the team sees in Studio")
    )
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_IdleSettings.html : 60 to 525600
    idle_shutdown_minutes: Annotated[int, Field(ge=60, le=525600)] = Field(60, description="idle Studio apps stop after this")


class ShareTarget(Base):
    team: Slug = Field(description="the consuming team (active)")
    environment: EnvName = Field(description="the consuming team's environment")


# One value per module under modules/shares/, in their `order` (the JSON Schema's enum order).
if TYPE_CHECKING:  # a Literal built at run time from modules/shares/: type checkers see a str
    ShareKind = str
else:
    ShareKind = Literal[shares.names()]


class Share(Base):
    name: ShareName = Field(description="unique across the registry")
    kind: ShareKind = Field(description="what is shared")
    resource: Annotated[str, StringConstraints(min_length=1, max_length=256)] = Field(
        **capped("Share.resource", "the resource's name (an S3 prefix for s3_prefix) in the producer account")
    )
    from_: EnvName = Field(alias="from", description="the producing environment, one of this team's")
    to: list[ShareTarget] = Field(min_length=1, **capped("Share.to", "the consumers"))
    access: Literal["read", "write"] = Field("read", description="write is refused into another team's production environment")


class TeamLibraries(Base):
    publish: list[PackageName] = Field(
        default_factory=list,
        **capped(
            "TeamLibraries.publish",
            "PyPI names this team alone may publish (compared normalized), each beginning with organization.yaml "
            "libraries.package_prefix (default '<organization name>-')",
        ),
    )


class Team(Base):
    name: Slug = Field(
        description="equals the file name (teams/<name>.yaml); part of the team's account, stack and group names; 3 to 20 "
        "lowercase letters, digits or hyphens, starting with a letter; it may not begin with another team's name followed by "
        "-<environment> (pricing-dev beside pricing), whose names and pipeline trust it would share"
    )
    description: Text | None = Field(None, **capped("Team.description", "what the team does"))
    cost_center: TagValue = Field(**capped("Team.cost_center", "tagged on the team's accounts and resources"))
    owners: list[UserName] = Field(min_length=1, **capped("Team.owners", "people who review this file (CODEOWNERS) and get budget alerts"))
    status: Literal["onboarding", "active", "decommissioned"] = Field(
        "active",
        description="onboarding: accounts and groups only (a new team's first pull request); active: everything; "
        "decommissioned: access removed, accounts kept in the Suspended OU",
    )
    # `dev:` with nothing after it is an environment with no overrides
    environments: dict[EnvName, Annotated[TeamEnvironment, BeforeValidator(lambda v: {} if v is None else v)]] = Field(
        min_length=1, **capped("Team.environments", "environments.yaml names → settings: one AWS account each")
    )
    members: list[Member] = Field(default_factory=list, **capped("Team.members", "people on the team, with their role"))
    sagemaker: SageMaker = Field(SageMaker(), description="Studio settings for every account of the team")
    shares: list[Share] = Field(default_factory=list, **capped("Team.shares", "what this team grants to other teams"))
    libraries: TeamLibraries = Field(TeamLibraries(), description="internal libraries this team publishes")

    @property
    def active(self) -> bool:
        return self.status == "active"


class Grant(Base):
    """Temporary elevated access (grants.yaml, platform-owned): the role's access in the listed environments of the
    team's accounts, for one person, until a date, for a reason."""

    person: UserName = Field(description="a user_name from people.yaml: who gets the access")
    team: Slug = Field(description="the active team whose accounts the access is in")
    role: RoleName = Field(description="a role from access.yaml: its permission set (and Studio) in each environment listed")
    environments: list[EnvName] = Field(min_length=1, description="the team's environments the grant covers, each mapped by the role")
    until: Until = Field(description="the last day of access (YYYY-MM-DD, inclusive, UTC): the expiry run's pull request removes it after")
    reason: Text = Field(description="why, for the reviewers (a ticket, an incident)")


class GrantsFile(Base):
    grants: list[Grant] = Field(default_factory=list, description="temporary elevated access, reviewed by the platform admins")


# Which model each file validates against (path relative to the registry folder).
FILE_MODELS: dict[str, type[Base]] = {
    "organization.yaml": Organization,
    "environments.yaml": EnvironmentsFile,
    "access.yaml": AccessFile,
    "people.yaml": PeopleFile,
    "catalog.yaml": CatalogFile,
    "grants.yaml": GrantsFile,
}
REQUIRED_FILES = ("organization.yaml", "environments.yaml", "access.yaml", "people.yaml")


class Registry(Base):
    """The whole validated registry: one object flows from here to every output."""

    organization: Organization
    environments: tuple[Environment, ...]
    permission_sets: dict[str, PermissionSet]
    roles: dict[str, Role]
    people: tuple[Person, ...]
    templates: tuple[Template, ...]
    teams: tuple[Team, ...]
    grants: tuple[Grant, ...] = ()  # grants.yaml, in the file's order
    git: Git | None = None  # catalog.yaml `git`
    # Text of the files that registry entries point at (inline policies, catalog templates), by path.
    files: dict[str, str] = Field(default_factory=dict)
    # Seed folders packed as the compiler uploads them (modules/plan/seed.py), by the folder as catalog.yaml names it.
    seed_zips: dict[str, bytes] = Field(default_factory=dict)
    _origin: Origin | None = PrivateAttr(default=None)  # set by the loader
    _indexes: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = PrivateAttr(default_factory=dict)  # _lookup's

    @property
    def origin(self) -> Origin:
        """What the loader learned about the folder besides the models (source.py)."""
        if self._origin is None:
            raise ValueError("this Registry was not read by the loader: it has no origin")
        return self._origin

    def environment(self, name: str) -> Environment:
        return self._lookup("environments", name)  # type: ignore[no-any-return]

    def person(self, user_name: str) -> Person:
        return self._lookup("people", user_name)  # type: ignore[no-any-return]

    def team(self, name: str) -> Team:
        return self._lookup("teams", name)  # type: ignore[no-any-return]

    def _lookup(self, field: str, key: str) -> Any:
        """The item of a tuple field with that key (its first, as a search would find it), through an index built
        once per tuple (the plan looks people and teams up per account: a search made it quadratic in the number of
        teams). The index remembers its tuple, so a model_copy with another tuple gets its own. KeyError if none."""
        items = getattr(self, field)
        built = self._indexes.get(field)
        if built is None or built[0] is not items:
            index: dict[str, Any] = {}
            for item in items:
                index.setdefault(item.user_name if field == "people" else item.name, item)
            built = self._indexes[field] = (items, index)
        return built[1][key]
