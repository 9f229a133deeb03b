"""The pure core of `diff`: (base, new) compiled registries and Terraform's plans -> a typed Summary."""
from __future__ import annotations

from ..registry.model import Registry
from ..stacks import Plan
from .estate import estate_changes
from .model import SECTIONS, StackPlan, Summary
from .people import people_changes


def summarize(base: tuple[Registry, Plan] | None, new: tuple[Registry, Plan], stacks_to_plan: list[str],
              plans: list[StackPlan] | None = None) -> Summary:
    changes = people_changes(base, new) + estate_changes(base, new)
    order = {s: i for i, s in enumerate(SECTIONS)}
    changes.sort(key=lambda c: order[c.section])  # stable: each area keeps its own order inside a section
    return Summary(changes=changes, stacks_to_plan=sorted(stacks_to_plan),
                   plans=sorted(plans, key=lambda p: p.stack) if plans is not None else None)
