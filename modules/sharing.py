"""Cross-account shares, as pure data: which actions each kind grants, and both halves of every grant.

Cross-account access needs two halves: the producer's grant (a resource policy, or a RAM share)
and the consumer's IAM permission on the producer's ARNs. Both are built from the one action
table below, so a read share can never hand out a write action on either side.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import naming

# Actions per kind and access. "write" adds to "read"; nothing else grants share access.
ACTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    # https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-ram.html
    "model_package_group": {
        "read": ("sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"),
        "write": ("sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"),
    },
    # https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-cross-account-access.html
    "feature_group": {
        "read": ("sagemaker:BatchGetRecord", "sagemaker:DescribeFeatureGroup", "sagemaker:DescribeFeatureMetadata",
                 "sagemaker:GetRecord"),
        "write": ("sagemaker:DeleteRecord", "sagemaker:PutRecord"),
    },
    # https://docs.aws.amazon.com/sagemaker/latest/dg/build-and-manage-xaccount.html
    "pipeline": {
        "read": ("sagemaker:DescribePipeline", "sagemaker:DescribePipelineDefinitionForExecution",
                 "sagemaker:DescribePipelineExecution", "sagemaker:ListPipelineExecutionSteps",
                 "sagemaker:ListPipelineExecutions", "sagemaker:ListPipelineParametersForExecution"),
        "write": ("sagemaker:RetryPipelineExecution", "sagemaker:SendPipelineExecutionStepFailure",
                  "sagemaker:SendPipelineExecutionStepSuccess", "sagemaker:StartPipelineExecution",
                  "sagemaker:StopPipelineExecution"),
    },
    "s3_prefix": {
        "read": ("s3:GetObject", "s3:GetObjectVersion"),
        "write": ("s3:AbortMultipartUpload", "s3:PutObject"),
    },
    # https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
    "ecr_repository": {
        "read": ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"),
        "write": ("ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"),
    },
}
# s3_prefix also needs the bucket listed under the prefix, and the producer's key for the objects.
S3_LIST_ACTIONS = ("s3:ListBucket",)
KMS_ACTIONS = {"read": ("kms:Decrypt", "kms:DescribeKey"), "write": ("kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey")}

# RAM managed permissions for the kinds shared through RAM (None: the resource type's default permission).
# https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-cross-account-access.html
RAM_PERMISSIONS: dict[str, dict[str, str | None]] = {
    "feature_group": {
        "read": "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerFeatureGroupReadOnly",
        "write": "arn:aws:ram::aws:permission/AWSRAMPermissionSagemakerFeatureGroupReadWrite",
    },
    "pipeline": {"read": None, "write": None},
}
RAM_KINDS = frozenset(RAM_PERMISSIONS)


def actions(kind: str, access: str) -> tuple[str, ...]:
    table = ACTIONS[kind]
    return tuple(sorted(table["read"] + (table["write"] if access == "write" else ())))


@dataclass(frozen=True)
class Share:
    """One share with its producer and consumer accounts (account keys "<team>-<environment>")."""

    name: str
    kind: str
    resource: str
    access: str
    producer: str
    consumers: tuple[str, ...]


@dataclass(frozen=True)
class Endpoint:
    """What a stack knows about an account of a share: its id (literal or a reference) and its names."""

    account_id: str
    role_name: str  # its SageMaker execution role
    bucket: str  # its data bucket
    kms_alias: str


def resource_arns(share: Share, producer: Endpoint, region: str) -> list[str]:
    """The producer's ARNs a share is about (lower-case names where SageMaker lower-cases them in ARNs)."""
    acct, name = producer.account_id, share.resource
    sm = f"arn:aws:sagemaker:{region}:{acct}"
    if share.kind == "model_package_group":
        return [f"{sm}:model-package-group/{name.lower()}", f"{sm}:model-package/{name.lower()}/*"]
    if share.kind == "feature_group":
        return [f"{sm}:feature-group/{name.lower()}"]
    if share.kind == "pipeline":
        return [f"{sm}:pipeline/{name.lower()}", f"{sm}:pipeline/{name.lower()}/*"]
    if share.kind == "s3_prefix":
        return [f"arn:aws:s3:::{producer.bucket}/{s3_prefix(share)}*"]
    if share.kind == "ecr_repository":
        return [f"arn:aws:ecr:{region}:{acct}:repository/{name}"]
    raise ValueError(share.kind)


def s3_prefix(share: Share) -> str:
    prefix = share.resource
    return prefix if prefix.endswith("/") else prefix + "/"


def consumer_statements(share: Share, producer: Endpoint, region: str) -> list[dict]:
    """The consumer half: what the consumer's execution role may do on the producer's resources."""
    sid = naming.sid(share.name)
    statements = [{
        "Sid": f"Share{sid}",
        "Effect": "Allow",
        "Action": list(actions(share.kind, share.access)),
        "Resource": resource_arns(share, producer, region),
    }]
    if share.kind == "s3_prefix":
        statements.append({
            "Sid": f"Share{sid}List",
            "Effect": "Allow",
            "Action": list(S3_LIST_ACTIONS),
            "Resource": f"arn:aws:s3:::{producer.bucket}",
            "Condition": {"StringLike": {"s3:prefix": [f"{s3_prefix(share)}*"]}},
        })
        statements.append({
            "Sid": f"Share{sid}Key",
            "Effect": "Allow",
            "Action": list(KMS_ACTIONS[share.access]),
            "Resource": f"arn:aws:kms:{region}:{producer.account_id}:key/*",
            "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": [producer.kms_alias]},
                          "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
        })
    return statements


def _roots(consumers: list[Endpoint]) -> list[str]:
    return sorted({f"arn:aws:iam::{c.account_id}:root" for c in consumers})


def _role_arns(consumers: list[Endpoint]) -> list[str]:
    return sorted({f"arn:aws:iam::{c.account_id}:role/{c.role_name}" for c in consumers})


def _grant_policy(share: Share, consumers: list[Endpoint], **scope: object) -> dict:
    """A resource policy with one statement: the consumer accounts may take the share's actions."""
    statement = {"Sid": f"Share{naming.sid(share.name)}", "Effect": "Allow", "Principal": {"AWS": _roots(consumers)},
                 "Action": list(actions(share.kind, share.access)), **scope}
    return {"Version": "2012-10-17", "Statement": [statement]}


def model_package_group_policy(share: Share, producer: Endpoint, consumers: list[Endpoint], region: str) -> dict:
    """Producer half for a model package group. Account principals, no conditions: SageMaker can only
    promote (make discoverable) a policy whose principals are accounts
    (https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-ram-promote.html)."""
    return _grant_policy(share, consumers, Resource=resource_arns(share, producer, region))


def ecr_repository_policy(share: Share, consumers: list[Endpoint]) -> dict:
    """Producer half for an ECR repository: the consumers' execution roles, through their accounts."""
    return _grant_policy(share, consumers, Condition={"ArnEquals": {"aws:PrincipalArn": _role_arns(consumers)}})


def bucket_statements(share: Share, producer: Endpoint, consumers: list[Endpoint]) -> list[dict]:
    """Producer half for an S3 prefix: statements for the producer's data bucket policy."""
    sid = naming.sid(share.name)
    principal = {"AWS": _roots(consumers)}
    roles = {"ArnEquals": {"aws:PrincipalArn": _role_arns(consumers)}}
    return [
        {"Sid": f"Share{sid}Objects", "Effect": "Allow", "Principal": principal,
         "Action": list(actions(share.kind, share.access)),
         "Resource": f"arn:aws:s3:::{producer.bucket}/{s3_prefix(share)}*", "Condition": roles},
        {"Sid": f"Share{sid}List", "Effect": "Allow", "Principal": principal, "Action": list(S3_LIST_ACTIONS),
         "Resource": f"arn:aws:s3:::{producer.bucket}",
         "Condition": {**roles, "StringLike": {"s3:prefix": [f"{s3_prefix(share)}*"]}}},
    ]


def key_statements(share: Share, consumers: list[Endpoint], region: str) -> list[dict]:
    """Producer half for an S3 prefix: the producer's key may be used by the consumers' roles, through S3 only."""
    return [{
        "Sid": f"Share{naming.sid(share.name)}Key",
        "Effect": "Allow",
        "Principal": {"AWS": _roots(consumers)},
        "Action": list(KMS_ACTIONS[share.access]),
        "Resource": "*",
        "Condition": {"ArnEquals": {"aws:PrincipalArn": _role_arns(consumers)},
                      "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
    }]
