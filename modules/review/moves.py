"""The accounts section's sentences for an account's move into its team's access stack, step by step
(docs/operations.md, "Moving accounts into team stacks"). Where an account was comes from the previous output's facts
(which stack held it, at which step), since the base registry compiled by this compiler cannot say where an older
output held it; where it goes comes from the plan's account records."""

from __future__ import annotations

from collections.abc import Mapping

from ..base import naming
from ..outputs.facts import STEP_ACCESS, STEP_FORGET, STEP_IMPORT, STEP_ORGANIZATION
from ..plan.layout import Plan
from ..plan.records import Account
from .model import Change


def step(acct: Account) -> str:
    return acct.move or STEP_ACCESS


def move_changes(base: Plan | None, new: Plan, steps_before: Mapping[str, str] | None) -> list[Change]:
    """One sentence per account whose step changes. steps_before: the previous output's (None: none was committed, and
    the base plan says where each account was)."""
    if steps_before is None:
        steps_before = {a.key: step(a) for a in base.team_accounts} if base else {}
    out = []
    for acct in sorted(new.team_accounts, key=lambda a: a.key):
        before, now = steps_before.get(acct.key), step(acct)
        if before is None or before == now:
            continue
        access = naming.access_stack(acct.team)
        facts = {"account": acct.key, "team": acct.team, "stack": access, "old_step": before, "new_step": now}
        if (before, now) == (STEP_ORGANIZATION, STEP_IMPORT):
            how = f"its id {acct.adopted_id}" if acct.adopted_id else "its email in the organization's account list"
            text = (
                f"account {acct.key} moves to {access} (step 1 of 2): {access} imports the existing account (found by {how}); "
                "the organization stack keeps it until the next step, and nothing changes in AWS"
            )
            out.append(Change("accounts", "account_move_imported", text, facts))
        elif (before, now) == (STEP_IMPORT, STEP_FORGET):
            text = (
                f"account {acct.key} moves to {access} (step 2 of 2): the organization stack forgets it (removed from its "
                f"state, not destroyed), and the stacks that use its id read it from {access}; nothing changes in AWS"
            )
            out.append(Change("accounts", "account_move_forgotten", text, facts))
        elif (before, now) == (STEP_FORGET, STEP_ACCESS):
            kept = f" (the import of existing account {acct.adopted_id} stays)" if acct.adopted_id else ": its import lookup is dropped"
            out.append(Change("accounts", "account_moved", f"account {acct.key} has moved to {access}{kept}", facts))
        else:
            text = (
                f"account {acct.key}: its move into {access} goes from step {before} to {now}, not one step forward, so one "
                "stack would destroy it or create it again (organization.yaml account_moves takes one step at a time)"
            )
            out.append(Change("accounts", "account_move_unsafe", text, facts, destructive=True))
    return out
