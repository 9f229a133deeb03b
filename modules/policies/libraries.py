"""Internal libraries in AWS CodeArtifact (docs/design.md, "Internal libraries"): the policy documents, ARNs and pip's
configuration, from the plan's records (plan/libraries.py makes them from the registry).

Who may do what:
- Every principal of the organization may get a token for the domain (domain policy) and read the internal
  repository (repository policy); each team account's execution role and deploy role get the matching
  identity policy (cross-account access needs both halves).
- Publishing needs both halves too. The repository policy is ONE constant-size statement: any role of the
  organization whose name is the deploy role, or the execution role of an environment whose `human_access` is
  write, may publish. It never names a team, so it does not grow with teams (a resource policy holds at most
  7,168 characters: https://docs.aws.amazon.com/codeartifact/latest/ug/service-limits.html). Which packages a
  role may publish is said by the identity policy in the team's own account, with package-level ARNs; so a
  team's pull request plans only its own stacks (docs/design.md, "Where team-scoped things live"). The role names
  are safe to match by pattern: the ProtectPlatformRoles SCP stops anyone but the platform creating or changing a
  role of those names.
- Reading through the internal repository also reads its upstream proxy: CodeArtifact checks permissions
  only on the repository a client connects to (https://docs.aws.amazon.com/codeartifact/latest/ug/repos-upstream.html).

ARN formats and actions: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodeartifact.html
(a PyPI package has no namespace: `package/<domain>/<repo>/pypi//<name>`).
"""

from __future__ import annotations

from typing import Any

from ..base.naming import normalize_package as normalize
from ..plan.records import AccountLibraries, Libraries

# Public upstreams a proxy repository can connect to, by the registry's name: one external connection per
# repository (https://docs.aws.amazon.com/codeartifact/latest/APIReference/API_AssociateExternalConnection.html).
# pip is what Studio configures; the others serve teams' own tools through the same repository.
EXTERNAL_CONNECTIONS = {
    "pypi": "public:pypi",
    "npmjs": "public:npmjs",
    "maven-central": "public:maven-central",
    "nuget": "public:nuget-org",
    "crates-io": "public:crates-io",
    "rubygems": "public:ruby-gems-org",
}

READ_REPOSITORY_ACTIONS = ("codeartifact:GetRepositoryEndpoint", "codeartifact:ReadFromRepository")
PUBLISH_ACTIONS = ("codeartifact:PublishPackageVersion", "codeartifact:PutPackageMetadata")
# A token is a bearer token of the CodeArtifact service: sts:GetServiceBearerToken limited to it
# (https://docs.aws.amazon.com/codeartifact/latest/ug/tokens-authentication.html).
BEARER_CONDITION = {"StringEquals": {"sts:AWSServiceName": "codeartifact.amazonaws.com"}}
# Studio app types a lifecycle configuration is made for (one configuration per app type).
STUDIO_APP_TYPES = ("JupyterLab", "CodeEditor")


def domain_arn(lib: Libraries | AccountLibraries) -> str:
    return f"arn:aws:codeartifact:{lib.region}:{lib.owner_account_id}:domain/{lib.domain}"


def repository_arn(lib: Libraries | AccountLibraries, repository: str | None = None) -> str:
    return f"arn:aws:codeartifact:{lib.region}:{lib.owner_account_id}:repository/{lib.domain}/{repository or lib.repository}"


def package_arn_prefix(lib: Libraries | AccountLibraries) -> str:
    return f"arn:aws:codeartifact:{lib.region}:{lib.owner_account_id}:package/{lib.domain}/{lib.repository}/"


def package_arn(lib: AccountLibraries, package: str) -> str:
    return f"{package_arn_prefix(lib)}pypi//{normalize(package)}"


def index_url(lib: AccountLibraries, token: str = "$TOKEN") -> str:
    """pip's index URL of the repository: https://aws:<token>@<domain>-<owner>.d.codeartifact.<region>.amazonaws.com/pypi/<repo>/simple/
    (https://docs.aws.amazon.com/codeartifact/latest/ug/python-configure-pip.html, "Configure pip without the login command")."""
    return (
        f"https://aws:{token}@{lib.domain}-{lib.owner_account_id}.d.codeartifact.{lib.region}.amazonaws.com/pypi/{lib.repository}/simple/"
    )


def publishing_role_patterns(lib: Libraries, *, deploy_role: str) -> list[str]:
    """Role ARNs that may publish at all: deploy roles, and execution roles of the publishing environments.
    An execution role is named <org>-<team>-<env>-sagemaker-execution and environment names have no hyphen,
    so `<org>-*-<env>-sagemaker-execution` matches exactly that environment's execution roles."""
    roles = [f"arn:aws:iam::*:role/{deploy_role}"]
    roles += [f"arn:aws:iam::*:role/{lib.org}-*-{env}-sagemaker-execution" for env in lib.publishing_environments]
    return roles


def domain_policy(lib: Libraries, *, org_id: str) -> dict[str, Any]:
    """Principals of the organization may get a token for the domain (the repository policy says what for)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OrganizationGetsTokens",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "codeartifact:GetAuthorizationToken",
                "Resource": domain_arn(lib),
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}},
            }
        ],
    }


def repository_policy(lib: Libraries, *, org_id: str, deploy_role: str) -> dict[str, Any]:
    """The internal repository's one policy: the organization reads; the platform's publishing roles publish,
    each limited to its own packages by its identity policy. Constant size, whatever the number of teams.
    A resource policy is evaluated only for its own repository (or domain), so `*` would do
    (https://docs.aws.amazon.com/codeartifact/latest/ug/repo-policies.html); the exact ARNs say the same and let
    the linters check the actions against the resource types."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OrganizationReads",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": list(READ_REPOSITORY_ACTIONS),
                "Resource": repository_arn(lib),
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}},
            },
            {
                "Sid": "PlatformRolesPublish",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": list(PUBLISH_ACTIONS),
                "Resource": f"{package_arn_prefix(lib)}*",
                "Condition": {
                    "StringEquals": {"aws:PrincipalOrgID": org_id},
                    "ArnLike": {"aws:PrincipalArn": publishing_role_patterns(lib, deploy_role=deploy_role)},
                },
            },
        ],
    }


def read_policy(lib: AccountLibraries) -> dict[str, Any]:
    """A team account's role reads the internal repository: a token, the endpoint, package reads."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "LibrariesToken", "Effect": "Allow", "Action": "codeartifact:GetAuthorizationToken", "Resource": domain_arn(lib)},
            {
                "Sid": "LibrariesBearerToken",
                "Effect": "Allow",
                "Action": "sts:GetServiceBearerToken",
                "Resource": "*",
                "Condition": BEARER_CONDITION,
            },
            {"Sid": "LibrariesRead", "Effect": "Allow", "Action": list(READ_REPOSITORY_ACTIONS), "Resource": repository_arn(lib)},
        ],
    }


def publish_policy(lib: AccountLibraries) -> dict[str, Any] | None:
    """The team's own packages, by package ARN; None when the team publishes nothing."""
    if not lib.packages:
        return None
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublishTheTeamsPackages",
                "Effect": "Allow",
                "Action": list(PUBLISH_ACTIONS),
                "Resource": [package_arn(lib, p) for p in lib.packages],
            }
        ],
    }


def pip_script(lib: AccountLibraries) -> str:
    """The Studio lifecycle configuration: pip in JupyterLab and Code Editor installs through the internal
    repository. The token lasts 12 hours, the maximum (https://docs.aws.amazon.com/codeartifact/latest/ug/tokens-authentication.html);
    an app restarted later gets a new one. A failure is logged and does not stop the app from starting."""
    return "\n".join(
        [
            "#!/bin/bash",
            "# Written by the platform (sagemaker-registry): pip installs from the organization's CodeArtifact repository.",
            "set -u",
            f"if TOKEN=$(aws codeartifact get-authorization-token --domain {lib.domain} --domain-owner {lib.owner_account_id} "
            f"--region {lib.region} --duration-seconds 43200 --query authorizationToken --output text); then",
            f'  pip config set global.index-url "{index_url(lib)}"',
            "else",
            '  echo "could not get a CodeArtifact token: pip keeps its default index" >&2',
            "fi",
            "",
        ]
    )
