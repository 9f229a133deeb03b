"""The registry's few values that decide the guardrail SCPs (guardrails.Inputs): read here once, for the plan that
packs them and for the checks that report packing limits at file:line."""

from __future__ import annotations

from ..base import naming
from ..guardrails import Inputs, access_role_arns
from .model import Registry


def inputs_for(reg: Registry) -> Inputs:
    """What decides the SCPs. The plan packs them from this and the registry checks report packing limits at
    file:line from it: here, so that validation never imports the plan."""
    org = reg.organization
    by_ou: dict[str, set[str]] = {}
    for env in reg.environments:
        by_ou.setdefault(env.organizational_unit, set()).add(env.sagemaker_network)
    return Inputs(
        org=org.name,
        allowed_regions=tuple(sorted(org.allowed_regions)),
        studio_allowed_cidrs=tuple(sorted(org.network.studio_allowed_cidrs)),
        log_bucket=naming.log_bucket_name(org.name, org.log_archive, org.bucket_suffix),
        workload_roots=tuple(sorted({e.organizational_unit.split("/")[0] for e in reg.environments})),
        vpc_only_ous=tuple(sorted(ou for ou, modes in by_ou.items() if modes == {"vpc_only"})),
        access_roles=access_role_arns({i: a.access_role for i, a in org.adoptable_accounts.items() if a.access_role}),
    )
