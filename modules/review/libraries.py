"""What changes in internal libraries: the CodeArtifact domain and repository, who may publish which package,
and seed code of Projects templates. Read from the compiled plan, like the rest of the review."""

from __future__ import annotations

from ..plan.layout import Plan
from ..plan.records import SeedCode
from ..registry.model import Registry
from .model import Change

Compiled = tuple[Registry, Plan]


def _owners(plan: Plan | None) -> dict[str, str]:
    """Package (normalized) -> the team that may publish it."""
    if not plan:
        return {}
    return {pkg: p.team for p in plan.publishers for pkg in p.packages}


def _where(plan: Plan, team: str) -> str:
    """Who publishes for the team: its deploy roles everywhere, its execution roles where people write."""
    envs = sorted(
        a.account.environment for a in plan.accounts if a.account.team == team and a.libraries and a.libraries.execution_role_publishes
    )
    people = f"; from Studio in {', '.join(envs)}" if envs else ""
    return f"by its deployments (deploy role) in every environment{people}"


def library_changes(base: Compiled | None, new: Compiled) -> list[Change]:
    b_plan, n_plan = (base[1] if base else None), new[1]
    out: list[Change] = []
    b_lib, n_lib = (b_plan.shared_services.libraries if b_plan else None), n_plan.shared_services.libraries
    if n_lib and not b_lib:
        out.append(
            Change(
                "libraries",
                "libraries_created",
                f"internal libraries: CodeArtifact domain {n_lib.domain} with repository {n_lib.repository} "
                f"(upstreams: {', '.join(n_lib.upstreams) or 'none'}) in shared services; every team account "
                "reads it and Studio's pip uses it",
                {"domain": n_lib.domain, "repository": n_lib.repository, "upstreams": list(n_lib.upstreams)},
            )
        )
    elif b_lib and not n_lib:
        out.append(
            Change(
                "libraries",
                "libraries_removed",
                f"internal libraries removed: domain {b_lib.domain} and "
                f"repository {b_lib.repository} with every published package would be destroyed",
                {"domain": b_lib.domain, "repository": b_lib.repository},
                destructive=True,
            )
        )
    elif b_lib and n_lib and (b_lib.domain, b_lib.repository) != (n_lib.domain, n_lib.repository):
        out.append(
            Change(
                "libraries",
                "libraries_renamed",
                f"internal libraries move from {b_lib.domain}/"
                f"{b_lib.repository} to {n_lib.domain}/{n_lib.repository}: the old repository and its "
                "packages would be destroyed",
                {"old": f"{b_lib.domain}/{b_lib.repository}", "new": f"{n_lib.domain}/{n_lib.repository}"},
                destructive=True,
            )
        )
    before, after = _owners(b_plan), _owners(n_plan)
    for pkg in sorted(after.keys() - before.keys()):
        out.append(
            Change(
                "libraries",
                "package_claimed",
                f"team {after[pkg]} may publish package {pkg}, {_where(n_plan, after[pkg])}: every team account "
                "installs from this repository, so check that the name is the team's own",
                {"package": pkg, "team": after[pkg]},
                caution=True,
            )
        )
    for pkg in sorted(before.keys() - after.keys()):
        out.append(
            Change(
                "libraries",
                "package_released",
                f"team {before[pkg]} may no longer publish package {pkg} (published versions stay)",
                {"package": pkg, "team": before[pkg]},
            )
        )
    for pkg in sorted(before.keys() & after.keys()):
        if before[pkg] != after[pkg]:
            out.append(
                Change(
                    "libraries",
                    "package_moved",
                    f"package {pkg} changes owner: {before[pkg]} → {after[pkg]}, who may publish new versions of it",
                    {"package": pkg, "old": before[pkg], "new": after[pkg]},
                    caution=True,
                )
            )
    out += _seeds(b_plan, n_plan)
    return out


def _seeds(base: Plan | None, new: Plan) -> list[Change]:
    def seeds(plan: Plan | None) -> dict[str, SeedCode]:
        return {t.name: t.seed for t in plan.shared_services.templates if t.seed} if plan else {}

    b, n = seeds(base), seeds(new)
    out = []
    for name in sorted(n):
        if name not in b:
            out.append(
                Change(
                    "templates",
                    "seed_added",
                    f"template {name}: new projects start from the seed repository {n[name].folder}",
                    {"template": name, "folder": n[name].folder},
                )
            )
        elif b[name].zip_bytes != n[name].zip_bytes:
            out.append(
                Change(
                    "templates",
                    "seed_changed",
                    f"template {name}: the seed repository {n[name].folder} "
                    "changed (new projects only; existing projects keep their repositories)",
                    {"template": name, "folder": n[name].folder, "sha256": n[name].sha256},
                )
            )
    for name in sorted(b.keys() - n.keys()):
        out.append(
            Change("templates", "seed_removed", f"template {name}: new projects start without a seed repository", {"template": name})
        )
    return out
