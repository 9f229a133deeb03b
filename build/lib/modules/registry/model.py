"""The registry's shape as pydantic v2 models: frozen, unknown keys forbidden, every field constrained.

REGISTRY.md is the contract; each field here carries its description so the exported JSON
Schema helps people in their editor. Cross-references between files live in checks/.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

from .. import shares
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
    ManagedPolicyArn,
    Money,
    Name,
    OrganizationId,
    OuPath,
    PackageName,
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
    UserName,
    Version,
    VpcCidr,
)

if TYPE_CHECKING:  # source.py imports Base from here
    from .source import Origin, Source


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
    bucket: BucketName
    region: Region


class IdentityCenter(Base):
    instance_arn: InstanceArn
    identity_store_id: IdentityStoreId
    users: Literal["managed", "external"] = Field(
        "managed", description="managed: users are created from people.yaml; external: looked up by user name (IdP/SCIM)"
    )
    region: Region | None = Field(
        None, description="where the instance lives (default: home_region); SSO-mode Studio domains must be in the same region"
    )


class Network(Base):
    studio_allowed_cidrs: list[Cidr] = Field(default_factory=list, description="networks Studio may be used from; empty: no restriction")


class AdoptableAccount(Base):
    team: Slug
    environment: EnvName
    access_role: IamRoleName | None = Field(
        None,
        description="the account's administrator role that the management account may assume, when it is not "
        "OrganizationAccountAccessRole (Organizations creates that one only in the accounts it creates)",
    )


class Libraries(Base):
    domain: CodeArtifactName
    repository: CodeArtifactName
    upstreams: list[Literal["pypi", "npmjs", "maven-central", "nuget", "crates-io", "rubygems"]] = Field(default_factory=list)


class Organization(Base):
    name: Slug
    management_account_id: AccountId
    organization_id: OrganizationId | None = Field(None, description="import the organization and manage its trusted access")
    trusted_services: list[ServicePrincipal] = Field(default_factory=list, description="services the organization already trusts")
    retired_budget_usd: Annotated[Decimal, Field(ge=0, le=100_000_000, max_digits=12, decimal_places=2)] = Field(
        Decimal("10"), description="monthly budget of a decommissioned account, US dollars"
    )
    bucket_suffix: BucketSuffix | None = Field(None, description="appended to derived bucket names (global uniqueness)")
    home_region: Region
    allowed_regions: list[Region] = Field(min_length=1)
    account_email: EmailTemplate
    state_backend: StateBackend
    identity_center: IdentityCenter
    shared_services_account_id: AccountId
    log_archive_account_id: AccountId | None = None
    network: Network = Network()
    platform_admins: list[UserName] = Field(default_factory=list)
    tags: dict[TagKey, TagValue] = Field(default_factory=dict)
    adoptable_accounts: dict[AccountId, AdoptableAccount] = Field(
        default_factory=dict, description="existing accounts a team may adopt: the platform's consent"
    )
    libraries: Libraries | None = Field(None, description="internal libraries in CodeArtifact (shared services)")

    @property
    def log_archive(self) -> str:
        return self.log_archive_account_id or self.shared_services_account_id


class Environment(Base):
    name: EnvName
    organizational_unit: OuPath
    production: bool = False
    budget_usd: Money
    sagemaker_network: Literal["public_internet", "vpc_only"] = "vpc_only"
    human_access: Literal["write", "read", "none"] = "read"
    vpc_cidr: VpcCidr = "10.0.0.0/22"


class EnvironmentsFile(Base):
    environments: list[Environment] = Field(min_length=1)


class PermissionSet(Base):
    description: Text | None = None
    session_duration: SessionDuration = "PT1H"
    # https://docs.aws.amazon.com/singlesignon/latest/userguide/limits.html : 20 managed policies per permission set
    managed_policies: list[ManagedPolicyArn] = Field(default_factory=list, max_length=20)
    inline_policy: RelPath | None = None
    access_level: Literal["write", "read"]


class Role(Base):
    studio: bool = False
    permission_sets: dict[EnvName, PermissionSetKey] = Field(default_factory=dict)


class AccessFile(Base):
    permission_sets: dict[PermissionSetKey, PermissionSet] = Field(min_length=1)
    roles: dict[RoleName, Role] = Field(min_length=1)


class Person(Base):
    """With `users: external` only user_name is needed (the IdP holds the rest); managed users need all of
    email, given_name and family_name (checks.py says so at file:line)."""

    user_name: UserName
    email: Email | None = None
    given_name: Name | None = None
    family_name: Name | None = None
    github: GitHubHandle | None = None


class PeopleFile(Base):
    people: list[Person] = Field(default_factory=list)


class PreviousVersion(Base):
    version: Version
    template: RelPath


class Template(Base):
    name: Slug
    description: Text | None = None
    template: RelPath
    seed_code: RelPath | None = Field(None, description="folder under registry/: the project's starting repository")
    version: Version
    previous: list[PreviousVersion] = Field(default_factory=list, description="earlier versions kept (deprecated)")
    owner: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "platform"


class CatalogFile(Base):
    templates: list[Template] = Field(default_factory=list)


class TeamEnvironment(Base):
    account_id: AccountId | None = Field(None, description="adopt this existing account instead of creating one")
    budget_usd: Money | None = None
    vpc_cidr: VpcCidr | None = None


class Member(Base):
    person: UserName
    role: RoleName


class SageMaker(Base):
    instance_types: list[InstanceType] = Field(default_factory=lambda: ["ml.t3.medium"], min_length=1)
    project_templates: list[Slug] = Field(default_factory=list)
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_IdleSettings.html : 60 to 525600
    idle_shutdown_minutes: Annotated[int, Field(ge=60, le=525600)] = 60


class ShareTarget(Base):
    team: Slug
    environment: EnvName


# One value per module under modules/shares/, in their `order` (the JSON Schema's enum order).
if TYPE_CHECKING:  # a Literal built at run time from modules/shares/: type checkers see a str
    ShareKind = str
else:
    ShareKind = Literal[shares.names()]


class Share(Base):
    name: ShareName
    kind: ShareKind
    resource: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    from_: EnvName = Field(alias="from")
    to: list[ShareTarget] = Field(min_length=1)
    access: Literal["read", "write"] = "read"


class TeamLibraries(Base):
    publish: list[PackageName] = Field(default_factory=list, description="PyPI names this team alone may publish")


class Team(Base):
    name: Slug
    description: Text | None = None
    cost_center: TagValue
    owners: list[UserName] = Field(min_length=1)
    status: Literal["onboarding", "active", "decommissioned"] = "active"
    # `dev:` with nothing after it is an environment with no overrides
    environments: dict[EnvName, Annotated[TeamEnvironment, BeforeValidator(lambda v: {} if v is None else v)]] = Field(min_length=1)
    members: list[Member] = Field(default_factory=list)
    sagemaker: SageMaker = SageMaker()
    shares: list[Share] = Field(default_factory=list)
    libraries: TeamLibraries = TeamLibraries()

    @property
    def active(self) -> bool:
        return self.status == "active"


# Which model each file validates against (path relative to the registry folder).
FILE_MODELS: dict[str, type[Base]] = {
    "organization.yaml": Organization,
    "environments.yaml": EnvironmentsFile,
    "access.yaml": AccessFile,
    "people.yaml": PeopleFile,
    "catalog.yaml": CatalogFile,
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
    # Text of the files that registry entries point at (inline policies, catalog templates), by path.
    files: dict[str, str] = Field(default_factory=dict)
    # Seed folders packed as the compiler uploads them (modules/seed.py), by the folder as catalog.yaml names it.
    seed_zips: dict[str, bytes] = Field(default_factory=dict)
    _origin: Origin | None = PrivateAttr(default=None)  # set by the loader

    @property
    def origin(self) -> Origin:
        """What the loader learned about the folder besides the models (source.py)."""
        if self._origin is None:
            raise ValueError("this Registry was not read by the loader: it has no origin")
        return self._origin

    def environment(self, name: str) -> Environment:
        return next(e for e in self.environments if e.name == name)

    def person(self, user_name: str) -> Person:
        return next(p for p in self.people if p.user_name == user_name)

    def team(self, name: str) -> Team:
        return next(t for t in self.teams if t.name == name)
