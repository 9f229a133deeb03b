"""A team account's baseline: its KMS key, its budget with alerts to the owners, its data bucket."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cdktn_provider_aws.budgets_budget import BudgetsBudget, BudgetsBudgetNotification
from cdktn_provider_aws.kms_alias import KmsAlias
from cdktn_provider_aws.kms_key import KmsKey
from cdktn_provider_aws.provider import AwsProvider
from cdktn_provider_aws.s3_bucket import S3Bucket
from cdktn_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleTransition,
)
from cdktn_provider_aws.s3_bucket_ownership_controls import S3BucketOwnershipControls
from cdktn_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktn_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktn_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
)
from cdktn_provider_aws.s3_bucket_versioning import S3BucketVersioningA
from constructs import Construct

from .. import policies
from .base import policy_json
from .refs import ref

# Alert thresholds: a forecast crossing 80 % warns early, actual spend crossing 100 % says it happened.
BUDGET_ALERTS = (("FORECASTED", 80), ("ACTUAL", 100))


def build_key(
    scope: Construct, *, alias: str, account_id: str, description: str, extra_statements: list[dict[str, Any]] | None = None
) -> str:
    """The account's key (its policy takes the producer side of s3_prefix shares); returns its ARN."""
    KmsKey(
        scope,
        "kms",
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=policy_json(
            {
                "Version": "2012-10-17",
                "Statement": [
                    policies.key_admin_statement(account_id),
                    *(extra_statements or []),
                ],
            }
        ),
    )
    KmsAlias(scope, "kms-alias", name=alias, target_key_id=ref("aws_kms_key", "kms", "key_id"))
    return ref("aws_kms_key", "kms", "arn")


def build_budget(scope: Construct, *, name: str, amount: Decimal, emails: tuple[str, ...]) -> BudgetsBudget:
    return BudgetsBudget(
        scope,
        "budget",
        name=name,
        budget_type="COST",
        limit_amount=str(amount),
        limit_unit="USD",
        time_unit="MONTHLY",
        notification=[
            BudgetsBudgetNotification(
                comparison_operator="GREATER_THAN",
                notification_type=kind,
                threshold=pct,
                threshold_type="PERCENTAGE",
                subscriber_email_addresses=list(emails),
            )
            for kind, pct in BUDGET_ALERTS
        ],
    )


def build_data_bucket(scope: Construct, *, name: str, key_arn: str, extra_statements: list[dict[str, Any]] | None = None) -> None:
    """The team's data bucket; its policy takes the producer side of s3_prefix shares."""
    build_bucket(scope, "data-bucket", name=name, key_arn=key_arn, extra_statements=extra_statements)


def build_bucket(
    scope: Construct,
    cid: str,
    *,
    name: str,
    key_arn: str,
    extra_statements: list[dict[str, Any]] | None = None,
    provider: AwsProvider | None = None,
    archive: bool = False,
) -> None:
    """A bucket as every bucket here is: KMS-encrypted, versioned, owner-enforced, never public, TLS only,
    with a lifecycle (an archive moves to Glacier after 90 days; nothing current ever expires)."""
    S3Bucket(scope, cid, bucket=name, force_destroy=False, lifecycle={"prevent_destroy": True}, provider=provider)
    bucket_id = ref("aws_s3_bucket", cid, "id")
    S3BucketVersioningA(scope, f"{cid}-versioning", bucket=bucket_id, provider=provider, versioning_configuration={"status": "Enabled"})
    S3BucketServerSideEncryptionConfigurationA(
        scope,
        f"{cid}-encryption",
        bucket=bucket_id,
        provider=provider,
        rule=[
            S3BucketServerSideEncryptionConfigurationRuleA(
                apply_server_side_encryption_by_default={"sse_algorithm": "aws:kms", "kms_master_key_id": key_arn}, bucket_key_enabled=True
            )
        ],
    )
    S3BucketPublicAccessBlock(
        scope,
        f"{cid}-public-access",
        bucket=bucket_id,
        block_public_acls=True,
        provider=provider,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    S3BucketOwnershipControls(
        scope, f"{cid}-ownership", bucket=bucket_id, provider=provider, rule={"object_ownership": "BucketOwnerEnforced"}
    )
    rules = [
        S3BucketLifecycleConfigurationRule(
            id="abort-incomplete-uploads",
            status="Enabled",
            filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
            abort_incomplete_multipart_upload=[S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)],
        )
    ]
    if archive:
        rules.append(
            S3BucketLifecycleConfigurationRule(
                id="archive",
                status="Enabled",
                filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                transition=[S3BucketLifecycleConfigurationRuleTransition(days=90, storage_class="GLACIER")],
            )
        )
    S3BucketLifecycleConfiguration(scope, f"{cid}-lifecycle", bucket=bucket_id, rule=rules, provider=provider)
    arn = f"arn:aws:s3:::{name}"
    S3BucketPolicy(
        scope,
        f"{cid}-policy",
        bucket=bucket_id,
        provider=provider,
        policy=policy_json(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [arn, f"{arn}/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                    *(extra_statements or []),
                ],
            }
        ),
    )
