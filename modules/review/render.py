"""The summary as a PR comment (Markdown, GitHub alerts) and as JSON with the same facts."""

from __future__ import annotations

import json
import re
from typing import Any

from .mdtext import code, text
from .model import HEADINGS, SECTIONS, Change, Coded, Imported, ResourceAction, StackPlan, Summary


def _counts(p: StackPlan) -> str:
    parts = [f"{p.replace} to replace" if p.replace else "", f"{p.destroy} to destroy" if p.destroy else ""]
    return ", ".join(x for x in parts if x)


def _sentence(c: Change) -> str:
    """The change's text, escaped; the parts it marks strong in bold (escaped the same way, so they match)."""
    out = text(c.text)
    if not c.strong:
        return out
    parts = re.compile("|".join(re.escape(text(p)) for p in sorted(c.strong, key=len, reverse=True)))  # longest first, one pass
    return parts.sub(lambda m: f"**{m.group(0)}**", out)


def _detail(d: str | Coded) -> str:
    return code(d.code) + text(d.rest) if isinstance(d, Coded) else text(d)


def _item(r: ResourceAction | Imported) -> str:
    why = r.why()
    return f"- {code(r.address)}" + (f" ({text(why)})" if why else "")


def _plans(s: Summary) -> list[str]:
    if s.plans is None:
        return []
    lines = ["### Terraform plans"]
    if s.plans:
        lines += ["| stack | add | change | replace | destroy | import |", "|---|---:|---:|---:|---:|---:|"]
        for p in s.plans:
            mark = " **(plan errored)**" if p.errored else (" :warning:" if p.destructive else "")
            lines.append(f"| {code(p.stack)}{mark} | {p.add} | {p.change} | {p.replace} | {p.destroy} | {p.imports} |")
        for p in s.plans:
            for verb, items in (("replaces", p.replaced), ("destroys", p.destroyed), ("imports", p.imported)):
                if items:
                    lines += ["", f"{code(p.stack)} {verb}:", *[_item(r) for r in items]]
    else:
        lines.append("No plan files were given.")
    if s.missing_plans:
        lines += [
            "",
            "No plan for: " + ", ".join(code(x) for x in s.missing_plans) + " (its plan failed or did not run: look at the workflow log).",
        ]
    return lines + [""]


def markdown(s: Summary, title: str) -> str:
    """The summary as a comment. Every text in it passes through mdtext.text or mdtext.code (a pull request
    controls most of them); the rest is this function's own Markdown."""
    lines = [f"## {text(title)}", ""]
    if s.destructive_plans:
        lines += [
            "> [!CAUTION]",
            "> **Terraform would replace or destroy resources** in "
            + ", ".join(f"{code(p.stack)} ({_counts(p)})" for p in s.destructive_plans)
            + ": the addresses are under Terraform plans below.",
            "",
        ]
    if s.destructive:
        lines += ["> [!WARNING]", "> **Destructive effects**"]
        for c in s.changes:
            if c.destructive:
                lines += [f"> - {_sentence(c)}", *[f">   - {_detail(d)}" for d in c.details]]
        lines.append("")
    if s.empty:
        lines.append("No change to accounts, access, Studio, shares, templates or stacks.")
        lines.append("")
    for section in SECTIONS:
        items = [c for c in s.changes if c.section == section and not c.destructive]
        if items:
            lines.append(f"### {HEADINGS[section]}")
            for c in items:
                lines.append(f"- :warning: {_sentence(c)}" if c.caution else f"- {_sentence(c)}")
                lines += [f"  - {_detail(d)}" for d in c.details]
            lines.append("")
    if s.stacks_to_plan:
        lines += [f"### Stacks that will plan ({len(s.stacks_to_plan)})", ", ".join(code(x) for x in s.stacks_to_plan), ""]
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
