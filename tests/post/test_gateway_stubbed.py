"""The boto3 calls of the post-step, checked against AWS's own API models with botocore's Stubber
(for what moto does not implement: Studio apps and spaces, RAM association and promotion, Cost Explorer tags)."""

import random

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from modules.post.deadline import Clock, Deadline, OutOfTime
from modules.post.gateway import AwsGateway
from tests.post.fakes import FakeClock

ACCOUNT, REGION = "111122223333", "eu-west-1"


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def gw(clock):
    g = AwsGateway(
        boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name=REGION),
        deadline=Deadline.start(900, Clock(clock.now, clock.sleep)),
        call_seconds=60,
        rng=random.Random(7),
    )
    g.sleeps = clock.sleeps
    return g


def stub(gw, service, account=ACCOUNT, region=REGION):
    client = boto3.client(service, region_name=region, aws_access_key_id="x", aws_secret_access_key="x")
    gw._clients[(service, account or "", region)] = client
    s = Stubber(client)
    s.activate()
    return s


def test_studio_apps_and_spaces_calls(gw):
    s = stub(gw, "sagemaker")
    s.add_response(
        "list_apps",
        {
            "Apps": [
                {"DomainId": "d-1", "UserProfileName": "ivan", "AppType": "JupyterServer", "AppName": "default", "Status": "InService"}
            ],
            "NextToken": "t",
        },
        {"DomainIdEquals": "d-1"},
    )
    s.add_response(
        "list_apps",
        {"Apps": [{"DomainId": "d-1", "SpaceName": "sp", "AppType": "JupyterLab", "AppName": "lab", "Status": "Deleted"}]},
        {"DomainIdEquals": "d-1", "NextToken": "t"},
    )
    s.add_response("delete_app", {}, {"DomainId": "d-1", "AppType": "JupyterServer", "AppName": "default", "UserProfileName": "ivan"})
    s.add_response("delete_app", {}, {"DomainId": "d-1", "AppType": "JupyterLab", "AppName": "lab", "SpaceName": "sp"})
    s.add_response("list_spaces", {"Spaces": [{"DomainId": "d-1", "SpaceName": "sp", "Status": "InService"}]}, {"DomainIdEquals": "d-1"})
    s.add_client_error("delete_space", "ResourceNotFound", expected_params={"DomainId": "d-1", "SpaceName": "sp"})
    apps = gw.apps(ACCOUNT, REGION, "d-1")
    assert [a["AppName"] for a in apps] == ["default"], "deleted apps are not listed"
    gw.delete_app(ACCOUNT, REGION, apps[0])
    gw.delete_app(ACCOUNT, REGION, {"DomainId": "d-1", "SpaceName": "sp", "AppType": "JupyterLab", "AppName": "lab"})
    assert [x["SpaceName"] for x in gw.spaces(ACCOUNT, REGION, "d-1")] == ["sp"]
    gw.delete_space(ACCOUNT, REGION, "d-1", "sp")  # already gone: done
    s.assert_no_pending_responses()


def test_ram_association_and_promotion_calls(gw):
    s = stub(gw, "ram")
    share = "arn:aws:ram:eu-west-1:111122223333:resource-share/abc"
    s.add_response(
        "get_resource_shares",
        {
            "resourceShares": [
                {"resourceShareArn": share, "name": "price-elasticity-pipeline", "status": "ACTIVE"},
                {"resourceShareArn": share + "x", "name": "other", "status": "ACTIVE"},
            ]
        },
        {"resourceOwner": "SELF", "name": "price-elasticity-pipeline"},
    )
    s.add_response(
        "get_resource_share_associations",
        {
            "resourceShareAssociations": [
                {"associatedEntity": "arn:aws:sagemaker:eu-west-1:111122223333:pipeline/a", "status": "ASSOCIATED"}
            ]
        },
        {"associationType": "RESOURCE", "resourceShareArns": [share]},
    )
    s.add_response(
        "associate_resource_share", {}, {"resourceShareArn": share, "resourceArns": ["arn:aws:sagemaker:eu-west-1:111122223333:pipeline/b"]}
    )
    group = "arn:aws:sagemaker:eu-west-1:111122223333:model-package-group/ranker-xgb"
    s.add_response(
        "list_resources", {"resources": [{"arn": group, "resourceShareArn": share}]}, {"resourceOwner": "SELF", "resourceArns": [group]}
    )
    s.add_response(
        "get_resource_shares",
        {"resourceShares": [{"resourceShareArn": share, "featureSet": "CREATED_FROM_POLICY"}]},
        {"resourceOwner": "SELF", "resourceShareArns": [share]},
    )
    s.add_response(
        "list_resource_share_permissions",
        {"permissions": [{"arn": "arn:aws:ram::111122223333:permission/p", "featureSet": "CREATED_FROM_POLICY"}]},
        {"resourceShareArn": share},
    )
    s.add_response(
        "list_permissions",
        {"permissions": [{"arn": "arn:aws:ram::111122223333:permission/x", "name": "x"}]},
        {"permissionType": "CUSTOMER_MANAGED"},
    )
    s.add_response(
        "promote_permission_created_from_policy",
        {},
        {"permissionArn": "arn:aws:ram::111122223333:permission/p", "name": "recsys-ranker-models-1"},
    )
    s.add_response("promote_resource_share_created_from_policy", {}, {"resourceShareArn": share})
    assert gw.resource_share_arn(ACCOUNT, REGION, "price-elasticity-pipeline") == share
    assert gw.shared_resources(ACCOUNT, REGION, share) == {"arn:aws:sagemaker:eu-west-1:111122223333:pipeline/a"}
    gw.associate(ACCOUNT, REGION, share, "arn:aws:sagemaker:eu-west-1:111122223333:pipeline/b")
    assert gw.policy_shares(ACCOUNT, REGION, group) == [{"arn": share, "featureSet": "CREATED_FROM_POLICY"}]
    assert gw.policy_permissions(ACCOUNT, REGION, share)[0]["featureSet"] == "CREATED_FROM_POLICY"
    assert gw.customer_permissions(ACCOUNT, REGION) == {"x": "arn:aws:ram::111122223333:permission/x"}
    gw.promote_permission(ACCOUNT, REGION, "arn:aws:ram::111122223333:permission/p", "recsys-ranker-models-1")
    gw.promote_share(ACCOUNT, REGION, share)
    s.assert_no_pending_responses()


def test_cost_allocation_tag_calls(gw):
    s = stub(gw, "ce", account=None, region="us-east-1")
    s.add_response(
        "list_cost_allocation_tags",
        {"CostAllocationTags": [{"TagKey": "team", "Type": "UserDefined", "Status": "Inactive"}]},
        {"TagKeys": ["team", "environment"], "Type": "UserDefined"},
    )
    s.add_response(
        "update_cost_allocation_tags_status", {"Errors": []}, {"CostAllocationTagsStatus": [{"TagKey": "team", "Status": "Active"}]}
    )
    assert gw.cost_tag_status(REGION, ["team", "environment"]) == {"team": "Inactive"}
    gw.activate_cost_tags(REGION, ["team"])
    s.assert_no_pending_responses()


def test_feature_group_found_by_tag(gw):
    s = stub(gw, "sagemaker")
    s.add_client_error("describe_feature_group", "ResourceNotFound", expected_params={"FeatureGroupName": "store-daily-demand"})
    fg = "arn:aws:sagemaker:eu-west-1:111122223333:feature-group/store-demand-v2"
    s.add_response(
        "list_feature_groups",
        {"FeatureGroupSummaries": [{"FeatureGroupName": "store-demand-v2", "FeatureGroupArn": fg, "CreationTime": "2026-01-01"}]},
        {},
    )
    s.add_response("list_tags", {"Tags": [{"Key": "share", "Value": "demand-features"}]}, {"ResourceArn": fg})
    assert gw.find_by_name_or_tag(ACCOUNT, REGION, "feature_group", "store-daily-demand", "demand-features") == fg
    s.assert_no_pending_responses()


def test_throttling_is_retried_with_backoff(gw):
    s = stub(gw, "sagemaker")
    s.add_client_error("list_domains", "ThrottlingException", http_status_code=400)
    s.add_client_error("list_domains", "ThrottlingException", http_status_code=400)
    s.add_response("list_domains", {"Domains": [{"DomainId": "d-1", "DomainName": "northwind-recsys-dev"}]}, {})
    assert gw._pages(gw.client("sagemaker", ACCOUNT, REGION), "list_domains", "Domains")[0]["DomainId"] == "d-1"
    assert len(gw.sleeps) == 2 and all(0 <= d <= 2 for d in gw.sleeps), "jittered exponential backoff"


def test_persistent_throttling_gives_up_at_the_call_bound_and_says_so(gw, clock):
    """Defect: botocore's 10 attempts x 6 own retries stalled one call ~6 minutes. Now botocore does not retry
    (one layer) and the call ends at its bound (60 s here), with a message that says why."""
    s = stub(gw, "sagemaker")
    for _ in range(200):
        s.add_client_error("list_apps", "ThrottlingException", http_status_code=400)
    with pytest.raises(
        OutOfTime,
        match=r"sagemaker:list_apps: gave up after \d+ attempt\(s\) answered ThrottlingException: "
        r"another would pass the per-call bound of 60 s",
    ):
        gw.apps(ACCOUNT, REGION, "d-1")
    assert clock.t <= 60 and len(clock.sleeps) < 40


def test_the_run_bound_caps_every_call(clock):
    g = AwsGateway(
        boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name=REGION),
        deadline=Deadline.start(20, Clock(clock.now, clock.sleep)),
        call_seconds=60,
        rng=random.Random(1),
    )
    s = stub(g, "sagemaker")
    for _ in range(200):
        s.add_client_error("list_apps", "ThrottlingException", http_status_code=400)
    with pytest.raises(OutOfTime, match="another would pass the run bound of 20 s"):
        g.apps(ACCOUNT, REGION, "d-1")
    assert clock.t <= 20
    clock.sleep(20)
    with pytest.raises(OutOfTime, match="not started, the run bound of 20 s was reached"):
        g.apps(ACCOUNT, REGION, "d-1")


def test_botocore_does_not_retry_by_itself(gw):
    client = gw.client("sagemaker", None, REGION)
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 1}


def test_other_errors_are_not_retried(gw):
    s = stub(gw, "sagemaker")
    s.add_client_error("list_apps", "AccessDeniedException", http_status_code=403)
    with pytest.raises(ClientError):
        gw.apps(ACCOUNT, REGION, "x")
    assert gw.sleeps == []


def test_list_accounts_is_listed_once_per_run(gw):
    """Defect: Organizations' ListAccounts was listed in full once per stack."""
    s = stub(gw, "organizations", account=None)
    s.add_response("list_accounts", {"Accounts": [{"Name": "northwind-recsys-dev", "Id": "777788889999"}], "NextToken": "t"}, {})
    s.add_response("list_accounts", {"Accounts": [{"Name": "northwind-pricing-dev", "Id": "111122223333"}]}, {"NextToken": "t"})
    assert gw.account_id_by_name("northwind-recsys-dev", REGION) == "777788889999"
    assert gw.account_id_by_name("northwind-pricing-dev", REGION) == "111122223333"
    assert gw.account_id_by_name("northwind-nope", REGION) is None
    s.assert_no_pending_responses()  # a third list_accounts call would have failed: no response queued


@pytest.mark.parametrize(
    "operation,call",
    [
        ("delete_space", lambda g: g.delete_space(ACCOUNT, REGION, "d-1", "sp")),
        (
            "delete_app",
            lambda g: g.delete_app(ACCOUNT, REGION, {"DomainId": "d-1", "SpaceName": "sp", "AppType": "JupyterLab", "AppName": "default"}),
        ),
    ],
)
def test_a_validation_error_is_not_taken_for_done(gw, operation, call):
    """Defect: ValidationException from DeleteApp/DeleteSpace counted as "not found, done"."""
    s = stub(gw, "sagemaker")
    s.add_client_error(operation, "ValidationException", "1 validation error detected: Value at 'appType' failed to satisfy")
    with pytest.raises(ClientError, match="ValidationException"):
        call(gw)


def test_preflight_does_not_take_a_validation_error_for_a_missing_user(gw):
    """Defect: in preflight a ValidationException meant "user missing"."""
    s = stub(gw, "identitystore", account=None)
    s.add_client_error("get_user_id", "ValidationException", "IdentityStoreId is malformed")
    with pytest.raises(ClientError, match="ValidationException"):
        gw.user_exists(REGION, "d-1", "amara")
    s.add_client_error("get_user_id", "ResourceNotFoundException", "USER not found")
    assert gw.user_exists(REGION, "d-1", "amara") is False


def test_a_missing_model_package_group_is_the_validation_error_that_says_so(gw):
    s = stub(gw, "sagemaker")
    s.add_client_error(
        "describe_model_package_group",
        "ValidationException",
        "ModelPackageGroup arn:aws:sagemaker:eu-west-1:111122223333:model-package-group/x does not exist.",
    )
    assert gw.model_package_group_arn(ACCOUNT, REGION, "x") is None
    s.add_client_error("describe_model_package_group", "ValidationException", "Value 'x y' at 'modelPackageGroupName' failed")
    with pytest.raises(ClientError):
        gw.model_package_group_arn(ACCOUNT, REGION, "x y")


def test_an_unassumable_account_is_named(gw):
    sts = stub(gw, "sts", account=None)
    gw._clients.pop(("sts", "", REGION))
    gw.base.client = lambda service, **kw: sts_client  # the gateway asks the base session for its STS client
    sts_client = sts.client
    sts.add_response("get_caller_identity", {"Account": "100000000001"}, {})
    sts.add_client_error("assume_role", "AccessDenied", "not authorized to perform sts:AssumeRole")
    from modules.post.gateway import AccountUnreachable

    with pytest.raises(
        AccountUnreachable,
        match=r"cannot assume arn:aws:iam::111122223333:role/OrganizationAccountAccessRole: "
        "AccessDenied",
    ):
        gw.apps(ACCOUNT, REGION, "d-1")


# ---------------------------------------------------------------------------------------- preflight's organization facts
def test_the_account_quota_falls_back_to_the_default_and_an_unreadable_one_is_said(gw):
    """GetServiceQuota has no value for a quota never changed: the default applies. Organizations' quotas live in us-east-1."""
    s = stub(gw, "service-quotas", account=None, region="us-east-1")
    codes = {"ServiceCode": "organizations", "QuotaCode": "L-E619E033"}
    s.add_response("get_service_quota", {"Quota": {"QuotaCode": "L-E619E033", "Value": 25.0}}, codes)
    assert gw.account_quota(REGION) == 25.0
    s.add_client_error("get_service_quota", "NoSuchResourceException", "no applied value", expected_params=codes)
    s.add_response("get_aws_default_service_quota", {"Quota": {"QuotaCode": "L-E619E033", "Value": 10.0}}, codes)
    assert gw.account_quota(REGION) == 10.0
    s.add_client_error("get_service_quota", "AccessDeniedException", "not authorized", expected_params=codes)
    assert gw.account_quota(REGION) == ("Service Quotas GetServiceQuota organizations L-E619E033: AccessDeniedException: not authorized")
    s.assert_no_pending_responses()


def test_the_state_bucket_facts(gw):
    s = stub(gw, "s3", account=None)
    s.add_client_error("head_bucket", "404", "Not Found", 404, expected_params={"Bucket": "b"})
    assert gw.bucket_facts("b", REGION) == {"error": "missing", "region": None, "versioning": None}
    s.add_client_error("head_bucket", "403", "Forbidden", 403, expected_params={"Bucket": "b"})
    assert gw.bucket_facts("b", REGION)["error"] == "forbidden: 403: Forbidden"
    for location, region, status in (
        (None, "us-east-1", {}),
        ("EU", "eu-west-1", {"Status": "Suspended"}),
        ("eu-central-1", "eu-central-1", {"Status": "Enabled"}),
    ):
        s.add_response("head_bucket", {}, {"Bucket": "b"})
        s.add_response("get_bucket_location", {"LocationConstraint": location} if location else {}, {"Bucket": "b"})
        s.add_response("get_bucket_versioning", status, {"Bucket": "b"})
        assert gw.bucket_facts("b", REGION) == {"error": None, "region": region, "versioning": status.get("Status")}
    s.add_client_error("head_bucket", "400", "Bad Request", 400, expected_params={"Bucket": "b"})
    with pytest.raises(ClientError):
        gw.bucket_facts("b", REGION)


def test_organization_facts(gw):
    s = stub(gw, "organizations", account=None)
    s.add_client_error("describe_organization", "AWSOrganizationsNotInUseException", "not in an organization")
    assert gw.organization(REGION) is None
    s.add_client_error("describe_organization", "AccessDeniedException", "not the management account")
    with pytest.raises(ClientError, match="AccessDenied"):
        gw.organization(REGION)
    s.add_response(
        "list_aws_service_access_for_organization",
        {"EnabledServicePrincipals": [{"ServicePrincipal": "sso.amazonaws.com"}], "NextToken": "t"},
        {},
    )
    s.add_response(
        "list_aws_service_access_for_organization",
        {"EnabledServicePrincipals": [{"ServicePrincipal": "ram.amazonaws.com"}]},
        {"NextToken": "t"},
    )
    assert gw.trusted_services(REGION) == {"sso.amazonaws.com", "ram.amazonaws.com"}
    s.add_response(
        "list_roots", {"Roots": [{"Id": "r-ab12", "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "PENDING_ENABLE"}]}]}, {}
    )
    assert gw.root_policy_types(REGION) == {"root": "r-ab12", "SERVICE_CONTROL_POLICY": "PENDING_ENABLE"}
    s.add_response("list_accounts", {"Accounts": [{"Id": "111122223333", "Name": "a", "Status": "SUSPENDED"}]}, {})
    assert gw.organization_accounts(REGION)[0]["Status"] == "SUSPENDED"
    assert gw.account_id_by_name("a", REGION) == "111122223333", "listed once per run"
    s.assert_no_pending_responses()


def test_an_access_role_that_cannot_be_assumed_is_answered_not_raised(gw):
    sts = stub(gw, "sts", account=None)
    gw.base.client = lambda service, **kw: sts.client
    sts.add_response("get_caller_identity", {"Account": "100000000001"}, {})
    sts.add_client_error("assume_role", "AccessDenied", "not authorized to perform: sts:AssumeRole")
    assert gw.access_role_error(ACCOUNT, "LegacyAdmin", REGION) == "AccessDenied: not authorized to perform: sts:AssumeRole"
    assert gw.access_role_error("100000000001", "LegacyAdmin", REGION) is None, "the management account itself"
    sts.assert_no_pending_responses()
