"""Which blocks each kind of stack holds, through which of its providers: the allow-list per stack.

The type lists of allowlist.py say what any stack may hold; this says where. A team's access stack plans in the
management account, and a team account's stack has a provider there too (for Studio's application assignments): were
any allowed type welcome through them, a stack a team's pull request changes could create an IAM role in the
management account, or a Studio domain in shared services. So each block of a stack must be of a type the compiler
writes in that kind of stack through that provider (`provider = aws.<alias>`, or the default one). The table is what
the compiler emits (tests/delivery/test_allowlist.py derives it from the example and every valid fixture and fails
when the two differ): a new place for a type lands here in its own pull request first.
"""

from __future__ import annotations

from collections.abc import Mapping

from .strictjson import shown

PLACEMENT: dict[tuple[str, str], frozenset[str]] = {
    ("access", "default"): frozenset(
        {
            "data:aws_identitystore_user",
            "data:aws_organizations_organization",
            "data:terraform_remote_state",
            "resource:aws_identitystore_group",
            "resource:aws_identitystore_group_membership",
            "resource:aws_organizations_account",
            "resource:aws_organizations_policy",
            "resource:aws_organizations_policy_attachment",
            "resource:aws_ssoadmin_account_assignment",
        }
    ),
    ("access", "shared-services"): frozenset(
        {
            "resource:aws_servicecatalog_principal_portfolio_association",
        }
    ),
    ("account", "default"): frozenset(
        {
            "data:terraform_remote_state",
            "resource:aws_budgets_budget",
            "resource:aws_config_configuration_recorder",
            "resource:aws_config_configuration_recorder_status",
            "resource:aws_config_delivery_channel",
            "resource:aws_default_security_group",
            "resource:aws_ecr_repository",
            "resource:aws_ecr_repository_policy",
            "resource:aws_flow_log",
            "resource:aws_iam_role",
            "resource:aws_iam_role_policy",
            "resource:aws_iam_role_policy_attachment",
            "resource:aws_kms_alias",
            "resource:aws_kms_key",
            "resource:aws_ram_principal_association",
            "resource:aws_ram_resource_share",
            "resource:aws_route_table",
            "resource:aws_route_table_association",
            "resource:aws_s3_bucket",
            "resource:aws_s3_bucket_lifecycle_configuration",
            "resource:aws_s3_bucket_ownership_controls",
            "resource:aws_s3_bucket_policy",
            "resource:aws_s3_bucket_public_access_block",
            "resource:aws_s3_bucket_server_side_encryption_configuration",
            "resource:aws_s3_bucket_versioning",
            "resource:aws_sagemaker_domain",
            "resource:aws_sagemaker_model_package_group",
            "resource:aws_sagemaker_model_package_group_policy",
            "resource:aws_sagemaker_servicecatalog_portfolio_status",
            "resource:aws_sagemaker_studio_lifecycle_config",
            "resource:aws_sagemaker_user_profile",
            "resource:aws_security_group",
            "resource:aws_subnet",
            "resource:aws_vpc",
            "resource:aws_vpc_endpoint",
        }
    ),
    ("account", "management"): frozenset(
        {
            "data:aws_identitystore_user",
            "resource:aws_ssoadmin_application_assignment",
        }
    ),
    ("account", "shared-services"): frozenset(
        {
            "resource:aws_iam_role",
            "resource:aws_iam_role_policy",
        }
    ),
    ("identity", "default"): frozenset(
        {
            "data:aws_identitystore_user",
            "resource:aws_identitystore_group",
            "resource:aws_identitystore_group_membership",
            "resource:aws_identitystore_user",
            "resource:aws_ssoadmin_account_assignment",
            "resource:aws_ssoadmin_managed_policy_attachment",
            "resource:aws_ssoadmin_permission_set",
            "resource:aws_ssoadmin_permission_set_inline_policy",
        }
    ),
    ("organization", "default"): frozenset(
        {
            "data:aws_organizations_organization",
            "resource:aws_cloudtrail",
            "resource:aws_cloudwatch_log_group",
            "resource:aws_cloudwatch_log_metric_filter",
            "resource:aws_cloudwatch_metric_alarm",
            "resource:aws_iam_role",
            "resource:aws_iam_role_policy",
            "resource:aws_kms_alias",
            "resource:aws_kms_key",
            "resource:aws_organizations_account",
            "resource:aws_organizations_delegated_administrator",
            "resource:aws_organizations_organizational_unit",
            "resource:aws_organizations_policy",
            "resource:aws_organizations_policy_attachment",
            "resource:aws_ram_sharing_with_organization",
            "resource:aws_sns_topic",
            "resource:aws_sns_topic_subscription",
        }
    ),
    ("organization", "log-archive"): frozenset(
        {
            "resource:aws_iam_role",
            "resource:aws_iam_role_policy",
            "resource:aws_iam_role_policy_attachment",
            "resource:aws_kms_alias",
            "resource:aws_kms_key",
            "resource:aws_s3_bucket",
            "resource:aws_s3_bucket_lifecycle_configuration",
            "resource:aws_s3_bucket_ownership_controls",
            "resource:aws_s3_bucket_policy",
            "resource:aws_s3_bucket_public_access_block",
            "resource:aws_s3_bucket_server_side_encryption_configuration",
            "resource:aws_s3_bucket_versioning",
        }
    ),
    ("shared-services", "default"): frozenset(
        {
            "data:terraform_remote_state",
            "resource:aws_cloudwatch_log_group",
            "resource:aws_codeartifact_domain",
            "resource:aws_codeartifact_domain_permissions_policy",
            "resource:aws_codeartifact_repository",
            "resource:aws_codeartifact_repository_permissions_policy",
            "resource:aws_codebuild_project",
            "resource:aws_config_configuration_aggregator",
            "resource:aws_iam_role",
            "resource:aws_iam_role_policy",
            "resource:aws_iam_role_policy_attachment",
            "resource:aws_kms_alias",
            "resource:aws_kms_key",
            "resource:aws_s3_bucket",
            "resource:aws_s3_bucket_lifecycle_configuration",
            "resource:aws_s3_bucket_ownership_controls",
            "resource:aws_s3_bucket_policy",
            "resource:aws_s3_bucket_public_access_block",
            "resource:aws_s3_bucket_server_side_encryption_configuration",
            "resource:aws_s3_bucket_versioning",
            "resource:aws_s3_object",
            "resource:aws_servicecatalog_constraint",
            "resource:aws_servicecatalog_portfolio",
            "resource:aws_servicecatalog_portfolio_share",
            "resource:aws_servicecatalog_product",
            "resource:aws_servicecatalog_product_portfolio_association",
            "resource:aws_servicecatalog_provisioning_artifact",
        }
    ),
}


def alias(body: Mapping[str, object]) -> str | None:
    """The provider a block goes through: `default`, an alias, or None for anything but `aws` or `aws.<alias>`."""
    provider = body.get("provider")
    if provider is None:
        return "default"
    if isinstance(provider, str) and provider.startswith("aws.") and provider[4:].replace("-", "").isalnum():
        return provider[4:]
    return None


def placement_problems(kind: str, doc: Mapping[str, object]) -> list[str]:
    out = []
    for section in ("resource", "data"):
        blocks = doc.get(section)
        if not isinstance(blocks, dict):
            continue
        for tf_type, items in sorted(blocks.items()):
            if not isinstance(items, dict):
                continue
            for name, body in sorted(items.items()):
                if not isinstance(body, dict):
                    continue
                through = alias(body)
                what = f"{section} {tf_type}.{shown(name)}"
                if through is None:
                    out.append(f"{what}.provider: {shown(body.get('provider'))} is not one of the stack's AWS providers")
                elif f"{section}:{tf_type}" not in PLACEMENT.get((kind, through), frozenset()):
                    out.append(f"{what}: the compiler writes no {tf_type} through the {through} provider of {kind} stacks")
    return out
