"""Internal libraries (CodeArtifact): the domain and repositories in shared services, and in every team account
the roles' access and the Studio lifecycle configuration that points pip at the internal repository.
The policies themselves are pure functions in modules/plan/libraries.py."""

from __future__ import annotations

import base64

from cdktn_provider_aws.codeartifact_domain import CodeartifactDomain
from cdktn_provider_aws.codeartifact_domain_permissions_policy import CodeartifactDomainPermissionsPolicy
from cdktn_provider_aws.codeartifact_repository import (
    CodeartifactRepository,
    CodeartifactRepositoryExternalConnections,
    CodeartifactRepositoryUpstream,
)
from cdktn_provider_aws.codeartifact_repository_permissions_policy import CodeartifactRepositoryPermissionsPolicy
from cdktn_provider_aws.sagemaker_studio_lifecycle_config import SagemakerStudioLifecycleConfig
from constructs import Construct

from ..base import ids, naming
from ..plan.records import AccountLibraries, Libraries
from ..policies.libraries import (
    EXTERNAL_CONNECTIONS,
    STUDIO_APP_TYPES,
    domain_policy,
    pip_script,
    publish_policy,
    read_policy,
    repository_policy,
)
from .base import PlatformStack, policy_json
from .iam import iam
from .refs import ref


def build_libraries(scope: Construct, *, lib: Libraries, key_arn: str, org_id: str) -> None:
    """The domain (encrypted with the shared services key), a proxy repository per public upstream, the internal
    repository reading through them, and the two resource policies (constant size: see modules/plan/libraries.py)."""
    CodeartifactDomain(scope, "libraries-domain", domain=lib.domain, encryption_key=key_arn)
    domain = ref("aws_codeartifact_domain", "libraries-domain", "domain")
    upstreams = []
    for up in lib.upstreams:
        CodeartifactRepository(
            scope,
            ids.proxy_repository(up),
            domain=domain,
            repository=lib.proxy_repository(up),
            description=f"Proxy of {EXTERNAL_CONNECTIONS[up]}: the internal repository's upstream",
            external_connections=CodeartifactRepositoryExternalConnections(external_connection_name=EXTERNAL_CONNECTIONS[up]),
        )
        upstreams.append(
            CodeartifactRepositoryUpstream(repository_name=ref("aws_codeartifact_repository", ids.proxy_repository(up), "repository"))
        )
    CodeartifactRepository(
        scope,
        "libraries-repository",
        domain=domain,
        repository=lib.repository,
        description="Internal libraries of the ML teams (publishers: the teams' registry files)",
        upstream=upstreams or None,
    )
    CodeartifactDomainPermissionsPolicy(
        scope, "libraries-domain-policy", domain=domain, policy_document=policy_json(domain_policy(lib, org_id=org_id))
    )
    CodeartifactRepositoryPermissionsPolicy(
        scope,
        "libraries-repository-policy",
        domain=domain,
        repository=ref("aws_codeartifact_repository", "libraries-repository", "repository"),
        policy_document=policy_json(repository_policy(lib, org_id=org_id, deploy_role=naming.deploy_role(lib.org))),
    )


def _lcc_id(app_type: str) -> str:
    return f"libraries-pip-{app_type.lower()}"


def lifecycle_config_arns() -> dict[str, str]:
    """App type -> the ARN of its lifecycle configuration (references: the domain may be built first)."""
    return {app: ref("aws_sagemaker_studio_lifecycle_config", _lcc_id(app), "arn") for app in STUDIO_APP_TYPES}


def build_library_access(scope: PlatformStack, *, org: str, lib: AccountLibraries) -> None:
    """The execution and deploy roles read (and publish the team's packages where allowed); Studio's lifecycle
    configurations, one per app type."""
    read = read_policy(lib)["Statement"]
    publish = (publish_policy(lib) or {"Statement": []})["Statement"]
    for role, may_publish in (("execution-role", lib.execution_role_publishes), ("deploy-role", True)):
        iam(scope).inline_policy(
            f"{role}-libraries",
            role=role,
            name="internal-libraries",
            policy={"Version": "2012-10-17", "Statement": read + (publish if may_publish else [])},
        )
    script = base64.b64encode(pip_script(lib).encode()).decode("ascii")
    for app in STUDIO_APP_TYPES:
        SagemakerStudioLifecycleConfig(
            scope,
            _lcc_id(app),
            studio_lifecycle_config_name=f"{org}-pip-libraries-{app.lower()}",
            studio_lifecycle_config_app_type=app,
            studio_lifecycle_config_content=script,
        )
