"""SageMaker in a team account: the execution role, the Studio domain (Identity Center login), user profiles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cdktn_provider_aws.provider import AwsProvider
from cdktn_provider_aws.sagemaker_domain import SagemakerDomain
from cdktn_provider_aws.sagemaker_user_profile import SagemakerUserProfile
from cdktn_provider_aws.ssoadmin_application_assignment import SsoadminApplicationAssignment
from constructs import Construct

from ..base import ids
from ..plan.records import AccountStack
from ..policies import execution_role
from .base import PlatformStack, for_each, policy_json
from .iam import iam
from .network import Network
from .refs import each, instance, ref


def build_execution_role(scope: PlatformStack, *, acct: AccountStack, account_id: str, key_arn: str) -> str:
    """The team's execution role and its least-privilege policy; returns the role ARN."""
    roles = iam(scope)
    roles.role(
        "execution-role",
        name=acct.role_name,
        description=f"SageMaker execution role of {acct.account.team} in {acct.account.environment}",
        assume_role_policy=policy_json(execution_role.sagemaker_trust(account_id)),
    )
    roles.inline_policy(
        "execution-role-policy",
        role="execution-role",
        name="least-privilege",
        policy=execution_role.execution_role_policy(
            account_id=account_id,
            region=acct.region,
            role_name=acct.role_name,
            bucket=acct.bucket_name,
            key_arn=key_arn,
            instance_types=acct.instance_types,
        ),
    )
    return roles.role_ref("execution-role", "arn")


def build_domain(
    scope: Construct, *, acct: AccountStack, network: Network, role_arn: str, key_arn: str, lifecycle_configs: dict[str, str] | None = None
) -> None:
    """lifecycle_configs: app type -> lifecycle configuration ARN, attached as the domain's default for that app
    (https://docs.aws.amazon.com/sagemaker/latest/dg/studio-lcc-defaults.html), in private spaces (user settings)
    and shared spaces (space settings; the provider's space settings take JupyterLab only)."""
    idle = {
        "app_lifecycle_management": {
            "idle_settings": {"lifecycle_management": "ENABLED", "idle_timeout_in_minutes": acct.idle_shutdown_minutes}
        }
    }

    def app(app_type: str) -> dict[str, Any]:
        arn = (lifecycle_configs or {}).get(app_type)
        return {**idle, "lifecycle_config_arns": [arn], "default_resource_spec": {"lifecycle_config_arn": arn}} if arn else idle

    SagemakerDomain(
        scope,
        "domain",
        domain_name=acct.domain_name,
        auth_mode="SSO",
        app_network_access_type="VpcOnly" if acct.vpc_only else "PublicInternetOnly",
        vpc_id=network.vpc_id,
        subnet_ids=network.subnet_ids,
        kms_key_id=key_arn,
        default_user_settings={
            "execution_role": role_arn,
            "security_groups": [network.security_group_id],
            "studio_web_portal": "ENABLED",
            "default_landing_uri": "studio::",
            "jupyter_lab_app_settings": app("JupyterLab"),
            "code_editor_app_settings": app("CodeEditor"),
        },
        default_space_settings={
            "execution_role": role_arn,
            "security_groups": [network.security_group_id],
            "jupyter_lab_app_settings": app("JupyterLab"),
        }
        if lifecycle_configs
        else None,
        domain_settings={"security_group_ids": [network.security_group_id]},
        # Deleting the domain never deletes the people's home directories.
        retention_policy={"home_efs_file_system": "Retain"},
    )


def build_profiles(
    scope: PlatformStack, *, acct: AccountStack, role_arn: str, user_ids: Callable[[str], str], management: AwsProvider
) -> None:
    """A user profile per Studio member, and that member's access to the domain's Identity Center application: one
    `for_each` construct each, keyed by user name (docs/design.md, "Stable construct ids"). The `moved` blocks carry the state of
    the earlier one-construct-per-member addresses; a member removed from the map is a profile destroyed (guarded)."""
    users = sorted(acct.studio_users, key=lambda u: u.user_name)
    # SageMaker creates an Identity Center user's profile only once the user is assigned to the domain's
    # application (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-userprofile.html).
    access = SsoadminApplicationAssignment(
        scope,
        "studio-access",
        for_each=for_each({u.user_name: {"principal_id": user_ids(u.user_name)} for u in users}),
        application_arn=ref("aws_sagemaker_domain", "domain", "single_sign_on_application_arn"),
        principal_id=each("principal_id"),
        principal_type="USER",
        provider=management,
    )
    SagemakerUserProfile(
        scope,
        ids.PROFILES,
        for_each=for_each({u.user_name: {"profile_name": u.profile_name} for u in users}),
        domain_id=ref("aws_sagemaker_domain", "domain", "id"),
        user_profile_name=each("profile_name"),
        single_sign_on_user_identifier="UserName",
        single_sign_on_user_value=each(),
        user_settings={"execution_role": role_arn},
        depends_on=[access],
    )
    moves = {}
    for u in users:
        moves[f"aws_ssoadmin_application_assignment.{ids.studio_access(u.profile_name)}"] = instance(
            "aws_ssoadmin_application_assignment", "studio-access", u.user_name
        )
        moves[f"aws_sagemaker_user_profile.{ids.profile(u.profile_name)}"] = instance(
            "aws_sagemaker_user_profile", ids.PROFILES, u.user_name
        )
    scope.moved(moves)
