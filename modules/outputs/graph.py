"""A Mermaid diagram of the OUs, the team accounts in them, and the shares between accounts."""

from __future__ import annotations

import re
from typing import Any

from ..plan.layout import Plan


def _id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def mermaid(plan: Plan) -> str:
    lines = ["flowchart LR"]
    children: dict[str, list[str]] = {}
    for path in plan.organization.ou_paths:
        parent = path.rpartition("/")[0]
        children.setdefault(parent, []).append(path)
    accounts_in: dict[str, list[Any]] = {}
    for a in plan.team_accounts:
        accounts_in.setdefault(a.ou_path, []).append(a)

    def emit(path: str, depth: int) -> None:
        pad = "  " * depth
        lines.append(f'{pad}subgraph ou_{_id(path)}["OU {path.rpartition("/")[2]}"]')
        for child in children.get(path, []):
            emit(child, depth + 1)
        for a in accounts_in.get(path, []):
            label = (
                f"{a.team} / {a.environment}" + (" (adopted)" if a.adopted_id else "") + (" (decommissioned)" if a.decommissioned else "")
            )
            lines.append(f'{pad}  acct_{_id(a.key)}["{label}"]')
        lines.append(f"{pad}end")

    for top in children.get("", []):
        emit(top, 1)
    for s in plan.shares:
        for c in s.consumers:
            lines.append(f'  acct_{_id(s.producer)} -- "{s.kind}: {s.name} ({s.access})" --> acct_{_id(c)}')
    lib = plan.shared_services.libraries
    if lib:  # the internal repository in shared services, and which team publishes which packages into it
        lines.append(f'  libraries[("CodeArtifact {lib.domain}/{lib.repository}")]')
        for p in plan.publishers:
            lines.append(f'  team_{_id(p.team)}(["team {p.team}"]) -- "publishes {", ".join(p.packages)}" --> libraries')
    return "\n".join(lines) + "\n"
