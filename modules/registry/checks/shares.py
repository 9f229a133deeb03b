"""Checks of teams' shares."""
from __future__ import annotations

import re

from ... import naming
from ..errors import RegistryError, show, unknown
from ..model import Registry, Share
from ..source import error

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


def check_shares(reg: Registry) -> list[RegistryError]:
    origin = reg.origin
    teams = {t.name: t for t in reg.teams}
    known_teams = set(teams) | origin.broken_teams
    envs = {e.name: e for e in reg.environments}
    first_name: dict[str, str] = {}
    errors = []
    for team in reg.teams:
        for share in team.shares:
            if share.name in first_name:
                errors.append(error(share, "name", f"share name {show(share.name)} is already used by "
                                    f"team {show(first_name[share.name])}; share names are unique across the registry", entity_of=share))
            first_name.setdefault(share.name, team.name)
            if team.status == "onboarding":
                # An onboarding team has accounts but no account stacks yet (DESIGN.md decision 7): nothing to grant from.
                errors.append(error(share, None, f"team {show(team.name)} is onboarding; its shares can be added "
                                    "once it is active (its account stacks exist)"))
                continue
            if share.from_ not in team.environments:
                errors.append(error(share, "from", unknown("environment", share.from_, team.environments,
                                                           f"of team {show(team.name)}")))
            pattern, allowed = _SHARE_RESOURCE[share.kind]
            resource = share.resource
            if not pattern.fullmatch(resource) or ".." in resource:
                errors.append(error(share, "resource", f"invalid {share.kind} {show(resource)}: {allowed}"))
            elif share.kind == "s3_prefix":
                errors.extend(_other_bucket(reg, share, team.name))
            seen_targets: set[tuple[str, str]] = set()
            for target in share.to:
                key = (target.team, target.environment)
                if key in seen_targets:
                    errors.append(error(target, None, f"{target.team}/{target.environment} is listed twice"))
                seen_targets.add(key)
                if target.team not in teams:
                    if target.team not in origin.broken_teams and not origin.teams_unreadable:  # a broken team file is reported on its own
                        errors.append(error(target, "team", unknown("team", target.team, known_teams), entity_of=target))
                    continue
                consumer = teams[target.team]
                if not consumer.active:
                    errors.append(error(target, "team", f"team {show(target.team)} is {consumer.status}; "
                                        "shares go to active teams only", entity_of=target))
                    continue
                if target.environment not in consumer.environments:
                    errors.append(error(target, "environment", unknown("environment", target.environment,
                                        consumer.environments, f"of team {show(target.team)}"), entity_of=target))
                    continue
                if target.team == team.name and target.environment == share.from_:
                    errors.append(error(target, None, "a share to the account it comes from grants nothing"))
                env = envs.get(target.environment)
                if share.access == "write" and env is not None and env.production and target.team != team.name:
                    errors.append(error(target, None, f"write access into another team's production environment "
                                        f"{show(target.environment)} is refused (allowed here: access: read)"))
    return errors


def _other_bucket(reg: Registry, share: Share, team: str) -> list[RegistryError]:
    """An s3_prefix share is a prefix of the producer's data bucket, written plain or as "<bucket>/<prefix>". A
    first segment that names another bucket (any data bucket the registry derives, or a bucket-like name
    starting with the organization's prefix) would be reinterpreted as a folder inside the producer's bucket:
    refused."""
    org, suffix, resource = reg.organization.name, reg.organization.bucket_suffix, share.resource
    own = naming.data_bucket_name(org, team, share.from_, suffix)
    first = resource.split("/", 1)[0]
    if first == own:
        return []
    buckets = {naming.data_bucket_name(org, t.name, e, suffix) for t in reg.teams for e in t.environments}
    if first in buckets or first.startswith(f"{org}-") or first.endswith("-data"):
        return [error(share, "resource", f"s3_prefix {show(resource)} names bucket {show(first)}; a share "
                      f"grants a prefix of the producer's own data bucket only (allowed: a prefix such as "
                      f"features/daily/, or {own}/<prefix>)")]
    return []
