"""Building stacks with cdktn: in this process or in worker processes, each stack written once, finalized.

Stacks are independent (each reads others only through remote state), so they build in any grouping:
one cdktn App per batch, batches spread over `jobs` worker processes. Each worker imports cdktn once
(~3.6 s and ~0.9 GB of Node, DESIGN.md) and builds its batches in turn; a batch's App is dropped after
its synth so Node's memory stays bounded. `tfexpr`'s nonce is per process, so each stack is finalized
(`write_stack`) in the process that built it. Output bytes do not depend on the batching (tested).
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable

from .fingerprint import output_digest
from .stacks import Plan
from .tfexpr import finalize

BATCH = 40  # stacks per cdktn App: bounds a worker's Node heap (measured in `make bench`)
MIN_PER_WORKER = 30  # below this many stacks per worker, a worker's own cdktn import costs more than it saves

Built = dict[str, tuple[str, int]]  # stack -> (sha256 of its cdk.tf.json, resource count)


def write_stack(stage: Path, name: str, raw: str) -> tuple[str, int]:
    """The one place stack JSON is written for Terraform: literal strings escaped, references opened (tfexpr)."""
    import json

    text = finalize(raw)
    path = stage / "stacks" / name / "cdk.tf.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(data)
    resources = sum(len(v) for v in json.loads(raw).get("resource", {}).values())
    return output_digest(data), resources


def _build_batch(plan: Plan, names: list[str], stage: Path) -> Built:
    from .node import use_bundled_node

    use_bundled_node()
    from cdktn import App

    from .aws.base import TARGET_VERSIONS
    from .synth import build_stack

    scratch = Path(tempfile.mkdtemp(prefix=".build-", dir=stage))
    try:
        app = App(outdir=str(scratch), context={"targetVersions": TARGET_VERSIONS}, stack_traces=False)
        for name in names:
            build_stack(app, plan, name)
        app.synth()
        return {name: write_stack(stage, name, (scratch / "stacks" / name / "cdk.tf.json").read_text(encoding="utf-8"))
                for name in names}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


_WORKER_PLAN: Plan | None = None


def _init_worker(plan: Plan) -> None:
    global _WORKER_PLAN
    _WORKER_PLAN = plan
    from .node import use_bundled_node

    use_bundled_node()
    import cdktn  # noqa: F401 - once per worker, before the first batch
    import cdktn_provider_aws  # noqa: F401


def _worker_batch(names: list[str], stage: str) -> tuple[Built, int, int]:
    assert _WORKER_PLAN is not None
    built = _build_batch(_WORKER_PLAN, names, Path(stage))
    return built, os.getpid(), _peak_rss_kb()


def _peak_rss_kb() -> int:
    """Peak resident memory of this process and its descendants (jsii's Node runtime starts a second Node),
    from /proc (Linux; 0 elsewhere)."""
    total, todo = 0, [os.getpid()]
    try:
        while todo:
            pid = todo.pop()
            with open(f"/proc/{pid}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmHWM:")), 0)
            for task in os.listdir(f"/proc/{pid}/task"):  # children may belong to any thread
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    todo += [int(p) for p in f.read().split()]
    except OSError:
        return total
    return total


def prefetch() -> threading.Thread:
    """Start importing cdktn, the AWS bindings and the construct modules in a background thread.

    The import is ~4-9 s, nearly all of it in Node loading the provider's jsii assembly, so the GIL is free
    and loading and planning the registry run beside it: an incremental synth that builds a few stacks
    pays max(import, load) instead of their sum. Imports are thread-safe (per-module locks)."""
    from .node import use_bundled_node

    use_bundled_node()  # PATH for jsii, set from this thread before the other starts

    def run() -> None:
        try:
            import cdktn  # noqa: F401

            from .aws import access, account, catalog, identity_center, organization  # noqa: F401
        except Exception:  # noqa: BLE001 - the build imports again and reports it
            pass

    thread = threading.Thread(target=run, name="cdktn-prefetch", daemon=True)
    thread.start()
    return thread


WORKER_MEMORY_KB = 1_600_000  # a worker's peak at 500 teams is ~1.3 GB (Python, jsii's Node; `make bench`)


def default_jobs() -> int:
    """One worker per core this process may use, as many as the available memory holds."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        with open("/proc/meminfo") as f:
            available = next(int(line.split()[1]) for line in f if line.startswith("MemAvailable:"))
    except (OSError, StopIteration, ValueError):
        return cores
    return max(1, min(cores, available // WORKER_MEMORY_KB))


def batches(names: list[str], size: int = BATCH) -> list[list[str]]:
    return [names[i:i + size] for i in range(0, len(names), size)]


def build(plan: Plan, names: list[str], stage: Path, *, jobs: int,
          progress: Callable[[int, int], None] | None = None) -> tuple[Built, list[int]]:
    """Build these stacks into stage/stacks; returns what was written and each worker's peak memory (kB)."""
    out: Built = {}
    total = len(names)
    jobs = max(1, min(jobs, total // MIN_PER_WORKER or 1))
    if jobs == 1:
        for batch in batches(names):
            out.update(_build_batch(plan, batch, stage))
            if progress:
                progress(len(out), total)
        return out, [_peak_rss_kb()]
    peaks: dict[int, int] = {}
    # spawn, not fork: a forked child would share the parent's jsii pipes (and Node must not be forked).
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker, initargs=(plan,)) as pool:
        # Interleave the sizes: the organization and identity stacks are the largest, account stacks alike.
        for built, pid, peak in pool.map(_worker_batch, batches(names, min(BATCH, -(-total // jobs))), [str(stage)] * total):
            out.update(built)
            peaks[pid] = max(peak, peaks.get(pid, 0))
            if progress:
                progress(len(out), total)
    return out, sorted(peaks.values())
