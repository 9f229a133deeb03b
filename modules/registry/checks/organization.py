"""Checks of organization.yaml and environments.yaml, and that the guardrails fit AWS's limits."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from botocore.loaders import Loader

from ... import guardrails
from ...base import naming
from ...base.errors import RegistryError, known, show, unknown
from ..derive import inputs_for
from ..model import Registry
from ..source import error
from ._common import RESERVED_TAGS


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    """Regions of the commercial, China and GovCloud partitions, from botocore's own endpoint data."""
    data = Loader().load_data("endpoints")
    return frozenset(r for p in data["partitions"] for r in p.get("regions", {}))


def check_regions(reg: Registry) -> list[RegistryError]:
    org = reg.organization
    errors = []
    regions = known_regions()
    for i, region in enumerate(org.allowed_regions):
        if region not in regions:
            errors.append(error(org, ("allowed_regions", i), unknown("region", region, regions)))
    if org.home_region not in org.allowed_regions:
        errors.append(
            error(
                org, "home_region", f"home_region {show(org.home_region)} is not in allowed_regions (allowed: {known(org.allowed_regions)})"
            )
        )
    for region, count in Counter(org.allowed_regions).items():
        if count > 1:
            errors.append(error(org, "allowed_regions", f"region {show(region)} is listed {count} times"))
    if org.state_backend.region not in regions:
        errors.append(error(org, ("state_backend", "region"), unknown("region", org.state_backend.region, regions)))
    return errors


def check_organization_accounts(reg: Registry) -> list[RegistryError]:
    org = reg.organization
    if org.shared_services_account_id == org.management_account_id:
        return [
            error(
                org,
                "shared_services_account_id",
                f"the shared services account {show(org.shared_services_account_id)} must not be the management account",
            )
        ]
    if org.log_archive_account_id == org.management_account_id:
        return [
            error(
                org,
                "log_archive_account_id",
                f"the log archive account {show(org.log_archive_account_id)} must not be the management account",
            )
        ]
    return []


def check_platform_admins(reg: Registry) -> list[RegistryError]:
    org = reg.organization
    people = {p.user_name for p in reg.people}
    errors = []
    for i, admin in enumerate(org.platform_admins):
        if admin not in people:
            errors.append(error(org, ("platform_admins", i), unknown("person", admin, people)))
    for admin, count in Counter(org.platform_admins).items():
        if count > 1:
            errors.append(error(org, "platform_admins", f"person {show(admin)} is listed {count} times"))
    return errors


def check_tags(reg: Registry) -> list[RegistryError]:
    org = reg.organization
    errors = []
    for key in org.tags:
        if key in RESERVED_TAGS:
            errors.append(
                error(
                    org,
                    ("tags", key),
                    f"tag key {show(key)} is set by the compiler on every resource (reserved: {', '.join(RESERVED_TAGS)})",
                )
            )
        elif key.lower().startswith("aws:"):
            errors.append(error(org, ("tags", key), f"tag key {show(key)} uses the prefix 'aws:', which AWS reserves"))
    return errors


def check_environments(reg: Registry) -> list[RegistryError]:
    errors = []
    seen: dict[str, int] = {}
    for i, env in enumerate(reg.environments):
        if env.name in seen:
            errors.append(error(env, "name", f"environment {show(env.name)} is defined twice (first at environments[{seen[env.name]}])"))
        seen.setdefault(env.name, i)
        if env.organizational_unit.split("/")[0] == naming.SUSPENDED_OU:
            errors.append(
                error(
                    env,
                    "organizational_unit",
                    f"OU path {show(env.organizational_unit)} is reserved: '{naming.SUSPENDED_OU}' holds decommissioned teams' accounts",
                )
            )
        if env.production and env.human_access == "write":
            errors.append(error(env, "human_access", "a production environment may not give people write access (allowed: read, none)"))
    return errors


def check_environment_ous(reg: Registry) -> list[RegistryError]:
    """Environments that share an OU share its SCPs, so they must agree on the SageMaker network mode."""
    errors = []
    first: dict[str, tuple[str, str]] = {}
    for env in reg.environments:
        ou = env.organizational_unit
        if ou in first and first[ou][1] != env.sagemaker_network:
            other, mode = first[ou]
            errors.append(
                error(
                    env,
                    "sagemaker_network",
                    f"environment {show(env.name)} is {env.sagemaker_network} but shares OU {show(ou)} with "
                    f"{show(other)}, which is {mode}; the OU's guardrails follow the network mode "
                    "(give it its own organizational_unit)",
                )
            )
        first.setdefault(ou, (env.name, env.sagemaker_network))
    return errors


def check_guardrails_fit(reg: Registry) -> list[RegistryError]:
    """The SCPs for every OU fit AWS's limits (5 per target, 5,120 characters each)."""
    inputs = inputs_for(reg)
    errors = []
    for target, rails in guardrails.coverage(inputs).items():
        try:
            guardrails.pack(inputs.org, target, rails)
        except guardrails.PackingError as exc:
            if target in inputs.vpc_only_ous:  # only the environment OU's own guardrails are attached there
                env = next(e for e in reg.environments if e.organizational_unit == target)
                errors.append(error(env, "organizational_unit", str(exc)))
            else:  # top-level OUs carry the organization-wide guardrails, which grow with these lists
                at = ("network", "studio_allowed_cidrs") if inputs.studio_allowed_cidrs else "allowed_regions"
                errors.append(error(reg.organization, at, f"{exc}; shorten this list"))
    return errors


def check_account_moves(reg: Registry) -> list[RegistryError]:
    """Each team account_moves names is a team of the registry (its steps are checked against the previous output by
    synth and diff, outputs/facts.py: validate reads only the registry)."""
    org = reg.organization
    teams = {t.name for t in reg.teams}
    return [error(org, ("account_moves", team), unknown("team", team, teams)) for team in org.account_moves if team not in teams]
