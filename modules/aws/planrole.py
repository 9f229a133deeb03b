"""The read-only plan role in one account: plans in mode `plan` (naming.ACCESS_MODE_VARIABLE) assume it instead of the access role."""

from __future__ import annotations

from cdktn_provider_aws.provider import AwsProvider

from .. import policies
from ..base import naming
from .base import PlatformStack, policy_json
from .iam import iam


def build_plan_role(
    scope: PlatformStack,
    *,
    org: str,
    management_account_id: str,
    data_buckets: list[str],
    provider: AwsProvider | None = None,
    prefix: str = "plan-role",
) -> None:
    """`<org>-plan`: ReadOnlyAccess minus data reads, trusted only by the management account's plan identity.
    It writes nothing: the state is read by the plan identity itself, and plans run with -lock=false."""
    roles = iam(scope)
    roles.role(
        prefix,
        provider=provider,
        name=naming.plan_role(org),
        description="Read-only: terraform plan of pull requests (never apply)",
        assume_role_policy=policy_json(
            policies.plan_trust(management_account_id=management_account_id, github_plan_role=naming.github_plan_role(org))
        ),
    )
    roles.attach(f"{prefix}-read-only", role=prefix, policy_arn=policies.READ_ONLY_POLICY_ARN)
    roles.inline_policy(
        f"{prefix}-no-data",
        role=prefix,
        name="no-data-reads",
        policy=policy_json(policies.plan_deny_data(data_buckets=data_buckets)),
    )
