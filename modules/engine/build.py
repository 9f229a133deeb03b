"""Building stacks with cdktn: in this process or in worker processes, each stack written once, finalized.

Stacks are independent (each reads others only through remote state), so they build in any grouping: one cdktn App
per batch, batches spread over `jobs` worker processes. Each worker imports cdktn once (Node loading only the
resource modules used, node.py) and builds its batches in turn; a batch's App is dropped after its synth so Node's
memory stays bounded (the costs of each step: docs/performance.md, `make bench`). `tfexpr`'s nonce is per process,
so each stack is finalized (`write_stack`) in the process that built it. Output bytes do not depend on the batching
(tested).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import multiprocessing
import multiprocessing.util
import os
import pickle
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from multiprocessing.pool import Pool
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base import safewrite
from ..base.tfexpr import finalize
from ..plan.kinds import KINDS, entry
from ..plan.layout import Plan
from . import jsii_fast, shortcuts
from .fingerprint import output_digest
from .node import use_bundled_node

if TYPE_CHECKING:  # annotations only: importing cdktn is what the lazy imports below defer
    from cdktn import App

    from ..aws.base import PlatformStack

BATCH = 40  # stacks per cdktn App: bounds a worker's Node heap (measured in `make bench`)
MIN_PER_WORKER = 30  # below this many stacks per worker, a worker's own cdktn import costs more than it saves
# jsii's Node keeps every object a process ever created, so a worker's memory grows with each batch it builds. A
# worker is replaced by a fresh one after this many batches: one more start and cdktn import per so many stacks buys
# a bounded peak; more batches per worker grew the peak and gained no time (docs/performance.md, `make bench`).
# multiprocessing's Pool, not ProcessPoolExecutor, whose max_tasks_per_child deadlocks on Python 3.11:
# https://github.com/python/cpython/issues/115634
BATCHES_PER_WORKER = 12

Built = dict[str, tuple[str, int]]  # stack -> (sha256 of its cdk.tf.json, resource count)
# A worker killed in a batch (the out-of-memory killer, a crash of its Node) loses that batch without a word to the
# pool, which would wait for it forever: past this long without a finished batch (one takes 10-30 s), synth stops.
BATCH_DEADLINE = 900.0


class BuildStalled(RuntimeError):
    """No batch finished within BATCH_DEADLINE: a worker died or hangs."""


def write_stack(stage: Path, name: str, raw: str) -> tuple[str, int]:
    """The one place stack JSON is written for Terraform: literal strings escaped, references opened (tfexpr)."""
    text = finalize(raw)
    path = stage / "stacks" / name / "cdk.tf.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    safewrite.replace_file(path, text)  # never through a link
    resources = sum(len(v) for v in json.loads(raw).get("resource", {}).values())
    return output_digest(data), resources


def new_app(outdir: str) -> App:
    """An empty cdktn App writing under outdir, with the provider versions every stack pins."""
    use_bundled_node()  # jsii starts the venv's Node, with the compiler's settings for it (node.py)
    # lazy: cdktn and jsii's Node; validate and the no-op synth never load them
    from cdktn import App

    from ..aws.base import TARGET_VERSIONS

    if not jsii_fast.install():  # less CPU per stack in jsii's Python runtime, the same output (jsii_fast.py)
        shortcuts.inactive("jsii-structs", "jsii's private functions changed: structs and requests take jsii's own, slower path")

    return App(outdir=outdir, context={"targetVersions": TARGET_VERSIONS}, stack_traces=False)


def build_app(plan: Plan, outdir: str) -> App:
    """Every stack of the plan as constructs in one cdktn App, not yet finalized (tests read cdktn's raw output)."""
    app = new_app(outdir)
    for name in plan.stack_names:
        build_stack(app, plan, name)
    return app


def build_stack(app: App, plan: Plan, name: str) -> PlatformStack:
    """One stack of the plan as constructs: the builder its kind names (plan/kinds.py) gets the organization-wide
    values and the stack's own record."""
    # lazy: the construct modules import cdktn; validate and the no-op synth never load them
    from ..aws.base import PlatformStack
    from ..aws.iam import iam

    stack = PlatformStack(app, name, backend=plan.values.backend, reads=plan.record(name).reads)
    entry(plan.kind(name).builder)(stack, plan.values, plan.stack_input(name))
    iam(stack).finish()  # the stack's IAM roles and policies, declared by its builders, as for_each constructs
    stack.write_moved()
    return stack


def _build_batch(plan: Plan, names: list[str], stage: Path) -> Built:
    scratch = Path(tempfile.mkdtemp(prefix=".build-", dir=stage))
    try:
        app = new_app(str(scratch))
        stacks = [build_stack(app, plan, name) for name in names]
        app.synth()
        if not all(stack.prepared for stack in stacks):
            shortcuts.inactive("cdktn-prepare-stack", "cdktn no longer calls PlatformStack.prepare_stack: every stack is resolved twice")
        return {name: write_stack(stage, name, (scratch / "stacks" / name / "cdk.tf.json").read_text(encoding="utf-8")) for name in names}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


_WORKER_PLAN: Plan | None = None
_WORKER_PLAN_FILE: str | None = None


def _init_worker(plan: Plan | None, temp: str) -> None:
    global _WORKER_PLAN
    # A replacement worker is forked by the pool's handler thread while this process's other threads may hold
    # the locks of its standard streams (progress lines): fresh streams, so that flushing them cannot block
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115 - this worker's stdout until it exits
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115 - as stdout
    # jsii writes a copy of its runtime to the temporary folder in every process: here the run's own folder,
    # which the synth process removes with its workers however they ended (Workers.stop)
    os.environ["TMPDIR"] = tempfile.tempdir = temp
    _WORKER_PLAN = plan  # None in workers started before the plan existed (early_workers): it comes as a file
    use_bundled_node()
    # lazy: cdktn once per worker, before its first batch; at module level every importer of build would pay for it
    import cdktn  # noqa: F401
    import cdktn_provider_aws  # noqa: F401

    _import_builders()
    # A worker leaves through multiprocessing's exit path, which runs its finalizers but not atexit, where jsii
    # stops its Node process (and removes its runtime copy): stopped here instead, when the pool is closed.
    multiprocessing.util.Finalize(None, _stop_jsii, exitpriority=10)


def _import_builders() -> None:
    """Import every construct module the stack-kind table names (and with them cdktn and the AWS bindings)."""
    for kind in KINDS.values():
        entry(kind.builder)


def _stop_jsii() -> None:
    try:
        from jsii._runtime import kernel  # lazy: started by this worker's _init_worker

        provider: Any = kernel.provider  # a ProcessProvider; its process is started (cdktn is imported)
        provider._process.stop()
    except Exception:  # noqa: BLE001 - best effort on the way out; Node also exits when its pipe closes
        pass


Task = tuple[list[str], str, str | None]  # stacks, stage folder, the pickled plan (None: the worker has it)


def _worker_task(task: Task) -> tuple[Built, int, int]:
    global _WORKER_PLAN, _WORKER_PLAN_FILE
    names, stage, plan_file = task
    if plan_file is not None and plan_file != _WORKER_PLAN_FILE:
        with open(plan_file, "rb") as f:
            _WORKER_PLAN = pickle.load(f)  # written by this run's build() a moment ago, never by anyone else
        _WORKER_PLAN_FILE = plan_file
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

    Part of the import runs in Node with the GIL free, so loading and planning the registry run beside it rather
    than before it (the gain on a one-team edit: docs/performance.md). Imports are thread-safe (per-module locks)."""
    use_bundled_node()  # set from this thread, before the other starts

    def run() -> None:
        try:
            # lazy: the point of this thread: cdktn loads beside the registry, and only when stacks are built
            import cdktn  # noqa: F401

            _import_builders()
        except Exception:  # noqa: BLE001 - the build imports again and reports it
            pass

    thread = threading.Thread(target=run, name="cdktn-prefetch", daemon=True)
    thread.start()
    return thread


# What one worker may take (Python and jsii's Node), above its measured peak at 500 teams (docs/performance.md).
WORKER_MEMORY_KB = 1_000_000


def default_jobs() -> int:
    """One worker per core this process may use, as many as the available memory holds."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        with open("/proc/meminfo") as f:
            available = next(int(line.split()[1]) for line in f if line.startswith("MemAvailable:"))
    except (OSError, StopIteration, ValueError):
        return cores
    return max(1, min(cores, available // WORKER_MEMORY_KB))


@contextlib.contextmanager
def _optimized_workers() -> Iterator[None]:
    """Workers started inside this block run Python optimized (PYTHONOPTIMIZE=1, as `python -O`), also when
    this process is not (main.py re-runs itself optimized; a test or another caller of build may not).

    jsii's generated bindings check every argument's type in Python on every call, inside `if __debug__:`, which
    optimized mode removes (https://github.com/aws/jsii/pull/3660): ~30 % of a worker's build time. The kernel
    still checks every value it receives, mypy --strict checks the calls statically, and the tests build in
    this (unoptimized) process, so a wrong argument is still caught. The output is the same bytes (tested)."""
    before = os.environ.get("PYTHONOPTIMIZE")
    os.environ["PYTHONOPTIMIZE"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONOPTIMIZE"]
        else:
            os.environ["PYTHONOPTIMIZE"] = before


@contextlib.contextmanager
def _beside(work: Callable[[], None] | None) -> Iterator[None]:
    """Run work in a thread while the block runs; its exception, if any, is raised when both are done."""
    if work is None:
        yield
        return
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - raised again in the calling thread
            failed.append(exc)

    thread = threading.Thread(target=run, name="synth-files", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
    if failed:
        raise failed[0]


def batches(names: list[str], size: int = BATCH, *, tail: int = 0) -> list[list[str]]:
    """names in batches of size; the last `tail` stacks in batches of a quarter of that, so that the workers
    finish together: the first to run out of work waits only for the others' last, small batch."""
    split = max(0, len(names) - tail) if tail else len(names)
    small = max(1, size // 4)
    return [names[i : min(i + size, split)] for i in range(0, split, size)] + [
        names[i : i + small] for i in range(split, len(names), small)
    ]


def _start_method() -> str:
    """fork when nothing forbids it, else spawn.

    A forked worker starts in milliseconds with the plan already in its memory; a spawned one starts Python,
    imports the compiler and unpickles the plan before its first batch. Forking is safe only while
    this process has not started jsii (its Node runtime and the threads reading its pipes would be shared) nor
    any other thread, on Linux, and when this process runs optimized, as workers must (_optimized_workers)."""
    if (
        sys.platform == "linux"
        and sys.flags.optimize
        and "jsii" not in sys.modules
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    ):
        return "fork"
    return "spawn"


@dataclasses.dataclass
class Workers:
    """Build processes (a pool) and their temporary folder; stopped and removed together, once."""

    pool: Pool
    jobs: int
    temp: Path
    env: contextlib.ExitStack  # PYTHONOPTIMIZE for the pool's lifetime: it also starts replacement workers
    stopped: bool = False
    used: bool = False  # given work: stopped by closing (they finish it); never used, terminated (an import is all they do)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.stop(failed=kind is not None)

    def stop(self, *, failed: bool) -> None:
        if self.stopped:
            return
        self.stopped = True
        if failed or not self.used:
            self.pool.terminate()  # at once: nothing they would still write is wanted
        else:
            self.pool.close()  # the workers leave through their exit path (_init_worker)
        self.pool.join()
        shutil.rmtree(self.temp, ignore_errors=True)
        self.env.close()


def _start_workers(method: str, jobs: int, plan: Plan | None) -> Workers:
    use_bundled_node()  # once here: the workers inherit it (node.py)
    for stream in (sys.stdout, sys.stderr):  # a forked worker flushes what it inherited when it exits: not twice
        stream.flush()
    temp = Path(tempfile.mkdtemp(prefix="sagemaker-registry-workers-"))
    # multiprocessing's Pool replaces a worker after maxtasksperchild batches (each task is one batch), so no
    # worker builds more than BATCHES_PER_WORKER
    env = contextlib.ExitStack()
    env.enter_context(_optimized_workers())
    try:
        pool = multiprocessing.get_context(method).Pool(
            jobs, initializer=_init_worker, initargs=(plan, str(temp)), maxtasksperchild=BATCHES_PER_WORKER
        )
    except BaseException:
        env.close()
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return Workers(pool, jobs, temp, env)


def _stop_on_error(workers: Workers) -> Callable[..., bool]:
    def exit_(kind: type[BaseException] | None, *exc: object) -> bool:
        if kind is not None:
            workers.stop(failed=True)
        return False

    return exit_


def early_workers(jobs: int) -> Workers | None:
    """Start the build workers now, so that their cdktn import runs while this process
    loads and plans the registry, not after: for a synth that rebuilds every stack (--full, or a changed
    compiler). Only where workers can be forked (_start_method): a spawned worker needs the plan to start."""
    if _start_method() != "fork":
        return None
    return _start_workers("fork", jobs, None)


def build(
    plan: Plan,
    names: list[str],
    stage: Path,
    *,
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
    workers: Workers | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[Built, list[int]]:
    """Build these stacks into stage/stacks; returns what was written and each worker's peak memory (kB).
    With `workers` (early_workers) the stacks are built by them, unless they are fewer than this many stacks would
    get (one worker started for an edit that rebuilds hundreds): stopped then, and a pool started. They get the plan
    cut down to these stacks (Plan.only). `meanwhile` (file work
    of the caller's, in stage but not in stage/stacks/<these stacks>) runs while the stacks are built."""
    out: Built = {}
    total = len(names)
    wanted = max(1, min(jobs, total // MIN_PER_WORKER or 1))
    if workers is not None and workers.jobs < wanted:  # started for an edit, which turned out to rebuild many stacks
        workers.stop(failed=False)
        workers = None
    if workers is None:
        jobs = wanted
        if jobs == 1 and total <= BATCH * BATCHES_PER_WORKER:  # this process builds: it has started importing cdktn
            # in a thread: its file system calls overlap the build's waits for Node (jsii calls stay in this one)
            with _beside(meanwhile):
                for batch in batches(names):
                    out.update(_build_batch(plan, batch, stage))
                    if progress:
                        progress(len(out), total)
            return out, [_peak_rss_kb()]
    else:
        jobs = workers.jobs
    peaks: dict[int, int] = {}
    size = min(BATCH, -(-total // jobs))
    with contextlib.ExitStack() as cleanup:
        plan_file = None
        if workers is None:
            # leaving the block stops them: closed after the last batch, terminated at once on an error
            own = cleanup.enter_context(_start_workers(_start_method(), jobs, plan))
        else:
            own = workers
            cleanup.push(_stop_on_error(workers))  # before the caller removes stage: no worker writes into it then
            fd, plan_file = tempfile.mkstemp(prefix=".plan-", suffix=".pickle", dir=stage)
            cleanup.callback(os.unlink, plan_file)
            with os.fdopen(fd, "wb") as f:
                pickle.dump(plan.only(names), f, protocol=pickle.HIGHEST_PROTOCOL)
        # the small last batches let several workers finish together; one worker builds its stacks in full batches
        tasks: list[Task] = [(batch, str(stage), plan_file) for batch in batches(names, size, tail=jobs * size if jobs > 1 else 0)]
        own.used = True
        results = own.pool.imap(_worker_task, tasks)  # the workers start on the first batches now
        if meanwhile:
            meanwhile()
        for _ in tasks:
            try:
                built, pid, peak = results.next(timeout=BATCH_DEADLINE)
            except multiprocessing.TimeoutError:
                raise BuildStalled(
                    f"no batch of stacks finished in {BATCH_DEADLINE:.0f} s: a build worker was stopped or is stuck "
                    "(out of memory?); nothing was written"
                ) from None
            out.update(built)
            peaks[pid] = max(peak, peaks.get(pid, 0))
            if progress:
                progress(len(out), total)
    return out, sorted(peaks.values())
