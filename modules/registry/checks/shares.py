"""Checks of teams' shares."""

from __future__ import annotations

from ... import shares
from ...base import naming
from ...base.errors import RegistryError, show, unknown
from ..model import Registry
from ..source import error


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
                errors.append(
                    error(
                        share,
                        "name",
                        f"share name {show(share.name)} is already used by "
                        f"team {show(first_name[share.name])}; share names are unique across the registry",
                        entity_of=share,
                    )
                )
            first_name.setdefault(share.name, team.name)
            if team.status == "onboarding":
                # An onboarding team has accounts but no account stacks yet (docs/design.md): nothing to grant from.
                errors.append(
                    error(
                        share,
                        None,
                        f"team {show(team.name)} is onboarding; its shares can be added once it is active (its account stacks exist)",
                    )
                )
                continue
            if team.status == "decommissioned":
                # Decommissioning revokes what the team grants: the file says so by dropping the share, in the same
                # pull request, where the consumers' owners see the revocation (docs/design.md, "Decommissioning").
                errors.append(
                    error(
                        share,
                        None,
                        f"team {show(team.name)} is decommissioned; remove this share in the same change (it is revoked for "
                        "its consumers, and what it created in the producer account, such as a model package group, is destroyed: "
                        "synth lists the allow-destroy.yaml entries that approve it)",
                    )
                )
                continue
            if share.from_ not in team.environments:
                errors.append(error(share, "from", unknown("environment", share.from_, team.environments, f"of team {show(team.name)}")))
            kind, resource = shares.kind(share.kind), share.resource
            if not kind.pattern.fullmatch(resource) or ".." in resource:
                errors.append(error(share, "resource", f"invalid {share.kind} {show(resource)}: {kind.allowed}"))
            else:
                bucket = naming.data_bucket_name(reg.organization.name, team.name, share.from_, reg.organization.bucket_suffix)
                errors.extend(error(share, "resource", problem) for problem in kind.resource_problems(resource, bucket))
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
                    errors.append(
                        error(
                            target,
                            "team",
                            f"team {show(target.team)} is {consumer.status}; shares go to active teams only",
                            entity_of=target,
                        )
                    )
                    continue
                if target.environment not in consumer.environments:
                    errors.append(
                        error(
                            target,
                            "environment",
                            unknown("environment", target.environment, consumer.environments, f"of team {show(target.team)}"),
                            entity_of=target,
                        )
                    )
                    continue
                if target.team == team.name and target.environment == share.from_:
                    errors.append(error(target, None, "a share to the account it comes from grants nothing"))
                env = envs.get(target.environment)
                if share.access == "write" and env is not None and env.production and target.team != team.name:
                    errors.append(
                        error(
                            target,
                            None,
                            f"write access into another team's production environment "
                            f"{show(target.environment)} is refused (allowed here: access: read)",
                        )
                    )
    return errors
