"""Cross-reference checks: one small named function per concern, each returning its errors.

Each check sees the whole validated Registry and the Sources (for `file:line`). They never raise.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from typing import Callable, Iterable

from .. import naming
from .errors import RegistryError, known, show, unknown
from .load import Sources
from .model import Registry, Team

ORG = "organization.yaml"
ENVS = "environments.yaml"
ACCESS = "access.yaml"
PEOPLE = "people.yaml"
CATALOG = "catalog.yaml"
# Tags the compiler sets itself on every resource where they apply.
RESERVED_TAGS = ("team", "environment", "cost_center")

Check = Callable[[Registry, Sources], list[RegistryError]]


def _index(src: Sources, rel: str, list_key: str, name_key: str, value: str) -> int:
    """Index of the item named value in a list of a file (models may be sorted differently)."""
    doc = src.docs.get(rel)
    items = doc.data.get(list_key) if doc and isinstance(doc.data, dict) else None
    for i, item in enumerate(items or []):
        if isinstance(item, dict) and item.get(name_key) == value:
            return i
    return 0


def _team_rel(src: Sources, team: Team) -> str:
    return src.team_files[team.name]


def _active_team_names(reg: Registry) -> set[str]:
    return {t.name for t in reg.teams if t.active}


# ---------------------------------------------------------------- organization and environments


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    """Regions of the commercial, China and GovCloud partitions, from botocore's own endpoint data."""
    from botocore.loaders import Loader

    data = Loader().load_data("endpoints")
    return frozenset(r for p in data["partitions"] for r in p.get("regions", {}))


def check_regions(reg: Registry, src: Sources) -> list[RegistryError]:
    org = reg.organization
    errors = []
    regions = known_regions()
    for i, region in enumerate(org.allowed_regions):
        if region not in regions:
            errors.append(src.error(ORG, ("allowed_regions", i), unknown("region", region, regions)))
    if org.home_region not in org.allowed_regions:
        errors.append(src.error(ORG, ("home_region",), f"home_region {show(org.home_region)} is not in allowed_regions "
                                f"(allowed: {known(org.allowed_regions)})"))
    for region, count in Counter(org.allowed_regions).items():
        if count > 1:
            errors.append(src.error(ORG, ("allowed_regions",), f"region {show(region)} is listed {count} times"))
    if org.state_backend.region not in regions:
        errors.append(src.error(ORG, ("state_backend", "region"), unknown("region", org.state_backend.region, regions)))
    return errors


def check_organization_accounts(reg: Registry, src: Sources) -> list[RegistryError]:
    org = reg.organization
    if org.shared_services_account_id == org.management_account_id:
        return [src.error(ORG, ("shared_services_account_id",),
                          f"the shared services account {show(org.shared_services_account_id)} must not be the management account")]
    if org.log_archive_account_id == org.management_account_id:
        return [src.error(ORG, ("log_archive_account_id",),
                          f"the log archive account {show(org.log_archive_account_id)} must not be the management account")]
    return []


def check_platform_admins(reg: Registry, src: Sources) -> list[RegistryError]:
    people = {p.user_name for p in reg.people}
    errors = []
    for i, admin in enumerate(reg.organization.platform_admins):
        if admin not in people:
            errors.append(src.error(ORG, ("platform_admins", i), unknown("person", admin, people)))
    for admin, count in Counter(reg.organization.platform_admins).items():
        if count > 1:
            errors.append(src.error(ORG, ("platform_admins",), f"person {show(admin)} is listed {count} times"))
    return errors


def check_tags(reg: Registry, src: Sources) -> list[RegistryError]:
    errors = []
    for key in reg.organization.tags:
        if key in RESERVED_TAGS:
            errors.append(src.error(ORG, ("tags", key), f"tag key {show(key)} is set by the compiler on every resource "
                                    f"(reserved: {', '.join(RESERVED_TAGS)})"))
        elif key.lower().startswith("aws:"):
            errors.append(src.error(ORG, ("tags", key), f"tag key {show(key)} uses the prefix 'aws:', which AWS reserves"))
    # https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html : 50 tags per resource
    if len(reg.organization.tags) > 45:
        errors.append(src.error(ORG, ("tags",), f"{len(reg.organization.tags)} tags; at most 45 (AWS allows 50 per resource "
                                "and the compiler adds up to 5)"))
    return errors


def check_environments(reg: Registry, src: Sources) -> list[RegistryError]:
    errors = []
    seen: dict[str, int] = {}
    for i, env in enumerate(reg.environments):
        if env.name in seen:
            errors.append(src.error(ENVS, ("environments", i, "name"), f"environment {show(env.name)} is defined twice "
                                    f"(first at environments[{seen[env.name]}])"))
        seen.setdefault(env.name, i)
        if env.organizational_unit.split("/")[0] == naming.SUSPENDED_OU:
            errors.append(src.error(ENVS, ("environments", i, "organizational_unit"),
                                    f"OU path {show(env.organizational_unit)} is reserved: '{naming.SUSPENDED_OU}' holds "
                                    "decommissioned teams' accounts"))
        if env.production and env.human_access == "write":
            errors.append(src.error(ENVS, ("environments", i, "human_access"),
                                    "a production environment may not give people write access (allowed: read, none)"))
    return errors


# ---------------------------------------------------------------- access and people


def check_people(reg: Registry, src: Sources) -> list[RegistryError]:
    errors = []
    doc = src.docs[PEOPLE]
    items = doc.data.get("people") or []
    first_user: dict[str, int] = {}
    first_email: dict[str, int] = {}
    first_github: dict[str, int] = {}
    for i, item in enumerate(items):
        user, email, gh = item.get("user_name"), str(item.get("email", "")).lower(), item.get("github")
        if user in first_user:
            errors.append(src.error(PEOPLE, ("people", i, "user_name"),
                                    f"user_name {show(user)} is used twice (first on line {doc.line('people', first_user[user])})"))
        first_user.setdefault(user, i)
        if email in first_email:
            errors.append(src.error(PEOPLE, ("people", i, "email"),
                                    f"email {show(item.get('email'))} is used twice (first on line {doc.line('people', first_email[email])})"))
        first_email.setdefault(email, i)
        if gh is not None:
            if gh.lower() in first_github:
                errors.append(src.error(PEOPLE, ("people", i, "github"), f"GitHub handle {show(gh)} is used twice"))
            first_github.setdefault(gh.lower(), i)
    return errors


def check_roles(reg: Registry, src: Sources) -> list[RegistryError]:
    errors = []
    envs = {e.name: e for e in reg.environments}
    for role_name, role in reg.roles.items():
        for env_name, ps_name in role.permission_sets.items():
            path = ("roles", role_name, "permission_sets", env_name)
            if env_name not in envs:
                errors.append(src.error(ACCESS, path, unknown("environment", env_name, envs)))
                continue
            if ps_name not in reg.permission_sets:
                errors.append(src.error(ACCESS, path, unknown("permission set", ps_name, reg.permission_sets)))
                continue
            env, ps = envs[env_name], reg.permission_sets[ps_name]
            if env.human_access == "none":
                errors.append(src.error(ACCESS, path, f"environment {show(env_name)} gives people no access "
                                        f"(human_access: none); remove the mapping to {show(ps_name)}"))
            elif env.human_access == "read" and ps.access_level == "write":
                prod = " production" if env.production else ""
                errors.append(src.error(ACCESS, path, f"permission set {show(ps_name)} has access_level write but{prod} "
                                        f"environment {show(env_name)} allows at most read"))
    return errors


def check_permission_sets(reg: Registry, src: Sources) -> list[RegistryError]:
    errors = []
    for key, ps in reg.permission_sets.items():
        if key == naming.PLATFORM_ADMIN_PERMISSION_SET:
            errors.append(src.error(ACCESS, ("permission_sets", key), f"the name {show(key)} is reserved for the "
                                    "platform admins' permission set that the compiler creates"))
        if not ps.managed_policies and not ps.inline_policy:
            errors.append(src.error(ACCESS, ("permission_sets", key), "grants nothing: give managed_policies or an inline_policy"))
        if ps.inline_policy:
            path = ("permission_sets", key, "inline_policy")
            text = reg.files.get(ps.inline_policy)
            if text is None:
                errors.append(src.error(ACCESS, path, f"policy file {show(ps.inline_policy)} not found under "
                                        f"{src.shown_root or '.'}/"))
            else:
                problem = iam_policy_problem(text)
                if problem:
                    errors.append(src.error(ACCESS, path, f"policy file {show(ps.inline_policy)} {problem}"))
    return errors


_STATEMENT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal", "NotPrincipal"}


def iam_policy_problem(text: str) -> str | None:
    """None if text is a JSON IAM identity policy, else what is wrong with it."""
    # https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PutInlinePolicyToPermissionSet.html : 32,768 characters
    if len(text) > 32768:
        return f"is {len(text)} characters; an inline policy may have at most 32768"
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    if not isinstance(doc, dict):
        return "must hold a JSON object with Version and Statement"
    if doc.get("Version") != "2012-10-17":
        return f"must have \"Version\": \"2012-10-17\" (got {doc.get('Version')!r})"
    statements = doc.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return "must have a non-empty Statement list"
    for i, st in enumerate(statements):
        if not isinstance(st, dict):
            return f"Statement[{i}] must be an object"
        extra = set(st) - _STATEMENT_KEYS
        if extra:
            return f"Statement[{i}] has unknown key(s) {', '.join(sorted(extra))}"
        if st.get("Effect") not in ("Allow", "Deny"):
            return f"Statement[{i}] Effect must be Allow or Deny (got {st.get('Effect')!r})"
        if ("Action" in st) == ("NotAction" in st):
            return f"Statement[{i}] needs exactly one of Action or NotAction"
        if ("Resource" in st) == ("NotResource" in st):
            return f"Statement[{i}] needs exactly one of Resource or NotResource"
        if "Principal" in st or "NotPrincipal" in st:
            return f"Statement[{i}] has a Principal: a permission set policy is an identity policy and takes none"
    return None


def check_catalog(reg: Registry, src: Sources) -> list[RegistryError]:
    errors = []
    names = Counter(t.name for t in reg.templates)
    for t in reg.templates:
        i = _index(src, CATALOG, "templates", "name", t.name)
        if names[t.name] > 1:
            errors.append(src.error(CATALOG, ("templates", i, "name"), f"template {show(t.name)} is defined {names[t.name]} times"))
        if t.template not in reg.files:
            errors.append(src.error(CATALOG, ("templates", i, "template"), f"template file {show(t.template)} not found under "
                                    f"{src.shown_root or '.'}/"))
    return errors


# ---------------------------------------------------------------- teams


def check_team_file_names(reg: Registry, src: Sources) -> list[RegistryError]:
    errors = []
    for team in reg.teams:
        rel = _team_rel(src, team)
        stem = rel[len("teams/"):].rsplit(".", 1)[0]
        if stem != team.name:
            errors.append(src.error(rel, ("name",), f"name {show(team.name)} must equal the file name "
                                    f"(expected {show(stem)}, or rename the file to teams/{team.name}.yaml)"))
    return errors


def check_team_environments(reg: Registry, src: Sources) -> list[RegistryError]:
    envs = [e.name for e in reg.environments]
    errors = []
    for team in reg.teams:
        for env_name in team.environments:
            if env_name not in envs:
                errors.append(src.error(_team_rel(src, team), ("environments", env_name), unknown("environment", env_name, envs)))
    return errors


def check_members(reg: Registry, src: Sources) -> list[RegistryError]:
    people = {p.user_name for p in reg.people}
    errors = []
    for team in reg.teams:
        rel = _team_rel(src, team)
        seen: dict[str, int] = {}
        for i, m in enumerate(team.members):
            if m.person not in people:
                errors.append(src.error(rel, ("members", i, "person"), unknown("person", m.person, people), entity_at=2))
            if m.role not in reg.roles:
                errors.append(src.error(rel, ("members", i, "role"), unknown("role", m.role, reg.roles), entity_at=2))
            if m.person in seen:
                errors.append(src.error(rel, ("members", i, "person"), f"person {show(m.person)} is a member twice "
                                        f"(also members[{seen[m.person]}]); give one role per person", entity_at=2))
            seen.setdefault(m.person, i)
    return errors


def check_owners(reg: Registry, src: Sources) -> list[RegistryError]:
    people = {p.user_name for p in reg.people}
    errors = []
    for team in reg.teams:
        for i, owner in enumerate(team.owners):
            if owner not in people:
                errors.append(src.error(_team_rel(src, team), ("owners", i), unknown("person", owner, people)))
    return errors


def check_team_templates(reg: Registry, src: Sources) -> list[RegistryError]:
    names = {t.name for t in reg.templates}
    errors = []
    for team in reg.teams:
        for i, name in enumerate(team.sagemaker.project_templates):
            if name not in names:
                errors.append(src.error(_team_rel(src, team), ("sagemaker", "project_templates", i),
                                        unknown("template", name, names, "in catalog.yaml")))
    return errors


def check_adopted_accounts(reg: Registry, src: Sources) -> list[RegistryError]:
    org = reg.organization
    central = {org.management_account_id: "management account", org.shared_services_account_id: "shared services account",
               org.log_archive: "log archive account"}
    first: dict[str, str] = {}
    errors = []
    for team in reg.teams:
        for env_name, te in team.environments.items():
            if te.account_id is None:
                continue
            path = ("environments", env_name, "account_id")
            here = f"{team.name}/{env_name}"
            if te.account_id in central:
                errors.append(src.error(_team_rel(src, team), path, f"account {show(te.account_id)} is the "
                                        f"{central[te.account_id]}; a team account must be its own"))
            elif te.account_id in first:
                errors.append(src.error(_team_rel(src, team), path, f"account {show(te.account_id)} is already adopted "
                                        f"by {first[te.account_id]}"))
            first.setdefault(te.account_id, here)
    return errors


def check_account_emails(reg: Registry, src: Sources) -> list[RegistryError]:
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
                errors.append(src.error(_team_rel(src, team), path, problem + " (from organization account_email)"))
            elif email.lower() in first:
                errors.append(src.error(_team_rel(src, team), path, f"account email {show(email)} is also the email of "
                                        f"{first[email.lower()]}; make account_email unique per team and environment"))
            first.setdefault(email.lower(), f"{team.name}/{env_name}")
    return errors


def check_derived_names(reg: Registry, src: Sources) -> list[RegistryError]:
    """Every name the compiler derives for a team fits the AWS limit for it (see naming.py)."""
    org = reg.organization.name
    errors = []
    for team in reg.teams:
        rel = _team_rel(src, team)
        for env_name in team.environments:
            for rule, name in naming.derived_names(org, team.name, env_name):
                problem = naming.check_name(rule, name)
                if problem:
                    errors.append(src.error(rel, ("environments", env_name), f"{problem}; shorten the organization, team or "
                                            "environment name"))
        for role in sorted({m.role for m in team.members}):
            problem = naming.check_name(naming.GROUP, naming.group_name(org, team.name, role))
            if problem:
                errors.append(src.error(rel, ("members",), problem))
        profiles: dict[str, str] = {}
        for i, m in enumerate(team.members):
            role = reg.roles.get(m.role)
            if not role or not role.studio:
                continue
            profile = naming.profile_name(m.person)
            problem = naming.check_name(naming.SAGEMAKER_NAME, profile)
            if problem:
                errors.append(src.error(rel, ("members", i, "person"), f"Studio user profile: {problem}", entity_at=2))
            elif profile in profiles:
                errors.append(src.error(rel, ("members", i, "person"), f"Studio user profile name {show(profile)} is also "
                                        f"derived from {show(profiles[profile])}", entity_at=2))
            profiles.setdefault(profile, m.person)
    return errors


# ---------------------------------------------------------------- shares

_SHARE_RESOURCE = {
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackageGroup.html
    "model_package_group": (naming.SAGEMAKER_NAME.pattern, "a model package group name: letters, digits and inner hyphens, at most 63"),
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html
    "feature_group": (naming.SAGEMAKER_NAME.pattern, "a feature group name: letters, digits and inner hyphens, at most 63"),
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreatePipeline.html
    "pipeline": (re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$"), "a pipeline name: letters, digits and inner hyphens, at most 256"),
    "s3_prefix": (re.compile(r"^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/?$"),
                  "a key prefix in the producer's data bucket such as features/daily/ (no leading '/', no '..')"),
    # https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
    "ecr_repository": (re.compile(r"^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$"),
                       "an ECR repository name: lowercase letters, digits and ._-/ , 2 to 256 characters"),
}


def check_shares(reg: Registry, src: Sources) -> list[RegistryError]:
    teams = {t.name: t for t in reg.teams}
    known_teams = set(teams) | src.broken_teams
    envs = {e.name: e for e in reg.environments}
    first_name: dict[str, str] = {}
    errors = []
    for team in reg.teams:
        rel = _team_rel(src, team)
        for i, share in enumerate(team.shares):
            base = ("shares", i)
            if share.name in first_name:
                errors.append(src.error(rel, base + ("name",), f"share name {show(share.name)} is already used by "
                                        f"team {show(first_name[share.name])}; share names are unique across the registry", entity_at=2))
            first_name.setdefault(share.name, team.name)
            if share.from_ not in team.environments:
                errors.append(src.error(rel, base + ("from",), unknown("environment", share.from_, team.environments,
                                                                       f"of team {show(team.name)}")))
            pattern, allowed = _SHARE_RESOURCE[share.kind]
            resource = share.resource
            if not pattern.match(resource) or ".." in resource:
                errors.append(src.error(rel, base + ("resource",), f"invalid {share.kind} {show(resource)}: {allowed}"))
            seen_targets: set[tuple[str, str]] = set()
            for j, target in enumerate(share.to):
                path = base + ("to", j)
                key = (target.team, target.environment)
                if key in seen_targets:
                    errors.append(src.error(rel, path, f"{target.team}/{target.environment} is listed twice"))
                seen_targets.add(key)
                if target.team not in teams:
                    if target.team not in src.broken_teams:  # a broken team file is reported on its own
                        errors.append(src.error(rel, path + ("team",), unknown("team", target.team, known_teams),
                                                entity_at=4))
                    continue
                consumer = teams[target.team]
                if not consumer.active:
                    errors.append(src.error(rel, path + ("team",), f"team {show(target.team)} is decommissioned; "
                                            "shares go to active teams only", entity_at=4))
                    continue
                if target.environment not in consumer.environments:
                    errors.append(src.error(rel, path + ("environment",), unknown("environment", target.environment,
                                            consumer.environments, f"of team {show(target.team)}"), entity_at=4))
                    continue
                if target.team == team.name and target.environment == share.from_:
                    errors.append(src.error(rel, path, "a share to the account it comes from grants nothing"))
                env = envs.get(target.environment)
                if share.access == "write" and env is not None and env.production and target.team != team.name:
                    errors.append(src.error(rel, path, f"write access into another team's production environment "
                                            f"{show(target.environment)} is refused (allowed here: access: read)"))
    return errors


def check_environment_ous(reg: Registry, src: Sources) -> list[RegistryError]:
    """Environments that share an OU share its SCPs, so they must agree on the SageMaker network mode."""
    errors = []
    first: dict[str, tuple[str, str]] = {}
    for i, env in enumerate(reg.environments):
        ou = env.organizational_unit
        if ou in first and first[ou][1] != env.sagemaker_network:
            other, mode = first[ou]
            errors.append(src.error(ENVS, ("environments", i, "sagemaker_network"),
                                    f"environment {show(env.name)} is {env.sagemaker_network} but shares OU {show(ou)} with "
                                    f"{show(other)}, which is {mode}; the OU's guardrails follow the network mode "
                                    "(give it its own organizational_unit)"))
        first.setdefault(ou, (env.name, env.sagemaker_network))
    return errors


def check_guardrails_fit(reg: Registry, src: Sources) -> list[RegistryError]:
    """The SCPs for every OU fit AWS's limits (5 per target, 5,120 characters each)."""
    from .. import guardrails
    from ..stacks import guardrail_inputs

    inputs = guardrail_inputs(reg)
    errors = []
    for target, rails in guardrails.coverage(inputs).items():
        try:
            guardrails.pack(inputs.org, target, rails)
        except guardrails.PackingError as exc:
            if target in inputs.vpc_only_ous:  # only the environment OU's own guardrails are attached there
                i = next(i for i, e in enumerate(reg.environments) if e.organizational_unit == target)
                errors.append(src.error(ENVS, ("environments", i, "organizational_unit"), str(exc)))
            else:  # top-level OUs carry the organization-wide guardrails, which grow with these lists
                field = "studio_allowed_cidrs" if inputs.studio_allowed_cidrs else None
                path = ("network", field) if field else ("allowed_regions",)
                errors.append(src.error(ORG, path, f"{exc}; shorten this list"))
    return errors


CHECKS: tuple[Check, ...] = (
    check_regions,
    check_organization_accounts,
    check_platform_admins,
    check_tags,
    check_environments,
    check_environment_ous,
    check_guardrails_fit,
    check_people,
    check_roles,
    check_permission_sets,
    check_catalog,
    check_team_file_names,
    check_team_environments,
    check_members,
    check_owners,
    check_team_templates,
    check_adopted_accounts,
    check_account_emails,
    check_derived_names,
    check_shares,
)


def run_checks(reg: Registry, src: Sources, checks: Iterable[Check] = CHECKS) -> list[RegistryError]:
    errors: list[RegistryError] = []
    for check in checks:
        errors.extend(check(reg, src))
    return errors
