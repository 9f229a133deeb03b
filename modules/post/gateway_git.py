"""The calls about seed code's Git provider: the CodeConnections connection, the seed-push CodeBuild project's builds,
and whether CodeCommit answers.

A mixin of `AwsGateway` (gateway.py), using its one retry layer (`call`, `_pages`), in the account the stack names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

# GetConnection of an unknown connection (https://docs.aws.amazon.com/codeconnections/latest/APIReference/API_GetConnection.html).
NO_CONNECTION = {"ResourceNotFoundException"}
# The builds the seed-code job reads: the newest 100 of the project are enough (one per template version pushed).
BUILDS_READ = 100


class GitCalls:
    """Mixed into AwsGateway; relies on its `client`, `call` and `_pages`."""

    if TYPE_CHECKING:  # provided by AwsGateway

        def client(self, service: str, account_id: str | None, region: str) -> Any: ...
        def call(self, client: Any, operation: str, **kwargs: Any) -> Any: ...
        def _pages(self, client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]: ...

    def connection(self, account: str, region: str, arn: str) -> dict[str, str] | None:
        """{"status": PENDING | AVAILABLE | ERROR, "provider": GitHub | GitLab | Bitbucket | ...}, None when there is none.
        A CodeStar Connections ARN is read with that service's client (the same connections)."""
        service = "codestar-connections" if ":codestar-connections:" in arn else "codeconnections"
        client = self.client(service, account, region)
        try:
            found = self.call(client, "get_connection", ConnectionArn=arn)["Connection"]
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in NO_CONNECTION:
                return None
            raise
        return {"status": str(found.get("ConnectionStatus")), "provider": str(found.get("ProviderType"))}

    def builds(self, account: str, region: str, project: str) -> list[dict[str, Any]]:
        """The project's builds, newest first: [{"id", "status", "env": {name: value}}]
        (https://docs.aws.amazon.com/codebuild/latest/APIReference/API_ListBuildsForProject.html)."""
        cb = self.client("codebuild", account, region)
        ids = self.call(cb, "list_builds_for_project", projectName=project, sortOrder="DESCENDING").get("ids", [])[:BUILDS_READ]
        if not ids:
            return []
        found = {b["id"]: b for b in self.call(cb, "batch_get_builds", ids=ids).get("builds", [])}
        return [
            {
                "id": i,
                "status": str(found[i].get("buildStatus")),
                "env": {v["name"]: v.get("value", "") for v in found[i].get("environment", {}).get("environmentVariables", [])},
            }
            for i in ids
            if i in found
        ]

    def start_build(self, account: str, region: str, project: str, overrides: dict[str, Any]) -> str:
        cb = self.client("codebuild", account, region)
        return str(self.call(cb, "start_build", projectName=project, **overrides)["build"]["id"])

    def codecommit_error(self, account: str, region: str) -> str | None:
        """None when CodeCommit answers in the account (ListRepositories), else its refusal."""
        cc = self.client("codecommit", account, region)
        try:
            self.call(cc, "list_repositories")
        except ClientError as exc:
            err = exc.response.get("Error", {})
            return f"{err.get('Code')}: {err.get('Message')}"
        return None
