"""The registry's shape as pydantic v2 models: frozen, unknown keys forbidden, every field constrained.

REGISTRY.md is the contract; each field here carries its description so the exported JSON
Schema helps people in their editor. Cross-references between files live in checks/.
"""
from __future__ import annotations

import ipaddress
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from .. import shares

if TYPE_CHECKING:  # source.py names entities with describe.py, which reads PATTERN_HELP from here
    from .source import Origin, Source

# Patterns are ASCII classes only ([0-9], never \d, which is Unicode and lets '１２３' or '١٢٣' through) and
# match the whole value: pydantic's regex engine anchors `$` at the very end, and the Python-side patterns
# are used with fullmatch (`$` in `re.match` also matches before a trailing newline). tests/registry/
# test_patterns.py sweeps every pattern with Unicode digits and trailing newlines.
# What a pattern means in words, for error messages: pattern -> help.
PATTERN_HELP: dict[str, str] = {}


def pattern(regex: str, help: str, **field: Any) -> Any:
    """A field's pattern with its help text, for `Annotated[str, pattern(...)]` (a plain alias mypy reads as str)."""
    PATTERN_HELP[regex] = help
    return Field(pattern=regex, description=help, **field)


Slug = Annotated[str, pattern(r"^[a-z][a-z0-9-]{1,18}[a-z0-9]$", "3 to 20 lowercase letters, digits or hyphens, starting with a letter")]
EnvName = Annotated[str, pattern(r"^[a-z][a-z0-9]{1,9}$", "2 to 10 lowercase letters or digits, starting with a letter")]
RoleName = Annotated[str, pattern(r"^[A-Za-z][A-Za-z0-9_-]{0,30}[A-Za-z0-9]$", "2 to 32 letters, digits, _ or -, starting with a letter")]
PermissionSetKey = Annotated[str, pattern(r"^[A-Za-z0-9+=,.@_-]{1,32}$", "1 to 32 letters, digits or +=,.@_- (the Identity Center permission set name)")]
AccountId = Annotated[str, pattern(r"^[0-9]{12}$", "exactly 12 digits 0-9, quoted or not (leading zeros are kept)")]
Region = Annotated[str, pattern(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$", "an AWS region name such as eu-west-1")]
UserName = Annotated[str, pattern(r"^[A-Za-z0-9+=,.@_-]{1,128}$", "1 to 128 letters, digits or +=,.@_-")]
Email = Annotated[str, pattern(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$", "an email address such as alice@example.com")]
GitHubHandle = Annotated[str, pattern(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$", "a GitHub user name (letters, digits and inner hyphens, at most 39 characters)")]
InstanceType = Annotated[str, pattern(r"^ml\.[a-z0-9]+\.[a-z0-9]+$", "a SageMaker instance type such as ml.m5.xlarge")]
BucketName = Annotated[str, pattern(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", "an S3 bucket name: 3 to 63 lowercase letters, digits, dots or hyphens")]
OuPath = Annotated[str, pattern(
    r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}(/[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}){0,4}$",
    "an OU path under the root such as Workloads/Prod: 1 to 5 names of letters, digits, space, _.- separated by /",
)]
ManagedPolicyArn = Annotated[str, pattern(
    r"^arn:aws[a-z-]*:iam::aws:policy/[A-Za-z0-9+=,.@_/-]{1,512}$",
    "an AWS managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess",
)]
RelPath = Annotated[str, pattern(r"^[A-Za-z0-9_][A-Za-z0-9_/-]*(\.[A-Za-z0-9_/-]+)*$", "a relative path under registry/ such as policies/x.json (letters, digits, _-/ and single dots; no '..', no leading '/')")]
Version = Annotated[str, pattern(r"^[0-9]+\.[0-9]+\.[0-9]+$", "a semantic version such as 1.2.0")]
ShareName = Annotated[str, pattern(r"^[a-z][a-z0-9-]{1,61}[a-z0-9]$", "3 to 63 lowercase letters, digits or hyphens, starting with a letter")]
InstanceArn = Annotated[str, pattern(r"^arn:aws[a-z-]*:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$", "an Identity Center instance ARN such as arn:aws:sso:::instance/ssoins-1234567890abcdef")]
IdentityStoreId = Annotated[str, pattern(r"^d-[0-9a-f]{10}$", "an identity store id such as d-1234567890")]
TagKey = Annotated[str, pattern(r"^[A-Za-z0-9 _.:/=+@-]{1,128}$", "1 to 128 letters, digits, spaces or _.:/=+@-")]
TagValue = Annotated[str, pattern(r"^[A-Za-z0-9 _.:/=+@-]{0,256}$", "0 to 256 letters, digits, spaces or _.:/=+@-")]
OrganizationId = Annotated[str, pattern(r"^o-[a-z0-9]{10,32}$", "an organization id such as o-a1b2c3d4e5")]
ServicePrincipal = Annotated[str, pattern(r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*\.amazonaws\.com$",
                           "an AWS service principal such as guardduty.amazonaws.com")]
BucketSuffix = Annotated[str, pattern(r"^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$", "1 to 16 lowercase letters, digits or inner hyphens")]
CodeArtifactName = Annotated[str, pattern(r"^[a-z][a-z0-9-]{0,48}[a-z0-9]$", "2 to 50 lowercase letters, digits or hyphens, starting with a letter")]
# https://packaging.python.org/en/latest/specifications/name-normalization/ : a valid distribution name
PackageName = Annotated[str, pattern(r"^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$", "a PyPI package name: letters, digits and ._- inside")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=700), Field(description="free text, 1 to 700 characters")]


def _err(kind: str, message: str) -> PydanticCustomError:
    """A validation error whose message is final text (braces in it are not placeholders)."""
    return PydanticCustomError(kind, "{text}", {"text": message})


def _cidr(value: str) -> str:
    try:
        net = ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        raise _err("cidr", f"invalid IPv4 CIDR '{value}': {exc}") from None
    return str(net)


def _vpc_cidr(value: str) -> str:
    net = ipaddress.IPv4Network(_cidr(value))
    # https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html : a VPC is /16 to /28; two
    # subnets in two zones with room for interface endpoints need at least a /24.
    if not 16 <= net.prefixlen <= 24:
        raise _err("cidr", f"VPC CIDR '{value}' has prefix /{net.prefixlen}; allowed: /16 to /24")
    if not net.is_private:
        raise _err("cidr", f"VPC CIDR '{value}' is not a private (RFC 1918) range")
    return str(net)


Cidr = Annotated[str, AfterValidator(_cidr), Field(description="an IPv4 CIDR such as 203.0.113.0/24")]
VpcCidr = Annotated[str, AfterValidator(_vpc_cidr), Field(description="a private IPv4 CIDR of /16 to /24 such as 10.10.0.0/22")]

_DURATION = re.compile(r"PT(?:([0-9]{1,4})H)?(?:([0-9]{1,5})M)?")


def _session_duration(value: str) -> str:
    m = _DURATION.fullmatch(value)
    if not m or not (m.group(1) or m.group(2)):
        raise _err("duration", f"invalid session duration '{value}': use ISO-8601 such as PT8H or PT1H30M")
    minutes = int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
    # https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreatePermissionSet.html : 1 to 12 hours
    if not 60 <= minutes <= 720:
        raise _err("duration", f"session duration '{value}' is {minutes} minutes; allowed: 1 to 12 hours (PT1H to PT12H)")
    return value


SessionDuration = Annotated[str, AfterValidator(_session_duration), Field(description="ISO-8601 duration from PT1H to PT12H")]


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def _email_template(value: str) -> str:
    missing = [p for p in ("{team}", "{environment}") if p not in value]
    if missing:
        raise _err("template", f"invalid value '{value}': must contain {' and '.join(missing)}")
    sample = value.replace("{team}", "team").replace("{environment}", "env")
    if not _EMAIL.fullmatch(sample):
        raise _err("template", f"invalid value '{value}': not an email address once {{team}} and {{environment}} are filled in")
    return value


EmailTemplate = Annotated[str, AfterValidator(_email_template), Field(description="email with {team} and {environment} placeholders")]
Money = Annotated[Decimal, Field(gt=0, le=100_000_000, max_digits=12, decimal_places=2, description="US dollars per month, more than 0")]


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
    region: Region | None = Field(None, description="where the instance lives (default: home_region); SSO-mode Studio "
                                                    "domains must be in the same region")


class Network(Base):
    studio_allowed_cidrs: list[Cidr] = Field(default_factory=list, description="networks Studio may be used from; empty: no restriction")


class AdoptableAccount(Base):
    team: Slug
    environment: EnvName


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
        Decimal("10"), description="monthly budget of a decommissioned account, US dollars")
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
        default_factory=dict, description="existing accounts a team may adopt: the platform's consent")
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


Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]


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
