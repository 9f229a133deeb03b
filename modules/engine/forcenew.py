"""Which attributes of the stateful resources the compiler emits force Terraform to replace them.

A replacement is a destroy and a create: for a stateful resource it loses what the resource holds, so the
destroy guard (modules/engine/destroy.py) treats it exactly like a removal. The facts are the `ForceNew: true`
schema attributes of terraform-provider-aws (https://github.com/hashicorp/terraform-provider-aws), read in
these files of its source:

- aws_organizations_account     internal/service/organizations/account.go   (name, email, iam_user_access_to_billing,
                                 role_name)
- aws_sagemaker_domain          internal/service/sagemaker/domain.go        (app_network_access_type,
                                 app_security_group_management, auth_mode, domain_name, domain_settings.security_group_ids,
                                 kms_key_id, retention_policy, subnet_ids, vpc_id)
- aws_sagemaker_user_profile    internal/service/sagemaker/user_profile.go  (domain_id, user_profile_name,
                                 single_sign_on_user_identifier, single_sign_on_user_value)
- aws_sagemaker_model_package_group  internal/service/sagemaker/model_package_group.go (model_package_group_name,
                                 model_package_group_description)
- aws_s3_bucket                 internal/service/s3/bucket.go               (bucket, bucket_prefix, object_lock_enabled)
- aws_kms_key                   internal/service/kms/key.go                 (customer_master_key_spec, custom_key_store_id,
                                 key_usage, multi_region, xks_key_id)
- aws_ecr_repository            internal/service/ecr/repository.go          (name, encryption_configuration)
- aws_identitystore_group       internal/service/identitystore/group.go     (identity_store_id)
- aws_identitystore_user        internal/service/identitystore/user.go      (identity_store_id, user_name)
- aws_efs_file_system           internal/service/efs/file_system.go         (availability_zone_name, creation_token,
                                 encrypted, kms_key_id, performance_mode)
- aws_vpc                       internal/service/ec2/vpc_.go                (cidr_block, ipv4_ipam_pool_id, ipv4_netmask_length)
- aws_subnet                    internal/service/ec2/vpc_subnet.go          (availability_zone, availability_zone_id,
                                 cidr_block, outpost_arn, vpc_id)

The VPC and its subnets hold no data; they are listed because their replacement changes the ids the domain's
`vpc_id` and `subnet_ids` (force-new) point to, so it cascades to the domain and from there to every profile.
An attribute in the resource's `lifecycle.ignore_changes` never forces anything (Terraform ignores its changes).
"""

from __future__ import annotations

FORCE_NEW: dict[str, tuple[str, ...]] = {
    "aws_organizations_account": ("name", "email", "iam_user_access_to_billing", "role_name"),
    "aws_sagemaker_domain": (
        "domain_name",
        "auth_mode",
        "vpc_id",
        "subnet_ids",
        "kms_key_id",
        "app_network_access_type",
        "app_security_group_management",
        "retention_policy",
        "domain_settings.security_group_ids",
    ),
    "aws_sagemaker_user_profile": ("domain_id", "user_profile_name", "single_sign_on_user_identifier", "single_sign_on_user_value"),
    "aws_sagemaker_model_package_group": ("model_package_group_name", "model_package_group_description"),
    "aws_s3_bucket": ("bucket", "bucket_prefix", "object_lock_enabled"),
    "aws_kms_key": ("customer_master_key_spec", "custom_key_store_id", "key_usage", "multi_region", "xks_key_id"),
    "aws_ecr_repository": ("name", "encryption_configuration"),
    "aws_identitystore_group": ("identity_store_id",),
    "aws_identitystore_user": ("identity_store_id", "user_name"),
    "aws_efs_file_system": ("availability_zone_name", "creation_token", "encrypted", "kms_key_id", "performance_mode"),
    "aws_vpc": ("cidr_block", "ipv4_ipam_pool_id", "ipv4_netmask_length"),
    "aws_subnet": ("availability_zone", "availability_zone_id", "cidr_block", "outpost_arn", "vpc_id"),
}

# What is lost when Terraform destroys one (a replacement destroys too). Types not listed here may be
# replaced or removed freely: they hold no data and are re-created from the registry.
LOSES: dict[str, str] = {
    "aws_organizations_account": "the AWS account and everything in it (closed or removed from the organization)",
    "aws_sagemaker_domain": "every app and space (studio-cleanup deletes them first); the home EFS volume is retained "
    "but no longer attached to any domain",
    "aws_sagemaker_user_profile": "the user's apps and spaces (studio-cleanup deletes them first) and their home "
    "folder on the domain's EFS volume",
    "aws_sagemaker_model_package_group": "every registered model version in the group",
    "aws_s3_bucket": "the bucket and its objects",
    "aws_kms_key": "the key (scheduled for deletion): whatever it encrypted becomes unreadable",
    "aws_ecr_repository": "the repository and its images",
    "aws_identitystore_group": "the group's id: every membership and account assignment of the group is re-created",
    "aws_identitystore_user": "the user's identity (MFA devices, sessions) and every assignment naming it",
    "aws_efs_file_system": "the file system and its files",
    # No attributes, so nothing forces a replacement; its delete turns RAM's trusted access off and deletes RAM's
    # service-linked role (internal/service/ram/sharing_with_organization.go).
    "aws_ram_sharing_with_organization": "RAM sharing within the organization: every feature group and pipeline share "
    "stops reaching its consumers",
}
# Removing (not only replacing) one of these is guarded too. Identity Center groups and users are not: a
# group emptied by its last member's removal and a person who left are ordinary changes the diff shows as access.
GUARDED_REMOVAL = frozenset(LOSES) - {"aws_identitystore_group", "aws_identitystore_user"}
# Replacing these only matters for what points at them (the cascade): they are reported, not guarded alone.
CASCADE_ONLY = frozenset({"aws_vpc", "aws_subnet"})
