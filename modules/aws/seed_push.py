"""The CodeBuild project in shared services that pushes seed code through the catalog's CodeConnections connection
(modules/base/seed_push.py says why; the post-step's `seed-code` job starts its builds)."""

from __future__ import annotations

from cdktn_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktn_provider_aws.codebuild_project import (
    CodebuildProject,
    CodebuildProjectArtifacts,
    CodebuildProjectEnvironment,
    CodebuildProjectLogsConfig,
    CodebuildProjectLogsConfigCloudwatchLogs,
    CodebuildProjectSource,
)

from .. import policies
from ..base import seed_push
from .base import PlatformStack, policy_json
from .iam import iam

LOG_RETENTION_DAYS = 365


def build_seed_push(
    stack: PlatformStack, *, org: str, account_id: str, region: str, bucket: str, key_arn: str, connection_arn: str
) -> None:
    project = seed_push.project_name(org)
    roles = iam(stack)
    roles.role(
        "seed-push-role",
        name=project,
        description="CodeBuild pushes the catalog's seed code to its seed repositories through the connection",
        assume_role_policy=policy_json(policies.service_trust("codebuild.amazonaws.com", account_id)),
    )
    roles.inline_policy(
        "seed-push-policy",
        role="seed-push-role",
        name="push-seed-code",
        policy=policy_json(
            policies.seed_push_policy(
                account_id=account_id, region=region, bucket=bucket, key_arn=key_arn, connection_arn=connection_arn, project=project
            )
        ),
    )
    group = log_group(org)
    CloudwatchLogGroup(stack, "seed-push-logs", name=group, retention_in_days=LOG_RETENTION_DAYS, kms_key_id=key_arn)
    codebuild = CodebuildProject(
        stack,
        "seed-push",
        name=project,
        description="Pushes each published template version's seed code to its seed repository (post-step seed-code)",
        service_role=roles.role_ref("seed-push-role", "arn"),
        # Each build names the seed repository as its source (the post-step's overrides): the project has none.
        source=CodebuildProjectSource(type="NO_SOURCE", buildspec=seed_push.BUILDSPEC),
        artifacts=CodebuildProjectArtifacts(type="NO_ARTIFACTS"),
        environment=CodebuildProjectEnvironment(compute_type="BUILD_GENERAL1_SMALL", image=seed_push.IMAGE, type="LINUX_CONTAINER"),
        encryption_key=key_arn,
        build_timeout=15,
        logs_config=CodebuildProjectLogsConfig(cloudwatch_logs=CodebuildProjectLogsConfigCloudwatchLogs(group_name=group)),
    )
    roles.after_role(codebuild, "seed-push-role")  # CodeBuild checks its role when the project is created


def log_group(org: str) -> str:
    return f"/aws/codebuild/{seed_push.project_name(org)}"
