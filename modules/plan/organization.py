"""The `organization` stack's record (management account): OUs, guardrail SCPs, the organization trail and its log
archive, trusted access, and the team accounts not yet moved into their teams' access stacks. Pure Python, no cdktn."""

from __future__ import annotations

from .. import guardrails
from ..base import naming
from ..registry.derive import ou_paths
from ..registry.model import Registry
from .records import MOVE_FORGET, Account, OrganizationStack
from .trusted_access import trusted_services


def organization_stack(reg: Registry, guards: guardrails.Inputs, accounts: tuple[Account, ...]) -> OrganizationStack:
    """accounts: every team account (account.py); the organization declares only those not yet moved into their team's
    access stack, and forgets those at the move's last step, so its size does not grow with the number of teams."""
    org = reg.organization
    return OrganizationStack(
        name=naming.ORGANIZATION_STACK,
        ou_paths=ou_paths(reg),
        accounts=tuple(a for a in accounts if a.in_organization),
        forgotten=tuple(a.key for a in accounts if a.move == MOVE_FORGET),
        workload_roots=tuple(sorted(set(guards.workload_roots) | {naming.SUSPENDED_OU})),
        allowed_regions=tuple(sorted(org.allowed_regions)),
        scps=guardrails.scp_plan(guards),
        log_archive_account_id=org.log_archive,
        log_bucket=naming.log_bucket_name(org.name, org.log_archive, org.bucket_suffix),
        trail_name=naming.trail_name(org.name),
        alarm_subscribers=tuple(sorted((p.user_name, p.email) for p in reg.people if p.user_name in set(org.platform_admins) and p.email)),
        organization_id=org.organization_id,
        trusted_services=trusted_services(org.trusted_services),
    )
