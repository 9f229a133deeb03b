"""The guardrails: each a few SCP statements with the reason they exist. Which OU gets which, and how they
are packed into SCPs, is packing.py's business."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..base import naming

# Identity Center names a permission set's role AWSReservedSSO_<permission set>_<16 hex characters>, under
# /aws-reserved/sso.amazonaws.com/ (with a region segment for instances outside us-east-1)
# (https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html). Sixteen `?`
# match exactly the suffix, so `PlatformAdmin_ReadOnly` (another permission set) is not exempt.
_SSO_SUFFIX = "?" * 16
PLATFORM_PRINCIPALS = (
    # Terraform (Atlantis) works in member accounts through this role.
    f"arn:aws:iam::*:role/{naming.ORGANIZATION_ACCESS_ROLE}",
    # People in the platform admins group, through their Identity Center permission set.
    f"arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_{naming.PLATFORM_ADMIN_PERMISSION_SET}_{_SSO_SUFFIX}",
    f"arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_{naming.PLATFORM_ADMIN_PERMISSION_SET}_{_SSO_SUFFIX}",
)


@dataclass(frozen=True)
class Guardrail:
    name: str
    reason: str
    statements: tuple[dict[str, Any], ...]


def access_role_arns(roles: dict[str, str]) -> tuple[str, ...]:
    """Adopted accounts whose organization.yaml entry names another access role (account id -> role name): that
    role, in that account only, is how Terraform and the post-step work there, so the platform's exemptions
    and protections name it as they name OrganizationAccountAccessRole."""
    return tuple(f"arn:aws:iam::{account}:role/{role}" for account, role in sorted(roles.items()))


def _not_platform(access_roles: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"ArnNotLike": {"aws:PrincipalArn": [*PLATFORM_PRINCIPALS, *access_roles]}}


def deny_leave_organization() -> Guardrail:
    return Guardrail(
        "deny-leave-organization",
        "A member account that leaves the organization escapes every guardrail and the consolidated bill.",
        ({"Sid": "DenyLeaveOrganization", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"},),
    )


# Global services whose calls land in us-east-1 (or have no region) and must not be blocked by a
# region guardrail. From AWS's example "Deny access to AWS based on the requested AWS Region":
# https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html
GLOBAL_SERVICE_ACTIONS = (
    "a4b:*",
    "access-analyzer:*",
    "account:*",
    "acm:*",
    "aws-marketplace-management:*",
    "aws-marketplace:*",
    "aws-portal:*",
    "budgets:*",
    "ce:*",
    "chime:*",
    "cloudfront:*",
    "config:*",
    "cur:*",
    "directconnect:*",
    "ec2:DescribeRegions",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeVpnGateways",
    "fms:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "importexport:*",
    "kms:*",
    "mobileanalytics:*",
    "networkmanager:*",
    "organizations:*",
    "pricing:*",
    "route53:*",
    "route53domains:*",
    "route53-recovery-cluster:*",
    "route53-recovery-control-config:*",
    "route53-recovery-readiness:*",
    "s3:CreateMultiRegionAccessPoint",
    "s3:DeleteMultiRegionAccessPoint",
    "s3:DescribeMultiRegionAccessPointOperation",
    "s3:GetAccountPublicAccessBlock",
    "s3:GetBucketLocation",
    "s3:GetMultiRegionAccessPoint",
    "s3:GetMultiRegionAccessPointPolicy",
    "s3:GetMultiRegionAccessPointPolicyStatus",
    "s3:GetStorageLensConfiguration",
    "s3:GetStorageLensDashboard",
    "s3:ListAllMyBuckets",
    "s3:ListMultiRegionAccessPoints",
    "s3:ListStorageLensConfigurations",
    "s3:PutAccountPublicAccessBlock",
    "s3:PutMultiRegionAccessPointPolicy",
    "savingsplans:*",
    "shield:*",
    "sso:*",
    "sts:*",
    "support:*",
    "trustedadvisor:*",
    "waf-regional:*",
    "waf:*",
    "wafv2:*",
    "wellarchitected:*",
)


def deny_unapproved_regions(allowed_regions: tuple[str, ...]) -> Guardrail:
    return Guardrail(
        "deny-unapproved-regions",
        "Data and spend stay in the regions the organization approved (allowed_regions).",
        (
            {
                "Sid": "DenyOutsideAllowedRegions",
                "Effect": "Deny",
                "NotAction": list(GLOBAL_SERVICE_ACTIONS),
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": sorted(allowed_regions)}},
            },
        ),
    )


def deny_root_user() -> Guardrail:
    return Guardrail(
        "deny-root-user",
        "Nobody works as a member account's root user; people sign in through Identity Center.",
        (
            {
                "Sid": "DenyRootUser",
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}},
            },
        ),
    )


def protect_audit(log_bucket: str, access_roles: tuple[str, ...] = ()) -> Guardrail:
    """CloudTrail, Config and the log archive keep recording whatever happens in an account."""
    return Guardrail(
        "protect-audit",
        "CloudTrail, AWS Config and the log archive bucket record what happens; only the platform may change them.",
        (
            {
                "Sid": "ProtectCloudTrail",
                "Effect": "Deny",
                "Action": ["cloudtrail:DeleteTrail", "cloudtrail:PutEventSelectors", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail"],
                "Resource": "*",
                "Condition": _not_platform(access_roles),
            },
            {
                "Sid": "ProtectConfig",
                "Effect": "Deny",
                "Action": [
                    "config:DeleteConfigurationRecorder",
                    "config:DeleteDeliveryChannel",
                    "config:DeleteRetentionConfiguration",
                    "config:PutConfigurationRecorder",
                    "config:PutDeliveryChannel",
                    "config:StopConfigurationRecorder",
                ],
                "Resource": "*",
                "Condition": _not_platform(access_roles),
            },
            {
                "Sid": "ProtectLogArchive",
                "Effect": "Deny",
                "Action": [
                    "s3:DeleteBucket",
                    "s3:DeleteBucketPolicy",
                    "s3:DeleteObject",
                    "s3:DeleteObjectVersion",
                    "s3:PutBucketPolicy",
                    "s3:PutLifecycleConfiguration",
                ],
                "Resource": [f"arn:aws:s3:::{log_bucket}", f"arn:aws:s3:::{log_bucket}/*"],
            },
        ),
    )


def protect_platform_roles(org: str, access_roles: tuple[str, ...] = ()) -> Guardrail:
    roles = [
        f"arn:aws:iam::*:role/{naming.ORGANIZATION_ACCESS_ROLE}",
        *access_roles,
        f"arn:aws:iam::*:role/{org}-*-sagemaker-execution",
        f"arn:aws:iam::*:role/{naming.projects_launch_role(org)}",
        f"arn:aws:iam::*:role/{naming.deploy_role(org)}",
        f"arn:aws:iam::*:role/{org}-*-ci",
        f"arn:aws:iam::*:role/{naming.plan_role(org)}",
        f"arn:aws:iam::*:role/{naming.config_role(org)}",
    ]
    return Guardrail(
        "protect-platform-roles",
        "The roles the platform relies on (access, execution, launch, deploy, config) change only through the platform.",
        (
            {
                "Sid": "ProtectPlatformRoles",
                "Effect": "Deny",
                "Action": [
                    "iam:AttachRolePolicy",
                    "iam:CreateRole",
                    "iam:DeleteRole",
                    "iam:DeleteRolePermissionsBoundary",
                    "iam:DeleteRolePolicy",
                    "iam:DetachRolePolicy",
                    "iam:PutRolePermissionsBoundary",
                    "iam:PutRolePolicy",
                    "iam:TagRole",
                    "iam:UntagRole",
                    "iam:UpdateAssumeRolePolicy",
                    "iam:UpdateRole",
                    "iam:UpdateRoleDescription",
                ],
                "Resource": roles,
                "Condition": _not_platform(access_roles),
            },
        ),
    )


# SageMaker condition keys: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html
VPC_JOB_ACTIONS = (
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateModel",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
)


def sagemaker_vpc_only() -> Guardrail:
    return Guardrail(
        "sagemaker-vpc-only",
        "In vpc_only environments SageMaker reaches nothing but the account's VPC: no public Studio, "
        "no notebook with direct internet access, no job or model outside the VPC.",
        # CreateDomain without the key creates a public domain (PublicInternetOnly is the default):
        # a missing key is denied. UpdateDomain carries the key only when the call changes the
        # network mode (the provider's UpdateDomain for idle shutdown or settings does not), so it
        # is denied only when the key is present and not VpcOnly. `StringNotEqualsIfExists` would
        # not do: IfExists evaluates a missing key as true, which still denies.
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
        (
            {
                "Sid": "DenyPublicStudioDomains",
                "Effect": "Deny",
                "Action": "sagemaker:CreateDomain",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"sagemaker:AppNetworkAccessType": "VpcOnly"}},
            },
            {
                "Sid": "DenyStudioDomainsTurningPublic",
                "Effect": "Deny",
                "Action": "sagemaker:UpdateDomain",
                "Resource": "*",
                "Condition": {
                    "StringNotEquals": {"sagemaker:AppNetworkAccessType": "VpcOnly"},
                    "Null": {"sagemaker:AppNetworkAccessType": "false"},
                },
            },
            {
                "Sid": "DenyNotebookInternet",
                "Effect": "Deny",
                "Action": "sagemaker:CreateNotebookInstance",
                "Resource": "*",
                "Condition": {"StringEquals": {"sagemaker:DirectInternetAccess": "Enabled"}},
            },
            {
                "Sid": "DenyWorkOutsideVpc",
                "Effect": "Deny",
                "Action": list(VPC_JOB_ACTIONS),
                "Resource": "*",
                "Condition": {"Null": {"sagemaker:VpcSubnets": "true"}},
            },
        ),
    )


def studio_source_networks(cidrs: tuple[str, ...]) -> Guardrail:
    """What AWS offers to keep Studio sessions to known networks: the presigned-URL calls carry aws:SourceIp.
    Covered: presigned Studio and notebook URLs (IAM-mode sign-in, scripts), from any principal.
    Not covered: the Identity Center portal's own sign-in, and traffic from the Studio apps themselves
    (use vpc_only environments and the identity provider's network policy for those)."""
    return Guardrail(
        "studio-source-networks",
        "Studio sessions are opened only from the company's networks (network.studio_allowed_cidrs).",
        (
            {
                "Sid": "DenyStudioUrlsOutsideNetworks",
                "Effect": "Deny",
                "Action": ["sagemaker:CreatePresignedDomainUrl", "sagemaker:CreatePresignedNotebookInstanceUrl"],
                "Resource": "*",
                "Condition": {"NotIpAddress": {"aws:SourceIp": sorted(cidrs)}, "Bool": {"aws:ViaAWSService": "false"}},
            },
        ),
    )


def suspended_lockdown(org: str, access_roles: tuple[str, ...] = ()) -> Guardrail:
    # AWS Config keeps recording a decommissioned account: its recorder role reads and delivers as itself.
    recorder = f"arn:aws:iam::*:role/{naming.config_role(org)}"
    return Guardrail(
        "suspended-lockdown",
        "Decommissioned teams' accounts keep their data but nobody but the platform (and its Config recorder) works in them.",
        (
            {
                "Sid": "DenyAllButPlatform",
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": [*PLATFORM_PRINCIPALS, *access_roles, recorder]}},
            },
        ),
    )


def instance_types(team: str, allowed: tuple[str, ...]) -> Guardrail:
    """The team's instance types for every principal in its accounts: people (whose permission sets may carry
    AmazonSageMakerFullAccess), CI and the execution role alike. `ForAnyValue:StringNotLike` matches only when
    the request names an instance type outside the list; calls without one (a domain update, a Studio space)
    are not affected. Studio's JupyterServer and KernelGateway apps use the instance type `system`."""
    return Guardrail(
        f"{team}-instance-types",
        f"Team {team} runs SageMaker compute only on the instance types its file lists.",
        (
            {
                "Sid": "DenyOtherInstanceTypes",
                "Effect": "Deny",
                "Action": sorted(INSTANCE_TYPE_LIMITED_ACTIONS),
                "Resource": "*",
                "Condition": {"ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": sorted(set(allowed) | {STUDIO_SYSTEM_INSTANCE})}},
            },
        ),
    )


STUDIO_SYSTEM_INSTANCE = "system"
# Every SageMaker action that takes sagemaker:InstanceTypes
# (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html).
INSTANCE_TYPE_LIMITED_ACTIONS = (
    "sagemaker:CreateApp",
    "sagemaker:CreateDomain",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateSpace",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateTransformJob",
    "sagemaker:CreateUserProfile",
    "sagemaker:UpdateDomain",
    "sagemaker:UpdateNotebookInstance",
    "sagemaker:UpdateSpace",
    "sagemaker:UpdateUserProfile",
)
