"""The audit baseline: the log archive bucket, the organization CloudTrail, AWS Config in every account."""

from __future__ import annotations

from typing import Any

from cdktn_provider_aws.cloudtrail import Cloudtrail, CloudtrailAdvancedEventSelector, CloudtrailAdvancedEventSelectorFieldSelector
from cdktn_provider_aws.config_configuration_aggregator import ConfigConfigurationAggregator
from cdktn_provider_aws.config_configuration_recorder import ConfigConfigurationRecorder
from cdktn_provider_aws.config_configuration_recorder_status import ConfigConfigurationRecorderStatus
from cdktn_provider_aws.config_delivery_channel import ConfigDeliveryChannel
from cdktn_provider_aws.flow_log import FlowLog
from cdktn_provider_aws.kms_alias import KmsAlias
from cdktn_provider_aws.kms_key import KmsKey
from cdktn_provider_aws.provider import AwsProvider
from constructs import Construct

from .. import policies
from ..base import ids, naming
from ..base.tfexpr import expression
from .base import PlatformStack, for_each, policy_json
from .baseline import build_bucket
from .iam import iam
from .refs import each, instance, ref

# Services that write into the log archive, each only for accounts of this organization.
LOG_WRITERS = ("cloudtrail.amazonaws.com", "config.amazonaws.com", "delivery.logs.amazonaws.com")


def build_log_archive(scope: Construct, *, org: str, bucket: str, account_id: str, org_id: str, provider: AwsProvider) -> str:
    """The log archive bucket and its key in the log archive account; returns the key ARN."""
    KmsKey(
        scope,
        "log-archive-kms",
        provider=provider,
        description=f"{org}: CloudTrail, Config and flow logs",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=policy_json(policies.log_archive_key_policy(org=org, account_id=account_id, org_id=org_id, services=LOG_WRITERS)),
    )
    KmsAlias(
        scope,
        "log-archive-kms-alias",
        provider=provider,
        name=naming.log_archive_key_alias(org),
        target_key_id=ref("aws_kms_key", "log-archive-kms", "key_id"),
    )
    key_arn = ref("aws_kms_key", "log-archive-kms", "arn")
    build_bucket(
        scope,
        "log-archive",
        name=bucket,
        key_arn=key_arn,
        provider=provider,
        archive=True,
        extra_statements=policies.log_archive_bucket_statements(org=org, bucket=bucket, org_id=org_id),
    )
    return key_arn


def build_organization_trail(
    scope: Construct,
    *,
    org: str,
    name: str,
    bucket: str,
    key_arn: str,
    logs_group_arn: str,
    logs_role_arn: str,
    depends_on: list[Any] | None = None,
) -> Cloudtrail:
    """All regions, every account, log file validation, KMS; S3 data events of the platform's buckets,
    which is where object-level access to team data is recorded."""
    return Cloudtrail(
        scope,
        "organization-trail",
        name=name,
        s3_bucket_name=bucket,
        kms_key_id=key_arn,
        is_organization_trail=True,
        is_multi_region_trail=True,
        include_global_service_events=True,
        enable_log_file_validation=True,
        enable_logging=True,
        depends_on=depends_on,
        cloud_watch_logs_group_arn=logs_group_arn,
        cloud_watch_logs_role_arn=logs_role_arn,
        advanced_event_selector=[
            CloudtrailAdvancedEventSelector(
                name="Management events",
                field_selector=[CloudtrailAdvancedEventSelectorFieldSelector(field="eventCategory", equal_to=["Management"])],
            ),
            CloudtrailAdvancedEventSelector(
                name="Data events of the platform's buckets",
                field_selector=[
                    CloudtrailAdvancedEventSelectorFieldSelector(field="eventCategory", equal_to=["Data"]),
                    CloudtrailAdvancedEventSelectorFieldSelector(field="resources.type", equal_to=["AWS::S3::Object"]),
                    CloudtrailAdvancedEventSelectorFieldSelector(field="resources.ARN", starts_with=[f"arn:aws:s3:::{org}-"]),
                ],
            ),
        ],
    )


def build_config_recorder(
    scope: PlatformStack, *, org: str, account_id: str, log_bucket: str, region: str, regions: tuple[str, ...], log_archive_account_id: str
) -> None:
    """AWS Config records every resource of the account in every allowed region (global resources such as IAM
    once, in the account's own region) and delivers to the log archive, with one role (AWS_ConfigRole to read,
    and delivery rights to its prefix of the log archive). Config is regional: a recorder per region
    (https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html#select-resources-all)."""
    roles = iam(scope)
    roles.role(
        "config-role",
        name=naming.config_role(org),
        description="AWS Config recorder",
        assume_role_policy=policy_json(policies.service_trust("config.amazonaws.com", account_id)),
    )
    roles.attach("config-role-policy", role="config-role", policy_arn="arn:aws:iam::aws:policy/service-role/AWS_ConfigRole")
    roles.inline_policy(
        "config-role-delivery",
        role="config-role",
        name="deliver-to-log-archive",
        policy=policy_json(
            policies.config_delivery_policy(
                account_id=account_id,
                region=region,
                bucket=log_bucket,
                log_archive_account_id=log_archive_account_id,
                key_alias=naming.log_archive_key_alias(org),
            )
        ),
    )
    # One construct per kind with an instance per region (docs/design.md, "Stable construct ids"), keyed by region; global resources
    # are recorded in the account's own region only. The `moved` blocks carry each earlier address (the own region's
    # unsuffixed, the others `-<region>`) to its instance.
    wheres = sorted(set(regions) | {region})
    kinds = ids.CONFIG
    recorder = ConfigConfigurationRecorder(
        scope,
        kinds["aws_config_configuration_recorder"],
        for_each=for_each({w: {"region": w, "global": w == region} for w in wheres}),
        name="default",
        role_arn=roles.role_ref("config-role", "arn"),
        region=each("region"),
        recording_group={"all_supported": True, "include_global_resource_types": False},
    )
    # a bool argument takes no reference in cdktn's types: the per-region value is set through an override
    recorder.add_override("recording_group.include_global_resource_types", each("global"))
    channel = ConfigDeliveryChannel(
        scope,
        kinds["aws_config_delivery_channel"],
        for_each=for_each({w: {"region": w} for w in wheres}),
        name="default",
        s3_bucket_name=log_bucket,
        region=each("region"),
        depends_on=[recorder],
    )
    ConfigConfigurationRecorderStatus(
        scope,
        kinds["aws_config_configuration_recorder_status"],
        for_each=for_each({w: {"region": w} for w in wheres}),
        is_enabled=True,
        depends_on=[channel],
        region=each("region"),
        name=expression("aws_config_configuration_recorder.config-recorder[each.key].name"),
    )
    scope.moved({f"{tf_type}.{ids.regional(cid, w, region)}": instance(tf_type, cid, w) for tf_type, cid in kinds.items() for w in wheres})


def build_flow_log(scope: Construct, *, vpc_id: str, log_bucket: str) -> None:
    FlowLog(
        scope,
        "vpc-flow-log",
        vpc_id=vpc_id,
        traffic_type="ALL",
        log_destination_type="s3",
        log_destination=f"arn:aws:s3:::{log_bucket}",
        max_aggregation_interval=600,
    )


def build_aggregator(scope: PlatformStack, *, org: str, account_id: str) -> None:
    """The organization's Config aggregator in shared services (a delegated administrator for Config)."""
    roles = iam(scope)
    roles.role(
        "config-aggregator-role",
        name=f"{org}-config-aggregator",
        description="AWS Config organization aggregator",
        assume_role_policy=policy_json(policies.service_trust("config.amazonaws.com", account_id)),
    )
    roles.attach(
        "config-aggregator-role-policy",
        role="config-aggregator-role",
        policy_arn="arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations",
    )
    aggregator = ConfigConfigurationAggregator(
        scope,
        "config-aggregator",
        name=f"{org}-organization",
        organization_aggregation_source={"all_regions": True, "role_arn": roles.role_ref("config-aggregator-role", "arn")},
    )
    # Config checks the role's organization permissions when the aggregator is created, as the provider's
    # example orders it: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/config_configuration_aggregator
    roles.after_role(aggregator, "config-aggregator-role")
