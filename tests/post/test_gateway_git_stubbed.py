"""The post-step's calls about seed code's Git provider and RAM's role, checked against AWS's own API models with
botocore's Stubber: the parameters the seed-code job sends (its StartBuild overrides, built from the example's
manifest) are what CodeBuild's model accepts, and "not found" is only the error that means it."""

import pytest
from botocore.exceptions import ClientError

from modules.plan.layout import plan
from modules.post.job_types import Context
from modules.post.manifest import manifests
from modules.post.seed_code import seed_code
from tests.post.fakes import FakeGateway
from tests.post.test_gateway_stubbed import ACCOUNT, REGION, clock, gw, stub  # noqa: F401 - the fixtures

ARN = "arn:aws:codeconnections:eu-west-1:111122223333:connection/7d3c2b1a-5e6f-4a8b-9c0d-1e2f3a4b5c6d"


def test_a_connection_is_read_and_an_unknown_one_is_none(gw):  # noqa: F811
    s = stub(gw, "codeconnections")
    connection = {"ConnectionArn": ARN, "ProviderType": "GitHub", "ConnectionStatus": "PENDING", "OwnerAccountId": ACCOUNT}
    s.add_response("get_connection", {"Connection": connection}, {"ConnectionArn": ARN})
    s.add_client_error("get_connection", "ResourceNotFoundException", "no such connection", 404, expected_params={"ConnectionArn": ARN})
    s.add_client_error("get_connection", "AccessDeniedException", "not authorized", 403, expected_params={"ConnectionArn": ARN})
    assert gw.connection(ACCOUNT, REGION, ARN) == {"status": "PENDING", "provider": "GitHub"}
    assert gw.connection(ACCOUNT, REGION, ARN) is None
    with pytest.raises(ClientError):
        gw.connection(ACCOUNT, REGION, ARN)


def test_the_seed_push_builds_are_read_newest_first_and_started_with_the_jobs_overrides(gw, example_registry):  # noqa: F811
    doc = manifests(plan(example_registry))["shared-services"]
    fake = FakeGateway()
    fake.connections = {doc.jobs.seed_code.connection_arn: {"status": "AVAILABLE", "provider": "GitHub"}}
    [action], _ = seed_code(Context("shared-services", ACCOUNT, REGION, doc.jobs, fake))
    s = stub(gw, "codebuild")
    project = doc.jobs.seed_code.project
    s.add_response("list_builds_for_project", {"ids": ["p:2", "p:1"]}, {"projectName": project, "sortOrder": "DESCENDING"})
    env = [{"name": "SEED_BRANCH", "value": "1.4.0", "type": "PLAINTEXT"}]
    s.add_response(
        "batch_get_builds",
        {"builds": [{"id": "p:1", "buildStatus": "FAILED"}, {"id": "p:2", "buildStatus": "SUCCEEDED", "environment": {
            "type": "LINUX_CONTAINER", "image": "i", "computeType": "BUILD_GENERAL1_SMALL", "environmentVariables": env}}]},
        {"ids": ["p:2", "p:1"]},
    )  # fmt: skip
    s.add_response("start_build", {"build": {"id": "p:3"}}, {"projectName": project, **action.param("overrides")})
    assert gw.builds(ACCOUNT, REGION, project) == [
        {"id": "p:2", "status": "SUCCEEDED", "env": {"SEED_BRANCH": "1.4.0"}},
        {"id": "p:1", "status": "FAILED", "env": {}},
    ]
    assert gw.start_build(ACCOUNT, REGION, action.param("project"), action.param("overrides")) == "p:3"
    s.assert_no_pending_responses()


def test_codecommit_answers_or_says_why_not(gw):  # noqa: F811
    s = stub(gw, "codecommit")
    s.add_response("list_repositories", {"repositories": []}, {})
    s.add_client_error("list_repositories", "OperationNotAllowedException", "CodeCommit is not available", 400)
    assert gw.codecommit_error(ACCOUNT, REGION) is None
    assert gw.codecommit_error(ACCOUNT, REGION) == "OperationNotAllowedException: CodeCommit is not available"


def test_rams_role_is_read_in_the_management_account(gw):  # noqa: F811
    s = stub(gw, "iam", account=None)
    role = {
        "Path": "/aws-service-role/ram.amazonaws.com/",
        "RoleName": "R",
        "RoleId": "AROAEXAMPLE123456789",
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/R",
    }
    s.add_response(
        "get_role", {"Role": {**role, "CreateDate": "2026-01-01T00:00:00Z"}}, {"RoleName": "AWSServiceRoleForResourceAccessManager"}
    )
    s.add_client_error("get_role", "NoSuchEntity", "not found", 404, expected_params={"RoleName": "AWSServiceRoleForResourceAccessManager"})
    s.add_client_error("get_role", "AccessDenied", "no", 403, expected_params={"RoleName": "AWSServiceRoleForResourceAccessManager"})
    assert gw.management_role_exists("AWSServiceRoleForResourceAccessManager", REGION) is True
    assert gw.management_role_exists("AWSServiceRoleForResourceAccessManager", REGION) is False
    with pytest.raises(ClientError):
        gw.management_role_exists("AWSServiceRoleForResourceAccessManager", REGION)
