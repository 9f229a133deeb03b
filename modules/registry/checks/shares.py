"""Checks of teams' shares."""
from __future__ import annotations

import re

from ... import naming
from ..errors import RegistryError, show, unknown
from ..load import Sources
from ..model import Registry
from ._common import _team_rel



_SHARE_RESOURCE = {
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackageGroup.html
    "model_package_group": (naming.SAGEMAKER_NAME.pattern, "a model package group name: letters, digits and inner hyphens, at most 63"),
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html
    "feature_group": (naming.SAGEMAKER_NAME.pattern, "a feature group name: letters, digits and inner hyphens, at most 63"),
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreatePipeline.html
    "pipeline": (re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}"), "a pipeline name: letters, digits and inner hyphens, at most 256"),
    "s3_prefix": (re.compile(r"[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/?"),
                  "a key prefix in the producer's data bucket such as features/daily/ (no leading '/', no '..')"),
    # https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
    "ecr_repository": (re.compile(r"(?=.{2,256}\Z)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*"),
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
            if team.status == "onboarding":
                # An onboarding team has accounts but no account stacks yet (DESIGN.md decision 7): nothing to grant from.
                errors.append(src.error(rel, base, f"team {show(team.name)} is onboarding; its shares can be added "
                                        "once it is active (its account stacks exist)", entity_at=2))
                continue
            if share.from_ not in team.environments:
                errors.append(src.error(rel, base + ("from",), unknown("environment", share.from_, team.environments,
                                                                       f"of team {show(team.name)}")))
            pattern, allowed = _SHARE_RESOURCE[share.kind]
            resource = share.resource
            if not pattern.fullmatch(resource) or ".." in resource:
                errors.append(src.error(rel, base + ("resource",), f"invalid {share.kind} {show(resource)}: {allowed}"))
            elif share.kind == "s3_prefix":
                errors.extend(_other_bucket(reg, src, rel, base, team.name, share.from_, resource))
            seen_targets: set[tuple[str, str]] = set()
            for j, target in enumerate(share.to):
                path = base + ("to", j)
                key = (target.team, target.environment)
                if key in seen_targets:
                    errors.append(src.error(rel, path, f"{target.team}/{target.environment} is listed twice"))
                seen_targets.add(key)
                if target.team not in teams:
                    if target.team not in src.broken_teams and not src.teams_unreadable:  # a broken team file is reported on its own
                        errors.append(src.error(rel, path + ("team",), unknown("team", target.team, known_teams),
                                                entity_at=4))
                    continue
                consumer = teams[target.team]
                if not consumer.active:
                    errors.append(src.error(rel, path + ("team",), f"team {show(target.team)} is {consumer.status}; "
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


def _other_bucket(reg: Registry, src: Sources, rel: str, base: tuple, team: str, env: str, resource: str) -> list[RegistryError]:
    """An s3_prefix share is a prefix of the producer's data bucket, written plain or as "<bucket>/<prefix>". A
    first segment that names another bucket (any data bucket the registry derives, or a bucket-like name
    starting with the organization's prefix) would be reinterpreted as a folder inside the producer's bucket:
    refused."""
    org, suffix = reg.organization.name, reg.organization.bucket_suffix
    own = naming.data_bucket_name(org, team, env, suffix)
    first = resource.split("/", 1)[0]
    if first == own:
        return []
    buckets = {naming.data_bucket_name(org, t.name, e, suffix) for t in reg.teams for e in t.environments}
    if first in buckets or first.startswith(f"{org}-") or first.endswith("-data"):
        return [src.error(rel, base + ("resource",), f"s3_prefix {show(resource)} names bucket {show(first)}; a share "
                          f"grants a prefix of the producer's own data bucket only (allowed: a prefix such as "
                          f"features/daily/, or {own}/<prefix>)")]
    return []
