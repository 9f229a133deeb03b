"""Each guardrail blocks what it must and lets through what it must not block; packing respects AWS limits."""

import json

import pytest

from modules import guardrails as g
from tests.policy_sim import Request, denied

TEAM = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_DataScientist_abc"
PLATFORM_TF = "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole"
PLATFORM_ADMIN = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformAdmin_0123456789abcdef"
# Another permission set whose name starts like the platform's: it must not be exempt.
LOOKALIKE = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformAdmin_ReadOnly_0123456789abcdef"
RECORDER = "arn:aws:iam::123456789012:role/acme-config-recorder"


def doc(rail: g.Guardrail) -> dict:
    return {"Version": "2012-10-17", "Statement": list(rail.statements)}


CASES = [
    # guardrail, request, denied?
    (g.deny_leave_organization(), Request("organizations:LeaveOrganization", PLATFORM_TF), True),
    (g.deny_leave_organization(), Request("organizations:DescribeOrganization"), False),
    (g.deny_unapproved_regions(("eu-west-1", "eu-central-1")), Request("sagemaker:CreateTrainingJob", region="us-east-1"), True),
    (g.deny_unapproved_regions(("eu-west-1", "eu-central-1")), Request("sagemaker:CreateTrainingJob", region="eu-central-1"), False),
    (g.deny_unapproved_regions(("eu-west-1",)), Request("iam:CreateRole", region="us-east-1"), False),
    (g.deny_root_user(), Request("s3:ListAllMyBuckets", "arn:aws:iam::123456789012:root"), True),
    (g.deny_root_user(), Request("s3:ListAllMyBuckets", TEAM), False),
    (g.protect_audit("log-archive-acme-1"), Request("cloudtrail:StopLogging", TEAM), True),
    (g.protect_audit("log-archive-acme-1"), Request("config:StopConfigurationRecorder", TEAM), True),
    (g.protect_audit("log-archive-acme-1"), Request("config:PutConfigurationRecorder", PLATFORM_TF), False),
    (g.protect_audit("log-archive-acme-1"), Request("s3:DeleteObject", PLATFORM_ADMIN, "arn:aws:s3:::log-archive-acme-1/AWSLogs/x"), True),
    (g.protect_audit("log-archive-acme-1"), Request("s3:DeleteObject", TEAM, "arn:aws:s3:::acme-fraud-dev-data/x"), False),
    (
        g.protect_platform_roles("acme"),
        Request("iam:PutRolePolicy", TEAM, "arn:aws:iam::123456789012:role/acme-fraud-dev-sagemaker-execution"),
        True,
    ),
    (
        g.protect_platform_roles("acme"),
        Request("iam:UpdateAssumeRolePolicy", TEAM, "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole"),
        True,
    ),
    (
        g.protect_platform_roles("acme"),
        Request("iam:PutRolePolicy", PLATFORM_TF, "arn:aws:iam::123456789012:role/acme-fraud-dev-sagemaker-execution"),
        False,
    ),
    (g.protect_platform_roles("acme"), Request("iam:PutRolePolicy", PLATFORM_ADMIN, "arn:aws:iam::123456789012:role/acme-deploy"), False),
    (g.protect_platform_roles("acme"), Request("iam:PutRolePolicy", TEAM, "arn:aws:iam::123456789012:role/my-own-role"), False),
    (g.sagemaker_vpc_only(), Request("sagemaker:CreateTrainingJob"), True),
    (g.sagemaker_vpc_only(), Request("sagemaker:CreateTrainingJob", context={"sagemaker:VpcSubnets": ["subnet-1"]}), False),
    (
        g.sagemaker_vpc_only(),
        Request(
            "sagemaker:CreateDomain", context={"sagemaker:AppNetworkAccessType": "PublicInternetOnly", "sagemaker:VpcSubnets": ["subnet-1"]}
        ),
        True,
    ),
    (g.sagemaker_vpc_only(), Request("sagemaker:CreateDomain", context={"sagemaker:AppNetworkAccessType": "VpcOnly"}), False),
    (
        g.sagemaker_vpc_only(),
        Request(
            "sagemaker:CreateNotebookInstance", context={"sagemaker:DirectInternetAccess": "Enabled", "sagemaker:VpcSubnets": ["subnet-1"]}
        ),
        True,
    ),
    (
        g.studio_source_networks(("203.0.113.0/24",)),
        Request("sagemaker:CreatePresignedDomainUrl", context={"aws:SourceIp": "198.51.100.7"}),
        True,
    ),
    (
        g.studio_source_networks(("203.0.113.0/24",)),
        Request("sagemaker:CreatePresignedDomainUrl", context={"aws:SourceIp": "203.0.113.9"}),
        False,
    ),
    (g.studio_source_networks(("203.0.113.0/24",)), Request("sagemaker:DescribeDomain", context={"aws:SourceIp": "198.51.100.7"}), False),
    (g.suspended_lockdown("acme"), Request("s3:GetObject", TEAM), True),
    (g.suspended_lockdown("acme"), Request("s3:GetObject", PLATFORM_ADMIN), False),
    (g.suspended_lockdown("acme"), Request("s3:GetObject", LOOKALIKE), True),
    (g.suspended_lockdown("acme"), Request("s3:PutObject", RECORDER), False),
    (g.protect_platform_roles("acme"), Request("iam:PutRolePolicy", LOOKALIKE, "arn:aws:iam::123456789012:role/acme-deploy"), True),
    # The provider's UpdateDomain for idle shutdown or settings carries no AppNetworkAccessType.
    (g.sagemaker_vpc_only(), Request("sagemaker:UpdateDomain", PLATFORM_TF), False),
    (
        g.sagemaker_vpc_only(),
        Request("sagemaker:UpdateDomain", PLATFORM_TF, context={"sagemaker:AppNetworkAccessType": "PublicInternetOnly"}),
        True,
    ),
    (g.sagemaker_vpc_only(), Request("sagemaker:CreateDomain", PLATFORM_TF), True),  # the default is public
    (
        g.instance_types("fraud", ("ml.m5.xlarge",)),
        Request("sagemaker:CreateTrainingJob", PLATFORM_ADMIN, context={"sagemaker:InstanceTypes": ["ml.p4d.24xlarge"]}),
        True,
    ),
    (
        g.instance_types("fraud", ("ml.m5.xlarge",)),
        Request("sagemaker:CreateEndpointConfig", TEAM, context={"sagemaker:InstanceTypes": ["ml.m5.xlarge", "ml.g5.48xlarge"]}),
        True,
    ),
    (
        g.instance_types("fraud", ("ml.m5.xlarge",)),
        Request("sagemaker:CreateTrainingJob", TEAM, context={"sagemaker:InstanceTypes": ["ml.m5.xlarge"]}),
        False,
    ),
    (
        g.instance_types("fraud", ("ml.m5.xlarge",)),
        Request("sagemaker:CreateApp", TEAM, context={"sagemaker:InstanceTypes": ["system"]}),
        False,
    ),
    (g.instance_types("fraud", ("ml.m5.xlarge",)), Request("sagemaker:UpdateDomain", PLATFORM_TF), False),
]


@pytest.mark.parametrize("rail,request_,expected", CASES, ids=[f"{c[0].name}-{c[1].action}-{'deny' if c[2] else 'allow'}" for c in CASES])
def test_guardrail_decision(rail, request_, expected):
    assert denied(doc(rail), request_) is expected


def test_every_guardrail_has_a_compliant_and_a_non_compliant_case():
    names = {c[0].name for c in CASES}
    for name in names:
        assert {c[2] for c in CASES if c[0].name == name} == {True, False}, name
    assert names == {
        "deny-leave-organization",
        "deny-unapproved-regions",
        "deny-root-user",
        "protect-audit",
        "protect-platform-roles",
        "sagemaker-vpc-only",
        "studio-source-networks",
        "suspended-lockdown",
        "fraud-instance-types",
    }


def inputs(**kw) -> g.Inputs:
    base = dict(
        org="acme",
        allowed_regions=("eu-west-1",),
        studio_allowed_cidrs=("203.0.113.0/24",),
        log_bucket="log-archive-acme-1",
        workload_roots=("Workloads",),
        vpc_only_ous=("Workloads/Prod",),
    )
    return g.Inputs(**{**base, **kw})


def test_coverage_traces_each_guardrail_to_its_ous():
    cov = {ou: [r.name for r in rails] for ou, rails in g.coverage(inputs()).items()}
    assert cov["Workloads"] == [
        "deny-leave-organization",
        "deny-unapproved-regions",
        "deny-root-user",
        "protect-audit",
        "protect-platform-roles",
        "studio-source-networks",
    ]
    assert cov["Suspended"][-1] == "suspended-lockdown" and cov["Suspended"][:-1] == cov["Workloads"]
    assert cov["Workloads/Prod"] == ["sagemaker-vpc-only"]  # inherits the rest from Workloads
    assert "studio-source-networks" not in [r.name for r in g.coverage(inputs(studio_allowed_cidrs=()))["Workloads"]]


def test_packed_policies_fit_the_limits_and_keep_every_statement():
    scps = g.scp_plan(inputs())
    for scp in scps:
        assert len(scp.text) <= g.MAX_POLICY_CHARS
        sids = [s["Sid"] for s in json.loads(scp.text)["Statement"]]
        assert len(sids) == len(set(sids))
    per_target = {}
    for scp in scps:
        per_target.setdefault(scp.target, []).extend(scp.guardrails)
    assert {t: sorted(r) for t, r in per_target.items()} == {t: sorted(r.name for r in rails) for t, rails in g.coverage(inputs()).items()}


def test_packing_splits_when_one_policy_is_too_large():
    many = tuple(f"10.{i}.0.0/16" for i in range(200))  # a long list of networks grows one guardrail
    scps = g.pack("acme", "Workloads", g.coverage(inputs(studio_allowed_cidrs=many))["Workloads"])
    assert len(scps) == 2 and all(len(s.text) <= g.MAX_POLICY_CHARS for s in scps)


def test_packing_refuses_what_cannot_fit():
    huge = tuple(f"10.{i // 250}.{i % 250}.0/24" for i in range(600))
    with pytest.raises(g.PackingError, match="alone is .* characters; an SCP may have at most 5120"):
        g.pack("acme", "Workloads", g.coverage(inputs(studio_allowed_cidrs=huge))["Workloads"])
    rails = tuple(g.studio_source_networks(tuple(f"10.{i}.{j}.0/24" for j in range(170))) for i in range(5))
    rails = tuple(g.Guardrail(f"r{i}", "", r.statements) for i, r in enumerate(rails))
    with pytest.raises(g.PackingError, match="needs 5 SCPs .* AWS allows 5 per target, 4 besides FullAWSAccess"):
        g.pack("acme", "Workloads", rails)
