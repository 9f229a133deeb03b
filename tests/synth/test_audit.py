"""The audit baseline records and watches: Config in every allowed region, alarms on the organization trail."""

from __future__ import annotations

import pytest

from modules.aws.monitoring import ALARMS
from tests.synth.conftest import resources, stack


def test_config_records_in_every_allowed_region_and_global_resources_once(example_out, example_registry):
    regions = set(example_registry.organization.allowed_regions)
    home = example_registry.organization.home_region
    assert len(regions) > 1, "the example must allow more than one region for this test to mean anything"
    team_stacks = [
        p.parent.name
        for p in (example_out / "stacks").glob("*/cdk.tf.json")
        if "-" in p.parent.name and p.parent.name not in ("shared-services",) and not p.parent.name.endswith("-access")
    ]
    assert team_stacks
    for name in team_stacks:
        doc = stack(example_out, name)
        recorders = resources(doc, "aws_config_configuration_recorder")
        by_region = {r.get("region", home): r for r in recorders.values()}
        assert set(by_region) == regions, name
        assert [r for r, rec in by_region.items() if rec["recording_group"]["include_global_resource_types"]] == [home]
        for rtype in ("aws_config_delivery_channel", "aws_config_configuration_recorder_status"):
            assert {r.get("region", home) for r in resources(doc, rtype).values()} == regions, (name, rtype)


@pytest.fixture(scope="module")
def organization(example_out) -> dict:
    return stack(example_out, "organization")


def test_the_trail_streams_to_an_encrypted_log_group_kept_a_year(organization):
    trail = resources(organization, "aws_cloudtrail")["organization-trail"]
    assert trail["cloud_watch_logs_group_arn"] == "${aws_cloudwatch_log_group.trail-log-group.arn}:*"
    assert trail["cloud_watch_logs_role_arn"] == '${aws_iam_role.roles["trail-logs-role"].arn}'
    group = resources(organization, "aws_cloudwatch_log_group")["trail-log-group"]
    assert group["retention_in_days"] >= 365 and group["kms_key_id"] == "${aws_kms_key.monitoring-kms.arn}"


def test_every_alarm_has_its_filter_and_notifies_the_platform_admins(organization, example_registry):
    filters = resources(organization, "aws_cloudwatch_log_metric_filter")
    alarms = resources(organization, "aws_cloudwatch_metric_alarm")
    assert {f["name"] for f in filters.values()} == set(ALARMS)
    for alarm in alarms.values():
        assert alarm["alarm_actions"] == ["${aws_sns_topic.security-alarms.arn}"]
        assert alarm["metric_name"] in ALARMS
    assert len(alarms) == len(ALARMS)
    emails = {s["endpoint"] for s in resources(organization, "aws_sns_topic_subscription").values()}
    admins = set(example_registry.organization.platform_admins)
    assert emails == {p.email for p in example_registry.people if p.user_name in admins}
    assert resources(organization, "aws_sns_topic")["security-alarms"]["kms_master_key_id"]


@pytest.mark.parametrize(
    "alarm,event",
    [
        ("root-usage", "Root"),
        ("cloudtrail-changes", "StopLogging"),
        ("config-changes", "StopConfigurationRecorder"),
        ("organizations-changes", "AttachPolicy"),
        ("organizations-changes", "UpdatePolicy"),
        ("permission-set-changes", "PutInlinePolicyToPermissionSet"),
        ("iam-policy-changes", "PutRolePolicy"),
    ],
)
def test_the_filters_watch_what_the_issue_names(alarm, event):
    assert event in ALARMS[alarm][1]
