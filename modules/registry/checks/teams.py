"""Checks of team files: names, environments, members, owners, templates, accounts, derived names."""

from __future__ import annotations

from ...base import naming
from ...base.errors import RegistryError, show, unknown
from ..model import Organization, Registry
from ..source import error, source_of


def check_team_file_names(reg: Registry) -> list[RegistryError]:
    errors = []
    for team in reg.teams:
        stem = source_of(team).rel[len("teams/") :].rsplit(".", 1)[0]
        if stem != team.name:
            errors.append(
                error(
                    team,
                    "name",
                    f"name {show(team.name)} must equal the file name "
                    f"(expected {show(stem)}, or rename the file to teams/{team.name}.yaml)",
                )
            )
    return errors


def check_team_names_apart(reg: Registry) -> list[RegistryError]:
    """No team name begins with another team's name followed by `-<environment>`: its names would fall inside
    the other team's (`pricing-dev`'s projects `<org>-pricing-dev-sandbox-*` match the pipeline trust
    `<org>-pricing-dev-*` of `pricing`'s dev account). Any environment of the ladder counts, not only the other
    team's, since it may add one later."""
    org = reg.organization.name
    names = [t.name for t in reg.teams]
    envs = [e.name for e in reg.environments]
    errors = []
    for team in reg.teams:
        inside = naming.team_inside(team.name, names, envs)
        if inside is None:
            continue
        other, env = inside
        defined = next((f" ({source_of(t).doc.file})" for t in reg.teams if t.name == other), "")
        errors.append(
            error(
                team,
                "name",
                f"team name {show(team.name)} begins with team {show(other)}{defined} followed by environment "
                f"'-{env}': its projects and pipelines ({org}-{team.name}-<environment>-*) would match the pipeline "
                f"trust of team {show(other)} in {env} ({naming.pipeline_prefix(org, other, env)}-*); rename the newer "
                f"of the two teams (so that no team name begins with '{other}-<environment>')",
            )
        )
    return errors


def check_team_environments(reg: Registry) -> list[RegistryError]:
    envs = [e.name for e in reg.environments]
    errors = []
    for team in reg.teams:
        for env_name in team.environments:
            if env_name not in envs:
                errors.append(error(team, ("environments", env_name), unknown("environment", env_name, envs)))
    return errors


def check_members(reg: Registry) -> list[RegistryError]:
    people = {p.user_name for p in reg.people}
    errors = []
    for team in reg.teams:
        seen: dict[str, int] = {}
        for i, m in enumerate(team.members):
            if m.person not in people:
                errors.append(error(m, "person", unknown("person", m.person, people), entity_of=m))
            if m.role not in reg.roles:
                errors.append(error(m, "role", unknown("role", m.role, reg.roles), entity_of=m))
            if m.person in seen:
                errors.append(
                    error(
                        m,
                        "person",
                        f"person {show(m.person)} is a member twice (also members[{seen[m.person]}]); give one role per person",
                        entity_of=m,
                    )
                )
            seen.setdefault(m.person, i)
    return errors


def check_owners(reg: Registry) -> list[RegistryError]:
    people = {p.user_name for p in reg.people}
    errors = []
    for team in reg.teams:
        for i, owner in enumerate(team.owners):
            if owner not in people:
                errors.append(error(team, ("owners", i), unknown("person", owner, people)))
    return errors


def check_owner_emails(reg: Registry) -> list[RegistryError]:
    """Budget alerts go to the owners: at least one of them needs an email."""
    emails = {p.user_name: p.email for p in reg.people}
    errors = []
    for team in reg.teams:
        known_owners = [o for o in team.owners if o in emails]
        if known_owners and not any(emails[o] for o in known_owners):
            errors.append(error(team, "owners", f"no owner of team {show(team.name)} has an email in people.yaml; budget alerts need one"))
    return errors


def check_team_templates(reg: Registry) -> list[RegistryError]:
    names = {t.name for t in reg.templates}
    errors = []
    for team in reg.teams:
        for i, name in enumerate(team.sagemaker.project_templates):
            if name not in names:
                # at the team: a default `sagemaker` was not written anywhere (source.py attach)
                errors.append(error(team, ("sagemaker", "project_templates", i), unknown("template", name, names, "in catalog.yaml")))
    return errors


def check_adopted_accounts(reg: Registry) -> list[RegistryError]:
    org = reg.organization
    central = {
        org.management_account_id: "management account",
        org.shared_services_account_id: "shared services account",
        org.log_archive: "log archive account",
    }
    first: dict[str, str] = {}
    errors = []
    for team in reg.teams:
        for env_name, te in team.environments.items():
            if te.account_id is None:
                continue
            here = f"{team.name}/{env_name}"
            if te.account_id in central:
                errors.append(
                    error(
                        te, "account_id", f"account {show(te.account_id)} is the {central[te.account_id]}; a team account must be its own"
                    )
                )
            elif te.account_id not in org.adoptable_accounts:
                errors.append(
                    error(
                        te,
                        "account_id",
                        f"account {show(te.account_id)} is not in organization.yaml "
                        "adoptable_accounts: adopting an existing account needs the platform's consent "
                        f"(adoptable by {here}: {_adoptable_for(org, team.name, env_name)})",
                    )
                )
            elif (org.adoptable_accounts[te.account_id].team, org.adoptable_accounts[te.account_id].environment) != (team.name, env_name):
                allowed = org.adoptable_accounts[te.account_id]
                errors.append(
                    error(
                        te,
                        "account_id",
                        f"account {show(te.account_id)} is adoptable only by team "
                        f"{show(allowed.team)} in {show(allowed.environment)} (organization.yaml adoptable_accounts)",
                    )
                )
            elif te.account_id in first:
                errors.append(error(te, "account_id", f"account {show(te.account_id)} is already adopted by {first[te.account_id]}"))
            first.setdefault(te.account_id, here)
    return errors


def _adoptable_for(org: Organization, team: str, env: str) -> str:
    ids = sorted(i for i, a in org.adoptable_accounts.items() if (a.team, a.environment) == (team, env))
    return ", ".join(ids) if ids else "none listed"


def check_account_emails(reg: Registry) -> list[RegistryError]:
    template = reg.organization.account_email
    first: dict[str, str] = {}
    errors = []
    for team in reg.teams:
        for env_name, te in team.environments.items():
            if te.account_id is not None:
                continue  # adopted accounts keep the email they have
            email = naming.account_email(template, team.name, env_name)
            problem = naming.check_name(naming.ACCOUNT_EMAIL, email)
            path = ("environments", env_name)
            if problem:
                errors.append(error(team, path, problem + " (from organization account_email)"))
            elif email.lower() in first:
                errors.append(
                    error(
                        team,
                        path,
                        f"account email {show(email)} is also the email of "
                        f"{first[email.lower()]}; make account_email unique per team and environment",
                    )
                )
            first.setdefault(email.lower(), f"{team.name}/{env_name}")
    return errors


def check_derived_names(reg: Registry) -> list[RegistryError]:
    """Every name the compiler derives for a team fits the AWS limit for it (see naming.py)."""
    org = reg.organization.name
    errors = []
    groups: dict[str, str] = {naming.platform_admins_group(org): "the platform admins"}
    for team in reg.teams:
        for env_name in team.environments:
            stack = naming.account_stack(team.name, env_name)
            if stack in naming.CENTRAL_STACKS:
                errors.append(
                    error(
                        team,
                        ("environments", env_name),
                        f"the stack of team {show(team.name)} in "
                        f"{show(env_name)} would be named {show(stack)}, which is a central stack; rename the team",
                    )
                )
            for rule, name in naming.derived_names(org, team.name, env_name):
                problem = naming.check_name(rule, name)
                if problem:
                    errors.append(error(team, ("environments", env_name), f"{problem}; shorten the organization, team or environment name"))
        for role in sorted({m.role for m in team.members}):
            group = naming.group_name(org, team.name, role)
            problem = naming.check_name(naming.GROUP, group)
            if problem:
                errors.append(error(team, "members", problem))
            elif group in groups:
                errors.append(
                    error(
                        team,
                        "members",
                        f"Identity Center group {show(group)} (role {show(role)}) is also "
                        f"the group of {groups[group]}; rename the team or the role",
                    )
                )
            groups.setdefault(group, f"team {show(team.name)}, role {show(role)}")
        profiles: dict[str, str] = {}
        for m in team.members:
            studio_role = reg.roles.get(m.role)
            if not studio_role or not studio_role.studio:
                continue
            profile = naming.profile_name(m.person)
            problem = naming.check_name(naming.SAGEMAKER_NAME, profile)
            if problem:
                errors.append(error(m, "person", f"Studio user profile: {problem}", entity_of=m))
            elif profile in profiles:
                errors.append(
                    error(
                        m, "person", f"Studio user profile name {show(profile)} is also derived from {show(profiles[profile])}", entity_of=m
                    )
                )
            profiles.setdefault(profile, m.person)
    return errors
