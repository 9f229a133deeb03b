"""Delivery roles: a team account's CI and deploy roles, and the plan role Terraform's pull request plans use."""

from __future__ import annotations

from typing import Any

# What the CI role deploys into a team account: models and endpoints, using the team's execution role.
DEPLOY_ACTIONS = (
    "sagemaker:AddTags",
    "sagemaker:CreateEndpoint",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:CreateModel",
    "sagemaker:DeleteEndpoint",
    "sagemaker:DeleteEndpointConfig",
    "sagemaker:DeleteModel",
    "sagemaker:DescribeEndpoint",
    "sagemaker:DescribeEndpointConfig",
    "sagemaker:DescribeModel",
    "sagemaker:DescribeModelPackage",
    "sagemaker:ListModelPackages",
    "sagemaker:UpdateEndpoint",
    "sagemaker:UpdateEndpointWeightsAndCapacities",
)


def deploy_trust(*, shared_services_account_id: str, ci_role: str) -> dict[str, Any]:
    """Only this account's CI role in shared services may assume its deploy role (the CI role is created in the
    same stack, before the deploy role, so it exists when IAM checks the principal)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ThisAccountsCiRoleOnly",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{shared_services_account_id}:role/{ci_role}"},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def deploy_policy(*, account_id: str, region: str, execution_role: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DeployModelsAndEndpoints",
                "Effect": "Allow",
                "Action": list(DEPLOY_ACTIONS),
                "Resource": f"arn:aws:sagemaker:{region}:{account_id}:*",
            },
            {
                "Sid": "PassTheTeamsExecutionRole",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": f"arn:aws:iam::{account_id}:role/{execution_role}",
                "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            },
        ],
    }


def ci_policy(*, account_id: str, deploy_role: str) -> dict[str, Any]:
    """A team account's CI role may assume that account's deploy role, nothing else: no other team, no other
    environment of the same team."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AssumeThisAccountsDeployRole",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": f"arn:aws:iam::{account_id}:role/{deploy_role}",
            }
        ],
    }


def ci_trust(*, account_id: str, region: str, prefix: str) -> dict[str, Any]:
    """CodeBuild projects and CodePipeline pipelines of the shared services account whose names start with the
    team account's prefix (`<org>-<team>-<environment>-`), and no other: aws:SourceArn is the calling project or
    pipeline (https://docs.aws.amazon.com/codebuild/latest/userguide/cross-service-confused-deputy-prevention.html,
    https://docs.aws.amazon.com/codepipeline/latest/userguide/security-iam.html#confused-deputy-prevention).
    Shared services is the platform's account: only the platform creates projects and pipelines there."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ThisTeamAccountsPipelines",
                "Effect": "Allow",
                "Principal": {"Service": ["codebuild.amazonaws.com", "codepipeline.amazonaws.com"]},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {
                        "aws:SourceArn": [
                            f"arn:aws:codebuild:{region}:{account_id}:project/{prefix}-*",
                            f"arn:aws:codepipeline:{region}:{account_id}:{prefix}-*",
                        ]
                    },
                },
            }
        ],
    }


# The AWS managed policy the plan role reads with: every Describe/Get/List Terraform's refresh needs.
# https://docs.aws.amazon.com/aws-managed-policy/latest/reference/ReadOnlyAccess.html
READ_ONLY_POLICY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def plan_trust(*, management_account_id: str, github_plan_role: str) -> dict[str, Any]:
    """Only the plan identity of the management account (the role GitHub's OIDC token of the plan workflow
    assumes, README "Security model") may assume a plan role. Named through aws:PrincipalArn so the trust is
    valid before that role exists (IAM refuses a missing role as a principal)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ThePlanIdentityOnly",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{management_account_id}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{management_account_id}:role/{github_plan_role}"}},
            }
        ],
    }


def plan_deny_data(*, data_buckets: list[str]) -> dict[str, Any]:
    """ReadOnlyAccess also reads data; a plan needs configuration only. A pull request's plan must not read the
    team's objects, decrypt, or read secrets and parameters."""
    objects = [f"arn:aws:s3:::{b}/*" for b in data_buckets]
    statements = [
        {
            "Sid": "NoSecretsOrDecryption",
            "Effect": "Deny",
            "Action": [
                "kms:Decrypt",
                "secretsmanager:GetSecretValue",
                "ssm:GetParameter",
                "ssm:GetParameters",
                "ssm:GetParametersByPath",
                "sagemaker:CreatePresignedDomainUrl",
            ],
            "Resource": "*",
        }
    ]
    if objects:
        statements.append(
            {"Sid": "NoDataObjects", "Effect": "Deny", "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": objects}
        )
    return {"Version": "2012-10-17", "Statement": statements}
