"""Service control policies: a library of small guardrails, each with its reason, packed into SCPs.

Each guardrail is one unit (a few statements) that says why it exists. `scp_plan` decides which
guardrails cover which OU and packs them into as few policies as AWS limits allow:
5 SCPs attached per target, one of them AWS's FullAWSAccess, and 5,120 characters per policy
(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).

One module per concern: library.py (the guardrails), packing.py (coverage, inputs and packing). Callers keep
writing `guardrails.<name>`: the package re-exports every public name (`__all__`).
"""

from __future__ import annotations

from .library import (
    GLOBAL_SERVICE_ACTIONS,
    INSTANCE_TYPE_LIMITED_ACTIONS,
    PLATFORM_PRINCIPALS,
    STUDIO_SYSTEM_INSTANCE,
    VPC_JOB_ACTIONS,
    Guardrail,
    access_role_arns,
    deny_leave_organization,
    deny_root_user,
    deny_unapproved_regions,
    instance_types,
    protect_audit,
    protect_platform_roles,
    sagemaker_vpc_only,
    studio_source_networks,
    suspended_lockdown,
)
from .packing import (
    MAX_POLICIES_PER_TARGET,
    MAX_POLICY_CHARS,
    RESERVED_POLICIES,
    Inputs,
    PackingError,
    Scp,
    compact,
    coverage,
    pack,
    scp_plan,
)

__all__ = [
    "GLOBAL_SERVICE_ACTIONS",
    "INSTANCE_TYPE_LIMITED_ACTIONS",
    "MAX_POLICIES_PER_TARGET",
    "MAX_POLICY_CHARS",
    "PLATFORM_PRINCIPALS",
    "RESERVED_POLICIES",
    "STUDIO_SYSTEM_INSTANCE",
    "VPC_JOB_ACTIONS",
    "Guardrail",
    "Inputs",
    "access_role_arns",
    "PackingError",
    "Scp",
    "compact",
    "coverage",
    "deny_leave_organization",
    "deny_root_user",
    "deny_unapproved_regions",
    "instance_types",
    "pack",
    "protect_audit",
    "protect_platform_roles",
    "sagemaker_vpc_only",
    "scp_plan",
    "studio_source_networks",
    "suspended_lockdown",
]
