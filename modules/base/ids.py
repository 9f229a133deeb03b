"""Every construct id the compiler derives from a registry key, in one place: the construct modules (modules/aws)
name their resources with these, and the registry's collision check (registry/checks/derived.py) claims the same
ids, so that two keys deriving one id are refused at file:line instead of failing in cdktn (or, worse, silently
sharing one Terraform address). A construct id is a Terraform address: it must never change for what exists
(docs/design.md, "Stable construct ids").

Ids marked *earlier address* are not built any more: they are the `from` of a `moved` block that carries the state
of a resource that became one instance of a `for_each` construct; two keys deriving one of them would make two
moved blocks from one address, so they stay claimed.

tests/synth/test_derived_claims.py holds both sides equal: every claimed id is in the output, and every id of the
output that a registry key appears in is claimed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from .naming import safe_id

# ---------------------------------------------------------------- identity (Identity Center)


def user(user_name: str) -> str:
    """*Earlier address* of a person's user, before all users were one `for_each` construct."""
    return f"user-{safe_id(user_name)}"


# Managed users are spread over this many `for_each` constructs by a hash of the user name, so a person keeps one
# address whoever else joins or leaves. Terraform 1.11 evaluates a `for_each` resource's instances in time that grows
# with the square of their number (https://github.com/hashicorp/terraform/issues/26355; measured with the stand-in
# provider: 100 users in one construct plan in 2.4 s, 400 in 33 s, 801 in 130 s; 400 as 4 constructs of 100, 8.9 s),
# so 8,000 people in one construct would plan for hours; in 256 buckets they are ~31 each.
USER_BUCKETS = 256
USERS_BEFORE_BUCKETS = "users"  # *earlier* construct of every managed user (one `for_each`), carried by `moved` blocks


def user_bucket(user_name: str) -> str:
    """The `for_each` construct that holds a managed user: `users-<two hex digits>` of the user name's sha256."""
    return f"users-{hashlib.sha256(user_name.encode()).digest()[0] % USER_BUCKETS:02x}"


def group(name: str) -> str:
    """An Identity Center group (identity: the platform admins'; a team's access stack: its groups)."""
    return f"group-{name}"


def membership(group_name: str, member: str) -> str:
    """*Earlier address* of a group membership, before memberships were one `for_each` construct."""
    return f"member-{group_name}-{safe_id(member)}"


def permission_set(name: str) -> str:
    return f"ps-{name}"


def managed_policy(permission_set_name: str, policy_arn: str) -> str:
    """A managed policy attached to a permission set, by the last part of its ARN."""
    return f"ps-{permission_set_name}-{safe_id(policy_arn.rsplit('/', 1)[-1])}"


def inline_policy(permission_set_name: str) -> str:
    return f"ps-{permission_set_name}-inline"


def central_assignment(label: str) -> str:
    """The platform admins' assignment into a central account (shared-services, log-archive)."""
    return f"assign-{label}"


# ---------------------------------------------------------------- a team's access stack


def assignment(account_key: str, group_name: str, permission_set_name: str) -> str:
    """*Earlier address* of a group's account assignment, before assignments were one `for_each` construct."""
    return f"assign-{account_key}-{group_name}-{permission_set_name}"


def instance_types_attachment(account_key: str) -> str:
    """The team's instance-type SCP attached to one of its accounts."""
    return f"instance-types-{account_key}"


def portfolio_association(template: str, role_name: str) -> str:
    """A template's portfolio made visible to one execution role (IAM_PATTERN association)."""
    return f"portfolio-{safe_id(template)}-{role_name}"


# ---------------------------------------------------------------- organization


def ou(path: str) -> str:
    return f"ou-{safe_id(path)}"


def scp(name: str) -> str:
    return f"scp-{name}"


def scp_attachment(name: str) -> str:
    return f"scp-{name}-attachment"


def account(key: str) -> str:
    """A team account, in the organization stack or its team's access stack (the same id in both: a move)."""
    return f"account-{key}"


def account_address(key: str) -> str:
    """Its Terraform address there (the review matches destroy findings to accounts by it)."""
    return f"aws_organizations_account.{account(key)}"


# The organization's account list in an access stack whose accounts are moving (a data source): their import ids.
ORGANIZATION_LOOKUP = "organization-lookup"


def account_lookup(email: str) -> str:
    """The import id of a moving account, as a Terraform expression (without `${}`): the id of the organization's
    account with this email, read at plan time. `one()` fails the plan when none (or two) match, so a missing account
    is never created in its place (AWS keeps account emails unique). The email is a quoted string inside it: a `${` in
    it is escaped with the rest of the literal text (tfexpr.finalize)."""
    accounts = f"data.aws_organizations_organization.{ORGANIZATION_LOOKUP}.accounts"
    return f"one([for a in {accounts} : a.id if lower(a.email) == lower({json.dumps(email)})])"


# Construct ids of a team account's stack that read like an access stack's name (`<team>-access`): an account stack
# reads its team's and its share peers' access stacks through remote states named after them, so no team's access
# stack may take one of these names (registry/checks/stack_names.py; tests/synth/test_derived_claims.py lists them).
ACCOUNT_STACK_ACCESS_IDS = ("data-bucket-public-access", "studio-access")


def alarm_subscription(user_name: str) -> str:
    """A platform admin's email subscription to the security alarms."""
    return f"security-alarms-{safe_id(user_name)}"


# ---------------------------------------------------------------- shared services: catalog and libraries


def product(template: str) -> str:
    return f"product-{safe_id(template)}"


def portfolio(template: str) -> str:
    return f"portfolio-{safe_id(template)}"


def portfolio_product(template: str) -> str:
    return f"portfolio-{safe_id(template)}-product"


def portfolio_launch(template: str) -> str:
    return f"portfolio-{safe_id(template)}-launch"


def portfolio_share(template: str, ou_path: str) -> str:
    return f"portfolio-{safe_id(template)}-share-{safe_id(ou_path)}"


def template_object(template: str, version: str) -> str:
    """One version's template body in the catalog bucket."""
    return f"template-{safe_id(template)}-{safe_id(version)}"


def artifact(template: str, version: str) -> str:
    """A provisioning artifact: every version but the oldest, which is the product's own (oldest_first)."""
    return f"artifact-{safe_id(template)}-{safe_id(version)}"


def seed_object(template: str) -> str:
    """The current version's seed zip in the catalog bucket."""
    return f"seed-{safe_id(template)}"


def oldest_first(versions: Iterable[str]) -> list[str]:
    """Template versions (dotted numbers), oldest first: the first is the product's own provisioning artifact."""
    return sorted(versions, key=lambda v: tuple(int(part) for part in v.split(".")))


def proxy_repository(upstream: str) -> str:
    """The CodeArtifact proxy repository of one public upstream."""
    return f"libraries-proxy-{upstream}"


# ---------------------------------------------------------------- a team account's stack


# The Studio user profiles of an account stack: one `for_each` construct keyed by user name (aws/sagemaker.py).
PROFILES = "profiles"


def profile_address(user_name: str) -> str:
    """The Terraform address of a user's Studio profile in an account stack (what an allow-destroy entry names)."""
    return f'aws_sagemaker_user_profile.{PROFILES}["{user_name}"]'


def studio_access(profile_name: str) -> str:
    """*Earlier address* of a user's assignment to the Studio application, before one `for_each` construct."""
    return f"studio-access-{profile_name}"


def profile(profile_name: str) -> str:
    """*Earlier address* of a Studio user profile, before one `for_each` construct."""
    return f"profile-{profile_name}"


# AWS Config's per-region resources of an account stack: one `for_each` construct each, keyed by region (aws/audit.py).
CONFIG = {
    "aws_config_configuration_recorder": "config-recorder",
    "aws_config_delivery_channel": "config-delivery",
    "aws_config_configuration_recorder_status": "config-recorder-status",
}


def regional(construct_id: str, region: str, home_region: str) -> str:
    """*Earlier address* of a per-region resource (Config): the account's own region unsuffixed, the others
    `-<region>`."""
    return construct_id if region == home_region else f"{construct_id}-{region}"
