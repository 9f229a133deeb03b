"""Who changes: role changes with what follows from them, access gained and lost, Studio profiles, groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..base import naming
from ..outputs.access import Grant, grants
from ..plan.layout import Plan
from ..plan.records import Group
from ..registry.model import Registry
from .model import Change

Compiled = tuple[Registry, Plan]


def _accounts(keys: Iterable[str]) -> str:
    return ", ".join(sorted(keys))


def _via(g: Grant) -> str:
    """What grants the access, with its end: "fraud / lead", "fraud / viewer, until 2027-03-31",
    "grant fraud / lead, until 2027-01-15: INC-1" (grants.yaml, with its reason)."""
    if g.role == "platform-admin":
        return "platform admin"
    text = f"{'grant ' if g.reason is not None else ''}{g.team} / {g.role}" + (f", until {g.until}" if g.until else "")
    return f"{text}: {g.reason}" if g.reason is not None else text


def _ends(reg: Registry | None) -> dict[tuple[str, str, str, str], str | None]:
    """(kind, team, person, role) -> the last day of access, for every membership and grant of active teams."""
    if reg is None:
        return {}
    out: dict[tuple[str, str, str, str], str | None] = {
        ("member", t.name, m.person, m.role): m.until.isoformat() if m.until else None for t in reg.teams if t.active for m in t.members
    }
    out.update({("grant", g.team, g.person, g.role): g.until.isoformat() for g in reg.grants})
    return out


def _end_changes(base: Registry | None, new: Registry) -> list[Change]:
    """An end date added, moved or removed on access that stays (access gained or lost is said with its date)."""
    before, after = _ends(base), _ends(new)
    out = []
    for key in sorted(before.keys() & after.keys()):
        old, now = before[key], after[key]
        if old == now:
            continue
        kind, team, person, role = key
        what = f"{person}'s {'grant of' if kind == 'grant' else 'membership in'} {team} / {role}"
        text = f"{what} now ends after {now}" if now else f"{what} no longer ends"
        out.append(
            Change(
                "access",
                "access_end_changed",
                f"{text} (was {f'until {old}' if old else 'without end'})",
                {"person": person, "team": team, "role": role, "grant": kind == "grant", "old_until": old, "new_until": now},
            )
        )
    return out


def _members(reg: Registry | None) -> dict[tuple[str, str], str]:
    """(team, person) -> role, for active teams."""
    if reg is None:
        return {}
    return {(t.name, m.person): m.role for t in reg.teams if t.active for m in t.members}


def _profiles(plan: Plan | None) -> dict[tuple[str, str], str]:
    """(person, account key) -> team, for every Studio profile."""
    if plan is None:
        return {}
    return {(u.user_name, a.account.key): a.account.team for a in plan.accounts for u in a.studio_users}


def _read_only_sets(reg: Registry) -> set[str]:
    return {naming.permission_set_name(k) for k, ps in reg.permission_sets.items() if ps.access_level == "read"}


def _production(reg: Registry, plan: Plan) -> set[str]:
    prod = {e.name for e in reg.environments if e.production}
    return {a.account.key for a in plan.accounts if a.account.environment in prod}


def _removal_reason(person: str, team: str, base: Registry | None, new: Registry) -> str:
    t = next((t for t in new.teams if t.name == team), None)
    if t is None:
        return f"team {team} leaves the registry"
    if not t.active and base is not None and any(b.name == team and b.active for b in base.teams):
        return f"team {team} is decommissioned"
    if all(m.person != person for m in t.members):
        return f"{person} leaves {team}"
    was = next((m.role for b in (base.teams if base else []) if b.name == team for m in b.members if m.person == person), None)
    now = next(m.role for m in t.members if m.person == person)
    return f"role in {team} now {now}" if was and was != now else ""


def people_changes(base: Compiled | None, new: Compiled) -> list[Change]:
    base_reg, base_plan = base if base else (None, None)
    new_reg, new_plan = new
    before = {(g.person, g.account, g.permission_set): g for g in (grants(base[1]) if base else [])}
    after = {(g.person, g.account, g.permission_set): g for g in grants(new[1])}
    prof_before, prof_after = _profiles(base_plan), _profiles(new_plan)
    out: list[Change] = []
    used_grants: set[tuple[str, str, str]] = set()
    used_profiles: set[tuple[str, str]] = set()

    # Role changes first: what follows from each is said with it, and not again under Access or Studio.
    old_roles, new_roles = _members(base_reg), _members(new_reg)
    read_only, production = _read_only_sets(new_reg), _production(new_reg, new_plan)
    for team, person in sorted(old_roles.keys() & new_roles.keys()):
        old, now = old_roles[(team, person)], new_roles[(team, person)]
        if old == now:
            continue
        was = {k for k, g in before.items() if k[0] == person and g.team == team and g.role == old}
        will = {k for k, g in after.items() if k[0] == person and g.team == team and g.role == now}
        used_grants |= was | will
        details: list[str] = []
        facts: dict[str, Any] = {"person": person, "team": team, "old_role": old, "new_role": now}
        for label, keys in (("gains", will - was), ("loses", was - will), ("keeps", was & will)):
            by_set: defaultdict[str, set[str]] = defaultdict(set)
            for _, account, ps in keys:
                by_set[ps].add(account)
            for ps, accounts in sorted(by_set.items()):
                tail = f" (now through {now})" if label == "keeps" else ""
                details.append(f"{label} {ps} in {_accounts(accounts)}{tail}")
            facts[label] = [{"permission_set": ps, "accounts": sorted(a)} for ps, a in sorted(by_set.items())]
        accounts_of_team = {a.account.key for a in new_plan.accounts if a.account.team == team}
        added = sorted(acct for (p, acct) in prof_after.keys() - prof_before.keys() if p == person and acct in accounts_of_team)
        removed = sorted(acct for (p, acct), t in prof_before.items() if p == person and t == team and (p, acct) not in prof_after)
        used_profiles |= {(person, a) for a in added}
        studio: defaultdict[tuple[bool, str | None], list[str]] = defaultdict(list)  # (production, permission set) -> accounts
        for acct in added:
            via = next((k[2] for k in after if k[0] == person and k[1] == acct and after[k].team == team), None)
            studio[(acct in production, via)].append(acct)
        for (prod, via), studio_accounts in sorted(studio.items(), key=lambda kv: (kv[0][0], kv[1])):
            behind = f" behind the read-only permission set {via}" if via in read_only else (f" with {via}" if via else "")
            details.append(f"Studio added in {_accounts(studio_accounts)}{' (production)' if prod else ''}{behind}")
        if removed:
            details.append(f"Studio profile deleted in {_accounts(removed)} (see destructive effects)")
        facts.update(studio_added=added, studio_removed=removed)
        ends = next((m.until for t in new_reg.teams if t.name == team for m in t.members if m.person == person), None)
        if ends:
            details.append(f"until {ends.isoformat()} (the last day of access)")
            facts["until"] = ends.isoformat()
        out.append(Change("roles", "role_changed", f"{person}: {old} → {now} in {team}", facts, details=tuple(details)))

    # Access gained or lost for any other reason, one line per person, permission set and grant.
    for label, src, keys in (("gains", after, after.keys() - before.keys()), ("loses", before, before.keys() - after.keys())):
        grouped: defaultdict[tuple[str, str, str, str], set[str]] = defaultdict(set)
        for k in keys - used_grants:
            g = src[k]
            grouped[(g.person, g.permission_set, _via(g), g.until or "")].add(g.account)
        for (person, ps, via, until), accounts in sorted(grouped.items()):
            text = f"{person} {label} {ps} in {_accounts(accounts)} ({'' if label == 'gains' else 'was '}{via})"
            out.append(
                Change(
                    "access",
                    f"access_{'gained' if label == 'gains' else 'lost'}",
                    text,
                    {"person": person, "permission_set": ps, "accounts": sorted(accounts), "via": via, "until": until or None},
                )
            )
    out += _end_changes(base_reg, new_reg)

    # Studio profiles added or deleted (deleting one loses that user's home data: docs/design.md, "Decommissioning").
    profiles_added: defaultdict[str, set[str]] = defaultdict(set)
    for person, acct in prof_after.keys() - prof_before.keys() - used_profiles:
        profiles_added[person].add(acct)
    for person, accounts in sorted(profiles_added.items()):
        out.append(
            Change(
                "studio",
                "studio_profile_added",
                f"Studio profile for {person} added in {_accounts(accounts)}",
                {"person": person, "accounts": sorted(accounts)},
            )
        )
    profiles_removed: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for (person, acct), team in prof_before.items():
        if (person, acct) not in prof_after:
            profiles_removed[(person, _removal_reason(person, team, base_reg, new_reg))].add(acct)
    for (person, reason), accounts in sorted(profiles_removed.items()):
        # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeleteUserProfile.html : "the user loses
        # access to their EFS volume, including data, notebooks, and other artifacts"
        text = (
            f"Studio profile for {person} deleted in {_accounts(accounts)}{f' ({reason})' if reason else ''}: "
            f"studio-cleanup deletes {person}'s apps and spaces first, and {person} loses the home folder "
            "(data, notebooks) on the domain's EFS volume"
        )
        out.append(
            Change(
                "studio",
                "studio_profile_deleted",
                text,
                {"person": person, "accounts": sorted(accounts), "reason": reason},
                destructive=True,
            )
        )
    out += _groups(base_plan, new_plan, base_reg, new_reg)
    return out


def _all_groups(plan: Plan) -> list[Group]:
    """Identity Center groups: the platform admins' in identity, each team's in its access stack."""
    return [*plan.identity.groups, *(g for a in plan.access for g in a.groups)]


def _groups(base: Plan | None, new: Plan, base_reg: Registry | None, new_reg: Registry) -> list[Change]:
    before = {g.name: g for g in _all_groups(base)} if base else {}
    after = {g.name: g for g in _all_groups(new)}
    org = base_reg.organization.name if base_reg else ""
    owners = {naming.group_name(org, t.name, m.role): t.name for t in (base_reg.teams if base_reg else []) for m in t.members}
    out = []
    for name in sorted(before.keys() - after.keys()):
        where = sorted(t.key for a in (base.access if base else ()) for t in a.accounts for x in t.assignments if x.group == name)
        team = owners.get(name)
        decom = team is not None and any(t.name == team and not t.active for t in new_reg.teams)
        moved = {p: r for (t, p), r in _members(new_reg).items() if t == team}
        gone = ", ".join(f"{p} moved to {moved[p]}" if p in moved else f"{p} left" for p in before[name].members)
        why = f"team {team} is decommissioned" if decom else f"its last member{'s' if len(before[name].members) > 1 else ''}: {gone}"
        tail = f"; its assignments in {_accounts(where)} go with it" if where else ""
        out.append(
            Change(
                "side_effects",
                "group_deleted",
                f"group {name} emptied and deleted ({why}){tail}",
                {"group": name, "former_members": list(before[name].members), "assignments_in": where},
            )
        )
    for name in sorted(after.keys() - before.keys()):
        out.append(
            Change(
                "side_effects",
                "group_created",
                f"group {name} created for {', '.join(after[name].members)}",
                {"group": name, "members": list(after[name].members)},
            )
        )
    return out
