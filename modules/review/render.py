"""The summary as a PR comment (Markdown, GitHub alerts) and as JSON with the same facts."""

from __future__ import annotations

import json
from typing import Any

from .model import HEADINGS, SECTIONS, StackPlan, Summary


def _counts(p: StackPlan) -> str:
    parts = [f"{p.replace} to replace" if p.replace else "", f"{p.destroy} to destroy" if p.destroy else ""]
    return ", ".join(x for x in parts if x)


def _plans(s: Summary) -> list[str]:
    if s.plans is None:
        return []
    lines = ["### Terraform plans"]
    if s.plans:
        lines += ["| stack | add | change | replace | destroy | import |", "|---|---:|---:|---:|---:|---:|"]
        for p in s.plans:
            mark = " **(plan errored)**" if p.errored else (" :warning:" if p.destructive else "")
            lines.append(f"| `{p.stack}`{mark} | {p.add} | {p.change} | {p.replace} | {p.destroy} | {p.imports} |")
        for p in s.plans:
            for verb, items in (("replaces", p.replaced), ("destroys", p.destroyed), ("imports", p.imported)):
                if items:
                    lines += ["", f"`{p.stack}` {verb}:", *[f"- {r.describe()}" for r in items]]
    else:
        lines.append("No plan files were given.")
    if s.missing_plans:
        lines += [
            "",
            "No plan for: " + ", ".join(f"`{x}`" for x in s.missing_plans) + " (its plan failed or did not run: look at the workflow log).",
        ]
    return lines + [""]


def markdown(s: Summary, title: str) -> str:
    lines = [f"## {title}", ""]
    if s.destructive_plans:
        lines += [
            "> [!CAUTION]",
            "> **Terraform would replace or destroy resources** in "
            + ", ".join(f"`{p.stack}` ({_counts(p)})" for p in s.destructive_plans)
            + ": the addresses are under Terraform plans below.",
            "",
        ]
    if s.destructive:
        lines += ["> [!WARNING]", "> **Destructive effects**"]
        for c in s.changes:
            if c.destructive:
                lines += [f"> - {c.text}", *[f">   - {d}" for d in c.details]]
        lines.append("")
    if s.empty:
        lines.append("No change to accounts, access, Studio, shares, templates or stacks.")
        lines.append("")
    for section in SECTIONS:
        items = [c for c in s.changes if c.section == section and not c.destructive]
        if items:
            lines.append(f"### {HEADINGS[section]}")
            for c in items:
                lines.append(f"- :warning: {c.text}" if c.caution else f"- {c.text}")
                lines += [f"  - {d}" for d in c.details]
            lines.append("")
    if s.stacks_to_plan:
        lines += [f"### Stacks that will plan ({len(s.stacks_to_plan)})", ", ".join(f"`{x}`" for x in s.stacks_to_plan), ""]
    lines += _plans(s)
    return "\n".join(lines).rstrip() + "\n"


def as_dict(s: Summary) -> dict[str, Any]:
    return {
        "destructive": s.destructive,
        "changes": [c.as_dict() for c in s.changes],
        "stacks_to_plan": s.stacks_to_plan,
        "plans": [p.as_dict() for p in s.plans] if s.plans is not None else None,
        "plans_missing": s.missing_plans,
        "destructive_plans": [p.stack for p in s.destructive_plans],
    }


def as_json(s: Summary) -> str:
    return json.dumps(as_dict(s), indent=2, ensure_ascii=False) + "\n"
