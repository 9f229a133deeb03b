"""`python main.py post plan|apply`: run the jobs of one or more stacks' manifests.

Exit codes: 0 nothing to do, 2 changes pending (plan), 1 an error, a stack that failed, something
missing (preflight), or changes left after apply. A failure in one stack does not stop the others.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from botocore.exceptions import BotoCoreError, ClientError

from .jobs import JOB_ORDER, PLANNERS, Action, Context, Note, perform

EXIT_NOTHING, EXIT_ERROR, EXIT_PENDING = 0, 1, 2


@dataclass
class StackResult:
    stack: str
    account: str = ""
    region: str = ""
    actions: list[Action] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    done: list[Action] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ctx: Context | None = None


def load_manifest(manifests: Path, stack: str) -> dict:
    path = manifests / f"{stack}.json"
    if not path.is_file():
        known = sorted(p.stem for p in manifests.glob("*.json"))
        raise FileNotFoundError(f"no post manifest for stack '{stack}' in {manifests} (known: {', '.join(known) or 'none'})")
    return json.loads(path.read_text())


def outputs_values(tf_outputs: dict | None) -> dict[str, Any]:
    """`terraform output -json` gives {name: {value, type, sensitive}}; keep the values."""
    return {k: (v["value"] if isinstance(v, dict) and "value" in v else v) for k, v in (tf_outputs or {}).items()}


def context(manifest: dict, gateway, outputs: dict, tf_plan: dict | None, only: str | None) -> Context:
    acct = manifest["account"]
    account_id = acct.get("id") or (outputs.get(acct["id_output"]) if acct.get("id_output") else None)
    if not account_id and acct.get("name"):
        account_id = gateway.account_id_by_name(acct["name"], manifest["region"])
    if not account_id:
        raise LookupError(f"account of stack '{manifest['stack']}' not found (not created yet?)")
    jobs = {k: v for k, v in manifest["jobs"].items() if only is None or k == only}
    return Context(manifest["stack"], account_id, manifest["region"], jobs, gateway, outputs, tf_plan)


def plan_stack(ctx: Context) -> tuple[list[Action], list[Note]]:
    actions: list[Action] = []
    notes: list[Note] = []
    for job in JOB_ORDER:
        if job in ctx.jobs:
            a, n = PLANNERS[job](ctx)
            actions += a
            notes += n
    return actions, notes


def run(stacks: list[str], *, manifests: Path, gateway, apply: bool, tf_outputs: dict | None = None,
        tf_plan: dict | None = None, only: str | None = None, wait_seconds: float = 600,
        sleep: Callable[[float], None] = time.sleep) -> list[StackResult]:
    results = []
    for stack in stacks:
        result = StackResult(stack)
        results.append(result)
        try:
            manifest = load_manifest(manifests, stack)
            ctx = context(manifest, gateway, outputs_values(tf_outputs), tf_plan, only)
            result.ctx, result.account, result.region = ctx, ctx.account_id, ctx.region
            result.actions, result.notes = plan_stack(ctx)
            if apply and result.actions:
                for action in result.actions:
                    perform(ctx, action)
                    result.done.append(action)
                # confirm: plan again, waiting for deletions in progress to finish
                deadline = time.monotonic() + wait_seconds
                while True:
                    result.actions, result.notes = plan_stack(ctx)
                    waiting = [n for n in result.notes if n.job == "studio-cleanup" and n.level == "waiting"]
                    if not waiting or time.monotonic() > deadline:
                        break
                    sleep(10)
        except (ClientError, BotoCoreError, LookupError, FileNotFoundError, RuntimeError, ValueError, KeyError) as exc:
            result.errors.append(f"{type(exc).__name__}: {exc}")
    return results


def exit_code(results: list[StackResult], *, apply: bool) -> int:
    if any(r.errors or any(n.level == "missing" for n in r.notes) for r in results):
        return EXIT_ERROR
    if any(r.actions for r in results):
        return EXIT_ERROR if apply else EXIT_PENDING
    return EXIT_NOTHING


def as_json(results: list[StackResult], *, apply: bool) -> str:
    doc = {"mode": "apply" if apply else "plan", "stacks": [{
        "stack": r.stack, "account": r.account, "region": r.region,
        "done": [a.as_dict(r.ctx) for a in r.done] if r.ctx else [],
        "actions": [a.as_dict(r.ctx) for a in r.actions] if r.ctx else [],
        "notes": [{"job": n.job, "level": n.level, "target": n.target, "message": n.message} for n in r.notes],
        "errors": r.errors,
    } for r in results]}
    return json.dumps(doc, indent=2) + "\n"


def as_table(results: list[StackResult], *, apply: bool) -> str:
    rows = [("account", "region", "job", "call", "target", "reason")]
    lines = []
    for r in results:
        for a in r.actions:
            rows.append((r.account, r.region, a.job, a.call, a.target, a.reason))
    if len(rows) > 1:
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row[:5], widths)) + "  " + row[5] for row in rows]
    for r in results:
        for a in r.done:
            lines.append(f"done     {r.stack}: {a.call} {a.target}")
        for n in r.notes:
            lines.append(f"{n.level:<8} {r.stack}: {n.job} {n.target}: {n.message}")
        for e in r.errors:
            lines.append(f"error    {r.stack}: {e}")
    pending = sum(len(r.actions) for r in results)
    verdict = {True: f"{pending} action(s) still pending after apply", False: f"{pending} action(s) pending"}[apply] \
        if pending else "nothing to do"
    lines.append(f"post {'apply' if apply else 'plan'}: {len(results)} stack(s), {verdict}")
    return "\n".join(lines) + "\n"
