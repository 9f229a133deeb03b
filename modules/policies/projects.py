"""Projects: what Service Catalog's launch role may do in a team account, and how it reads the seed code."""

from __future__ import annotations

from typing import Any

from ..base import naming

# What CloudFormation's handler of each resource type the catalog's templates use calls, with the launch
# role's credentials (create, update, read and delete handlers together), from the resource type schemas'
# `handlers` sections (https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html;
# AWS::SageMaker::ModelPackageGroup: https://github.com/aws-cloudformation/aws-cloudformation-resource-providers-sagemaker;
# AWS::S3::Bucket: https://github.com/aws-cloudformation/aws-cloudformation-resource-providers-s3;
# AWS::CodeCommit::Repository: its published schema, as cfn-lint ships it in cfnlint/data/schemas).
# A template that uses another type fails a test until the type is added here.
LAUNCH_HANDLER_PERMISSIONS: dict[str, frozenset[str]] = {
    "AWS::SageMaker::ModelPackageGroup": frozenset(
        {
            "sagemaker:AddTags",
            "sagemaker:CreateModelPackageGroup",
            "sagemaker:DeleteModelPackageGroup",
            "sagemaker:DeleteModelPackageGroupPolicy",
            "sagemaker:DeleteTags",
            "sagemaker:DescribeModelPackageGroup",
            "sagemaker:GetModelPackageGroupPolicy",
            "sagemaker:ListTags",
            "sagemaker:PutModelPackageGroupPolicy",
        }
    ),
    "AWS::S3::Bucket": frozenset(
        {
            "s3:CreateBucket",
            "s3:DeleteBucket",
            "s3:GetBucketLocation",
            "s3:GetBucketTagging",
            "s3:GetBucketVersioning",
            "s3:GetEncryptionConfiguration",
            "s3:GetBucketPublicAccessBlock",
            "s3:ListBucket",
            "s3:PutBucketPublicAccessBlock",
            "s3:PutBucketTagging",
            "s3:PutBucketVersioning",
            "s3:PutEncryptionConfiguration",
        }
    ),
    # The create handler reads the seed zip (Code.S3) with the caller's credentials: s3:GetObject(Version).
    "AWS::CodeCommit::Repository": frozenset(
        {
            "codecommit:CreateCommit",
            "codecommit:CreateRepository",
            "codecommit:DeleteRepository",
            "codecommit:GetRepository",
            "codecommit:GetRepositoryTriggers",
            "codecommit:ListRepositories",
            "codecommit:ListTagsForResource",
            "codecommit:PutRepositoryTriggers",
            "codecommit:TagResource",
            "codecommit:UntagResource",
            "codecommit:UpdateRepositoryDescription",
            "codecommit:UpdateRepositoryEncryptionKey",
            "codecommit:UpdateRepositoryName",
            "s3:GetObject",
            "s3:GetObjectVersion",
        }
    ),
}
# Repositories the shipped templates create (SageMaker's own templates name them sagemaker-<project>-...).
PROJECT_REPOSITORY_PATTERNS = ("sagemaker-*",)
# Seed zips in the catalog bucket (modules/plan/seed.py seed_key).
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
                "Action": [
                    "cloudformation:CreateStack",
                    "cloudformation:DeleteStack",
                    "cloudformation:DescribeStackEvents",
                    "cloudformation:DescribeStacks",
                    "cloudformation:SetStackPolicy",
                    "cloudformation:UpdateStack",
                ],
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
        {
            "Sid": "ProjectRepositories",
            "Effect": "Allow",
            "Action": [a for a in codecommit if a != "codecommit:ListRepositories"],
            "Resource": [f"arn:aws:codecommit:{region}:{account_id}:{p}" for p in PROJECT_REPOSITORY_PATTERNS],
        },
        # ListRepositories takes no resource-level scope
        # (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodecommit.html).
        {"Sid": "ListProjectRepositories", "Effect": "Allow", "Action": "codecommit:ListRepositories", "Resource": "*"},
        {
            "Sid": "ReadSeedCode",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion"],
            "Resource": f"arn:aws:s3:::{bucket}/{SEED_OBJECT_PATTERN}",
        },
        {
            "Sid": "DecryptSeedCode",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": f"arn:aws:kms:{region}:{shared_services_account_id}:key/*",
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
        },
    ]


def seed_reader_statements(*, org: str, org_id: str, bucket: str, region: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(catalog bucket statements, catalog key statements): the Projects launch roles of the organization's
    accounts read the seed zips, and decrypt them through S3, nothing else."""
    launch_roles = {
        "StringEquals": {"aws:PrincipalOrgID": org_id},
        "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::*:role/{naming.projects_launch_role(org)}"},
    }
    bucket_st = [
        {
            "Sid": "LaunchRolesReadSeedCode",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["s3:GetObject", "s3:GetObjectVersion"],
            "Resource": f"arn:aws:s3:::{bucket}/{SEED_OBJECT_PATTERN}",
            "Condition": launch_roles,
        }
    ]
    key_st = [
        {
            "Sid": "LaunchRolesDecryptSeedCode",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {**launch_roles, "StringEquals": {**launch_roles["StringEquals"], "kms:ViaService": f"s3.{region}.amazonaws.com"}},
        }
    ]
    return bucket_st, key_st


def seed_push_policy(*, account_id: str, region: str, bucket: str, key_arn: str, connection_arn: str, project: str) -> dict[str, Any]:
    """The CodeBuild role that pushes seed code to the seed repositories: the one connection (both of its ARN
    spellings: CodeConnections was CodeStar Connections), the seed zips and their decryption through S3, its logs."""
    rest = connection_arn.split(":", 3)[3]  # region:account:connection/id
    connections = sorted(f"arn:aws:{s}:{rest}" for s in ("codeconnections", "codestar-connections"))
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "UseTheConnection",
                "Effect": "Allow",
                "Action": [
                    f"{s}:{a}" for s in ("codeconnections", "codestar-connections") for a in ("GetConnectionToken", "UseConnection")
                ],
                "Resource": connections,
            },
            {
                "Sid": "ReadSeedCode",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/{SEED_OBJECT_PATTERN}",
            },
            {
                "Sid": "DecryptSeedCode",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": key_arn,
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            },
            {
                "Sid": "WriteBuildLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"arn:aws:logs:{region}:{account_id}:log-group:/aws/codebuild/{project}*",
            },
        ],
    }


def seed_push_key_statements(*, account_id: str, region: str, log_group: str) -> list[dict[str, Any]]:
    """The shared services key encrypts the seed-push build's log group: CloudWatch Logs may use it for that group only
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html)."""
    return [
        {
            "Sid": "CloudWatchLogsEncryptsTheSeedPushLogs",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{region}.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
            "Resource": "*",
            "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account_id}:log-group:{log_group}"}},
        }
    ]
