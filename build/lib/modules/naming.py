"""Every name the compiler derives, in one place, with the AWS limit it must respect.

Pure functions of registry keys. `check_name` says whether a derived name fits; the registry
checks call it so a name that AWS would refuse is reported at `file:line`, before any plan.
"""

from __future__ import annotations

import re
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


def check_name(rule: NameRule, name: str) -> str | None:
    """None when name fits rule, else the reason (with the length and what is allowed)."""
    if len(name) > rule.max_len:
        return f"{rule.what} '{name}' is {len(name)} characters; AWS allows at most {rule.max_len}"
    if not rule.pattern.fullmatch(name):
        return f"{rule.what} '{name}' is not valid: {rule.allowed}"
    return None


# Stack names (DESIGN.md "Contracts other tools rely on").
ORGANIZATION_STACK = "organization"
IDENTITY_STACK = "identity"
SHARED_SERVICES_STACK = "shared-services"
CENTRAL_STACKS = (ORGANIZATION_STACK, IDENTITY_STACK, SHARED_SERVICES_STACK)

# The OU that decommissioned teams' accounts move to, directly under the root.
SUSPENDED_OU = "Suspended"
# The permission set and group that give platform admins administrator access everywhere.
PLATFORM_ADMIN_PERMISSION_SET = "PlatformAdmin"
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
    """Permission sets keep their registry key (DESIGN.md)."""
    return key


def execution_role_name(org: str, team: str, environment: str) -> str:
    return f"{org}-{team}-{environment}-sagemaker-execution"


def _suffixed(name: str, suffix: str | None) -> str:
    """organization.yaml's bucket_suffix makes derived bucket names globally unique (DESIGN.md, decision 13);
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


def plan_role(org: str) -> str:
    """The read-only role in every account that pull-request plans assume instead of the apply role."""
    return f"{org}-plan"


def github_plan_role(org: str) -> str:
    """The role in the management account that GitHub's OIDC token of the plan workflow assumes (README)."""
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
    """Every name one team account derives, with its rule."""
    return [
        (ACCOUNT_NAME, account_name(org, team, environment)),
        (IAM_ROLE, execution_role_name(org, team, environment)),
        (S3_BUCKET, data_bucket_name(org, team, environment)),
        (SAGEMAKER_NAME, domain_name(org, team, environment)),
        (KMS_ALIAS, kms_alias(org, team, environment)),
    ]


def trail_log_group(org: str) -> str:
    """The CloudWatch Logs group the organization trail streams into (management account)."""
    return f"/{org}/cloudtrail/organization"
