"""Every stack name the compiler derives is unique: a team's access stack never collides with a central
stack or another team's account stack (`<team>-access` against `<team>-<environment>`), nor with a resource name of the
account stacks that read it (base/ids.py, ACCOUNT_STACK_ACCESS_IDS)."""

from __future__ import annotations

from ...base import ids, naming
from ...base.errors import RegistryError, show
from ..model import Registry
from ..source import error


def check_stack_names(reg: Registry) -> list[RegistryError]:
    owners: dict[str, str] = {name: "a central stack" for name in naming.CENTRAL_STACKS}
    # account stacks read access stacks through remote states named after them, beside resources of their own
    reserved = {cid: "the name of a resource in every team account's stack" for cid in ids.ACCOUNT_STACK_ACCESS_IDS}
    owners |= reserved
    for team in reg.teams:
        for env_name in team.environments:
            owners.setdefault(naming.account_stack(team.name, env_name), f"the stack of team {show(team.name)} in {show(env_name)}")
    errors = []
    for team in reg.teams:
        stack = naming.access_stack(team.name)
        if stack in owners:
            errors.append(
                error(
                    team,
                    "name",
                    f"the access stack of team {show(team.name)} would "
                    f"be named {show(stack)}, which is also {owners[stack]}; "
                    + ("rename the team" if stack in reserved else "rename the team or the environment"),
                )
            )
    return errors
