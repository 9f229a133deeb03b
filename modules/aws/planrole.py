"""The read-only plan role in one account: pull-request plans assume it instead of the apply role (base.ROLE_VARIABLE)."""

from __future__ import annotations

from cdktn_provider_aws.iam_role import IamRole
from cdktn_provider_aws.iam_role_policy import IamRolePolicy
from cdktn_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktn_provider_aws.provider import AwsProvider
from constructs import Construct

from .. import naming, policies
from .base import policy_json
from .refs import ref


def build_plan_role(
    scope: Construct,
    *,
    org: str,
    management_account_id: str,
    data_buckets: list[str],
    provider: AwsProvider | None = None,
    prefix: str = "plan-role",
) -> None:
    """`<org>-plan`: ReadOnlyAccess minus data reads, trusted only by the management account's plan identity.
    It writes nothing: the state is read by the plan identity itself, and plans run with -lock=false."""
    IamRole(
        scope,
        prefix,
        provider=provider,
        name=naming.plan_role(org),
        description="Read-only: terraform plan of pull requests (never apply)",
        assume_role_policy=policy_json(
            policies.plan_trust(management_account_id=management_account_id, github_plan_role=naming.github_plan_role(org))
        ),
    )
    IamRolePolicyAttachment(
        scope, f"{prefix}-read-only", provider=provider, role=ref("aws_iam_role", prefix, "name"), policy_arn=policies.READ_ONLY_POLICY_ARN
    )
    IamRolePolicy(
        scope,
        f"{prefix}-no-data",
        provider=provider,
        name="no-data-reads",
        role=ref("aws_iam_role", prefix, "id"),
        policy=policy_json(policies.plan_deny_data(data_buckets=data_buckets)),
    )
