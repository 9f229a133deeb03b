"""Checks of grants.yaml: temporary elevated access, each grant a person, a team, a role, environments, an end, a reason.

A grant gives exactly what membership with that role would give in the listed environments, so the rules are the
members' rules: the role must map a permission set in each environment (and the roles' own checks keep write
access out of production), the team must be active, and the Studio profile the grant may bring must have a valid name.
"""

from __future__ import annotations

from ...base import naming
from ...base.errors import RegistryError, show, unknown
from ..model import Grant, Registry
from ..source import error, line


def check_grants(reg: Registry) -> list[RegistryError]:
    people = {p.user_name for p in reg.people}
    teams = {t.name: t for t in reg.teams}
    envs = {e.name: e for e in reg.environments}
    errors: list[RegistryError] = []
    first: dict[tuple[str, str, str], Grant] = {}
    # Studio profile names already derived in each team (members with a Studio role), to catch a collision
    profiles = {
        t.name: {naming.profile_name(m.person): m.person for m in t.members if m.role in reg.roles and reg.roles[m.role].studio}
        for t in reg.teams
    }
    for g in reg.grants:
        if g.person not in people:
            errors.append(error(g, "person", unknown("person", g.person, people), entity_of=g))
        if not g.reason.strip():
            errors.append(error(g, "reason", "reason is blank: say why the access is needed (a ticket, an incident)", entity_of=g))
        key = (g.person, g.team, g.role)
        if key in first:
            errors.append(
                error(
                    g,
                    None,
                    f"{show(g.person)} is granted role {show(g.role)} in team {show(g.team)} twice "
                    f"(also on line {line(first[key])}); give one grant per person, team and role",
                )
            )
        first.setdefault(key, g)
        team = teams.get(g.team)
        if team is None:
            if g.team not in reg.origin.broken_teams and not reg.origin.teams_unreadable:
                errors.append(error(g, "team", unknown("team", g.team, teams), entity_of=g))
            continue
        if not team.active:
            errors.append(
                error(
                    g,
                    "team",
                    f"team {show(g.team)} is {team.status}: a grant gives access only into an active team's accounts",
                    entity_of=g,
                )
            )
        role = reg.roles.get(g.role)
        if role is None:
            errors.append(error(g, "role", unknown("role", g.role, reg.roles), entity_of=g))
        seen: set[str] = set()
        for i, env_name in enumerate(g.environments):
            at = ("environments", i)
            if env_name in seen:
                errors.append(error(g, at, f"environment {show(env_name)} is listed twice", entity_of=g))
                continue
            seen.add(env_name)
            if env_name not in team.environments:
                errors.append(error(g, at, unknown("environment", env_name, team.environments, f"of team {show(g.team)}"), entity_of=g))
                continue
            if role is None:
                continue
            ps_key = role.permission_sets.get(env_name)
            if ps_key is None:
                mapped = ", ".join(sorted(role.permission_sets)) or "none"
                errors.append(
                    error(
                        g,
                        at,
                        f"role {show(g.role)} maps no permission set in {show(env_name)}, so the grant would give nothing "
                        f"there (the role maps: {mapped})",
                        entity_of=g,
                    )
                )
                continue
            env, ps = envs.get(env_name), reg.permission_sets.get(ps_key)
            if env is not None and ps is not None and ps.access_level == "write" and env.human_access != "write":
                prod = "production " if env.production else ""
                errors.append(
                    error(
                        g,
                        at,
                        f"role {show(g.role)} gives {show(ps_key)} (access_level write) in {prod}environment {show(env_name)}, "
                        f"which allows at most {env.human_access}; grants follow the members' rules",
                        entity_of=g,
                    )
                )
        if role is not None and role.studio and g.person in people:
            profile = naming.profile_name(g.person)
            problem = naming.check_name(naming.SAGEMAKER_NAME, profile)
            other = profiles[team.name].setdefault(profile, g.person)
            if problem:
                errors.append(error(g, "person", f"Studio user profile: {problem}", entity_of=g))
            elif other != g.person:
                errors.append(
                    error(
                        g,
                        "person",
                        f"Studio user profile name {show(profile)} is also derived from {show(other)} in team {show(g.team)}",
                        entity_of=g,
                    )
                )
    return errors
