"""Internal libraries in the plan: the organization's CodeArtifact record and what each team account reads and
publishes (docs/design.md, "Internal libraries"; the policies are policies/libraries.py). Pure Python, no cdktn."""

from __future__ import annotations

from ..base.naming import normalize_package as normalize
from ..registry.model import Environment, Registry, Team
from .records import AccountLibraries, Libraries, Publisher


def organization_libraries(reg: Registry, *, publishers: bool = True) -> Libraries | None:
    """The CodeArtifact record; without publishers for the shared-services stack, whose output never depends on
    which team publishes what (so a team's packages do not change its fingerprint)."""
    cfg = reg.organization.libraries
    if cfg is None:
        return None
    org = reg.organization
    owners = tuple(Publisher(t.name, _packages(t)) for t in reg.teams if t.active and _packages(t)) if publishers else ()
    return Libraries(
        org=org.name,
        domain=cfg.domain,
        repository=cfg.repository,
        upstreams=tuple(cfg.upstreams),
        owner_account_id=org.shared_services_account_id,
        region=org.home_region,
        publishing_environments=tuple(sorted(e.name for e in reg.environments if _execution_role_publishes(e))),
        publishers=tuple(sorted(owners, key=lambda p: p.team)),
    )


def account_libraries(reg: Registry, team: Team, env_name: str) -> AccountLibraries | None:
    """Every account of the organization's teams reads; an active team publishes its packages."""
    cfg = reg.organization.libraries
    if cfg is None:
        return None
    org = reg.organization
    return AccountLibraries(
        domain=cfg.domain,
        repository=cfg.repository,
        owner_account_id=org.shared_services_account_id,
        region=org.home_region,
        packages=_packages(team) if team.active else (),
        execution_role_publishes=_execution_role_publishes(reg.environment(env_name)),
    )


def _packages(team: Team) -> tuple[str, ...]:
    return tuple(sorted({normalize(p) for p in team.libraries.publish}))


def _execution_role_publishes(env: Environment) -> bool:
    return env.human_access == "write" and not env.production
