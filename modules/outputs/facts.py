"""The plan facts an output records beside its stacks, in `manifest.json`, and reading them back.

`manifest.json` is the file the cdktn CLI reads (its `stacks`); the compiler adds `accounts`: every team account
the plan holds (created or adopted, whichever stack manages it), with its team, environment and the team's
status. So the next synth or diff knows which accounts the previous output already creates without parsing
Terraform: a team may become `active` only once its accounts exist (docs/design.md, "A new team is two pull
requests")."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base import jsontext, naming
from ..base.errors import RegistryError, show
from ..registry.source import error

if TYPE_CHECKING:  # annotations only
    from ..plan.layout import Plan
    from ..registry.model import Registry

MANIFEST = "manifest.json"

# An account's steps into its team's access stack, in order (organization.yaml account_moves, then none: "access").
STEP_ORGANIZATION, STEP_IMPORT, STEP_FORGET, STEP_ACCESS = "organization", "import", "forget", "access"
STEPS = (STEP_ORGANIZATION, STEP_IMPORT, STEP_FORGET, STEP_ACCESS)


def account_facts(plan: Plan) -> dict[str, dict[str, str]]:
    """Account key -> {team, environment, status (the team's), stack (the one whose state holds it once this output is
    applied), move (its team's step in account_moves, when listed), account_id (adopted accounts)}, from the plan's
    account records: an onboarding team's accounts are there, though it has no account stacks yet."""
    active = {a.team for a in plan.access if a.active}
    out: dict[str, dict[str, str]] = {}
    for acct in sorted(plan.team_accounts, key=lambda a: a.key):
        status = "decommissioned" if acct.decommissioned else "active" if acct.team in active else "onboarding"
        facts = {"team": acct.team, "environment": acct.environment, "status": status, "stack": acct.held_by}
        if acct.move:
            facts["move"] = acct.move
        if acct.adopted_id:
            facts["account_id"] = acct.adopted_id
        out[acct.key] = facts
    return out


def manifest_text(plan: Plan) -> str:
    """manifest.json: what cdktn writes (its CLI reads `stacks`), listing every stack (also those kept from the
    last synth), and the plan's `accounts`."""
    stacks = {
        n: {
            "annotations": [],
            "constructPath": n,
            "dependencies": [],
            "name": n,
            "stackMetadataPath": f"stacks/{n}/metadata.json",
            "synthesizedStackPath": f"stacks/{n}/cdk.tf.json",
            "workingDirectory": f"stacks/{n}",
        }
        for n in sorted(plan.stack_names)
    }
    return jsontext.dumps({"accounts": account_facts(plan), "stacks": stacks, "version": version("cdktn")}, indent=2, sort_keys=True)


@dataclass(frozen=True)
class Previous:
    """What a previous output says exists. `accounts` is None for a bootstrap: no previous output at all. `steps`:
    where each account was in its move into its team's access stack (moves.py: organization, import, forget, access);
    an output written before accounts moved holds them all in the organization stack."""

    accounts: frozenset[str] | None
    steps: dict[str, str] = field(default_factory=dict)


def previous_facts(out: Path | None) -> Previous:
    """The facts of the output in folder `out` (None or missing: a bootstrap, nothing exists yet). An output
    written before the accounts were recorded counts an account as existing when its account stack does."""
    stacks = {p.parent.name for p in (out / "stacks").glob("*/cdk.tf.json")} if out is not None and (out / "stacks").is_dir() else set()
    doc: Any = None
    if out is not None:
        try:
            doc = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            doc = None
    if not stacks and not (isinstance(doc, dict) and doc.get("accounts")):
        return Previous(None)
    if isinstance(doc, dict) and isinstance(doc.get("accounts"), dict):
        return Previous(frozenset(str(k) for k in doc["accounts"]), {str(k): step_of(v) for k, v in doc["accounts"].items()})
    return Previous(frozenset(stacks), {k: STEP_ORGANIZATION for k in stacks})


def step_of(facts: object) -> str:
    """An account's step as a previous output's facts record it: its move when listed, else where it is held (an
    output written before the facts named the stack held every account in the organization stack)."""
    move = facts.get("move") if isinstance(facts, dict) else None
    if isinstance(move, str) and move in STEPS:
        return move
    stack = facts.get("stack") if isinstance(facts, dict) else None
    return STEP_ORGANIZATION if stack in (None, naming.ORGANIZATION_STACK) else STEP_ACCESS


def unready_teams(reg: Registry, plan: Plan, previous: Previous) -> list[RegistryError]:
    """`status: active` for a team none of whose accounts the previous output creates: its account stacks would
    be planned before their accounts exist. A bootstrap (no previous output) refuses nothing."""
    if previous.accounts is None:
        return []
    keys: dict[str, list[str]] = {}
    for acct in plan.team_accounts:
        keys.setdefault(acct.team, []).append(acct.key)
    errors = []
    for team in reg.teams:
        mine = sorted(keys.get(team.name, []))
        if team.status != "active" or not mine or set(mine) & previous.accounts:
            continue
        errors.append(
            error(
                team,
                "status",
                f"team {show(team.name)} is new: its accounts ({', '.join(mine)}) are not in the previous output, so "
                "`status: active` would plan its account stacks before the accounts exist. A new team is two pull "
                "requests: first `status: onboarding` (creates its accounts and groups), apply it, then `status: active` "
                "(allowed: onboarding)",
            )
        )
    return errors
