"""Every name the compiler derives, in one place, with the AWS limit it must respect.

Pure functions of registry keys. `check_name` says whether a derived name fits; the registry
checks call it so a name that AWS would refuse is reported at `file:line`, before any plan.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Names as AWS constrains them (each with the page that states the limit). ASCII classes, used with fullmatch.


@dataclass(frozen=True)
class NameRule:
    what: str
    max_len: int
    pattern: re.Pattern[str]
    allowed: str
    source: str


ACCOUNT_NAME = NameRule(
    "account name",
    50,
    re.compile(r"[ -;=?-~]+"),
    "printable ASCII, at most 50 characters",
    "https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html",
)
ACCOUNT_EMAIL = NameRule(
    "account email",
    64,
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    "an email address of 6 to 64 characters",
    "https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html",
)
IAM_ROLE = NameRule(
    "IAM role name",
    64,
    re.compile(r"[A-Za-z0-9_+=,.@-]+"),
    "letters, digits and +=,.@_- , at most 64 characters",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
)
PERMISSION_SET = NameRule(
    "permission set name",
    32,
    re.compile(r"[A-Za-z0-9_+=,.@-]+"),
    "letters, digits and +=,.@_- , at most 32 characters",
    "https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreatePermissionSet.html",
)
GROUP = NameRule(
    "Identity Center group name",
    1024,
    re.compile(r"[A-Za-z0-9_ .@+=,-]+"),
    "letters, digits, spaces and .@+=,_- , at most 1024 characters",
    "https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_CreateGroup.html",
)
SAGEMAKER_NAME = NameRule(
    "SageMaker name",
    63,
    re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"),
    "letters, digits and inner hyphens, at most 63 characters",
    "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateUserProfile.html",
)
S3_BUCKET = NameRule(
    "S3 bucket name",
    63,
    re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"),
    "lowercase letters, digits, dots and hyphens, 3 to 63 characters",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
)
KMS_ALIAS = NameRule(
    "KMS alias",
    256,
    re.compile(r"alias/[a-zA-Z0-9/_-]+"),
    "alias/ then letters, digits and /_- , at most 256 characters",
    "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
)


# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html : names S3 reserves
S3_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
S3_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_IPV4 = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){3}")


def check_name(rule: NameRule, name: str) -> str | None:
    """None when name fits rule, else the reason (with the length and what is allowed)."""
    if len(name) > rule.max_len:
        return f"{rule.what} '{name}' is {len(name)} characters; AWS allows at most {rule.max_len}"
    if not rule.pattern.fullmatch(name):
        return f"{rule.what} '{name}' is not valid: {rule.allowed}"
    if rule is S3_BUCKET:
        return _bucket_reserved(name)
    return None


def _bucket_reserved(name: str) -> str | None:
    """What S3's naming rules refuse beyond the characters: reserved prefixes and suffixes, '..', an IP address."""
    prefix = next((p for p in S3_RESERVED_PREFIXES if name.startswith(p)), None)
    suffix = next((x for x in S3_RESERVED_SUFFIXES if name.endswith(x)), None)
    if prefix or suffix:
        what = f"begins with '{prefix}'" if prefix else f"ends with '{suffix}'"
        return (
            f"S3 bucket name '{name}' {what}, which S3 reserves (reserved prefixes: {', '.join(S3_RESERVED_PREFIXES)}; "
            f"suffixes: {', '.join(S3_RESERVED_SUFFIXES)})"
        )
    if ".." in name:
        return f"S3 bucket name '{name}' has two adjacent periods, which S3 refuses"
    if _IPV4.fullmatch(name):
        return f"S3 bucket name '{name}' is formatted as an IP address, which S3 refuses"
    return None


# Stack names (docs/output.md).
ORGANIZATION_STACK = "organization"
IDENTITY_STACK = "identity"
SHARED_SERVICES_STACK = "shared-services"
# The Terraform every stack requires (its `terraform.required_version`): 1.10 brought the S3 backend's native
# locking (`use_lockfile`), which every backend uses (https://developer.hashicorp.com/terraform/language/backend/s3).
TERRAFORM_REQUIRED_VERSION = ">=1.10.0"
CENTRAL_STACKS = (ORGANIZATION_STACK, IDENTITY_STACK, SHARED_SERVICES_STACK)

# The OU that decommissioned teams' accounts move to, directly under the root.
SUSPENDED_OU = "Suspended"
# The permission set and group that give platform admins administrator access everywhere, and its one policy.
PLATFORM_ADMIN_PERMISSION_SET = "PlatformAdmin"
PLATFORM_ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
# The role AWS Organizations creates in every new member account, which the compiler assumes.
ORGANIZATION_ACCESS_ROLE = "OrganizationAccountAccessRole"

# The stacks' one variable: which role every provider of a member account assumes. `apply` (Atlantis): the
# account's access role; `plan` (pull-request and drift plans): the read-only `<org>-plan`. The compiler maps
# the mode to a role name per account (member_role); no role name is ever passed in from outside.
ACCESS_MODE_VARIABLE = "access_mode"
ACCESS_MODES = ("apply", "plan")


def adopted_access_role(org: object, account_id: str | None) -> str | None:
    """The role to assume in an adopted account when organization.yaml names one
    (`adoptable_accounts[id].access_role`, a mapping or a model entry); None: ORGANIZATION_ACCESS_ROLE, which
    Organizations creates only in the accounts it creates
    (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_create-cross-account-role.html)."""
    entry = (getattr(org, "adoptable_accounts", None) or {}).get(account_id) if account_id else None
    return (entry.get("access_role") if isinstance(entry, dict) else getattr(entry, "access_role", None)) or None


def member_role(org: str, access_role: str | None) -> str:
    """The Terraform expression (without `${}`) naming the role a provider assumes in a member account: the
    plan role in mode `plan`, else the account's access role (ORGANIZATION_ACCESS_ROLE unless organization.yaml
    names another). The allow-list of planned stacks builds its expectation with this same function."""
    return f'var.{ACCESS_MODE_VARIABLE} == "plan" ? "{plan_role(org)}" : "{access_role or ORGANIZATION_ACCESS_ROLE}"'


def account_stack(team: str, environment: str) -> str:
    return f"{team}-{environment}"


ACCESS_SUFFIX = "access"


def access_stack(team: str) -> str:
    """The team's access stack (management account): its groups, memberships, assignments, catalog
    associations and instance-type SCP. A team with an environment named `access` would collide (checked)."""
    return f"{team}-{ACCESS_SUFFIX}"


# https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html : Name, 1 to 128 characters
SCP_NAME_MAX = 128


def shortened(name: str, limit: int) -> str:
    """name as it is when it fits (no rename of what exists), else cut to the limit with a stable hash of the whole
    name at its end, so distinct long names stay distinct."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:10]
    return f"{name[: limit - len(digest) - 1].rstrip('-')}-{digest}"


def guardrails_scp(org: str, target: str, index: int) -> str:
    """The `index`th guardrail SCP of an OU: `<org>-<ou-path-slug>-guardrails-<index>`, hash-shortened to 128
    characters when a deep OU path makes it longer (the `-guardrails-<index>` end is kept)."""
    slug = target.lower().replace("/", "-").replace(" ", "-")
    tail = f"-guardrails-{index}"
    return shortened(f"{org}-{slug}", SCP_NAME_MAX - len(tail)) + tail


def instance_types_scp(org: str, team: str) -> str:
    """The team's instance-type SCP (one per team; SCP names may have 128 characters)."""
    return f"{org}-{team}-instance-types"


def account_key(team: str, environment: str) -> str:
    """Key of an account in maps such as the organization stack's `account_ids` output."""
    return f"{team}-{environment}"


def account_name(org: str, team: str, environment: str) -> str:
    return f"{org}-{team}-{environment}"


def account_email(template: str, team: str, environment: str) -> str:
    return template.replace("{team}", team).replace("{environment}", environment)


def group_name(org: str, team: str, role: str) -> str:
    return f"{org}-{team}-{role}"


def platform_admins_group(org: str) -> str:
    return f"{org}-platform-admins"


def permission_set_name(key: str) -> str:
    """Permission sets keep their registry key."""
    return key


def execution_role_name(org: str, team: str, environment: str) -> str:
    return f"{org}-{team}-{environment}-sagemaker-execution"


def _suffixed(name: str, suffix: str | None) -> str:
    """organization.yaml's bucket_suffix makes derived bucket names globally unique (docs/design.md, "Bucket names");
    without it the names stay as existing deployments have them (a rename is a replacement)."""
    return f"{name}-{suffix}" if suffix else name


def data_bucket_name(org: str, team: str, environment: str, suffix: str | None = None) -> str:
    return _suffixed(f"{org}-{team}-{environment}-data", suffix)


def domain_name(org: str, team: str, environment: str) -> str:
    return f"{org}-{team}-{environment}"


def catalog_bucket_name(org: str, suffix: str | None = None) -> str:
    return _suffixed(f"{org}-sagemaker-catalog", suffix)


def projects_launch_role(org: str) -> str:
    """The role Service Catalog uses in each team account to launch SageMaker Projects templates."""
    return f"{org}-sagemaker-projects-launch"


def deploy_role(org: str) -> str:
    """The role in every team account that CI in shared services assumes to deploy (production included)."""
    return f"{org}-deploy"


def ci_role(org: str, team: str, environment: str) -> str:
    """The CI role in the shared services account for one team account: the only principal that account's deploy
    role trusts, assumable only by the CodeBuild projects and pipelines named with the same prefix."""
    return f"{org}-{team}-{environment}-ci"


def pipeline_prefix(org: str, team: str, environment: str) -> str:
    """What the CI role of one team account trusts: CodeBuild projects and pipelines named `<prefix>-*`
    (policies/pipelines.py). Unambiguous because no team name begins with another team's name followed by
    `-<environment>` (team_inside, refused at file:line): then no account's `<prefix>-` begins another's."""
    return f"{org}-{team}-{environment}"


def team_inside(team: str, teams: Iterable[str], environments: Iterable[str]) -> tuple[str, str] | None:
    """(other team, environment) when `team` is `<other>-<environment>` or begins with `<other>-<environment>-`
    for an environment of the ladder (any, not only the other team's: it may add one later). Such a team's
    names `<org>-<team>-...` fall inside the other team's account names and pipeline trust (pipeline_prefix)."""
    others, envs = set(teams) - {team}, set(environments)
    parts = team.split("-")
    for i in range(1, len(parts)):
        if "-".join(parts[:i]) in others and parts[i] in envs:
            return "-".join(parts[:i]), parts[i]
    return None


def normalize_package(name: str) -> str:
    """PyPI's name normalization (PEP 503): runs of -, _ and . are one '-', case is ignored, so `Fraud_Utils` and
    `fraud-utils` are one package (https://packaging.python.org/en/latest/specifications/name-normalization/)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def package_prefix(org: str, configured: str | None) -> str:
    """The normalized prefix every team package name begins with: organization.yaml's libraries.package_prefix,
    by default `<org>-`."""
    return normalize_package(configured or f"{org}-")


def plan_role(org: str) -> str:
    """The read-only role in every account that pull-request plans assume instead of the apply role."""
    return f"{org}-plan"


def github_plan_role(org: str) -> str:
    """The role in the management account that GitHub's OIDC token of the plan workflow assumes (docs/security.md)."""
    return f"{org}-github-plan"


def config_role(org: str) -> str:
    return f"{org}-config-recorder"


def log_bucket_name(org: str, log_archive_account_id: str, suffix: str | None = None) -> str:
    """Deliberately not starting with "<org>-": the trail records S3 data events on arn:aws:s3:::<org>-*, and
    recording them on the bucket the trail writes to would loop."""
    return _suffixed(f"log-archive-{org}-{log_archive_account_id}", suffix)


def log_archive_key_alias(org: str) -> str:
    return f"alias/{org}-log-archive"


def trail_name(org: str) -> str:
    return f"{org}-organization-trail"


def portfolio_name(org: str, template: str) -> str:
    return f"{org}-{template}"


def kms_alias(org: str, team: str, environment: str) -> str:
    return f"alias/{org}-{team}-{environment}"


_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


def safe_id(text: str) -> str:
    """A construct id (and Terraform address part) from a registry key: stable, no '/' or spaces. Different
    keys can give one id ('Sand.box', 'Sand_box'): checks/derived.py refuses those at file:line."""
    return _UNSAFE_ID.sub("_", text)


def sid(name: str) -> str:
    """A policy statement id from a share name: letters and digits only ('fc-daily' and 'fc--daily' give one)."""
    return "".join(part.capitalize() for part in name.split("-"))


_PROFILE_BAD = re.compile(r"[^a-zA-Z0-9]+")


def profile_name(user_name: str) -> str:
    """Studio user profile named after the user name; characters SageMaker refuses become '-'."""
    return _PROFILE_BAD.sub("-", user_name).strip("-")


def derived_names(org: str, team: str, environment: str) -> list[tuple[NameRule, str]]:
    """Every name one team account derives, with its rule (bucket names, with organization.yaml's bucket_suffix, are
    checked with the organization's own: checks/contract.py)."""
    return [
        (ACCOUNT_NAME, account_name(org, team, environment)),
        (IAM_ROLE, execution_role_name(org, team, environment)),
        (SAGEMAKER_NAME, domain_name(org, team, environment)),
        (KMS_ALIAS, kms_alias(org, team, environment)),
    ]


def trail_log_group(org: str) -> str:
    """The CloudWatch Logs group the organization trail streams into (management account)."""
    return f"/{org}/cloudtrail/organization"
