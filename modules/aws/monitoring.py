"""Detection, not only prevention: the organization trail streams into CloudWatch Logs of the management
account, where metric filters and alarms watch the events the CIS AWS Foundations Benchmark's monitoring
section names, plus the platform's own (SCP and permission-set changes). Alarms go to an encrypted SNS
topic with an email subscription per platform admin.

Filter patterns follow AWS Security Hub's CIS controls CloudWatch.1-14
(https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html).
"""

from __future__ import annotations

from cdktn_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktn_provider_aws.cloudwatch_log_metric_filter import CloudwatchLogMetricFilter
from cdktn_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktn_provider_aws.kms_alias import KmsAlias
from cdktn_provider_aws.kms_key import KmsKey
from cdktn_provider_aws.sns_topic import SnsTopic
from cdktn_provider_aws.sns_topic_subscription import SnsTopicSubscription

from .. import policies
from ..base import ids, naming
from .base import PlatformStack, policy_json
from .iam import iam
from .refs import ref


def _any_event(*names: str, source: str | None = None) -> str:
    events = "||".join(f"($.eventName={n})" for n in names)
    return f"{{($.eventSource={source})&&({events})}}" if source else f"{{{events}}}"


# name -> (what it means, CloudWatch Logs filter pattern)
ALARMS: dict[str, tuple[str, str]] = {
    "unauthorized-api-calls": (
        "Unauthorized API calls (CIS CloudWatch.2)",
        '{($.errorCode="*UnauthorizedOperation")||($.errorCode="AccessDenied*")}',
    ),
    "console-sign-in-without-mfa": (
        "Console sign-in without MFA (CloudWatch.3)",
        '{($.eventName="ConsoleLogin")&&($.additionalEventData.MFAUsed!="Yes")'
        '&&($.userIdentity.type="IAMUser")&&($.responseElements.ConsoleLogin="Success")}',
    ),
    "root-usage": (
        "Use of the root user (CloudWatch.1)",
        '{$.userIdentity.type="Root"&&$.userIdentity.invokedBy NOT EXISTS&&$.eventType!="AwsServiceEvent"}',
    ),
    "iam-policy-changes": (
        "IAM policy changes (CloudWatch.4)",
        _any_event(
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        ),
    ),
    "cloudtrail-changes": (
        "CloudTrail configuration changes or logging stopped (CloudWatch.5)",
        _any_event("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
    ),
    "console-authentication-failures": (
        "Console authentication failures (CloudWatch.6)",
        '{($.eventName=ConsoleLogin)&&($.errorMessage="Failed authentication")}',
    ),
    "kms-key-disabled-or-deleted": (
        "Customer managed keys disabled or scheduled for deletion (CloudWatch.7)",
        _any_event("DisableKey", "ScheduleKeyDeletion", source="kms.amazonaws.com"),
    ),
    "s3-bucket-policy-changes": (
        "S3 bucket policy changes (CloudWatch.8)",
        _any_event(
            "PutBucketAcl",
            "PutBucketPolicy",
            "PutBucketCors",
            "PutBucketLifecycle",
            "PutBucketReplication",
            "DeleteBucketPolicy",
            "DeleteBucketCors",
            "DeleteBucketLifecycle",
            "DeleteBucketReplication",
            source="s3.amazonaws.com",
        ),
    ),
    "config-changes": (
        "AWS Config stopped or changed (CloudWatch.9)",
        _any_event(
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
            source="config.amazonaws.com",
        ),
    ),
    "security-group-changes": (
        "Security group changes (CloudWatch.10)",
        _any_event(
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        ),
    ),
    "nacl-changes": (
        "Network ACL changes (CloudWatch.11)",
        _any_event(
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        ),
    ),
    "network-gateway-changes": (
        "Network gateway changes (CloudWatch.12)",
        _any_event(
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        ),
    ),
    "route-table-changes": (
        "Route table changes (CloudWatch.13)",
        _any_event(
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
            source="ec2.amazonaws.com",
        ),
    ),
    "vpc-changes": (
        "VPC changes (CloudWatch.14)",
        _any_event(
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AcceptVpcPeeringConnection",
            "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
        ),
    ),
    "organizations-changes": (
        "Organizations changes: accounts, OUs, SCPs and their attachments",
        _any_event(
            "AcceptHandshake",
            "AttachPolicy",
            "CreateAccount",
            "CreateOrganizationalUnit",
            "CreatePolicy",
            "DeleteOrganization",
            "DeleteOrganizationalUnit",
            "DeletePolicy",
            "DetachPolicy",
            "DisablePolicyType",
            "EnablePolicyType",
            "InviteAccountToOrganization",
            "LeaveOrganization",
            "MoveAccount",
            "RemoveAccountFromOrganization",
            "UpdatePolicy",
            "UpdateOrganizationalUnit",
            source="organizations.amazonaws.com",
        ),
    ),
    "permission-set-changes": (
        "Identity Center permission set changes",
        _any_event(
            "CreatePermissionSet",
            "UpdatePermissionSet",
            "DeletePermissionSet",
            "PutInlinePolicyToPermissionSet",
            "DeleteInlinePolicyFromPermissionSet",
            "AttachManagedPolicyToPermissionSet",
            "DetachManagedPolicyFromPermissionSet",
            "PutPermissionsBoundaryToPermissionSet",
            "DeletePermissionsBoundaryFromPermissionSet",
            source="sso.amazonaws.com",
        ),
    ),
}
# One year, the retention CIS and checkov ask of security logs (the log archive keeps them longer).
LOG_RETENTION_DAYS = 365


def build_trail_monitoring(
    scope: PlatformStack, *, org: str, account_id: str, region: str, subscribers: tuple[tuple[str, str], ...]
) -> tuple[str, str]:
    """Log group, alarms and their topic in the management account; returns (log group ARN for the trail,
    the role CloudTrail delivers with)."""
    group = naming.trail_log_group(org)
    KmsKey(
        scope,
        "monitoring-kms",
        description=f"{org}: security alarms and the trail's CloudWatch Logs",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=policy_json(policies.monitoring_key_policy(account_id=account_id, region=region, log_group=group)),
    )
    KmsAlias(scope, "monitoring-kms-alias", name=f"alias/{org}-monitoring", target_key_id=ref("aws_kms_key", "monitoring-kms", "key_id"))
    key_arn = ref("aws_kms_key", "monitoring-kms", "arn")
    CloudwatchLogGroup(scope, "trail-log-group", name=group, retention_in_days=LOG_RETENTION_DAYS, kms_key_id=key_arn)
    roles = iam(scope)
    roles.role(
        "trail-logs-role",
        name=f"{org}-cloudtrail-logs",
        description="CloudTrail delivers to CloudWatch Logs",
        assume_role_policy=policy_json(policies.service_trust("cloudtrail.amazonaws.com", account_id)),
    )
    roles.inline_policy(
        "trail-logs-role-policy",
        role="trail-logs-role",
        name="deliver-trail-events",
        policy=policy_json(policies.trail_logs_policy(account_id=account_id, region=region, log_group=group)),
    )
    SnsTopic(scope, "security-alarms", name=f"{org}-security-alarms", kms_master_key_id=key_arn)
    topic = ref("aws_sns_topic", "security-alarms", "arn")
    for user_name, email in subscribers:  # (user name, email): the user name is the stable construct id
        SnsTopicSubscription(scope, ids.alarm_subscription(user_name), topic_arn=topic, protocol="email", endpoint=email)
    namespace = f"{org}/Security"
    log_group = scope.node.find_child("trail-log-group")
    assert isinstance(log_group, CloudwatchLogGroup)  # built by the audit module before the alarms
    for name, (description, pattern) in ALARMS.items():
        CloudwatchLogMetricFilter(
            scope,
            f"metric-{name}",
            name=name,
            log_group_name=group,
            pattern=pattern,
            metric_transformation={"name": name, "namespace": namespace, "value": "1"},
            depends_on=[log_group],
        )
        CloudwatchMetricAlarm(
            scope,
            f"alarm-{name}",
            alarm_name=f"{org}-{name}",
            alarm_description=description,
            metric_name=name,
            namespace=namespace,
            statistic="Sum",
            period=300,
            evaluation_periods=1,
            threshold=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[topic],
        )
    return f"{ref('aws_cloudwatch_log_group', 'trail-log-group', 'arn')}:*", roles.role_ref("trail-logs-role", "arn")
