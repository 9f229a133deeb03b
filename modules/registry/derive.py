"""What both the plan and the registry's checks derive from the registry, decided once here: the values that decide
the guardrail SCPs, the OU paths, and who has Studio where. The plan builds its records from these; the checks
report at file:line what would not fit (packing limits, colliding ids), so that validation never imports the plan."""

from __future__ import annotations

from ..base import naming
from ..guardrails import Inputs, access_role_arns
from .model import Grant, Member, Registry, Team


def inputs_for(reg: Registry) -> Inputs:
    """What decides the SCPs. The plan packs them from this and the registry checks report packing limits at
    file:line from it."""
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


def ou_paths(reg: Registry) -> tuple[str, ...]:
    """Every OU path the environments name and their parents, and the Suspended OU: parents before children."""
    paths = {naming.SUSPENDED_OU}
    for env in reg.environments:
        parts = env.organizational_unit.split("/")
        for i in range(1, len(parts) + 1):
            paths.add("/".join(parts[:i]))
    return tuple(sorted(paths, key=lambda p: (p.count("/"), p)))


def studio_entries(reg: Registry, team: Team, env_name: str) -> list[Member | Grant]:
    """The members and grants (grants.yaml) that give a person Studio in this environment of an active team: their
    role has `studio: true` and maps a permission set here (a grant: and lists the environment). A role the registry
    does not define gives nothing (its check reports it)."""
    if not team.active:
        return []

    def studio(role_name: str) -> bool:
        role = reg.roles.get(role_name)
        return role is not None and role.studio and env_name in role.permission_sets

    found: list[Member | Grant] = [m for m in team.members if studio(m.role)]
    return found + [g for g in reg.grants if g.team == team.name and env_name in g.environments and studio(g.role)]
