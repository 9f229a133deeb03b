"""IAM policy documents as pure functions of plain values, so tests and linters read them without cdktn.

One module per whom the documents are for: projects.py (Service Catalog's launch role and the seed code),
audit.py (the log archive, Config delivery, the trail's monitoring), pipelines.py (CI, deploy and plan roles).
Callers keep writing `policies.<name>`: the package re-exports every public name (`__all__`).
"""

from __future__ import annotations

from typing import Any

from .audit import (
    config_delivery_policy,
    key_admin_statement,
    log_archive_bucket_statements,
    log_archive_key_policy,
    monitoring_key_policy,
    trail_logs_policy,
)
from .pipelines import DEPLOY_ACTIONS, READ_ONLY_POLICY_ARN, ci_policy, ci_trust, deploy_policy, deploy_trust, plan_deny_data, plan_trust
from .projects import (
    LAUNCH_HANDLER_PERMISSIONS,
    PROJECT_BUCKET_PATTERNS,
    PROJECT_REPOSITORY_PATTERNS,
    SEED_OBJECT_PATTERN,
    projects_launch_policy,
    seed_reader_statements,
)

__all__ = [
    "DEPLOY_ACTIONS",
    "LAUNCH_HANDLER_PERMISSIONS",
    "PROJECT_BUCKET_PATTERNS",
    "PROJECT_REPOSITORY_PATTERNS",
    "READ_ONLY_POLICY_ARN",
    "SEED_OBJECT_PATTERN",
    "ci_policy",
    "ci_trust",
    "config_delivery_policy",
    "key_admin_statement",
    "deploy_policy",
    "deploy_trust",
    "log_archive_bucket_statements",
    "log_archive_key_policy",
    "monitoring_key_policy",
    "plan_deny_data",
    "plan_trust",
    "projects_launch_policy",
    "seed_reader_statements",
    "service_trust",
    "trail_logs_policy",
]


def service_trust(service: str, account_id: str) -> dict[str, Any]:
    """Only this AWS service, acting for this account, may assume the role."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ServiceInThisAccount",
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        ],
    }
