"""The share graph for review: producer -> consumers, kind, access."""

from __future__ import annotations

from typing import Any

from ..base import jsontext
from ..plan.layout import Plan


def share_records(plan: Plan) -> list[dict[str, Any]]:
    return [
        {"name": s.name, "kind": s.kind, "resource": s.resource, "access": s.access, "producer": s.producer, "consumers": list(s.consumers)}
        for s in plan.shares
    ]


def shares_json(plan: Plan) -> str:
    return jsontext.dumps({"shares": share_records(plan)}, indent=2, sort_keys=True) + "\n"


def shares_table(plan: Plan) -> str:
    rows = [("share", "kind", "access", "producer", "", "consumers", "resource")]
    for s in plan.shares:
        rows.append((s.name, s.kind, s.access, s.producer, "->", ", ".join(s.consumers), s.resource))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1] for r in rows]
    lines.append(f"{len(plan.shares)} share{'s' if len(plan.shares) != 1 else ''}")
    return "\n".join(line.rstrip() for line in lines) + "\n"
