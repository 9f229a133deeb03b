"""The access-drift job's report: every finding with where it is, what it grants and how to remove it; the stacks that
could not be checked. Markdown (the body of the one drift issue) and JSON (machines, and `access --drift FILE`)."""

from __future__ import annotations

import json
from typing import Any

from ..review.mdtext import code, text
from .run import StackResult, exit_code

JOB = "access-drift"


def findings(results: list[StackResult]) -> list[dict[str, Any]]:
    return [
        {"stack": r.stack, "account_id": r.account, "where": n.target, "what": n.message, "fix": n.fix, **dict(n.facts)}
        for r in results
        for n in r.notes
        if n.job == JOB and n.level == "drift"
    ]


def summary(results: list[StackResult]) -> str:
    failed = [r.stack for r in results if r.errors]
    parts = [f"{len(findings(results))} finding(s)"]
    if failed:
        parts.append(f"FAILED in {len(failed)} stack(s) ({', '.join(failed)})")
    return f"access-drift: {len(results)} stack(s) checked: " + "; ".join(parts)


def as_json(results: list[StackResult]) -> str:
    doc = {
        "exit_code": exit_code(results, apply=False),
        "summary": summary(results),
        "findings": findings(results),
        "warnings": [{"stack": r.stack, "where": n.target, "message": n.message} for r in results for n in r.notes if n.level == "warning"],
        "errors": [{"stack": r.stack, "error": e} for r in results for e in r.errors],
    }
    return json.dumps(doc, indent=2) + "\n"


def markdown(results: list[StackResult]) -> str:
    found = findings(results)
    lines = ["# Access not from the registry", "", summary(results).removeprefix("access-drift: ") + ".", ""]
    if found:
        lines += ["| stack | where | what | how to remove |", "|---|---|---|---|"]
        # what AWS holds (names people made by hand) enters the Markdown through mdtext, as the change summary's does
        lines += [f"| {text(f['stack'])} | {text(f['where'])} | {text(f['what'])} | {code(f['fix'])} |" for f in found]
        lines += [
            "",
            "Access that a person needs belongs in the registry (a member, or a grant in grants.yaml): add it there in a pull "
            "request, then remove what was made by hand.",
            "",
        ]
    failed = [r for r in results if r.errors]
    if failed:
        lines += ["## Could not be checked", ""] + [f"- {text(r.stack)}: {text('; '.join(r.errors))}" for r in failed] + [""]
    warnings = [(r.stack, n) for r in results for n in r.notes if n.level == "warning"]
    if warnings:
        lines += ["## Not checked", ""] + [f"- {text(stack)}: {text(n.target)}: {text(n.message)}" for stack, n in warnings] + [""]
    return "\n".join(lines)
