"""The boto3 calls of the post-step, checked against AWS's own API models with botocore's Stubber
(for what moto does not implement: Studio apps and spaces, RAM association and promotion, Cost Explorer tags)."""
import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from modules.post.gateway import AwsGateway

ACCOUNT, REGION = "111122223333", "eu-west-1"


@pytest.fixture
def gw():
    sleeps = []
    g = AwsGateway(boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name=REGION),
                   sleep=sleeps.append)
    g.sleeps = sleeps
    return g


def stub(gw, service, account=ACCOUNT, region=REGION):
    client = boto3.client(service, region_name=region, aws_access_key_id="x", aws_secret_access_key="x")
    gw._clients[(service, account or "", region)] = client
    s = Stubber(client)
    s.activate()
    return s


def test_studio_apps_and_spaces_calls(gw):
    s = stub(gw, "sagemaker")
    s.add_response("list_apps", {"Apps": [{"DomainId": "d-1", "UserProfileName": "ivan", "AppType": "JupyterServer",
                                           "AppName": "default", "Status": "InService"}], "NextToken": "t"},
                   {"DomainIdEquals": "d-1"})
    s.add_response("list_apps", {"Apps": [{"DomainId": "d-1", "SpaceName": "sp", "AppType": "JupyterLab",
                                           "AppName": "lab", "Status": "Deleted"}]},
                   {"DomainIdEquals": "d-1", "NextToken": "t"})
    s.add_response("delete_app", {}, {"DomainId": "d-1", "AppType": "JupyterServer", "AppName": "default",
                                      "UserProfileName": "ivan"})
    s.add_response("delete_app", {}, {"DomainId": "d-1", "AppType": "JupyterLab", "AppName": "lab", "SpaceName": "sp"})
    s.add_response("list_spaces", {"Spaces": [{"DomainId": "d-1", "SpaceName": "sp", "Status": "InService"}]},
                   {"DomainIdEquals": "d-1"})
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
    s.add_response("get_resource_shares", {"resourceShares": [
        {"resourceShareArn": share, "name": "price-elasticity-pipeline", "status": "ACTIVE"},
        {"resourceShareArn": share + "x", "name": "other", "status": "ACTIVE"}]},
        {"resourceOwner": "SELF", "name": "price-elasticity-pipeline"})
    s.add_response("get_resource_share_associations", {"resourceShareAssociations": [
        {"associatedEntity": "arn:aws:sagemaker:eu-west-1:111122223333:pipeline/a", "status": "ASSOCIATED"}]},
        {"associationType": "RESOURCE", "resourceShareArns": [share]})
    s.add_response("associate_resource_share", {}, {"resourceShareArn": share,
                                                    "resourceArns": ["arn:aws:sagemaker:eu-west-1:111122223333:pipeline/b"]})
    group = "arn:aws:sagemaker:eu-west-1:111122223333:model-package-group/ranker-xgb"
    s.add_response("list_resources", {"resources": [{"arn": group, "resourceShareArn": share}]},
                   {"resourceOwner": "SELF", "resourceArns": [group]})
    s.add_response("get_resource_shares", {"resourceShares": [{"resourceShareArn": share, "featureSet": "CREATED_FROM_POLICY"}]},
                   {"resourceOwner": "SELF", "resourceShareArns": [share]})
    s.add_response("list_resource_share_permissions", {"permissions": [
        {"arn": "arn:aws:ram::111122223333:permission/p", "featureSet": "CREATED_FROM_POLICY"}]}, {"resourceShareArn": share})
    s.add_response("promote_permission_created_from_policy", {}, {"permissionArn": "arn:aws:ram::111122223333:permission/p",
                                                                  "name": "recsys-ranker-models-1"})
    s.add_response("promote_resource_share_created_from_policy", {}, {"resourceShareArn": share})
    assert gw.resource_share_arn(ACCOUNT, REGION, "price-elasticity-pipeline") == share
    assert gw.shared_resources(ACCOUNT, REGION, share) == {"arn:aws:sagemaker:eu-west-1:111122223333:pipeline/a"}
    gw.associate(ACCOUNT, REGION, share, "arn:aws:sagemaker:eu-west-1:111122223333:pipeline/b")
    assert gw.policy_shares(ACCOUNT, REGION, group) == [{"arn": share, "featureSet": "CREATED_FROM_POLICY"}]
    assert gw.policy_permissions(ACCOUNT, REGION, share)[0]["featureSet"] == "CREATED_FROM_POLICY"
    gw.promote_permission(ACCOUNT, REGION, "arn:aws:ram::111122223333:permission/p", "recsys-ranker-models-1")
    gw.promote_share(ACCOUNT, REGION, share)
    s.assert_no_pending_responses()


def test_cost_allocation_tag_calls(gw):
    s = stub(gw, "ce", account=None, region="us-east-1")
    s.add_response("list_cost_allocation_tags", {"CostAllocationTags": [{"TagKey": "team", "Type": "UserDefined",
                                                                         "Status": "Inactive"}]},
                   {"TagKeys": ["team", "environment"], "Type": "UserDefined"})
    s.add_response("update_cost_allocation_tags_status", {"Errors": []},
                   {"CostAllocationTagsStatus": [{"TagKey": "team", "Status": "Active"}]})
    assert gw.cost_tag_status(REGION, ["team", "environment"]) == {"team": "Inactive"}
    gw.activate_cost_tags(REGION, ["team"])
    s.assert_no_pending_responses()


def test_feature_group_found_by_tag(gw):
    s = stub(gw, "sagemaker")
    s.add_client_error("describe_feature_group", "ResourceNotFound", expected_params={"FeatureGroupName": "store-daily-demand"})
    fg = "arn:aws:sagemaker:eu-west-1:111122223333:feature-group/store-demand-v2"
    s.add_response("list_feature_groups", {"FeatureGroupSummaries": [
        {"FeatureGroupName": "store-demand-v2", "FeatureGroupArn": fg, "CreationTime": "2026-01-01"}]}, {})
    s.add_response("list_tags", {"Tags": [{"Key": "share", "Value": "demand-features"}]}, {"ResourceArn": fg})
    assert gw.find_by_name_or_tag(ACCOUNT, REGION, "feature_group", "store-daily-demand", "demand-features") == fg
    s.assert_no_pending_responses()


def test_throttling_is_retried_with_backoff(gw):
    s = stub(gw, "sagemaker")
    s.add_client_error("list_domains", "ThrottlingException", http_status_code=400)
    s.add_client_error("list_domains", "ThrottlingException", http_status_code=400)
    s.add_response("list_domains", {"Domains": [{"DomainId": "d-1", "DomainName": "northwind-recsys-dev"}]}, {})
    assert gw.domain_id(ACCOUNT, REGION, "northwind-recsys-dev") == "d-1"
    assert gw.sleeps == [0.5, 1.0]


def test_throttling_gives_up_after_bounded_attempts(gw):
    s = stub(gw, "sagemaker")
    for _ in range(gw.attempts):
        s.add_client_error("list_domains", "ThrottlingException", http_status_code=400)
    with pytest.raises(ClientError):
        gw.domain_id(ACCOUNT, REGION, "x")
    assert len(gw.sleeps) == gw.attempts - 1


def test_other_errors_are_not_retried(gw):
    s = stub(gw, "sagemaker")
    s.add_client_error("list_domains", "AccessDeniedException", http_status_code=403)
    with pytest.raises(ClientError):
        gw.domain_id(ACCOUNT, REGION, "x")
    assert gw.sleeps == []
