"""The mapping of resource types aws_l… to aws_z… (see the package's docstring)."""

from __future__ import annotations

from .api import GENERATED_ID, Api, Auto, NotSent

RESOURCES: dict[str, Api] = {
    "aws_organizations_account": Api(
        "organizations",
        {
            "name": "CreateAccount.AccountName",
            "email": "CreateAccount.Email",
            "role_name": "CreateAccount.RoleName",
            "iam_user_access_to_billing": "CreateAccount.IamUserAccessToBilling",
            "parent_id": "MoveAccount.DestinationParentId",
            "close_on_deletion": NotSent("chooses CloseAccount over RemoveAccountFromOrganization on destroy"),
        },
        tags="CreateAccount.Tags",
    ),
    "aws_organizations_delegated_administrator": Api(
        "organizations",
        {
            "account_id": "RegisterDelegatedAdministrator.AccountId",
            "service_principal": "RegisterDelegatedAdministrator.ServicePrincipal",
        },
    ),
    "aws_organizations_organization": Api(
        "organizations",
        {
            "aws_service_access_principals": "EnableAWSServiceAccess.ServicePrincipal",
            "enabled_policy_types": "EnablePolicyType.PolicyType",
            "feature_set": "CreateOrganization.FeatureSet",
        },
    ),
    "aws_organizations_organizational_unit": Api(
        "organizations",
        {"name": "CreateOrganizationalUnit.Name", "parent_id": "CreateOrganizationalUnit.ParentId"},
        tags="CreateOrganizationalUnit.Tags",
    ),
    "aws_organizations_policy": Api(
        "organizations",
        {
            "name": "CreatePolicy.Name",
            "description": "CreatePolicy.Description",
            "content": "CreatePolicy.Content",
            "type": "CreatePolicy.Type",
        },
        tags="CreatePolicy.Tags",
        policies={"content": "scp"},
    ),
    "aws_organizations_policy_attachment": Api(
        "organizations",
        {"policy_id": "AttachPolicy.PolicyId", "target_id": "AttachPolicy.TargetId"},
    ),
    "aws_ram_principal_association": Api(
        "ram",
        {"principal": "AssociateResourceShare.principals", "resource_share_arn": "AssociateResourceShare.resourceShareArn"},
    ),
    "aws_ram_resource_share": Api(
        "ram",
        {
            "name": "CreateResourceShare.name",
            "allow_external_principals": "CreateResourceShare.allowExternalPrincipals",
            "permission_arns": "CreateResourceShare.permissionArns",
        },
        tags="CreateResourceShare.tags",
    ),
    "aws_ram_sharing_with_organization": Api("ram", {}),
    "aws_route_table": Api("ec2", {"vpc_id": GENERATED_ID}, tags="CreateRouteTable.TagSpecifications.Tags"),
    "aws_route_table_association": Api(
        "ec2",
        {"route_table_id": "AssociateRouteTable.RouteTableId", "subnet_id": "AssociateRouteTable.SubnetId"},
    ),
    "aws_s3_bucket": Api(
        "s3",
        {"bucket": "CreateBucket.Bucket", "force_destroy": NotSent("the provider empties the bucket on destroy: no request member")},
        tags="PutBucketTagging.Tagging.TagSet",
    ),
    "aws_s3_bucket_lifecycle_configuration": Api(
        "s3",
        {
            "bucket": "PutBucketLifecycleConfiguration.Bucket",
            "rule.id": "PutBucketLifecycleConfiguration.LifecycleConfiguration.Rules.ID",
            "rule.status": "PutBucketLifecycleConfiguration.LifecycleConfiguration.Rules.Status",
            "rule.filter.prefix": "PutBucketLifecycleConfiguration.LifecycleConfiguration.Rules.Filter.Prefix",
            "rule.abort_incomplete_multipart_upload.days_after_initiation": (
                "PutBucketLifecycleConfiguration.LifecycleConfiguration.Rules.AbortIncompleteMultipartUpload.DaysAfterInitiation"
            ),
            "rule.transition.days": "PutBucketLifecycleConfiguration.LifecycleConfiguration.Rules.Transitions.Days",
            "rule.transition.storage_class": "PutBucketLifecycleConfiguration.LifecycleConfiguration.Rules.Transitions.StorageClass",
        },
    ),
    "aws_s3_bucket_ownership_controls": Api(
        "s3",
        {
            "bucket": "PutBucketOwnershipControls.Bucket",
            "rule.object_ownership": "PutBucketOwnershipControls.OwnershipControls.Rules.ObjectOwnership",
        },
    ),
    "aws_s3_bucket_policy": Api(
        "s3",
        {"bucket": "PutBucketPolicy.Bucket", "policy": "PutBucketPolicy.Policy"},
        policies={"policy": "s3"},
    ),
    "aws_s3_bucket_public_access_block": Api(
        "s3",
        {
            "bucket": "PutPublicAccessBlock.Bucket",
            "block_public_acls": "PutPublicAccessBlock.PublicAccessBlockConfiguration.BlockPublicAcls",
            "block_public_policy": "PutPublicAccessBlock.PublicAccessBlockConfiguration.BlockPublicPolicy",
            "ignore_public_acls": "PutPublicAccessBlock.PublicAccessBlockConfiguration.IgnorePublicAcls",
            "restrict_public_buckets": "PutPublicAccessBlock.PublicAccessBlockConfiguration.RestrictPublicBuckets",
        },
    ),
    "aws_s3_bucket_server_side_encryption_configuration": Api(
        "s3",
        {
            "bucket": "PutBucketEncryption.Bucket",
            "rule": Auto("PutBucketEncryption.ServerSideEncryptionConfiguration.Rules"),
            "rule.apply_server_side_encryption_by_default.kms_master_key_id": (
                "PutBucketEncryption.ServerSideEncryptionConfiguration.Rules.ApplyServerSideEncryptionByDefault.KMSMasterKeyID"
            ),
            "rule.apply_server_side_encryption_by_default.sse_algorithm": (
                "PutBucketEncryption.ServerSideEncryptionConfiguration.Rules.ApplyServerSideEncryptionByDefault.SSEAlgorithm"
            ),
        },
    ),
    "aws_s3_bucket_versioning": Api(
        "s3",
        {
            "bucket": "PutBucketVersioning.Bucket",
            "versioning_configuration.status": "PutBucketVersioning.VersioningConfiguration.Status",
        },
    ),
    "aws_s3_object": Api(
        "s3",
        {
            "bucket": "PutObject.Bucket",
            "key": "PutObject.Key",
            "content": "PutObject.Body",
            "content_base64": "PutObject.Body",
            "content_type": "PutObject.ContentType",
            "kms_key_id": "PutObject.SSEKMSKeyId",
            "server_side_encryption": "PutObject.ServerSideEncryption",
        },
        tags="PutObject.Tagging",
    ),
    "aws_sagemaker_domain": Api(
        "sagemaker",
        {
            "domain_name": "CreateDomain.DomainName",
            "auth_mode": "CreateDomain.AuthMode",
            "app_network_access_type": "CreateDomain.AppNetworkAccessType",
            "kms_key_id": "CreateDomain.KmsKeyId",
            "vpc_id": GENERATED_ID,
            "subnet_ids": "CreateDomain.SubnetIds",
            "default_user_settings": Auto("CreateDomain.DefaultUserSettings"),
            "default_space_settings": Auto("CreateDomain.DefaultSpaceSettings"),
            "domain_settings.security_group_ids": "CreateDomain.DomainSettings.SecurityGroupIds",
            "retention_policy.home_efs_file_system": "DeleteDomain.RetentionPolicy.HomeEfsFileSystem",
        },
        tags="CreateDomain.Tags",
    ),
    "aws_sagemaker_model_package_group": Api(
        "sagemaker",
        {
            "model_package_group_name": "CreateModelPackageGroup.ModelPackageGroupName",
            "model_package_group_description": "CreateModelPackageGroup.ModelPackageGroupDescription",
        },
        tags="CreateModelPackageGroup.Tags",
    ),
    "aws_sagemaker_model_package_group_policy": Api(
        "sagemaker",
        {
            "model_package_group_name": "PutModelPackageGroupPolicy.ModelPackageGroupName",
            "resource_policy": "PutModelPackageGroupPolicy.ResourcePolicy",
        },
        policies={"resource_policy": "sagemaker"},
    ),
    "aws_sagemaker_servicecatalog_portfolio_status": Api(
        "sagemaker", {"status": NotSent("chooses Enable/DisableSagemakerServicecatalogPortfolio")}
    ),
    "aws_sagemaker_studio_lifecycle_config": Api(
        "sagemaker",
        {
            "studio_lifecycle_config_name": "CreateStudioLifecycleConfig.StudioLifecycleConfigName",
            "studio_lifecycle_config_app_type": "CreateStudioLifecycleConfig.StudioLifecycleConfigAppType",
            "studio_lifecycle_config_content": "CreateStudioLifecycleConfig.StudioLifecycleConfigContent",
        },
        tags="CreateStudioLifecycleConfig.Tags",
    ),
    "aws_sagemaker_user_profile": Api(
        "sagemaker",
        {
            "domain_id": GENERATED_ID,
            "user_profile_name": "CreateUserProfile.UserProfileName",
            "single_sign_on_user_identifier": "CreateUserProfile.SingleSignOnUserIdentifier",
            "single_sign_on_user_value": "CreateUserProfile.SingleSignOnUserValue",
            "user_settings": Auto("CreateUserProfile.UserSettings"),
        },
        tags="CreateUserProfile.Tags",
    ),
    "aws_security_group": Api(
        "ec2",
        {
            "name": "CreateSecurityGroup.GroupName",
            "description": "CreateSecurityGroup.Description",
            "vpc_id": GENERATED_ID,
            "ingress.description": "AuthorizeSecurityGroupIngress.IpPermissions.IpRanges.Description",
            "ingress.from_port": "AuthorizeSecurityGroupIngress.IpPermissions.FromPort",
            "ingress.to_port": "AuthorizeSecurityGroupIngress.IpPermissions.ToPort",
            "ingress.protocol": "AuthorizeSecurityGroupIngress.IpPermissions.IpProtocol",
            "ingress.cidr_blocks": "AuthorizeSecurityGroupIngress.IpPermissions.IpRanges.CidrIp",
            "ingress.ipv6_cidr_blocks": "AuthorizeSecurityGroupIngress.IpPermissions.Ipv6Ranges.CidrIpv6",
            "ingress.prefix_list_ids": "AuthorizeSecurityGroupIngress.IpPermissions.PrefixListIds.PrefixListId",
            "ingress.security_groups": "AuthorizeSecurityGroupIngress.IpPermissions.UserIdGroupPairs.GroupId",
            "ingress.self": NotSent("the provider adds the group itself to UserIdGroupPairs"),
            "egress.description": "AuthorizeSecurityGroupEgress.IpPermissions.IpRanges.Description",
            "egress.from_port": "AuthorizeSecurityGroupEgress.IpPermissions.FromPort",
            "egress.to_port": "AuthorizeSecurityGroupEgress.IpPermissions.ToPort",
            "egress.protocol": "AuthorizeSecurityGroupEgress.IpPermissions.IpProtocol",
            "egress.cidr_blocks": "AuthorizeSecurityGroupEgress.IpPermissions.IpRanges.CidrIp",
            "egress.ipv6_cidr_blocks": "AuthorizeSecurityGroupEgress.IpPermissions.Ipv6Ranges.CidrIpv6",
            "egress.prefix_list_ids": "AuthorizeSecurityGroupEgress.IpPermissions.PrefixListIds.PrefixListId",
            "egress.security_groups": "AuthorizeSecurityGroupEgress.IpPermissions.UserIdGroupPairs.GroupId",
            "egress.self": NotSent("the provider adds the group itself to UserIdGroupPairs"),
        },
        tags="CreateSecurityGroup.TagSpecifications.Tags",
    ),
    "aws_servicecatalog_constraint": Api(
        "servicecatalog",
        {
            "portfolio_id": "CreateConstraint.PortfolioId",
            "product_id": "CreateConstraint.ProductId",
            "parameters": "CreateConstraint.Parameters",
            "type": "CreateConstraint.Type",
        },
    ),
    "aws_servicecatalog_portfolio": Api(
        "servicecatalog",
        {
            "name": "CreatePortfolio.DisplayName",
            "description": "CreatePortfolio.Description",
            "provider_name": "CreatePortfolio.ProviderName",
        },
        tags="CreatePortfolio.Tags",
    ),
    "aws_servicecatalog_portfolio_share": Api(
        "servicecatalog",
        {
            "portfolio_id": "CreatePortfolioShare.PortfolioId",
            "principal_id": "CreatePortfolioShare.OrganizationNode.Value",
            "type": "CreatePortfolioShare.OrganizationNode.Type",
            "share_principals": "CreatePortfolioShare.SharePrincipals",
        },
    ),
    "aws_servicecatalog_principal_portfolio_association": Api(
        "servicecatalog",
        {
            "portfolio_id": "AssociatePrincipalWithPortfolio.PortfolioId",
            "principal_arn": "AssociatePrincipalWithPortfolio.PrincipalARN",
            "principal_type": "AssociatePrincipalWithPortfolio.PrincipalType",
        },
    ),
    "aws_servicecatalog_product": Api(
        "servicecatalog",
        {
            "name": "CreateProduct.Name",
            "owner": "CreateProduct.Owner",
            "description": "CreateProduct.Description",
            "type": "CreateProduct.ProductType",
            "provisioning_artifact_parameters.name": "CreateProduct.ProvisioningArtifactParameters.Name",
            "provisioning_artifact_parameters.type": "CreateProduct.ProvisioningArtifactParameters.Type",
            "provisioning_artifact_parameters.template_url": "CreateProduct.ProvisioningArtifactParameters.Info{}",
        },
        tags="CreateProduct.Tags",
    ),
    "aws_servicecatalog_product_portfolio_association": Api(
        "servicecatalog",
        {"portfolio_id": "AssociateProductWithPortfolio.PortfolioId", "product_id": "AssociateProductWithPortfolio.ProductId"},
    ),
    "aws_servicecatalog_provisioning_artifact": Api(
        "servicecatalog",
        {
            "product_id": "CreateProvisioningArtifact.ProductId",
            "name": "CreateProvisioningArtifact.Parameters.Name",
            "type": "CreateProvisioningArtifact.Parameters.Type",
            "template_url": "CreateProvisioningArtifact.Parameters.Info{}",
            "guidance": "UpdateProvisioningArtifact.Guidance",
        },
    ),
    "aws_sns_topic": Api(
        "sns",
        {"name": "CreateTopic.Name", "kms_master_key_id": "CreateTopic.Attributes{}"},
        tags="CreateTopic.Tags",
    ),
    "aws_sns_topic_subscription": Api(
        "sns",
        {"topic_arn": "Subscribe.TopicArn", "protocol": "Subscribe.Protocol", "endpoint": "Subscribe.Endpoint"},
    ),
    "aws_ssoadmin_account_assignment": Api(
        "sso-admin",
        {
            "instance_arn": "CreateAccountAssignment.InstanceArn",
            "permission_set_arn": "CreateAccountAssignment.PermissionSetArn",
            "principal_id": "CreateAccountAssignment.PrincipalId",
            "principal_type": "CreateAccountAssignment.PrincipalType",
            "target_id": "CreateAccountAssignment.TargetId",
            "target_type": "CreateAccountAssignment.TargetType",
        },
    ),
    "aws_ssoadmin_application_assignment": Api(
        "sso-admin",
        {
            "application_arn": "CreateApplicationAssignment.ApplicationArn",
            "principal_id": "CreateApplicationAssignment.PrincipalId",
            "principal_type": "CreateApplicationAssignment.PrincipalType",
        },
    ),
    "aws_ssoadmin_managed_policy_attachment": Api(
        "sso-admin",
        {
            "instance_arn": "AttachManagedPolicyToPermissionSet.InstanceArn",
            "permission_set_arn": "AttachManagedPolicyToPermissionSet.PermissionSetArn",
            "managed_policy_arn": "AttachManagedPolicyToPermissionSet.ManagedPolicyArn",
        },
    ),
    "aws_ssoadmin_permission_set": Api(
        "sso-admin",
        {
            "name": "CreatePermissionSet.Name",
            "description": "CreatePermissionSet.Description",
            "instance_arn": "CreatePermissionSet.InstanceArn",
            "session_duration": "CreatePermissionSet.SessionDuration",
        },
        tags="CreatePermissionSet.Tags",
    ),
    "aws_ssoadmin_permission_set_inline_policy": Api(
        "sso-admin",
        {
            "instance_arn": "PutInlinePolicyToPermissionSet.InstanceArn",
            "permission_set_arn": "PutInlinePolicyToPermissionSet.PermissionSetArn",
            "inline_policy": "PutInlinePolicyToPermissionSet.InlinePolicy",
        },
        policies={"inline_policy": "sso_inline"},
    ),
    "aws_subnet": Api(
        "ec2",
        {
            "vpc_id": GENERATED_ID,
            "cidr_block": "CreateSubnet.CidrBlock",
            "availability_zone": "CreateSubnet.AvailabilityZone",
            "map_public_ip_on_launch": "ModifySubnetAttribute.MapPublicIpOnLaunch.Value",
        },
        tags="CreateSubnet.TagSpecifications.Tags",
    ),
    "aws_vpc": Api(
        "ec2",
        {
            "cidr_block": "CreateVpc.CidrBlock",
            "enable_dns_hostnames": "ModifyVpcAttribute.EnableDnsHostnames.Value",
            "enable_dns_support": "ModifyVpcAttribute.EnableDnsSupport.Value",
        },
        tags="CreateVpc.TagSpecifications.Tags",
    ),
    "aws_vpc_endpoint": Api(
        "ec2",
        {
            "vpc_id": GENERATED_ID,
            "service_name": "CreateVpcEndpoint.ServiceName",
            "vpc_endpoint_type": "CreateVpcEndpoint.VpcEndpointType",
            "private_dns_enabled": "CreateVpcEndpoint.PrivateDnsEnabled",
            "route_table_ids": "CreateVpcEndpoint.RouteTableIds",
            "subnet_ids": "CreateVpcEndpoint.SubnetIds",
            "security_group_ids": "CreateVpcEndpoint.SecurityGroupIds",
        },
        tags="CreateVpcEndpoint.TagSpecifications.Tags",
    ),
}
