"""Terraform drift as data: what a refresh-only plan of each stack says changed outside Terraform, and its report.

Pure: `terraform show -json` of a refresh-only plan in, a typed result out, Markdown or JSON rendered from it.
Attribute NAMES only, never values: a report is posted as a GitHub issue, and values can hold secrets (policies,
ARNs that name people, tags). The exit codes of `drift` are decided here too.

Terraform's own exit code is not enough to tell drift: `plan -refresh-only -detailed-exitcode` may exit 2 when
nothing changed (https://github.com/hashicorp/terraform/issues/36403: the refreshed state compares unequal in ways
no one can see), so a stack drifted only when the plan's `resource_drift` lists something.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..base.exits import Exits
from .mdtext import code, text

EXIT_IN_SYNC, EXIT_FAILED, EXIT_DRIFTED, EXIT_USAGE = 0, 1, 2, 3
EXITS = Exits(usage=EXIT_USAGE, failed=EXIT_FAILED, label="drift")  # 2 means "drift found": a failure is 1
MAX_DEPTH = 2  # attribute paths are named down to `block.attribute`: deeper paths are said as their parent


@dataclass(frozen=True)
class Drifted:
    """One resource instance changed outside Terraform."""

    address: str
    action: str  # "update" (attributes changed) or "delete" (the object is gone)
    attributes: tuple[str, ...] = ()  # names of what changed (update only)

    def as_dict(self) -> dict[str, Any]:
        return {"address": self.address, "action": self.action, "attributes": list(self.attributes)}


@dataclass
class StackDrift:
    stack: str
    status: str = "in_sync"  # in_sync | drifted | failed
    drifted: list[Drifted] = field(default_factory=list)
    outputs_changed: list[str] = field(default_factory=list)  # outputs the state would record differently
    error: str | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "status": self.status,
            "drift": [d.as_dict() for d in self.drifted],
            "outputs_changed": self.outputs_changed,
            "error": self.error,
        }


def _changed(before: Any, after: Any, path: str, depth: int, out: set[str]) -> None:
    """The names of the paths where before and after differ (list positions are not part of a name)."""
    if before == after:
        return
    if depth < MAX_DEPTH and isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            _changed(before.get(key), after.get(key), f"{path}.{key}" if path else str(key), depth + 1, out)
        return
    if depth < MAX_DEPTH and path and isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for b, a in zip(before, after, strict=True):
            _changed(b, a, path, depth, out)
        return
    out.add(path or "(the whole object)")


def in_shard(name: str, shard: str | None) -> bool:
    """`K/N`: the stacks whose name hashes to K modulo N (stable as stacks come and go, unlike positions). The
    scheduled runs spread the stacks over N nights this way, Terraform drift and access drift alike."""
    if shard is None:
        return True
    k, n = (int(x) for x in shard.split("/"))
    return int(hashlib.sha256(name.encode()).hexdigest(), 16) % n == k


def drift_of(stack: str, plan: dict[str, Any]) -> StackDrift:
    """The drift a refresh-only plan (`terraform show -json`) reports for one stack."""
    result = StackDrift(stack)
    for rd in plan.get("resource_drift") or []:
        change = rd.get("change") or {}
        actions = change.get("actions") or []
        if actions == ["no-op"] or not actions:
            continue
        if "delete" in actions and change.get("after") is None:
            result.drifted.append(Drifted(rd["address"], "delete"))
            continue
        names: set[str] = set()
        _changed(change.get("before"), change.get("after"), "", 0, names)
        result.drifted.append(Drifted(rd["address"], "update", tuple(sorted(names))))
    result.outputs_changed = sorted(
        name for name, oc in (plan.get("output_changes") or {}).items() if oc.get("actions") not in (["no-op"], None)
    )
    result.drifted.sort(key=lambda d: d.address)
    result.status = "drifted" if result.drifted else "in_sync"
    return result


def failed(stack: str, why: str) -> StackDrift:
    return StackDrift(stack, status="failed", error=why)


def exit_code(results: list[StackDrift]) -> int:
    """1 when any stack failed (what it hides is unknown), else 2 when any drifted, else 0."""
    if any(r.status == "failed" for r in results):
        return EXIT_FAILED
    return EXIT_DRIFTED if any(r.status == "drifted" for r in results) else EXIT_IN_SYNC


def verdict(results: list[StackDrift]) -> str:
    count = {s: sum(r.status == s for r in results) for s in ("in_sync", "drifted", "failed")}
    parts = [f"{count['in_sync']} in sync", f"{count['drifted']} drifted", f"{count['failed']} failed"]
    return f"drift: {len(results)} stack(s): " + ", ".join(parts)


def as_json(results: list[StackDrift]) -> str:
    doc = {"exit_code": exit_code(results), "summary": verdict(results), "stacks": [r.as_dict() for r in results]}
    return json.dumps(doc, indent=2) + "\n"


def markdown(results: list[StackDrift], title: str = "Terraform drift") -> str:
    """The report a person reads (and the body of the one drift issue): drift and failures first, names only."""
    lines = [f"# {title}", "", verdict(results).removeprefix("drift: ") + ".", ""]
    drifted = [r for r in results if r.status == "drifted"]
    if drifted:
        lines += ["## Changed outside Terraform", ""]
        for r in drifted:
            lines.append(f"### {text(r.stack)}")
            lines.append("")
            for d in r.drifted:  # names from AWS and the state: through mdtext, as every text of a summary
                what = "deleted" if d.action == "delete" else "changed: " + ", ".join(code(a) for a in d.attributes)
                lines.append(f"- {code(d.address)} {what}")
            lines.append("")
        lines += [
            "Each change is either undone by the next apply of that stack (Terraform puts back what the registry says) "
            "or made in the registry; attribute values are left out of this report on purpose.",
            "",
        ]
    broken = [r for r in results if r.status == "failed"]
    if broken:
        lines += ["## Could not be checked", ""]
        lines += [f"- {text(r.stack)}: {text(r.error)}" for r in broken]
        lines.append("")
    in_sync = [r.stack for r in results if r.status == "in_sync"]
    if in_sync:
        lines += ["<details><summary>In sync</summary>", "", ", ".join(text(s) for s in in_sync), "", "</details>", ""]
    return "\n".join(lines)
