"""What changes in the estate: accounts (created, adopted, decommissioned, moved), cost and capacity, network,
shares and templates. Read from the compiled plan (what the stacks will hold), never from raw YAML."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

from ..base import ids
from ..plan.layout import Plan
from ..plan.records import Account, AccountStack
from ..registry.model import Registry
from .model import Change
from .moves import move_changes

Compiled = tuple[Registry, Plan]

# Accelerated families: G and P (NVIDIA GPUs), Inf (Inferentia), Trn (Trainium).
# https://aws.amazon.com/sagemaker/pricing/ lists the ml.* instance families.
_ACCELERATED = re.compile(r"^ml\.(?P<family>g|p|inf|trn)\d")
_ACCELERATOR = {"g": "GPU", "p": "GPU", "inf": "Inferentia", "trn": "Trainium"}
_SIZE = re.compile(r"\.(?P<n>\d+)xlarge$")
LARGE_XLARGE = 12  # 12xlarge and up (and metal) is flagged as large


def instance_flags(instance_type: str) -> list[str]:
    """What a reviewer should look at twice: accelerated families and large sizes."""
    flags = []
    m = _ACCELERATED.match(instance_type)
    if m:
        flags.append(_ACCELERATOR[m["family"]])
    size = _SIZE.search(instance_type)
    if instance_type.endswith(".metal") or "metal-" in instance_type or (size and int(size["n"]) >= LARGE_XLARGE):
        flags.append("large")
    return flags


def _type_list(types: Iterable[str]) -> str:
    def one(t: str) -> str:
        flags = instance_flags(t)
        return f"{t} ({', '.join(flags)})" if flags else t

    return ", ".join(one(t) for t in sorted(types))


def usd(amount: Decimal) -> str:
    text = f"{amount:,.2f}"
    return "$" + (text[:-3] if text.endswith(".00") else text)


def _accounts(base: Plan | None, new: Plan) -> list[Change]:
    """From the plans' account records (onboarding teams' included), so an account shows as created in the pull
    request whose apply creates it; its stack (budget, Studio) shows where that stack is added."""
    before = {a.key: a for a in base.team_accounts} if base else {}
    after = {a.key: a for a in new.team_accounts}
    stacks_before = {a.account.key: a for a in base.accounts} if base else {}
    stacks_after = {a.account.key: a for a in new.accounts}
    out = []
    for key in sorted(after.keys() - before.keys()):
        acct = after[key]
        stack = stacks_after.get(key)
        facts = {"account": key, "team": acct.team, "environment": acct.environment, "ou": acct.ou_path}
        if stack is not None:
            facts["budget_usd"] = str(stack.budget_usd)
        later = f"; its stack (budget, Studio) comes when team {acct.team} is active"
        then = f", budget {usd(stack.budget_usd)} a month" if stack else later
        if acct.adopted_id:
            facts["account_id"] = acct.adopted_id
            out.append(
                Change(
                    "accounts",
                    "account_adopted",
                    f"existing account {acct.adopted_id} adopted by team {acct.team} as its {acct.environment} "
                    f"account ({key}): imported, not created; it moves into OU {acct.ou_path}{then}",
                    facts,
                )
            )
        else:
            out.append(Change("accounts", "account_created", f"account {key} created ({acct.name}) in OU {acct.ou_path}{then}", facts))
    for key in sorted(before.keys() - after.keys()):
        out.append(
            Change(
                "accounts",
                "account_removed",
                f"account {key} leaves the registry: its stack {key} and everything in it would be destroyed",
                {"account": key},
                destructive=True,
            )
        )
    for key in sorted(before.keys() & after.keys()):
        b, a = before[key], after[key]
        sb, sa = stacks_before.get(key), stacks_after.get(key)
        if sa is not None and sb is None:
            out.append(
                Change(
                    "accounts",
                    "account_stack_added",
                    f"account {key} gets its stack (team {a.team} is active): Studio domain, execution role, baseline, "
                    f"budget {usd(sa.budget_usd)} a month; the account itself exists already",
                    {"account": key, "team": a.team, "environment": a.environment, "budget_usd": str(sa.budget_usd)},
                )
            )
        elif sb is not None and sa is None:
            out.append(
                Change(
                    "accounts",
                    "account_stack_removed",
                    f"account {key} loses its stack {key} (team {a.team} is onboarding again): everything in it would be "
                    "destroyed; the account itself stays",
                    {"account": key, "team": a.team, "environment": a.environment},
                    destructive=True,
                )
            )
        budgets = {
            "old_budget_usd": str(sb.budget_usd) if sb else None,
            "new_budget_usd": str(sa.budget_usd) if sa else None,
        }
        facts = {"account": key, "old_ou": b.ou_path, "new_ou": a.ou_path, **{k: v for k, v in budgets.items() if v is not None}}
        budget_move = f", budget {usd(sb.budget_usd)} → {usd(sa.budget_usd)} a month" if sb and sa else ""
        if a.decommissioned and not b.decommissioned:
            out.append(
                Change(
                    "accounts",
                    "account_decommissioned",
                    f"account {key} decommissioned: team access removed (platform admins keep break-glass "
                    f"access), moves from OU {b.ou_path} to {a.ou_path}{budget_move}; the account, its domain, "
                    "buckets and keys are kept",
                    facts,
                )
            )
            continue
        if b.decommissioned and not a.decommissioned:
            out.append(
                Change(
                    "accounts",
                    "account_reactivated",
                    f"account {key} reactivated: moves from OU {b.ou_path} to {a.ou_path}{budget_move}",
                    facts,
                )
            )
            continue
        if a.ou_path != b.ou_path:
            out.append(Change("accounts", "account_moved", f"account {key} moves from OU {b.ou_path} to {a.ou_path}", facts))
        if a.adopted_id != b.adopted_id:
            out.append(_identity(b, a))
        if sb is None or sa is None:
            continue
        if sa.budget_usd != sb.budget_usd:
            out.append(
                Change(
                    "cost_capacity",
                    "budget_changed",
                    f"budget of {key}: {usd(sb.budget_usd)} → {usd(sa.budget_usd)} a month",
                    {"account": key, "old_usd": str(sb.budget_usd), "new_usd": str(sa.budget_usd)},
                )
            )
        out += _network(sb, sa)
    return out


def _identity(b: Account, a: Account) -> Change:
    """An account whose adoption is dropped or points at another account: the state that holds it (its team's access
    stack, or the organization's while it moves) holds one account and the registry names another. Destructive,
    whichever way (modules/engine/destroy.py finds the same change as the account resource's identity and the destroy
    guard refuses it without an opt-in)."""
    key, old, new = a.key, b.adopted_id, a.adopted_id
    facts = {
        "account": key,
        "old_account_id": old,
        "new_account_id": new,
        "stack": a.held_by,
        "address": ids.account_address(key),
    }
    if new is None:
        text = (
            f"account {key} no longer adopts existing account {old}: Terraform would manage its name and email again, "
            "which replaces it (a new account is created and the adopted one leaves the organization); keep its account_id"
        )
        return Change("accounts", "account_adoption_dropped", text, facts, destructive=True)
    was = f"existing account {old}" if old else "the account the platform created"
    text = (
        f"account {key} now names existing account {new} instead of {was}: the {a.held_by} stack's state keeps the "
        f"account it has (Terraform skips an import into an address it already manages) while the team's stacks turn to {new}"
    )
    return Change("accounts", "account_identity_changed", text, {**facts, "account_id": new}, destructive=True)


def _network(b: AccountStack, a: AccountStack) -> list[Change]:
    out = []
    key = a.account.key

    def mode(s: AccountStack) -> str:
        return "VPC only" if s.vpc_only else "public internet"

    if a.vpc_only != b.vpc_only:
        out.append(
            Change(
                "network",
                "network_mode_changed",
                f"Studio network of {key}: {mode(b)} → {mode(a)}",
                {
                    "account": key,
                    "old": "vpc_only" if b.vpc_only else "public_internet",
                    "new": "vpc_only" if a.vpc_only else "public_internet",
                },
            )
        )
    if a.vpc_cidr != b.vpc_cidr:
        # A new CIDR is a new VPC and subnets, and the domain's vpc_id and subnet_ids force a new domain:
        # https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc (cidr_block),
        # https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_domain (vpc_id, subnet_ids)
        out.append(
            Change(
                "network",
                "vpc_cidr_changed",
                f"VPC CIDR of {key}: {b.vpc_cidr} → {a.vpc_cidr}: the VPC, its "
                "subnets and the Studio domain with its user profiles are replaced: apps and spaces are "
                "deleted, and the home EFS volume is kept but no longer attached",
                {"account": key, "old": b.vpc_cidr, "new": a.vpc_cidr},
                destructive=True,
            )
        )
    return out


def _capacity(base: Plan | None, new: Plan) -> list[Change]:
    """Per team (instance types and idle shutdown are team settings, the same in every account of the team)."""

    def by_team(plan: Plan | None) -> dict[str, AccountStack]:
        out: dict[str, AccountStack] = {}
        for a in plan.accounts if plan else ():
            if not a.account.decommissioned:
                out.setdefault(a.account.team, a)
        return out

    before, after = by_team(base), by_team(new)
    out = []
    for team in sorted(before.keys() & after.keys()):
        b, a = before[team], after[team]
        added, removed = sorted(set(a.instance_types) - set(b.instance_types)), sorted(set(b.instance_types) - set(a.instance_types))
        if added or removed:
            parts = ([f"added {_type_list(added)}"] if added else []) + ([f"removed {_type_list(removed)}"] if removed else [])
            out.append(
                Change(
                    "cost_capacity",
                    "instance_types_changed",
                    f"instance types of {team}: {'; '.join(parts)}",
                    {
                        "team": team,
                        "added": added,
                        "removed": removed,
                        "flags": {t: instance_flags(t) for t in added + removed if instance_flags(t)},
                    },
                    strong=tuple(sorted({", ".join(instance_flags(t)) for t in added + removed if instance_flags(t)})),
                )
            )
        if a.idle_shutdown_minutes != b.idle_shutdown_minutes:
            out.append(
                Change(
                    "cost_capacity",
                    "idle_shutdown_changed",
                    f"idle shutdown of {team}: {b.idle_shutdown_minutes} → {a.idle_shutdown_minutes} minutes",
                    {"team": team, "old_minutes": b.idle_shutdown_minutes, "new_minutes": a.idle_shutdown_minutes},
                )
            )
    return out


def _shares(base: Compiled | None, new: Compiled) -> list[Change]:
    before = {x.name: x for x in base[1].shares} if base else {}
    after = {x.name: x for x in new[1].shares}
    was_active = {t.name for t in base[0].teams if t.active} if base else set()
    decommissioned = {t.name for t in new[0].teams if not t.active} & was_active
    team_of = {a.account.key: a.account.team for a in new[1].accounts}

    def why(consumer: str) -> str:
        return f"team {team_of[consumer]} is decommissioned" if team_of.get(consumer) in decommissioned else ""

    out = []
    for name in sorted(after.keys() - before.keys()):
        x = after[name]
        out.append(
            Change(
                "shares",
                "share_granted",
                f"share {name} granted: {x.kind} {x.resource} from {x.producer} to {', '.join(x.consumers)} ({x.access})",
                {
                    "share": name,
                    "kind": x.kind,
                    "resource": x.resource,
                    "producer": x.producer,
                    "consumers": list(x.consumers),
                    "access": x.access,
                },
            )
        )
    for name in sorted(before.keys() - after.keys()):
        x = before[name]
        reasons = sorted({why(c) for c in x.consumers} - {""})
        out.append(
            Change(
                "shares",
                "share_revoked",
                f"share {name} revoked (both halves): {x.kind} {x.resource} from "
                f"{x.producer} no longer reaches {', '.join(x.consumers)}" + (f" ({'; '.join(reasons)})" if reasons else ""),
                {"share": name, "producer": x.producer, "consumers": list(x.consumers)},
                destructive=True,
            )
        )
    for name in sorted(before.keys() & after.keys()):
        b, a = before[name], after[name]
        for c in sorted(set(a.consumers) - set(b.consumers)):
            out.append(
                Change(
                    "shares",
                    "share_consumer_added",
                    f"share {name} now also reaches {c} ({a.access})",
                    {"share": name, "consumer": c, "access": a.access},
                )
            )
        for c in sorted(set(b.consumers) - set(a.consumers)):
            reason = why(c)
            if reason:  # a side effect of the decommissioning, not a revocation of its own
                out.append(
                    Change(
                        "side_effects",
                        "share_consumer_decommissioned",
                        f"share {name} no longer reaches {c}: {reason}",
                        {"share": name, "consumer": c, "team": team_of[c]},
                    )
                )
            else:
                out.append(
                    Change(
                        "shares",
                        "share_consumer_removed",
                        f"share {name} revoked for {c}",
                        {"share": name, "consumer": c},
                        destructive=True,
                    )
                )
        if a.access != b.access:
            out.append(
                Change(
                    "shares",
                    "share_access_changed",
                    f"share {name} access {b.access} → {a.access}",
                    {"share": name, "old": b.access, "new": a.access},
                )
            )
        if (a.kind, a.resource, a.producer) != (b.kind, b.resource, b.producer):
            out.append(
                Change(
                    "shares",
                    "share_resource_changed",
                    f"share {name} now shares {a.kind} {a.resource} from {a.producer} (was {b.kind} {b.resource} from {b.producer})",
                    {"share": name, "kind": a.kind, "resource": a.resource, "producer": a.producer},
                )
            )
    return out


def _templates(base: Compiled | None, new: Compiled) -> list[Change]:
    def visible(reg: Registry | None) -> set[tuple[str, str]]:
        return {(t.name, name) for t in reg.teams if t.active for name in t.sagemaker.project_templates} if reg else set()

    def versions(plan: Plan | None) -> dict[str, str]:
        return {t.name: t.version for t in plan.shared_services.templates} if plan else {}

    out = []
    before, after = visible(base[0] if base else None), visible(new[0])
    for team, template in sorted(after - before):
        out.append(Change("templates", "template_visible", f"template {template} visible to {team}", {"team": team, "template": template}))
    for team, template in sorted(before - after):
        out.append(Change("templates", "template_hidden", f"template {template} hidden from {team}", {"team": team, "template": template}))
    vb, va = versions(base[1] if base else None), versions(new[1])
    for name in sorted(va.keys() - vb.keys()):
        out.append(
            Change("templates", "template_published", f"template {name} {va[name]} published", {"template": name, "version": va[name]})
        )
    for name in sorted(vb.keys() & va.keys()):
        if vb[name] != va[name]:
            out.append(
                Change(
                    "templates",
                    "template_version_changed",
                    f"template {name}: {vb[name]} → {va[name]}",
                    {"template": name, "old": vb[name], "new": va[name]},
                )
            )
    for name in sorted(vb.keys() - va.keys()):
        out.append(
            Change(
                "templates",
                "template_withdrawn",
                f"template {name} {vb[name]} withdrawn from the catalog",
                {"template": name, "version": vb[name]},
                destructive=True,
            )
        )
    return out


def estate_changes(base: Compiled | None, new: Compiled, steps_before: Mapping[str, str] | None = None) -> list[Change]:
    """steps_before: where the previous output held each account (moves.py)."""
    base_plan = base[1] if base else None
    accounts = _accounts(base_plan, new[1]) + move_changes(base_plan, new[1], steps_before)
    return accounts + _capacity(base_plan, new[1]) + _shares(base, new) + _templates(base, new)
