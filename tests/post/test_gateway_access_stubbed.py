"""The access-drift job's reads, checked against AWS's own API models with botocore's Stubber: parameter names, the
"not there" codes that are answers, and what is read once per run."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.post.test_gateway_stubbed import ACCOUNT, REGION, clock, gw, stub  # noqa: F401 - clock and gw are fixtures

INSTANCE = "arn:aws:sso:::instance/ssoins-1234567890abcdef"
ARN = "arn:aws:identitystore::111122223333:identitystore/d-1234567890/{}/{}-0123456789abcdef0123456789ab"
PS = f"arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-{'a' * 16}"


def test_identity_center_reads_and_what_is_read_once(gw):  # noqa: F811
    sso, ids = stub(gw, "sso-admin", account=None), stub(gw, "identitystore", account=None)
    sso.add_response("list_permission_sets", {"PermissionSets": [PS]}, {"InstanceArn": INSTANCE})
    sso.add_response("describe_permission_set", {"PermissionSet": {"Name": "ReadOnly"}}, {"InstanceArn": INSTANCE, "PermissionSetArn": PS})
    sso.add_response(
        "list_permission_sets_provisioned_to_account", {"PermissionSets": [PS]}, {"InstanceArn": INSTANCE, "AccountId": ACCOUNT}
    )
    sso.add_response(
        "list_account_assignments",
        {"AccountAssignments": [{"AccountId": ACCOUNT, "PermissionSetArn": PS, "PrincipalType": "USER", "PrincipalId": "u-1"}]},
        {"InstanceArn": INSTANCE, "AccountId": ACCOUNT, "PermissionSetArn": PS},
    )
    ids.add_response(
        "list_users",
        {
            "Users": [
                {
                    "UserId": "u-1",
                    "UserName": "mallory",
                    "IdentityStoreId": "d-1234567890",
                    "UserArn": ARN.format("user", "u-1"),
                    "Revision": "1",
                }
            ]
        },
        {"IdentityStoreId": "d-1234567890"},
    )
    group = {"GroupId": "g-1", "DisplayName": "northwind-x-lead", "IdentityStoreId": "d-1234567890", "Revision": "1"}
    ids.add_response("list_groups", {"Groups": [{**group, "GroupArn": ARN.format("group", "g-1")}]}, {"IdentityStoreId": "d-1234567890"})
    ids.add_response(
        "list_group_memberships",
        {
            "GroupMemberships": [
                {
                    "MembershipId": "m-1",
                    "GroupId": "g-1",
                    "MemberId": {"UserId": "u-1"},
                    "IdentityStoreId": "d-1234567890",
                    "MembershipArn": ARN.format("membership", "m-1"),
                }
            ]
        },
        {"IdentityStoreId": "d-1234567890", "GroupId": "g-1"},
    )
    for _ in range(2):  # the second run of a stack asks again: answered from what the run already read
        assert gw.permission_sets(REGION, INSTANCE) == {PS: "ReadOnly"}
        assert gw.identity_names(REGION, "d-1234567890") == {"u-1": ("USER", "mallory"), "g-1": ("GROUP", "northwind-x-lead")}
    assert gw.account_assignments(REGION, INSTANCE, ACCOUNT) == [{"PermissionSetArn": PS, "PrincipalType": "USER", "PrincipalId": "u-1"}]
    assert gw.group_memberships(REGION, "d-1234567890", "g-1") == [{"MembershipId": "m-1", "UserId": "u-1"}]
    sso.assert_no_pending_responses()
    ids.assert_no_pending_responses()


def test_account_reads_and_the_not_there_answers(gw):  # noqa: F811
    sm, ram, s3, ecr = (stub(gw, s) for s in ("sagemaker", "ram", "s3", "ecr"))
    sm.add_response("list_domains", {"Domains": [{"DomainId": "d-abc", "DomainName": "northwind-x-dev"}]}, {})
    sm.add_response(
        "list_user_profiles",
        {
            "UserProfiles": [
                {"DomainId": "d-abc", "UserProfileName": "bob", "Status": "InService"},
                {"UserProfileName": "old", "Status": "Deleting"},
            ]
        },
        {"DomainIdEquals": "d-abc"},
    )
    share = "arn:aws:ram:eu-west-1:111122223333:resource-share/abc"
    ram.add_response(
        "get_resource_shares", {"resourceShares": [{"name": "s", "resourceShareArn": share, "status": "ACTIVE"}]}, {"resourceOwner": "SELF"}
    )
    ram.add_response(
        "get_resource_share_associations",
        {"resourceShareAssociations": [{"associatedEntity": "999999999999", "status": "ASSOCIATED"}]},
        {"associationType": "PRINCIPAL", "resourceShareArns": [share]},
    )
    s3.add_client_error("get_bucket_policy", "NoSuchBucketPolicy", expected_params={"Bucket": "northwind-x-dev-data"})
    ecr.add_response("get_repository_policy", {"policyText": "{}", "repositoryName": "images/base"}, {"repositoryName": "images/base"})
    s3.add_client_error("get_bucket_policy", "AccessDenied", http_status_code=403, expected_params={"Bucket": "northwind-y-dev-data"})
    assert gw.domain_id(ACCOUNT, REGION, "northwind-x-dev") == "d-abc"
    assert gw.user_profiles(ACCOUNT, REGION, "d-abc") == ["bob"], "a profile being deleted is gone"
    assert gw.owned_shares(ACCOUNT, REGION) == [{"name": "s", "arn": share, "featureSet": "STANDARD"}]
    assert gw.share_principals(ACCOUNT, REGION, share) == {"999999999999"}
    assert gw.resource_policy(ACCOUNT, REGION, "s3-bucket", "northwind-x-dev-data") is None
    assert gw.resource_policy(ACCOUNT, REGION, "ecr-repository", "images/base") == "{}"
    with pytest.raises(ClientError):
        gw.resource_policy(ACCOUNT, REGION, "s3-bucket", "northwind-y-dev-data")  # only "no policy" is an answer
    for s in (sm, ram, s3, ecr):
        s.assert_no_pending_responses()
