"""Terraform's own numbers from `terraform show -json <planfile>`, one file per stack (`<stack>.json`).

The format: https://developer.hashicorp.com/terraform/internals/json-format ("Plan Representation",
"Change Representation"). `resource_changes[].change.actions` is one of ["no-op"], ["create"], ["read"],
["update"], ["delete", "create"] and ["create", "delete"] (both replace: destroy-before-create and
create-before-destroy), ["delete"]. `action_reason` is a display hint (e.g. "replace_because_cannot_update",
"delete_because_no_resource_config"); unknown reasons must be tolerated. `change.replace_paths` names the
attributes that force a replacement; `change.importing` (Terraform >= 1.5) marks an import. A `format_version`
with another major version than 1 must be rejected.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import Imported, ResourceAction, StackPlan


class PlanError(Exception):
    pass


def _path(steps: list[Any]) -> str:
    out = ""
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _updates(change: dict[str, Any]) -> tuple[str, ...]:
    """Top-level attributes an imported object's plan changes: `parent_id: ou-a → ou-b` for an adopted account."""
    before, after = change.get("before") or {}, change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    out = []
    for key in sorted(set(before) | set(after) | set(unknown)):
        if key in unknown and unknown[key] is True:
            out.append(f"{key} (known after apply)")
        elif before.get(key) != after.get(key):
            old, new = before.get(key), after.get(key)
            short = all(isinstance(v, (str, int, float, bool, type(None))) and len(str(v)) <= 40 for v in (old, new))
            out.append(f"{key}: {old} → {new}" if short else key)
    return tuple(out)


def stack_plan(stack: str, doc: dict[str, Any]) -> StackPlan:
    """Count what one plan does. A replace counts once as a replace (not as an add and a destroy)."""
    version = str(doc.get("format_version", ""))
    if version.split(".")[0] != "1":
        raise PlanError(
            f"plan of {stack}: format_version {version or '(none)'} is not 1.x; expected the output of `terraform show -json <planfile>`"
        )
    counts = {"add": 0, "change": 0, "replace": 0, "destroy": 0, "imports": 0}
    replaced, destroyed, imported = [], [], []
    for rc in doc.get("resource_changes") or []:
        if rc.get("mode", "managed") != "managed":
            continue  # data sources are read, never changed
        change = rc.get("change") or {}
        actions = list(change.get("actions") or [])
        address = rc.get("address", "?") + (f" (deposed {rc['deposed']})" if rc.get("deposed") else "")
        reason = rc.get("action_reason")
        if change.get("importing") is not None:
            counts["imports"] += 1
            imported.append(Imported(address, str(change["importing"].get("id", "?")), _updates(change)))
        if len(actions) == 2 and set(actions) == {"delete", "create"}:
            counts["replace"] += 1
            forced = tuple(_path(p) for p in change.get("replace_paths") or [])
            replaced.append(ResourceAction(address, reason, forced))
        elif actions == ["create"]:
            counts["add"] += 1
        elif actions == ["update"]:
            counts["change"] += 1
        elif actions == ["delete"]:
            counts["destroy"] += 1
            destroyed.append(ResourceAction(address, reason))
        elif actions in (["no-op"], ["read"]):
            pass
        else:
            raise PlanError(f"plan of {stack}: {address} has unknown actions {actions}")
    return StackPlan(
        stack,
        counts["add"],
        counts["change"],
        counts["replace"],
        counts["destroy"],
        counts["imports"],
        tuple(sorted(replaced, key=lambda r: r.address)),
        tuple(sorted(destroyed, key=lambda r: r.address)),
        tuple(sorted(imported, key=lambda r: r.address)),
        errored=bool(doc.get("errored")),
    )


def read_plans(folder: Path) -> list[StackPlan]:
    """Every `<stack>.json` in folder, sorted by stack. A missing folder, or a file that is not a plan, is an error."""
    if not folder.is_dir():
        raise PlanError(f"plan folder '{folder}' not found")
    plans = []
    for path in sorted(folder.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise PlanError(f"cannot read {path}: {exc}") from None
        if not isinstance(doc, dict):
            raise PlanError(f"{path} is not a Terraform plan (a JSON object is expected)")
        plans.append(stack_plan(path.stem, doc))
    return plans
