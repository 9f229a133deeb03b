"""The pure core of `diff`: (base, new) compiled registries and Terraform's plans -> a typed Summary."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace

from ..engine.forcenew import LOSES
from ..engine.stackdocs import Finding
from ..plan.layout import Plan
from ..registry.model import Registry
from .estate import estate_changes
from .libraries import library_changes
from .model import SECTIONS, Change, Coded, StackPlan, Summary
from .people import people_changes


def _forced(f: Finding) -> Coded:
    change = f"{f.attribute}: {f.old} → {f.new}" if f.old != f.new else f.attribute
    return Coded(f.address, f" forced by {change}" + (f" ({f.because})" if f.because else ""))


def resource_changes(found: list[Finding], changes: list[Change]) -> list[Change]:
    """Replacements and removals of stateful resources that the registry-level changes do not already say.

    A stack's replacements become the details of the registry change that causes them when there is one (a new
    VPC CIDR), else one destructive change of their own per stack. Removed stacks, shares and Studio profiles
    are said by account_removed, share_revoked and studio_profile_deleted: not again here."""
    out: list[Change] = []
    replaced = defaultdict(list)
    for f in found:
        # a registry change that names this very resource (an account's adoption) says it: the finding is its detail
        said = next((i for i, c in enumerate(changes) if (c.facts.get("stack"), c.facts.get("address")) == (f.stack, f.address)), None)
        if f.kind == "replaced" and said is not None:
            changes[said] = replace(changes[said], details=(*changes[said].details, _forced(f)))
        elif f.kind == "replaced":
            replaced[f.stack].append(f)
        elif f.kind in ("abandoned", "recreated"):  # an account that changes stacks out of step (engine/moves.py)
            out.append(
                Change("side_effects", f"account_{f.kind}", f.describe(), {"stack": f.stack, "address": f.address}, destructive=True)
            )
        elif f.kind == "removed" and f.resource_type != "aws_sagemaker_user_profile":
            out.append(
                Change(
                    "side_effects",
                    "resource_destroyed",
                    f"{f.address} destroyed in {f.stack}: loses {LOSES.get(f.resource_type, 'what it holds')}",
                    {"stack": f.stack, "address": f.address},
                    destructive=True,
                )
            )
    for stack, items in sorted(replaced.items()):
        details = tuple(_forced(f) for f in items)
        facts = [f.as_dict() for f in items]
        cause = next((i for i, c in enumerate(changes) if c.kind == "vpc_cidr_changed" and c.facts.get("account") == stack), None)
        if cause is not None:
            changes[cause] = replace(changes[cause], details=details, facts={**changes[cause].facts, "replaced": facts})
            continue
        kinds = sorted({f.resource_type for f in items})
        out.append(
            Change(
                "side_effects",
                "resources_replaced",
                f"stack {stack}: Terraform replaces (destroys and "
                f"re-creates) {len(items)} stateful resource{'s' if len(items) > 1 else ''} ({', '.join(kinds)}): "
                "what they hold is lost",
                {"stack": stack, "replaced": facts},
                destructive=True,
                details=details,
            )
        )
    return out


def summarize(
    base: tuple[Registry, Plan] | None,
    new: tuple[Registry, Plan],
    stacks_to_plan: list[str],
    plans: list[StackPlan] | None = None,
    destroyed: list[Finding] | None = None,
    steps_before: Mapping[str, str] | None = None,
) -> Summary:
    """steps_before: where the output committed at the base held each account (its facts), when there is one."""
    changes = people_changes(base, new) + estate_changes(base, new, steps_before) + library_changes(base, new)
    changes += resource_changes(destroyed or [], changes)
    order = {s: i for i, s in enumerate(SECTIONS)}
    changes.sort(key=lambda c: order[c.section])  # stable: each area keeps its own order inside a section
    return Summary(
        changes=changes, stacks_to_plan=sorted(stacks_to_plan), plans=sorted(plans, key=lambda p: p.stack) if plans is not None else None
    )
