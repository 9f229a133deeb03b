"""Files written beside the stacks, and reports. Each is a pure function of the plan."""
from __future__ import annotations

from ..stacks import Plan


def files_beside_stacks(plan: Plan) -> dict[str, str]:
    """Path under the output folder -> text, for everything synth writes besides the stacks."""
    from .shares import shares_json

    return {"shares.json": shares_json(plan)}
