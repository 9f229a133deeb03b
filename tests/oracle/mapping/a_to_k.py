"""The mapping of resource types aws_a… to aws_k… (see the package's docstring)."""

from __future__ import annotations

from .api import GENERATED_ID, REGION, Api, NotSent

RESOURCES: dict[str, Api] = {
    "aws_budgets_budget": Api(
        "budgets",
        {
            "name": "CreateBudget.Budget.BudgetName",
            "budget_type": "CreateBudget.Budget.BudgetType",
            "limit_amount": "CreateBudget.Budget.BudgetLimit.Amount",
            "limit_unit": "CreateBudget.Budget.BudgetLimit.Unit",
            "time_unit": "CreateBudget.Budget.TimeUnit",
            "notification.comparison_operator": "CreateNotification.Notification.ComparisonOperator",
            "notification.notification_type": "CreateNotification.Notification.NotificationType",
            "notification.threshold": "CreateNotification.Notification.Threshold",
            "notification.threshold_type": "CreateNotification.Notification.ThresholdType",
            "notification.subscriber_email_addresses": "CreateNotification.Subscribers.Address",
        },
        tags="CreateBudget.ResourceTags",
    ),
    "aws_cloudtrail": Api(
        "cloudtrail",
        {
            "name": "CreateTrail.Name",
            "s3_bucket_name": "CreateTrail.S3BucketName",
            "kms_key_id": "CreateTrail.KmsKeyId",
            "cloud_watch_logs_group_arn": "CreateTrail.CloudWatchLogsLogGroupArn",
            "cloud_watch_logs_role_arn": "CreateTrail.CloudWatchLogsRoleArn",
            "enable_log_file_validation": "CreateTrail.EnableLogFileValidation",
            "include_global_service_events": "CreateTrail.IncludeGlobalServiceEvents",
            "is_multi_region_trail": "CreateTrail.IsMultiRegionTrail",
            "is_organization_trail": "CreateTrail.IsOrganizationTrail",
            "enable_logging": NotSent("StartLogging/StopLogging, which take only the trail's name"),
            "advanced_event_selector.name": "PutEventSelectors.AdvancedEventSelectors.Name",
            "advanced_event_selector.field_selector.field": "PutEventSelectors.AdvancedEventSelectors.FieldSelectors.Field",
            "advanced_event_selector.field_selector.equals": "PutEventSelectors.AdvancedEventSelectors.FieldSelectors.Equals",
            "advanced_event_selector.field_selector.starts_with": "PutEventSelectors.AdvancedEventSelectors.FieldSelectors.StartsWith",
        },
        tags="CreateTrail.TagsList",
    ),
    "aws_codebuild_project": Api(
        "codebuild",
        {
            "name": "CreateProject.name",
            "description": "CreateProject.description",
            "build_timeout": "CreateProject.timeoutInMinutes",
            "encryption_key": "CreateProject.encryptionKey",
            "service_role": "CreateProject.serviceRole",
            "artifacts.type": "CreateProject.artifacts.type",
            "environment.compute_type": "CreateProject.environment.computeType",
            "environment.image": "CreateProject.environment.image",
            "environment.type": "CreateProject.environment.type",
            "logs_config.cloudwatch_logs.group_name": "CreateProject.logsConfig.cloudWatchLogs.groupName",
            "source.type": "CreateProject.source.type",
            "source.buildspec": "CreateProject.source.buildspec",
        },
        tags="CreateProject.tags",
    ),
    "aws_cloudwatch_log_group": Api(
        "logs",
        {
            "name": "CreateLogGroup.logGroupName",
            "kms_key_id": "CreateLogGroup.kmsKeyId",
            "retention_in_days": "PutRetentionPolicy.retentionInDays",
        },
        tags="CreateLogGroup.tags",
    ),
    "aws_cloudwatch_log_metric_filter": Api(
        "logs",
        {
            "name": "PutMetricFilter.filterName",
            "log_group_name": "PutMetricFilter.logGroupName",
            "pattern": "PutMetricFilter.filterPattern",
            "metric_transformation.name": "PutMetricFilter.metricTransformations.metricName",
            "metric_transformation.namespace": "PutMetricFilter.metricTransformations.metricNamespace",
            "metric_transformation.value": "PutMetricFilter.metricTransformations.metricValue",
        },
    ),
    "aws_cloudwatch_metric_alarm": Api(
        "cloudwatch",
        {
            "alarm_name": "PutMetricAlarm.AlarmName",
            "alarm_description": "PutMetricAlarm.AlarmDescription",
            "alarm_actions": "PutMetricAlarm.AlarmActions",
            "comparison_operator": "PutMetricAlarm.ComparisonOperator",
            "evaluation_periods": "PutMetricAlarm.EvaluationPeriods",
            "metric_name": "PutMetricAlarm.MetricName",
            "namespace": "PutMetricAlarm.Namespace",
            "period": "PutMetricAlarm.Period",
            "statistic": "PutMetricAlarm.Statistic",
            "threshold": "PutMetricAlarm.Threshold",
            "treat_missing_data": "PutMetricAlarm.TreatMissingData",
        },
        tags="PutMetricAlarm.Tags",
    ),
    "aws_codeartifact_domain": Api(
        "codeartifact",
        {"domain": "CreateDomain.domain", "encryption_key": "CreateDomain.encryptionKey"},
        tags="CreateDomain.tags",
    ),
    "aws_codeartifact_domain_permissions_policy": Api(
        "codeartifact",
        {"domain": "PutDomainPermissionsPolicy.domain", "policy_document": "PutDomainPermissionsPolicy.policyDocument"},
        policies={"policy_document": "codeartifact"},
    ),
    "aws_codeartifact_repository": Api(
        "codeartifact",
        {
            "domain": "CreateRepository.domain",
            "repository": "CreateRepository.repository",
            "description": "CreateRepository.description",
            "upstream.repository_name": "CreateRepository.upstreams.repositoryName",
            "external_connections.external_connection_name": "AssociateExternalConnection.externalConnection",
        },
        tags="CreateRepository.tags",
    ),
    "aws_codeartifact_repository_permissions_policy": Api(
        "codeartifact",
        {
            "domain": "PutRepositoryPermissionsPolicy.domain",
            "repository": "PutRepositoryPermissionsPolicy.repository",
            "policy_document": "PutRepositoryPermissionsPolicy.policyDocument",
        },
        policies={"policy_document": "codeartifact"},
    ),
    "aws_config_configuration_aggregator": Api(
        "config",
        {
            "name": "PutConfigurationAggregator.ConfigurationAggregatorName",
            "organization_aggregation_source.all_regions": "PutConfigurationAggregator.OrganizationAggregationSource.AllAwsRegions",
            "organization_aggregation_source.role_arn": "PutConfigurationAggregator.OrganizationAggregationSource.RoleArn",
        },
        tags="PutConfigurationAggregator.Tags",
    ),
    "aws_config_configuration_recorder": Api(
        "config",
        {
            "name": "PutConfigurationRecorder.ConfigurationRecorder.name",
            "role_arn": "PutConfigurationRecorder.ConfigurationRecorder.roleARN",
            "recording_group.all_supported": "PutConfigurationRecorder.ConfigurationRecorder.recordingGroup.allSupported",
            "recording_group.include_global_resource_types": (
                "PutConfigurationRecorder.ConfigurationRecorder.recordingGroup.includeGlobalResourceTypes"
            ),
            "region": REGION,
        },
    ),
    "aws_config_configuration_recorder_status": Api(
        "config",
        {
            "name": "StartConfigurationRecorder.ConfigurationRecorderName",
            "is_enabled": NotSent("chooses StartConfigurationRecorder or StopConfigurationRecorder"),
            "region": REGION,
        },
    ),
    "aws_config_delivery_channel": Api(
        "config",
        {
            "name": "PutDeliveryChannel.DeliveryChannel.name",
            "s3_bucket_name": "PutDeliveryChannel.DeliveryChannel.s3BucketName",
            "region": REGION,
        },
    ),
    "aws_default_security_group": Api(
        "ec2",
        {"vpc_id": GENERATED_ID},
        tags="CreateTags.Tags",
    ),
    "aws_ecr_repository": Api(
        "ecr",
        {
            "name": "CreateRepository.repositoryName",
            "image_tag_mutability": "CreateRepository.imageTagMutability",
            "image_scanning_configuration.scan_on_push": "CreateRepository.imageScanningConfiguration.scanOnPush",
            "encryption_configuration.encryption_type": "CreateRepository.encryptionConfiguration.encryptionType",
            "encryption_configuration.kms_key": "CreateRepository.encryptionConfiguration.kmsKey",
            "force_delete": NotSent("DeleteRepository's force flag, used only on destroy"),
        },
        tags="CreateRepository.tags",
    ),
    "aws_ecr_repository_policy": Api(
        "ecr",
        {"repository": "SetRepositoryPolicy.repositoryName", "policy": "SetRepositoryPolicy.policyText"},
        policies={"policy": "ecr"},
    ),
    "aws_flow_log": Api(
        "ec2",
        {
            "log_destination": "CreateFlowLogs.LogDestination",
            "log_destination_type": "CreateFlowLogs.LogDestinationType",
            "max_aggregation_interval": "CreateFlowLogs.MaxAggregationInterval",
            "traffic_type": "CreateFlowLogs.TrafficType",
            "vpc_id": GENERATED_ID,
        },
        tags="CreateFlowLogs.TagSpecifications.Tags",
    ),
    "aws_iam_policy": Api(
        "iam",
        {
            "name": "CreatePolicy.PolicyName",
            "description": "CreatePolicy.Description",
            "policy": "CreatePolicy.PolicyDocument",
        },
        tags="CreatePolicy.Tags",
        policies={"policy": "iam_managed"},
    ),
    "aws_iam_role": Api(
        "iam",
        {
            "name": "CreateRole.RoleName",
            "description": "CreateRole.Description",
            "assume_role_policy": "CreateRole.AssumeRolePolicyDocument",
        },
        tags="CreateRole.Tags",
        policies={"assume_role_policy": "iam_trust"},
    ),
    "aws_iam_role_policy": Api(
        "iam",
        {"name": "PutRolePolicy.PolicyName", "policy": "PutRolePolicy.PolicyDocument", "role": "PutRolePolicy.RoleName"},
        policies={"policy": "iam_inline"},
    ),
    "aws_iam_role_policy_attachment": Api(
        "iam",
        {"role": "AttachRolePolicy.RoleName", "policy_arn": "AttachRolePolicy.PolicyArn"},
    ),
    "aws_identitystore_group": Api(
        "identitystore",
        {
            "identity_store_id": "CreateGroup.IdentityStoreId",
            "display_name": "CreateGroup.DisplayName",
            "description": "CreateGroup.Description",
        },
    ),
    "aws_identitystore_group_membership": Api(
        "identitystore",
        {
            "identity_store_id": "CreateGroupMembership.IdentityStoreId",
            "group_id": "CreateGroupMembership.GroupId",
            "member_id": "CreateGroupMembership.MemberId.UserId",
        },
    ),
    "aws_identitystore_user": Api(
        "identitystore",
        {
            "identity_store_id": "CreateUser.IdentityStoreId",
            "user_name": "CreateUser.UserName",
            "display_name": "CreateUser.DisplayName",
            "name.given_name": "CreateUser.Name.GivenName",
            "name.family_name": "CreateUser.Name.FamilyName",
            "emails.value": "CreateUser.Emails.Value",
            "emails.type": "CreateUser.Emails.Type",
            "emails.primary": "CreateUser.Emails.Primary",
        },
    ),
    "aws_kms_alias": Api("kms", {"name": "CreateAlias.AliasName", "target_key_id": "CreateAlias.TargetKeyId"}),
    "aws_kms_key": Api(
        "kms",
        {
            "description": "CreateKey.Description",
            "policy": "CreateKey.Policy",
            "enable_key_rotation": NotSent("chooses EnableKeyRotation, which takes only the key id"),
            "deletion_window_in_days": "ScheduleKeyDeletion.PendingWindowInDays",
        },
        tags="CreateKey.Tags",
        policies={"policy": "kms"},
    ),
}
