"""More of AWS for the post-step's end-to-end tests, served by the same emulation (tests/post/emulation.py): what
the organization stack's apply turns on where moto only answers, done as AWS's own API does it.

- RAM EnableSharingWithAwsOrganization (moto answers true and changes nothing): in the calling management account
  it creates the service-linked role AWSServiceRoleForResourceAccessManager and turns on trusted access for
  ram.amazonaws.com; any other caller is refused with OperationNotPermittedException
  (https://docs.aws.amazon.com/ram/latest/APIReference/API_EnableSharingWithAwsOrganization.html).
"""

from __future__ import annotations

import time
from typing import Any

RAM_ROLE = "AWSServiceRoleForResourceAccessManager"
RAM_PRINCIPAL = "ram.amazonaws.com"


class Refused(Exception):
    """An API error to answer (the emulation turns it into its own error response)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def enable_sharing_with_aws_organization(em: Any, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    from moto.iam.models import iam_backends
    from moto.organizations.models import organizations_backends

    org = organizations_backends[account]["aws"]
    if org.org is None or org.org.master_account_id != account:
        raise Refused("OperationNotPermittedException", "You must call this operation from the organization's management account.")
    iam = iam_backends[account]["global"]
    if not any(r.name == RAM_ROLE for r in iam.roles.values()):
        iam.create_role(
            role_name=RAM_ROLE,
            assume_role_policy_document='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
            f'{{"Service":"{RAM_PRINCIPAL}"}},"Action":"sts:AssumeRole"}}]}}',
            path=f"/aws-service-role/{RAM_PRINCIPAL}/",
            permissions_boundary=None,
            description="",
            tags=[],
            max_session_duration="3600",
        )
    org.enable_aws_service_access(ServicePrincipal=RAM_PRINCIPAL)
    return {"returnValue": True}


HANDLERS = {"ram:enablesharingwithawsorganization": enable_sharing_with_aws_organization}


# ---------------------------------------------------------------------------------------------- seed code's Git provider
# moto has no CodeConnections, and its CodeBuild drops a build's overrides (source, environment), which the job
# reads back: both are emulated here (boto3 speaks their JSON protocol).
# - CodeConnections GetConnection: `em.connections` (arn -> {"status", "provider"}); another ARN is
#   ResourceNotFoundException (https://docs.aws.amazon.com/codeconnections/latest/APIReference/API_GetConnection.html).
# - CodeBuild StartBuild of a project in `em.codebuild_projects`: the build records its source and environment
#   overrides; it is IN_PROGRESS for BUILD_SECONDS, then SUCCEEDED, or FAILED when its source is not a repository
#   of the connection's provider or the connection is not AVAILABLE (what a real push through it needs).
#   ListBuildsForProject lists newest first, BatchGetBuilds returns the builds.
# - CodeCommit ListRepositories: refused with `em.codecommit_refusal` when set (a new customer), else empty.
BUILD_SECONDS = 1.0
HOSTS = {"GitHub": "https://github.com/", "GitLab": "https://gitlab.com/", "Bitbucket": "https://bitbucket.org/"}


def reset(em: Any) -> None:
    em.connections = {}
    em.codebuild_projects = set()
    em.builds = []  # newest first
    em.codecommit_refusal = None


def get_connection(em: Any, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    arn = p.get("ConnectionArn", "")
    found = em.connections.get(arn)
    if found is None:
        raise Refused("ResourceNotFoundException", f"Connection {arn} does not exist")
    return {
        "Connection": {
            "ConnectionName": "seed-code",
            "ConnectionArn": arn,
            "ProviderType": found["provider"],
            "OwnerAccountId": account,
            "ConnectionStatus": found["status"],
        }
    }


def start_build(em: Any, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    project = p.get("projectName", "")
    if project not in em.codebuild_projects:
        raise Refused("ResourceNotFoundException", f"Project cannot be found: arn:aws:codebuild:{region}:{account}:project/{project}")
    build = {
        "id": f"{project}:{len(em.builds) + 1:08d}",
        "projectName": project,
        "started": time.monotonic(),
        "startTime": time.time(),
        "env": [
            {"name": v["name"], "value": v.get("value", ""), "type": v.get("type", "PLAINTEXT")}
            for v in p.get("environmentVariablesOverride") or []
        ],
        "source": {"type": p.get("sourceTypeOverride"), "location": p.get("sourceLocationOverride"), "auth": p.get("sourceAuthOverride")},
    }
    em.builds.insert(0, build)
    return {"build": _described(em, build)}


def _outcome(em: Any, build: dict[str, Any]) -> str:
    if time.monotonic() - build["started"] < BUILD_SECONDS:
        return "IN_PROGRESS"
    auth = build["source"]["auth"] or {}
    connection = em.connections.get(auth.get("resource"))
    host = HOSTS.get((connection or {}).get("provider", ""), "")
    ok = connection and connection["status"] == "AVAILABLE" and host and str(build["source"]["location"]).startswith(host)
    return "SUCCEEDED" if ok else "FAILED"


def _described(em: Any, build: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": build["id"],
        "projectName": build["projectName"],
        "startTime": build["startTime"],
        "buildStatus": _outcome(em, build),
        "source": {k: v for k, v in build["source"].items() if k != "auth" and v}
        | ({"auth": build["source"]["auth"]} if build["source"]["auth"] else {}),
        "environment": {
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/amazonlinux-x86_64-standard:5.0",
            "computeType": "BUILD_GENERAL1_SMALL",
            "environmentVariables": build["env"],
        },
    }


def list_builds_for_project(em: Any, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    return {"ids": [b["id"] for b in em.builds if b["projectName"] == p.get("projectName")]}


def batch_get_builds(em: Any, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    wanted = set(p.get("ids") or [])
    return {"builds": [_described(em, b) for b in em.builds if b["id"] in wanted], "buildsNotFound": []}


def list_repositories(em: Any, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    if em.codecommit_refusal:
        raise Refused("OperationNotAllowedException", em.codecommit_refusal)
    return {"repositories": []}


HANDLERS.update(
    {
        "codeconnections:getconnection": get_connection,
        "codebuild:startbuild": start_build,
        "codebuild:listbuildsforproject": list_builds_for_project,
        "codebuild:batchgetbuilds": batch_get_builds,
        "codecommit:listrepositories": list_repositories,
    }
)
