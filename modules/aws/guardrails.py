"""Service control policies: each one small function with the reason it exists.

The organization stack attaches the baseline set at each top-level workloads OU (and Suspended).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Guardrail:
    name: str
    description: str
    document: dict


def deny_leave_organization() -> Guardrail:
    """A member account that leaves the organization escapes every guardrail and the consolidated bill."""
    return Guardrail("deny-leave-organization", "Member accounts cannot leave the organization", {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DenyLeaveOrganization", "Effect": "Deny",
                       "Action": "organizations:LeaveOrganization", "Resource": "*"}],
    })


# Global services whose calls land in us-east-1 (or have no region) and must not be blocked by a
# region guardrail. From AWS's example "Deny access to AWS based on the requested AWS Region":
# https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html
GLOBAL_SERVICE_ACTIONS = (
    "a4b:*", "access-analyzer:*", "account:*", "acm:*", "aws-marketplace-management:*", "aws-marketplace:*",
    "aws-portal:*", "budgets:*", "ce:*", "chime:*", "cloudfront:*", "config:*", "cur:*", "directconnect:*",
    "ec2:DescribeRegions", "ec2:DescribeTransitGateways", "ec2:DescribeVpnGateways", "fms:*",
    "globalaccelerator:*", "health:*", "iam:*", "importexport:*", "kms:*", "mobileanalytics:*",
    "networkmanager:*", "organizations:*", "pricing:*", "route53:*", "route53domains:*",
    "route53-recovery-cluster:*", "route53-recovery-control-config:*", "route53-recovery-readiness:*",
    "s3:CreateMultiRegionAccessPoint", "s3:DeleteMultiRegionAccessPoint", "s3:DescribeMultiRegionAccessPointOperation",
    "s3:GetAccountPublicAccessBlock", "s3:GetBucketLocation", "s3:GetMultiRegionAccessPoint",
    "s3:GetMultiRegionAccessPointPolicy", "s3:GetMultiRegionAccessPointPolicyStatus", "s3:GetStorageLensConfiguration",
    "s3:GetStorageLensDashboard", "s3:ListAllMyBuckets", "s3:ListMultiRegionAccessPoints", "s3:ListStorageLensConfigurations",
    "s3:PutAccountPublicAccessBlock", "s3:PutMultiRegionAccessPointPolicy", "savingsplans:*", "shield:*", "sso:*",
    "sts:*", "support:*", "trustedadvisor:*", "waf-regional:*", "waf:*", "wafv2:*", "wellarchitected:*",
)


def deny_unapproved_regions(allowed_regions: tuple[str, ...]) -> Guardrail:
    """Data and spend stay in the regions the organization approved (allowed_regions)."""
    return Guardrail("deny-unapproved-regions", "Deny actions outside " + ", ".join(allowed_regions), {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyOutsideAllowedRegions",
            "Effect": "Deny",
            "NotAction": list(GLOBAL_SERVICE_ACTIONS),
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": sorted(allowed_regions)}},
        }],
    })


def deny_root_user() -> Guardrail:
    """Nobody works as the root user of a member account; people sign in through Identity Center."""
    return Guardrail("deny-root-user", "Deny every action by a member account's root user", {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyRootUser",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}},
        }],
    })


def baseline(allowed_regions: tuple[str, ...]) -> tuple[Guardrail, ...]:
    return (deny_leave_organization(), deny_unapproved_regions(allowed_regions), deny_root_user())
