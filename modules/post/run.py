"""`python main.py post plan|apply`: run the jobs of one or more stacks' manifests.

Exit codes (also in `--help` and docs/post-step.md): 0 nothing pending; 2 changes pending (`plan` only); 1 something
failed (a stack's error, a missing prerequisite from preflight, a time bound reached, changes left after
apply); 3 the run could not start (usage or environment: arguments, the manifests folder, an unreadable
file). A failure in one stack does not stop the others.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from .deadline import Deadline, OutOfTime
from .exits import EXIT_FAILED, EXIT_NOTHING, EXIT_PENDING, EXIT_USAGE  # noqa: F401 - EXIT_USAGE: read here by tests
from .gateway import ERRORS, Gateway
from .jobs import JOBS, Action, Context, Note
from .manifest import Manifest, ManifestError

POLL_FIRST, POLL_MAX = 1.0, 15.0  # seconds between looks while AWS settles (deleting apps, promoting shares)
MAX_ROUNDS = 8  # apply rounds (perform, plan again) before an action that keeps coming back is an error


class UsageError(Exception):
    """The run cannot start: the message names what is missing or wrong."""


@dataclass
class StackResult:
    stack: str
    account: str = ""
    region: str = ""
    actions: list[Action] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    done: list[Action] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def manifests_dir(path: Path) -> Path:
    if not path.is_dir():
        raise UsageError(
            f"manifests folder '{path}' not found (run from the project root after `python main.py synth`, or name it with --manifests DIR)"
        )
    return path


def stack_names(manifests: Path) -> list[str]:
    return sorted(p.stem for p in manifests_dir(manifests).glob("*.json"))


def load_manifest(manifests: Path, stack: str) -> Manifest:
    path = manifests / f"{stack}.json"
    if not path.is_file():
        known = stack_names(manifests)
        raise UsageError(f"no post manifest for stack '{stack}' in {manifests} (known: {', '.join(known) or 'none'})")
    try:
        return Manifest.parse(path.read_text(encoding="utf-8"), str(path))
    except ManifestError as exc:  # a stale or hand-edited file: regenerate, nothing ran
        raise UsageError(str(exc)) from None


def outputs_values(tf_outputs: dict[str, Any] | None) -> dict[str, Any]:
    """`terraform output -json` gives {name: {value, type, sensitive}}; keep the values."""
    return {k: (v["value"] if isinstance(v, dict) and "value" in v else v) for k, v in (tf_outputs or {}).items()}


def context(manifest: Manifest, gateway: Gateway, outputs: dict[str, Any], tf_plan: dict[str, Any] | None) -> Context:
    """Where the stack's jobs act. The account comes from the manifest (rebuilt from the registry) or, for an account
    the stack created, from Organizations by the account's name; a Terraform output that names another account, a
    domain or a RAM share outside that account and region is refused: outputs are written by the stack, and a stack
    is what a pull request edits."""
    acct = manifest.account
    account_id = acct.id
    if not account_id and acct.name:
        account_id = gateway.account_id_by_name(acct.name, manifest.region)
    if not account_id:
        raise LookupError(
            f"account '{acct.name or acct.key}' of stack '{manifest.stack}' not found in Organizations "
            "(not created yet? apply the organization stack first)"
        )
    _check_outputs(manifest, gateway, str(account_id), outputs)
    role = manifest.jobs.preflight.access_role if manifest.jobs.preflight else None
    if role:  # an adopted account: every job reaches it through the role its Terraform provider assumes
        gateway.use_access_role(str(account_id), role)
    return Context(manifest.stack, str(account_id), manifest.region, manifest.jobs, gateway, outputs, tf_plan)


_RAM_SHARE = re.compile(r"arn:aws[a-z-]*:ram:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):resource-share/[A-Za-z0-9-]+")


def _check_outputs(manifest: Manifest, gateway: Gateway, account_id: str, outputs: dict[str, Any]) -> None:
    """Refuse outputs that point the jobs outside the account and region they act in (ValueError, the stack's error)."""
    where = f"stack '{manifest.stack}'"
    acct = manifest.account
    if acct.id_output and acct.id_output in outputs and outputs[acct.id_output] != account_id:
        raise ValueError(
            f"{where}: its output {acct.id_output} is {json.dumps(outputs[acct.id_output])}, but Organizations lists "
            f"account '{acct.name or acct.key}' as {account_id}: refused (the post-step acts only in the account the registry names)"
        )
    cleanup = manifest.jobs.studio_cleanup
    if cleanup and cleanup.domain_output in outputs:
        domain = gateway.domain_id(account_id, manifest.region, cleanup.domain_name)
        if outputs[cleanup.domain_output] != domain:
            raise ValueError(
                f"{where}: its output {cleanup.domain_output} is {json.dumps(outputs[cleanup.domain_output])}, but the domain "
                f"'{cleanup.domain_name}' of account {account_id} in {manifest.region} is {json.dumps(domain)}: refused"
            )
    for name in sorted({item.resource_share_output for item in manifest.jobs.share_artifacts or ()} & set(outputs)):
        arns = outputs[name]
        if not isinstance(arns, dict):
            raise ValueError(f"{where}: its output {name} is not a map of share names to RAM share ARNs: refused")
        for share, arn in sorted(arns.items()):
            m = _RAM_SHARE.fullmatch(arn) if isinstance(arn, str) else None
            if not m or (m["account"], m["region"]) != (account_id, manifest.region):
                raise ValueError(
                    f"{where}: its output {name}[{json.dumps(share)}] is {json.dumps(arn)}, not a RAM share of account "
                    f"{account_id} in {manifest.region}: refused"
                )


def plan_stack(ctx: Context, jobs: list[str]) -> tuple[list[Action], list[Note]]:
    actions: list[Action] = []
    notes: list[Note] = []
    for name in jobs:
        a, n = JOBS[name].plan(ctx)
        actions += a
        notes += n
    return actions, notes


def _converge(ctx: Context, jobs: list[str], result: StackResult, deadline: Deadline) -> None:
    """Perform, plan again, and repeat while actions appear or AWS settles: waits are bounded by the run's
    deadline, rounds that perform something by MAX_ROUNDS (an action AWS does not take is an error)."""
    poll, rounds = POLL_FIRST, 0
    times: dict[tuple[str, str], int] = {}
    while True:
        if result.actions:
            rounds += 1
            if rounds > MAX_ROUNDS:
                raise RuntimeError(f"did not converge after {MAX_ROUNDS} rounds: still {len(result.actions)} action(s)")
        for action in result.actions:
            key = (action.call, action.target)
            times[key] = times.get(key, 0) + 1
            if times[key] > 2:
                raise RuntimeError(
                    f"{action.call} {action.target} was done twice and is still needed: AWS did not "
                    "take it (check the resource in the console)"
                )
            JOBS[action.job].perform(ctx, action)
            result.done.append(action)
        result.actions, result.notes = plan_stack(ctx, jobs)
        settling = [n for n in result.notes if n.settling]
        if result.actions:
            continue
        if not settling:
            return
        if not deadline.sleep(poll):
            raise OutOfTime(
                f"gave up waiting (waiting longer would pass {deadline.what}) for: "
                + "; ".join(f"{n.target} ({n.message})" for n in settling)
            )
        poll = min(poll * 1.5, POLL_MAX)


def run(
    stacks: list[str],
    *,
    manifests: Path,
    gateway: Gateway,
    apply: bool,
    deadline: Deadline,
    tf_outputs: dict[str, Any] | None = None,
    tf_plan: dict[str, Any] | None = None,
    only: str | None = None,
) -> list[StackResult]:
    """Raises UsageError before anything runs; afterwards every failure is a stack's error."""
    if (tf_outputs is not None or tf_plan is not None) and len(stacks) != 1:
        raise UsageError(f"--tf-outputs and --tf-plan describe one stack: name exactly one --stack with them (got {len(stacks)})")
    loaded = [load_manifest(manifests_dir(manifests), stack) for stack in stacks]
    results = []
    for manifest in loaded:
        result = StackResult(manifest.stack, region=manifest.region)
        results.append(result)
        jobs = [name for name in JOBS if name in manifest.jobs.names() and (name == only or only is None and not JOBS[name].on_request)]
        if not jobs:
            continue  # nothing of this stack selected: no AWS call at all
        if deadline.expired():
            result.errors.append(f"not run: {deadline.what} was reached")
            continue
        try:
            ctx = context(manifest, gateway, outputs_values(tf_outputs), tf_plan)
            result.account = ctx.account_id
            result.actions, result.notes = plan_stack(ctx, jobs)
            if apply and (result.actions or any(n.settling for n in result.notes)):
                _converge(ctx, jobs, result, deadline)
        except (*ERRORS, LookupError, RuntimeError, ValueError) as exc:
            result.errors.append(_say(exc))
    return results


def _say(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        return f"{exc.operation_name}: {err.get('Code')}: {err.get('Message')}"
    return f"{type(exc).__name__}: {exc}"


def exit_code(results: list[StackResult], *, apply: bool) -> int:
    if any(r.errors or any(n.level == "missing" for n in r.notes) for r in results):
        return EXIT_FAILED
    if any(r.actions for r in results):
        return EXIT_FAILED if apply else EXIT_PENDING
    if any(n.level == "drift" for r in results for n in r.notes):
        return EXIT_PENDING  # found by access-drift: a person's decision pending
    return EXIT_NOTHING


def _action_dict(r: StackResult, a: Action) -> dict[str, str]:
    return {"account": r.account, "region": r.region, "job": a.job, "call": a.call, "target": a.target, "reason": a.reason}


def as_json(results: list[StackResult], *, apply: bool) -> str:
    doc = {
        "mode": "apply" if apply else "plan",
        "exit_code": exit_code(results, apply=apply),
        "summary": verdict(results, apply=apply),
        "stacks": [
            {
                "stack": r.stack,
                "account": r.account,
                "region": r.region,
                "done": [_action_dict(r, a) for a in r.done],
                "actions": [_action_dict(r, a) for a in r.actions],
                "notes": [
                    {"job": n.job, "level": n.level, "target": n.target, "message": n.message, **({"fix": n.fix} if n.fix else {})}
                    for n in r.notes
                ],
                "errors": r.errors,
            }
            for r in results
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


def verdict(results: list[StackResult], *, apply: bool) -> str:
    """The last line: what failed first (which stacks, how many errors), then what is pending."""
    mode = "apply" if apply else "plan"
    parts = []
    failed = [r for r in results if r.errors]
    missing = [r for r in results if any(n.level == "missing" for n in r.notes)]
    if failed:
        errors = sum(len(r.errors) for r in failed)
        parts.append(f"FAILED in {len(failed)} stack(s) ({', '.join(r.stack for r in failed)}): {errors} error(s)")
    if missing:
        count = sum(1 for r in missing for n in r.notes if n.level == "missing")
        parts.append(f"{count} missing prerequisite(s) in {', '.join(r.stack for r in missing)}")
    warnings = sum(1 for r in results for n in r.notes if n.level == "warning")
    if warnings:
        parts.append(f"{warnings} warning(s)")
    drift = sum(1 for r in results for n in r.notes if n.level == "drift")
    if drift:
        parts.append(f"{drift} access drift finding(s)")
    pending = sum(len(r.actions) for r in results)
    if pending:
        parts.append(f"{pending} action(s) still pending after apply" if apply else f"{pending} action(s) pending")
    done = sum(len(r.done) for r in results)
    if done:
        parts.append(f"{done} action(s) done")
    if not parts:
        parts.append("nothing to do")
    return f"post {mode}: {len(results)} stack(s), " + "; ".join(parts)


def as_table(results: list[StackResult], *, apply: bool) -> str:
    rows = [("account", "region", "job", "call", "target", "reason")]
    lines = []
    for r in results:
        for a in r.actions:
            rows.append((r.account, r.region, a.job, a.call, a.target, a.reason))
    if len(rows) > 1:
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row[:5], widths, strict=True)) + "  " + row[5] for row in rows]
    for r in results:
        for a in r.done:
            lines.append(f"done     {r.stack}: {a.call} {a.target}")
        for n in r.notes:
            lines.append(f"{n.level:<8} {r.stack}: {n.job} {n.target}: {n.message}")
        for e in r.errors:
            lines.append(f"error    {r.stack}: {e}")
    lines.append(verdict(results, apply=apply))
    return "\n".join(lines) + "\n"
