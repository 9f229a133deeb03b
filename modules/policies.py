"""IAM policy documents as pure functions of plain values, so tests and linters read them without cdktn."""
from __future__ import annotations

from typing import Any

from . import naming


def service_trust(service: str, account_id: str) -> dict[str, Any]:
    """Only this AWS service, acting for this account, may assume the role."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "ServiceInThisAccount",
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        }],
    }


# What CloudFormation's handler of each resource type the catalog's templates use calls, with the launch
# role's credentials (create, update, read and delete handlers together), from the resource type schemas'
# `handlers` sections (https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html;
# AWS::SageMaker::ModelPackageGroup: https://github.com/aws-cloudformation/aws-cloudformation-resource-providers-sagemaker;
# AWS::S3::Bucket: https://github.com/aws-cloudformation/aws-cloudformation-resource-providers-s3;
# AWS::CodeCommit::Repository: its published schema, as cfn-lint ships it in cfnlint/data/schemas).
# A template that uses another type fails a test until the type is added here.
LAUNCH_HANDLER_PERMISSIONS: dict[str, frozenset[str]] = {
    "AWS::SageMaker::ModelPackageGroup": frozenset({
        "sagemaker:AddTags", "sagemaker:CreateModelPackageGroup", "sagemaker:DeleteModelPackageGroup",
        "sagemaker:DeleteModelPackageGroupPolicy", "sagemaker:DeleteTags", "sagemaker:DescribeModelPackageGroup",
        "sagemaker:GetModelPackageGroupPolicy", "sagemaker:ListTags", "sagemaker:PutModelPackageGroupPolicy",
    }),
    "AWS::S3::Bucket": frozenset({
        "s3:CreateBucket", "s3:DeleteBucket", "s3:GetBucketLocation", "s3:GetBucketTagging", "s3:GetBucketVersioning",
        "s3:GetEncryptionConfiguration", "s3:GetBucketPublicAccessBlock", "s3:ListBucket",
        "s3:PutBucketPublicAccessBlock", "s3:PutBucketTagging", "s3:PutBucketVersioning", "s3:PutEncryptionConfiguration",
    }),
    # The create handler reads the seed zip (Code.S3) with the caller's credentials: s3:GetObject(Version).
    "AWS::CodeCommit::Repository": frozenset({
        "codecommit:CreateCommit", "codecommit:CreateRepository", "codecommit:DeleteRepository", "codecommit:GetRepository",
        "codecommit:GetRepositoryTriggers", "codecommit:ListRepositories", "codecommit:ListTagsForResource",
        "codecommit:PutRepositoryTriggers", "codecommit:TagResource", "codecommit:UntagResource",
        "codecommit:UpdateRepositoryDescription", "codecommit:UpdateRepositoryEncryptionKey",
        "codecommit:UpdateRepositoryName", "s3:GetObject", "s3:GetObjectVersion",
    }),
}
# Repositories the shipped templates create (SageMaker's own templates name them sagemaker-<project>-...).
PROJECT_REPOSITORY_PATTERNS = ("sagemaker-*",)
# Seed zips in the catalog bucket (modules/seed.py seed_key).
SEED_OBJECT_PATTERN = "templates/*-seed.zip"

# Buckets the shipped Projects templates create; a template that creates others needs them added here.
PROJECT_BUCKET_PATTERNS = ("sagemaker-batch-*", "sagemaker-project-*")


def projects_launch_policy(*, account_id: str, region: str, seeds: tuple[str, str] | None = None) -> dict[str, Any]:
    """What Service Catalog may do when a team launches a Projects template in its account: run the
    CloudFormation stack (SC-*) and create what the catalog's templates create, nothing else.
    seeds: (catalog bucket, shared services account id) when a template the team sees has seed code: the
    project's repository is created from the seed zip there.
    https://docs.aws.amazon.com/servicecatalog/latest/adminguide/constraints-launch.html"""
    buckets = [f"arn:aws:s3:::{p}" for p in PROJECT_BUCKET_PATTERNS]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ProvisioningStacks",
                "Effect": "Allow",
                "Action": ["cloudformation:CreateStack", "cloudformation:DeleteStack", "cloudformation:DescribeStackEvents",
                           "cloudformation:DescribeStacks", "cloudformation:SetStackPolicy", "cloudformation:UpdateStack"],
                "Resource": f"arn:aws:cloudformation:{region}:{account_id}:stack/SC-*",
            },
            {
                "Sid": "ReadTemplates",
                "Effect": "Allow",
                "Action": ["cloudformation:GetTemplateSummary", "cloudformation:ValidateTemplate"],
                "Resource": "*",
            },
            {
                "Sid": "TemplateArtifactsOfServiceCatalog",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {"StringEquals": {"s3:ExistingObjectTag/servicecatalog:provisioning": "true"}},
            },
            {
                "Sid": "ProjectModelPackageGroups",
                "Effect": "Allow",
                "Action": sorted(LAUNCH_HANDLER_PERMISSIONS["AWS::SageMaker::ModelPackageGroup"]),
                "Resource": f"arn:aws:sagemaker:{region}:{account_id}:model-package-group/*",
            },
            {
                "Sid": "ProjectBuckets",
                "Effect": "Allow",
                "Action": sorted(LAUNCH_HANDLER_PERMISSIONS["AWS::S3::Bucket"]),
                "Resource": buckets,
            },
            *(_seed_statements(account_id, region, *seeds) if seeds else []),
        ],
    }


def _seed_statements(account_id: str, region: str, bucket: str, shared_services_account_id: str) -> list[dict[str, Any]]:
    codecommit = sorted(a for a in LAUNCH_HANDLER_PERMISSIONS["AWS::CodeCommit::Repository"] if a.startswith("codecommit:"))
    return [
        {"Sid": "ProjectRepositories", "Effect": "Allow", "Action": [a for a in codecommit if a != "codecommit:ListRepositories"],
         "Resource": [f"arn:aws:codecommit:{region}:{account_id}:{p}" for p in PROJECT_REPOSITORY_PATTERNS]},
        # ListRepositories takes no resource-level scope
        # (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodecommit.html).
        {"Sid": "ListProjectRepositories", "Effect": "Allow", "Action": "codecommit:ListRepositories", "Resource": "*"},
        {"Sid": "ReadSeedCode", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"],
         "Resource": f"arn:aws:s3:::{bucket}/{SEED_OBJECT_PATTERN}"},
        {"Sid": "DecryptSeedCode", "Effect": "Allow", "Action": "kms:Decrypt",
         "Resource": f"arn:aws:kms:{region}:{shared_services_account_id}:key/*",
         "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}}},
    ]


def seed_reader_statements(*, org: str, org_id: str, bucket: str, region: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(catalog bucket statements, catalog key statements): the Projects launch roles of the organization's
    accounts read the seed zips, and decrypt them through S3, nothing else."""
    launch_roles = {"StringEquals": {"aws:PrincipalOrgID": org_id},
                    "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::*:role/{naming.projects_launch_role(org)}"}}
    bucket_st = [{"Sid": "LaunchRolesReadSeedCode", "Effect": "Allow", "Principal": {"AWS": "*"},
                  "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": f"arn:aws:s3:::{bucket}/{SEED_OBJECT_PATTERN}",
                  "Condition": launch_roles}]
    key_st = [{"Sid": "LaunchRolesDecryptSeedCode", "Effect": "Allow", "Principal": {"AWS": "*"},
               "Action": "kms:Decrypt", "Resource": "*",
               "Condition": {**launch_roles, "StringEquals": {**launch_roles["StringEquals"],
                                                              "kms:ViaService": f"s3.{region}.amazonaws.com"}}}]
    return bucket_st, key_st


def _org_config_recorders(org: str, org_id: str) -> dict[str, Any]:
    """The Config recorder role of any account of this organization (Config delivers with that role)."""
    return {"StringEquals": {"aws:PrincipalOrgID": org_id},
            "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::*:role/{naming.config_role(org)}"}}


def log_archive_key_policy(*, org: str, account_id: str, org_id: str, services: tuple[str, ...]) -> dict[str, Any]:
    """The log archive key: administered through IAM in its account; used by the log-writing services and
    the organization's Config recorder roles, only for accounts of this organization."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AccountAdministersKeyThroughIam", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "LogWritersEncrypt", "Effect": "Allow", "Principal": {"Service": list(services)},
             "Action": ["kms:DescribeKey", "kms:GenerateDataKey"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceOrgID": org_id}}},
            {"Sid": "ConfigRecordersEncrypt", "Effect": "Allow", "Principal": {"AWS": "*"},
             "Action": ["kms:DescribeKey", "kms:GenerateDataKey"], "Resource": "*",
             "Condition": _org_config_recorders(org, org_id)},
        ],
    }


def log_archive_bucket_statements(*, org: str, bucket: str, org_id: str) -> list[dict[str, Any]]:
    """Who writes into the log archive (CloudTrail, Config, VPC flow logs of this organization), and
    that nobody deletes from it."""
    arn = f"arn:aws:s3:::{bucket}"
    from_org = {"StringEquals": {"aws:SourceOrgID": org_id}}
    writers = ["cloudtrail.amazonaws.com", "config.amazonaws.com", "delivery.logs.amazonaws.com"]
    return [
        {"Sid": "LogWritersCheckBucket", "Effect": "Allow", "Principal": {"Service": writers},
         "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": arn, "Condition": from_org},
        {"Sid": "LogWritersDeliver", "Effect": "Allow", "Principal": {"Service": writers},
         "Action": "s3:PutObject", "Resource": f"{arn}/AWSLogs/*",
         "Condition": {"StringEquals": {"aws:SourceOrgID": org_id, "s3:x-amz-acl": "bucket-owner-full-control"}}},
        {"Sid": "ConfigRecordersCheckBucket", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": arn, "Condition": _org_config_recorders(org, org_id)},
        {"Sid": "ConfigRecordersDeliver", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": "s3:PutObject", "Resource": f"{arn}/AWSLogs/*/Config/*", "Condition": _org_config_recorders(org, org_id)},
        {"Sid": "DenyDeletion", "Effect": "Deny", "Principal": "*",
         "Action": ["s3:DeleteBucket", "s3:DeleteObject", "s3:DeleteObjectVersion"], "Resource": [arn, f"{arn}/*"]},
    ]


# What the CI role deploys into a team account: models and endpoints, using the team's execution role.
DEPLOY_ACTIONS = (
    "sagemaker:AddTags", "sagemaker:CreateEndpoint", "sagemaker:CreateEndpointConfig", "sagemaker:CreateModel",
    "sagemaker:DeleteEndpoint", "sagemaker:DeleteEndpointConfig", "sagemaker:DeleteModel",
    "sagemaker:DescribeEndpoint", "sagemaker:DescribeEndpointConfig", "sagemaker:DescribeModel",
    "sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages", "sagemaker:UpdateEndpoint",
    "sagemaker:UpdateEndpointWeightsAndCapacities",
)


def deploy_trust(*, shared_services_account_id: str, ci_role: str) -> dict[str, Any]:
    """Only this account's CI role in shared services may assume its deploy role (the CI role is created in the
    same stack, before the deploy role, so it exists when IAM checks the principal)."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "ThisAccountsCiRoleOnly",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{shared_services_account_id}:role/{ci_role}"},
            "Action": "sts:AssumeRole",
        }],
    }


def deploy_policy(*, account_id: str, region: str, execution_role: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "DeployModelsAndEndpoints", "Effect": "Allow", "Action": list(DEPLOY_ACTIONS),
             "Resource": f"arn:aws:sagemaker:{region}:{account_id}:*"},
            {"Sid": "PassTheTeamsExecutionRole", "Effect": "Allow", "Action": "iam:PassRole",
             "Resource": f"arn:aws:iam::{account_id}:role/{execution_role}",
             "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}},
        ],
    }


def ci_policy(*, account_id: str, deploy_role: str) -> dict[str, Any]:
    """A team account's CI role may assume that account's deploy role, nothing else: no other team, no other
    environment of the same team."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AssumeThisAccountsDeployRole",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": f"arn:aws:iam::{account_id}:role/{deploy_role}",
        }],
    }


def ci_trust(*, account_id: str, region: str, prefix: str) -> dict[str, Any]:
    """CodeBuild projects and CodePipeline pipelines of the shared services account whose names start with the
    team account's prefix (`<org>-<team>-<environment>-`), and no other: aws:SourceArn is the calling project or
    pipeline (https://docs.aws.amazon.com/codebuild/latest/userguide/cross-service-confused-deputy-prevention.html,
    https://docs.aws.amazon.com/codepipeline/latest/userguide/security-iam.html#confused-deputy-prevention).
    Shared services is the platform's account: only the platform creates projects and pipelines there."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "ThisTeamAccountsPipelines",
            "Effect": "Allow",
            "Principal": {"Service": ["codebuild.amazonaws.com", "codepipeline.amazonaws.com"]},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id},
                          "ArnLike": {"aws:SourceArn": [f"arn:aws:codebuild:{region}:{account_id}:project/{prefix}-*",
                                                        f"arn:aws:codepipeline:{region}:{account_id}:{prefix}-*"]}},
        }],
    }


def config_delivery_policy(*, account_id: str, region: str, bucket: str, log_archive_account_id: str,
                           key_alias: str) -> dict[str, Any]:
    """What the account's Config recorder role needs to deliver into the log archive (another account,
    KMS-encrypted): its own prefix, and the log archive key by alias."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "CheckTheLogArchive", "Effect": "Allow", "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
             "Resource": f"arn:aws:s3:::{bucket}"},
            {"Sid": "DeliverToOwnPrefix", "Effect": "Allow", "Action": "s3:PutObject",
             "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account_id}/Config/*",
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
            {"Sid": "EncryptWithTheLogArchiveKey", "Effect": "Allow", "Action": ["kms:DescribeKey", "kms:GenerateDataKey"],
             "Resource": f"arn:aws:kms:{region}:{log_archive_account_id}:key/*",
             "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": [key_alias]}}},
        ],
    }


def monitoring_key_policy(*, account_id: str, region: str, log_group: str) -> dict[str, Any]:
    """The management account's monitoring key: CloudWatch Logs encrypts the trail's log group with it, and
    CloudWatch alarms publish to the encrypted topic
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html,
    https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AccountAdministersKeyThroughIam", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "CloudWatchLogsEncryptsTheTrailGroup", "Effect": "Allow",
             "Principal": {"Service": f"logs.{region}.amazonaws.com"},
             "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
             "Resource": "*",
             "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn":
                                         f"arn:aws:logs:{region}:{account_id}:log-group:{log_group}"}}},
            {"Sid": "AlarmsPublishToTheEncryptedTopic", "Effect": "Allow",
             "Principal": {"Service": "cloudwatch.amazonaws.com"},
             "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}},
        ],
    }


def trail_logs_policy(*, account_id: str, region: str, log_group: str) -> dict[str, Any]:
    """CloudTrail writes the organization trail's events into its log group, nothing else
    (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html)."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DeliverTrailEvents", "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:{region}:{account_id}:log-group:{log_group}:log-stream:*",
        }],
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
        "Statement": [{
            "Sid": "ThePlanIdentityOnly",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{management_account_id}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"ArnEquals": {"aws:PrincipalArn":
                                        f"arn:aws:iam::{management_account_id}:role/{github_plan_role}"}},
        }],
    }


def plan_deny_data(*, data_buckets: list[str]) -> dict[str, Any]:
    """ReadOnlyAccess also reads data; a plan needs configuration only. A pull request's plan must not read the
    team's objects, decrypt, or read secrets and parameters."""
    objects = [f"arn:aws:s3:::{b}/*" for b in data_buckets]
    statements = [{"Sid": "NoSecretsOrDecryption", "Effect": "Deny",
                   "Action": ["kms:Decrypt", "secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters",
                              "ssm:GetParametersByPath", "sagemaker:CreatePresignedDomainUrl"], "Resource": "*"}]
    if objects:
        statements.append({"Sid": "NoDataObjects", "Effect": "Deny", "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                           "Resource": objects})
    return {"Version": "2012-10-17", "Statement": statements}
