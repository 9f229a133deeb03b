"""`drift`: a refresh-only plan of every stack, in parallel (bounded), and one report of what changed outside Terraform.

Per stack: `terraform plan -refresh-only -detailed-exitcode -lock=false` (read-only: no lock is written, the state is
not touched), then `terraform show -json` of that plan, read by modules/review/drift.py (names, never values). A
stack that cannot be planned is "failed" with why; it never hides the others. With `--init`, each stack is
initialized first (`terraform init -input=false`, its own backend: the credentials must read the state).
Exit codes are drift's own (the post-step's pattern): 0 in sync, 2 drift found, 1 a stack failed, 3 usage.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..review.drift import StackDrift, as_json, drift_of, exit_code, failed, in_shard, markdown, verdict
from . import Unusable
from .specs import DriftOptions

TERRAFORM = "terraform"
ENV = {"TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1"}


def drift(opts: DriftOptions) -> int:
    stacks = _stacks(opts)
    if shutil.which(TERRAFORM) is None:
        raise Unusable("error: terraform is not on PATH (drift runs `terraform plan -refresh-only` in each stack)")
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        results = list(pool.map(lambda d: _one(d, opts), stacks))
    if opts.format == "json":
        print(as_json(results), end="")
    else:
        print(markdown(results), end="")
    print(f"{verdict(results)} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return exit_code(results)


def _stacks(opts: DriftOptions) -> list[Path]:
    root = Path(opts.stacks)
    if not root.is_dir():
        raise Unusable(f"error: stacks folder '{root}' not found (use --stacks DIR)")
    found = {p.parent.name: p.parent for p in sorted(root.glob("*/cdk.tf.json"))}
    unknown = sorted(set(opts.stack) - set(found))
    if unknown:
        raise Unusable(f"error: no stack {', '.join(unknown)} in {root} (known: {', '.join(found) or 'none'})")
    names = [n for n in found if (not opts.stack or n in opts.stack) and in_shard(n, opts.shard)]
    return [found[n] for n in names]


def _run(stack: Path, args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TERRAFORM, f"-chdir={stack}", *args], capture_output=True, text=True, env={**os.environ, **ENV}, timeout=timeout)


def _why(proc: subprocess.CompletedProcess[str], what: str) -> str:
    """The errors Terraform reported (from -json diagnostics when there are any), on one line."""
    found = []
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            diag = msg.get("diagnostic") or {}
            if diag.get("severity") == "error":
                detail = " ".join(str(diag.get("detail", "")).split())
                where = f" ({diag['address']})" if diag.get("address") else ""
                found.append(f"{diag.get('summary', '')}{where}" + (f": {detail[:300]}" if detail else ""))
    if not found:
        errors = [line.strip() for line in proc.stderr.splitlines() if line.strip().startswith(("Error:", "│ Error:"))]
        found = [e.lstrip("│ ").strip() for e in errors] or [" ".join(proc.stderr.split())[-300:] or f"exit {proc.returncode}"]
    return f"{what}: " + "; ".join(dict.fromkeys(found))


def _one(stack: Path, opts: DriftOptions) -> StackDrift:
    start = time.monotonic()
    try:
        if opts.init:
            proc = _run(stack, ["init", "-input=false", "-no-color"], opts.timeout)
            if proc.returncode:
                return failed(stack.name, _why(proc, "terraform init failed"))
        with tempfile.TemporaryDirectory(prefix=f"drift-{stack.name}-") as tmp:
            plan_file = str(Path(tmp) / "drift.tfplan")
            args = ["plan", "-refresh-only", "-detailed-exitcode", "-lock=false", "-input=false", "-no-color", "-json", "-out", plan_file]
            proc = _run(stack, args, opts.timeout)
            if proc.returncode not in (0, 2):
                return failed(stack.name, _why(proc, "terraform plan failed"))
            if proc.returncode == 0:
                result = StackDrift(stack.name)
            else:
                shown = _run(stack, ["show", "-json", plan_file], opts.timeout)
                if shown.returncode:
                    return failed(stack.name, _why(shown, "terraform show failed"))
                result = drift_of(stack.name, json.loads(shown.stdout))
    except subprocess.TimeoutExpired:
        return failed(stack.name, f"timed out after {opts.timeout:g} s")
    except (OSError, ValueError) as exc:
        return failed(stack.name, f"{type(exc).__name__}: {exc}")
    result.seconds = time.monotonic() - start
    return result
