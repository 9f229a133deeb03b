"""The audit trail's documents: the log archive's key and bucket, Config delivery into it, and the trail's
monitoring in the management account."""

from __future__ import annotations

from typing import Any

from ..base import naming


def _org_config_recorders(org: str, org_id: str) -> dict[str, Any]:
    """The Config recorder role of any account of this organization (Config delivers with that role)."""
    return {
        "StringEquals": {"aws:PrincipalOrgID": org_id},
        "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::*:role/{naming.config_role(org)}"},
    }


def key_admin_statement(account_id: str) -> dict[str, Any]:
    """A key policy's first statement: the key's account administers it through IAM (every platform key)."""
    return {
        "Sid": "AccountAdministersKeyThroughIam",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }


def log_archive_key_policy(*, org: str, account_id: str, org_id: str, services: tuple[str, ...]) -> dict[str, Any]:
    """The log archive key: administered through IAM in its account; used by the log-writing services and
    the organization's Config recorder roles, only for accounts of this organization."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            key_admin_statement(account_id),
            {
                "Sid": "LogWritersEncrypt",
                "Effect": "Allow",
                "Principal": {"Service": list(services)},
                "Action": ["kms:DescribeKey", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceOrgID": org_id}},
            },
            {
                "Sid": "ConfigRecordersEncrypt",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:DescribeKey", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": _org_config_recorders(org, org_id),
            },
        ],
    }


def log_archive_bucket_statements(*, org: str, bucket: str, org_id: str) -> list[dict[str, Any]]:
    """Who writes into the log archive (CloudTrail, Config, VPC flow logs of this organization), and
    that nobody deletes from it."""
    arn = f"arn:aws:s3:::{bucket}"
    from_org = {"StringEquals": {"aws:SourceOrgID": org_id}}
    writers = ["cloudtrail.amazonaws.com", "config.amazonaws.com", "delivery.logs.amazonaws.com"]
    return [
        {
            "Sid": "LogWritersCheckBucket",
            "Effect": "Allow",
            "Principal": {"Service": writers},
            "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
            "Resource": arn,
            "Condition": from_org,
        },
        {
            "Sid": "LogWritersDeliver",
            "Effect": "Allow",
            "Principal": {"Service": writers},
            "Action": "s3:PutObject",
            "Resource": f"{arn}/AWSLogs/*",
            "Condition": {"StringEquals": {"aws:SourceOrgID": org_id, "s3:x-amz-acl": "bucket-owner-full-control"}},
        },
        {
            "Sid": "ConfigRecordersCheckBucket",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
            "Resource": arn,
            "Condition": _org_config_recorders(org, org_id),
        },
        {
            "Sid": "ConfigRecordersDeliver",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "s3:PutObject",
            "Resource": f"{arn}/AWSLogs/*/Config/*",
            "Condition": _org_config_recorders(org, org_id),
        },
        {
            "Sid": "DenyDeletion",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["s3:DeleteBucket", "s3:DeleteObject", "s3:DeleteObjectVersion"],
            "Resource": [arn, f"{arn}/*"],
        },
    ]


def config_delivery_policy(*, account_id: str, region: str, bucket: str, log_archive_account_id: str, key_alias: str) -> dict[str, Any]:
    """What the account's Config recorder role needs to deliver into the log archive (another account,
    KMS-encrypted): its own prefix, and the log archive key by alias."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CheckTheLogArchive",
                "Effect": "Allow",
                "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
                "Resource": f"arn:aws:s3:::{bucket}",
            },
            {
                "Sid": "DeliverToOwnPrefix",
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account_id}/Config/*",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            },
            {
                "Sid": "EncryptWithTheLogArchiveKey",
                "Effect": "Allow",
                "Action": ["kms:DescribeKey", "kms:GenerateDataKey"],
                "Resource": f"arn:aws:kms:{region}:{log_archive_account_id}:key/*",
                "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": [key_alias]}},
            },
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
            key_admin_statement(account_id),
            {
                "Sid": "CloudWatchLogsEncryptsTheTrailGroup",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
                "Resource": "*",
                "Condition": {
                    "ArnEquals": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account_id}:log-group:{log_group}"}
                },
            },
            {
                "Sid": "AlarmsPublishToTheEncryptedTopic",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            },
        ],
    }


def trail_logs_policy(*, account_id: str, region: str, log_group: str) -> dict[str, Any]:
    """CloudTrail writes the organization trail's events into its log group, nothing else
    (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DeliverTrailEvents",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"arn:aws:logs:{region}:{account_id}:log-group:{log_group}:log-stream:*",
            }
        ],
    }
