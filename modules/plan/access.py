"""The plan of each team's access stack (docs/design.md, "Where team-scoped things live"). Pure Python, no cdktn.

Whatever only one team's file decides about access lives in `<team>-access`, so a team's pull request
plans that team's stacks and no central one: adding a member plans its access stack (the membership)
and the accounts where the member gains Studio (the profile), nothing else.
"""

from __future__ import annotations

from .. import guardrails
from ..base import naming
from ..registry.model import Grant, Registry, Team
from .records import AccessStack, Account, Assignment, Group, InstanceTypesScp, TeamAccount, UserAssignment


def assignments(reg: Registry, team: Team, env_name: str) -> tuple[Assignment, ...]:
    """The team's groups -> permission sets in this account, and the platform admins' (always, even decommissioned)."""
    out = {Assignment(naming.platform_admins_group(reg.organization.name), naming.PLATFORM_ADMIN_PERMISSION_SET)}
    if not team.active:
        return tuple(out)
    for member in team.members:
        ps = reg.roles[member.role].permission_sets.get(env_name)
        if ps:
            out.add(Assignment(naming.group_name(reg.organization.name, team.name, member.role), naming.permission_set_name(ps)))
    return tuple(sorted(out, key=lambda a: (a.group, a.permission_set)))


def team_grants(reg: Registry, team: Team) -> tuple[Grant, ...]:
    """The grants of grants.yaml into this team's accounts (only an active team's: validation refuses the others)."""
    return tuple(g for g in reg.grants if g.team == team.name) if team.active else ()


def user_assignments(reg: Registry, team: Team, env_name: str) -> tuple[UserAssignment, ...]:
    """Each grant's person -> the permission set its role maps in this environment, where the grant lists it."""
    out: dict[tuple[str, str], set[tuple[str, str, str]]] = {}
    for g in team_grants(reg, team):
        ps = reg.roles[g.role].permission_sets.get(env_name)
        if ps and env_name in g.environments:
            out.setdefault((g.person, naming.permission_set_name(ps)), set()).add((g.role, g.until.isoformat(), g.reason))
    return tuple(UserAssignment(user, ps, tuple(sorted(by))) for (user, ps), by in sorted(out.items()))


def team_groups(reg: Registry, team: Team) -> tuple[Group, ...]:
    """One group per role the team's members have (from onboarding on; none once decommissioned)."""
    if team.status == "decommissioned":
        return ()
    org = reg.organization.name
    groups = []
    for role in sorted({m.role for m in team.members}):
        members = [m for m in team.members if m.role == role]
        until = tuple(sorted((m.person, m.until.isoformat()) for m in members if m.until))
        group = naming.group_name(org, team.name, role)
        groups.append(Group(group, f"Team {team.name}, role {role}", tuple(sorted(m.person for m in members)), role, until))
    return tuple(groups)


def access_stack(reg: Registry, team: Team, accounts_of_team: tuple[Account, ...]) -> AccessStack:
    """accounts_of_team: the team's account records (account.py), which say which stack declares each one."""
    org = reg.organization.name
    held = tuple(a for a in accounts_of_team if a.in_access)
    here = {a.key for a in held}
    # Onboarding: the accounts are being created in the same pull request, so nothing targets them yet.
    accounts = (
        ()
        if team.status == "onboarding"
        else tuple(
            TeamAccount(
                naming.account_key(team.name, env),
                te.account_id,
                assignments(reg, team, env),
                team.active,
                user_assignments(reg, team, env),
                naming.account_key(team.name, env) in here,
            )
            for env, te in sorted(team.environments.items())
        )
    )
    catalog = (
        tuple(
            sorted(
                (t, naming.execution_role_name(org, team.name, env))
                for t in set(team.sagemaker.project_templates)
                for env in team.environments
            )
        )
        if team.active
        else ()
    )
    scp = None
    if team.active:
        rail = guardrails.instance_types(team.name, tuple(sorted(set(team.sagemaker.instance_types))))
        scp = InstanceTypesScp(
            naming.instance_types_scp(org, team.name),
            rail.reason,
            guardrails.compact({"Version": "2012-10-17", "Statement": list(rail.statements)}),
        )
    groups = team_groups(reg, team)
    # With users from an identity provider, each stack looks up the users it binds: identity does not grow with people.
    bound = {m for g in groups for m in g.members} | {u.user for a in accounts for u in a.user_assignments}
    return AccessStack(
        name=naming.access_stack(team.name),
        team=team.name,
        active=team.active,
        admins_group=naming.platform_admins_group(org),
        groups=groups,
        accounts=accounts,
        catalog=catalog,
        scp=scp,
        held=held,
        lookup_imports=tuple(a.key for a in held if a.lookup_import),
        lookups=tuple(sorted(bound)) if reg.organization.identity_center.users == "external" else (),
    )
