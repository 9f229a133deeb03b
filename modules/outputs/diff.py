"""What a registry change means in people's terms: accounts, access, Studio, shares, templates, stacks to plan."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from ..registry.model import Registry
from ..stacks import Plan
from .access import grants


@dataclass
class Summary:
    destructive: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    access: list[str] = field(default_factory=list)
    studio: list[str] = field(default_factory=list)
    shares: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    stacks_to_plan: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any((self.accounts, self.access, self.studio, self.shares, self.templates, self.stacks_to_plan))


def _accounts(base: Plan | None, new: Plan, s: Summary) -> None:
    before = {a.key: a for a in base.organization.accounts} if base else {}
    after = {a.key: a for a in new.organization.accounts}
    for key in sorted(after.keys() - before.keys()):
        a = after[key]
        s.accounts.append(f"account {key} adopted ({a.adopted_id})" if a.adopted_id else f"account {key} created ({a.name})")
    for key in sorted(before.keys() - after.keys()):
        s.destructive.append(f"account {key} leaves the registry: its stack {key} and everything in it would be destroyed")
        s.accounts.append(f"account {key} removed")
    for key in sorted(before.keys() & after.keys()):
        b, a = before[key], after[key]
        if a.decommissioned and not b.decommissioned:
            s.destructive.append(f"account {key} decommissioned: all human access removed, moved to OU Suspended")
            s.accounts.append(f"account {key} decommissioned (kept, in OU Suspended, zero-spend budget)")
        elif b.decommissioned and not a.decommissioned:
            s.accounts.append(f"account {key} reactivated (OU {a.ou_path})")
        elif a.ou_path != b.ou_path:
            s.accounts.append(f"account {key} moves from OU {b.ou_path} to {a.ou_path}")
        if a.adopted_id and a.adopted_id != b.adopted_id:
            s.accounts.append(f"account {key} now adopts existing account {a.adopted_id}")


def _access(base: tuple[Registry, Plan] | None, new: tuple[Registry, Plan], s: Summary) -> None:
    def keyed(pair):
        return {(g.person, g.account, g.permission_set): g for g in grants(*pair)} if pair else {}

    before, after = keyed(base), keyed(new)
    for k in sorted(after.keys() - before.keys()):
        g = after[k]
        s.access.append(f"{g.person} gains {g.permission_set} in {g.account} ({_via(g)})")
    for k in sorted(before.keys() - after.keys()):
        g = before[k]
        s.access.append(f"{g.person} loses {g.permission_set} in {g.account} (was {_via(g)})")


def _via(g) -> str:
    return "platform admin" if g.role == "platform-admin" else f"{g.team} / {g.role}"


def _studio(base: Plan | None, new: Plan, s: Summary) -> None:
    def profiles(plan):
        return {(u.user_name, a.account.key) for a in plan.accounts for u in a.studio_users} if plan else set()

    before, after = profiles(base), profiles(new)
    for user, acct in sorted(after - before):
        s.studio.append(f"Studio profile for {user} in {acct} added")
    for user, acct in sorted(before - after):
        s.studio.append(f"Studio profile for {user} in {acct} removed (its apps and spaces are deleted; home storage is kept)")
        s.destructive.append(f"Studio profile for {user} in {acct} removed")


def _shares(base: Plan | None, new: Plan, s: Summary) -> None:
    before = {x.name: x for x in base.shares} if base else {}
    after = {x.name: x for x in new.shares}
    for name in sorted(after.keys() - before.keys()):
        x = after[name]
        s.shares.append(f"share {name} granted: {x.kind} {x.resource} from {x.producer} to {', '.join(x.consumers)} ({x.access})")
    for name in sorted(before.keys() - after.keys()):
        x = before[name]
        s.shares.append(f"share {name} revoked: {x.kind} {x.resource} from {x.producer} no longer reaches {', '.join(x.consumers)}")
        s.destructive.append(f"share {name} revoked (both halves)")
    for name in sorted(before.keys() & after.keys()):
        b, a = before[name], after[name]
        for c in sorted(set(a.consumers) - set(b.consumers)):
            s.shares.append(f"share {name} now also reaches {c} ({a.access})")
        for c in sorted(set(b.consumers) - set(a.consumers)):
            s.shares.append(f"share {name} no longer reaches {c}")
            s.destructive.append(f"share {name} revoked for {c}")
        if a.access != b.access:
            s.shares.append(f"share {name} access {b.access} -> {a.access}")
        if (a.kind, a.resource, a.producer) != (b.kind, b.resource, b.producer):
            s.shares.append(f"share {name} now shares {a.kind} {a.resource} from {a.producer}")


def _templates(base: Registry | None, new: Registry, s: Summary) -> None:
    def visible(reg):
        return {(t.name, name) for t in reg.teams if t.active for name in t.sagemaker.project_templates} if reg else set()

    before, after = visible(base), visible(new)
    for team, template in sorted(after - before):
        s.templates.append(f"template {template} visible to {team}")
    for team, template in sorted(before - after):
        s.templates.append(f"template {template} hidden from {team}")


def summarize(base: tuple[Registry, Plan] | None, new: tuple[Registry, Plan], stacks_to_plan: list[str]) -> Summary:
    s = Summary(stacks_to_plan=sorted(stacks_to_plan))
    base_reg, base_plan = base if base else (None, None)
    _accounts(base_plan, new[1], s)
    _access(base, new, s)
    _studio(base_plan, new[1], s)
    _shares(base_plan, new[1], s)
    _templates(base_reg, new[0], s)
    return s


def markdown(s: Summary, title: str) -> str:
    lines = [f"## {title}", ""]
    if s.destructive:
        lines += ["> [!WARNING]", "> **Destructive effects**", *[f"> - {d}" for d in s.destructive], ""]
    if s.empty:
        lines.append("No change to accounts, access, Studio, shares, templates or stacks.")
    for heading, items in (("Accounts", s.accounts), ("Access", s.access), ("Studio", s.studio), ("Shares", s.shares),
                           ("Templates", s.templates)):
        if items:
            lines += [f"### {heading}", *[f"- {i}" for i in items], ""]
    if s.stacks_to_plan:
        lines += [f"### Stacks that will plan ({len(s.stacks_to_plan)})", ", ".join(f"`{x}`" for x in s.stacks_to_plan), ""]
    return "\n".join(lines).rstrip() + "\n"


def as_json(s: Summary) -> str:
    return json.dumps(asdict(s), indent=2) + "\n"
