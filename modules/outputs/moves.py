"""Each team's step in `account_moves` against where the previous output holds its accounts: one step at a time,
never back (docs/operations.md, "Moving accounts into team stacks").

An account's steps, in order: `organization` (the organization stack holds it), `import` (its team's access stack
imports it too), `forget` (the organization stack forgets it), `access` (the team is no longer listed: the access
stack holds it). A step skipped or taken back makes one stack destroy, or create again, an account that another
holds, so `synth` and `diff` refuse it and say what organization.yaml should say instead. An account the previous
output does not have is new: it may be created where its team's accounts are now (organization, or its access
stack), never imported. An empty previous output is a bootstrap and refuses nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..base import naming
from ..base.errors import RegistryError, show
from ..registry.source import error
from .facts import STEP_ACCESS, STEP_FORGET, STEP_IMPORT, STEP_ORGANIZATION, STEPS, Previous

if TYPE_CHECKING:  # annotations only
    from ..plan.layout import Plan
    from ..plan.records import Account
    from ..registry.model import Registry

ALLOWED = "one step at a time: organization → import → forget → not listed"
# What synth adds to the refusal: the override, and what it costs.
MOVES_OVERRIDE = (
    "Only where these accounts exist nowhere yet (a new deployment, a test) does `synth --allow-destroy` write the "
    "output as the registry says: applied to existing accounts it destroys or re-creates them."
)


def step(acct: Account) -> str:
    return acct.move or STEP_ACCESS


def move_refusals(reg: Registry, plan: Plan, previous: Previous) -> list[RegistryError]:
    """One error per team whose account_moves entry (or its absence) does not follow from the previous output."""
    if previous.accounts is None:
        return []
    wrong: dict[str, list[tuple[str, str | None]]] = {}  # team -> [(account, its previous step; None: new)]
    for acct in sorted(plan.team_accounts, key=lambda a: a.key):
        before = previous.steps.get(acct.key, STEP_ORGANIZATION) if acct.key in previous.accounts else None
        now = step(acct)
        if before is None:
            fine = now in (STEP_ORGANIZATION, STEP_ACCESS)
        else:
            fine = STEPS.index(now) - STEPS.index(before) in (0, 1)
        if not fine:
            wrong.setdefault(acct.team, []).append((acct.key, before))
    org = reg.organization
    errors = []
    for team, accounts in sorted(wrong.items()):
        now = org.account_moves.get(team) or STEP_ACCESS
        at = ("account_moves", team) if team in org.account_moves else "account_moves"
        errors.append(error(org, at, _message(team, now, accounts)))
    return errors


def _entry(team: str, value: str) -> str:
    return f"`{team}: {value}`"


def _message(team: str, now: str, accounts: list[tuple[str, str | None]]) -> str:
    access = naming.access_stack(team)
    new = [k for k, before in accounts if before is None]
    if new:
        return (
            f"account {', '.join(new)} is new, but account_moves says {_entry(team, now)}: a new account cannot be imported "
            f"(the lookup finds nothing and the plan fails). Add the environment once team {show(team)}'s move is finished "
            f"(its entry removed after `forget` is applied), or while it is at {_entry(team, STEP_ORGANIZATION)} "
            f"(allowed: {ALLOWED})"
        )
    before = accounts[0][1] or STEP_ORGANIZATION
    keys = ", ".join(k for k, _ in accounts)
    listed = f"account_moves says {_entry(team, now)}" if now != STEP_ACCESS else f"team {show(team)} is not in account_moves"
    if before == STEP_ORGANIZATION and now == STEP_ACCESS:
        what = (
            f"the previous output holds its accounts ({keys}) in the organization stack: without an entry the organization "
            f"stack would destroy them and {access} create new ones. Add {_entry(team, STEP_ORGANIZATION)} to organization.yaml "
            f"account_moves (they stay), or {_entry(team, STEP_IMPORT)} (the first step of their move into {access})"
        )
    elif before == STEP_ORGANIZATION:  # forget: the import skipped
        what = (
            f"the previous output holds its accounts ({keys}) in the organization stack and {access} has not imported them: "
            f"the organization stack would forget accounts no other stack holds. Set {_entry(team, STEP_IMPORT)} first, "
            f"apply it, then {_entry(team, STEP_FORGET)}"
        )
    elif before == STEP_IMPORT and now == STEP_ACCESS:
        what = (
            f"its accounts ({keys}) are imported into {access} while the organization stack still holds them: without an "
            f"entry the organization stack would destroy them. Set {_entry(team, STEP_FORGET)} (the organization stack "
            "forgets them), apply it, then remove the entry"
        )
    elif before == STEP_IMPORT:  # back to organization
        what = (
            f"{access} has imported its accounts ({keys}): going back would destroy them in {access}. Keep "
            f"{_entry(team, STEP_IMPORT)}, or go on with {_entry(team, STEP_FORGET)}"
        )
    elif before == STEP_FORGET:  # back to organization or import
        what = (
            f"the organization stack has forgotten its accounts ({keys}), which {access} holds: going back would have the "
            f"organization stack create them again. Keep {_entry(team, STEP_FORGET)}, or remove the entry (the move is finished)"
        )
    else:  # already in the access stack
        what = (
            f"its accounts ({keys}) already live in {access}: going back would have the organization stack create them "
            f"again. Remove {show(team)} from account_moves"
        )
    return f"{listed}, but {what} (allowed: {ALLOWED})"
