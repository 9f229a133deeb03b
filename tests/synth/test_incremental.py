"""Incremental and parallel synthesis give exactly the bytes of a full synthesis in one process."""

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import modules.engine.build
from modules.plan.layout import plan
from modules.registry.validate import load_registry
from tests.helpers import FIXTURES, TESTS, materialize, synthesize
from tests.synth.test_safety import shuffled_copy


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def compile_(registry: Path):
    return plan(load_registry(registry))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


MUTATIONS = {
    "member": [
        (
            "teams/fraud.yaml",
            "  - {person: dave, role: viewer}",
            "  - {person: dave, role: viewer}\n  - {person: carol, role: data-scientist}",
        )
    ],
    "templates-and-share": [
        (
            "teams/risk.yaml",
            "  instance_types: [ml.t3.medium]",
            "  instance_types: [ml.t3.medium, ml.m5.large]\n  project_templates: [build-train-deploy]\nshares:\n"
            "  - {name: risk-scores, kind: s3_prefix, resource: scores/, from: prod, to: [{team: fraud, environment: prod}]}",
        )
    ],
    "decommission": [
        ("teams/risk.yaml", "owners: [carol]", "owners: [carol]\nstatus: decommissioned"),
        ("teams/fraud.yaml", "{team: risk, environment: prod}", "{team: fraud, environment: dev}"),
    ],
}


def test_each_step_of_an_account_move_built_incrementally_equals_a_full_synth(base, tmp_path):
    """A team's step in account_moves reaches the output only through the records that the fingerprints cover (the
    accounts the organization declares or forgets, an access stack's lookup imports, where readers read an id), so
    each step built on the previous one's output is the full synthesis."""
    registry, full = base
    moving = tmp_path / "registry"
    shutil.copytree(registry, moving)
    text = (moving / "organization.yaml").read_text()
    incremental = tmp_path / "incremental"
    shutil.copytree(full, incremental)
    for step in ("organization", "import", "forget", None):
        (moving / "organization.yaml").write_text(text + (f"account_moves: {{risk: {step}}}\n" if step else ""))
        synthesize(compile_(moving), incremental, jobs=1, allow_destroy=True)
        fresh = tmp_path / f"fresh-{step}"
        synthesize(compile_(moving), fresh, full=True, jobs=1)
        assert tree(incremental) == tree(fresh), step


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_incremental_after_a_change_equals_a_full_synth(base, tmp_path, name):
    registry, full = base
    mutated = tmp_path / "registry"
    shutil.copytree(registry, mutated)
    for rel, old, new in MUTATIONS[name]:
        edit(mutated / rel, old, new)
    incremental = tmp_path / "incremental"
    shutil.copytree(full, incremental)
    result = synthesize(compile_(mutated), incremental, jobs=1, allow_destroy=True)  # byte identity, not the guard
    assert 0 < len(result.built) < result.stacks, "only the stacks whose inputs changed are built"
    fresh = tmp_path / "fresh"
    synthesize(compile_(mutated), fresh, full=True, jobs=1)
    assert tree(incremental) == tree(fresh)
    kept = set(plan_names(mutated)) - set(result.built)
    for stack in kept:  # kept stacks are the previous files, untouched
        rel = f"stacks/{stack}/cdk.tf.json"
        assert (incremental / rel).read_bytes() == (full / rel).read_bytes()


def plan_names(registry: Path) -> tuple[str, ...]:
    return compile_(registry).stack_names


def test_a_shuffled_registry_rebuilds_nothing(base, tmp_path):
    registry, full = base
    shuffled = shuffled_copy(registry, tmp_path / "registry", seed=7)
    out = tmp_path / "out"
    shutil.copytree(full, out)
    result = synthesize(compile_(shuffled), out, jobs=1)
    assert result.built == () and result.changed == ()
    assert tree(out) == tree(full)


def test_a_hand_edited_stack_file_is_rebuilt(base, tmp_path):
    registry, full = base
    out = tmp_path / "out"
    shutil.copytree(full, out)
    path = out / "stacks" / "fraud-dev" / "cdk.tf.json"
    path.write_text(path.read_text().replace("fraud", "FRAUD", 1))
    result = synthesize(compile_(registry), out, jobs=1)
    assert result.built == ("fraud-dev",)
    assert tree(out) == tree(full)


def test_parallel_equals_one_process(base, tmp_path, monkeypatch):
    registry, full = base
    monkeypatch.setattr(modules.engine.build, "MIN_PER_WORKER", 1)
    monkeypatch.setattr(modules.engine.build, "BATCH", 3)
    out = tmp_path / "parallel"
    result = synthesize(compile_(registry), out, full=True, jobs=2)
    # built in worker processes (their own tfexpr nonce); a worker that starts late may find no batch left
    assert 1 <= len(result.worker_peaks_kb) <= 2 and all(kb > 0 for kb in result.worker_peaks_kb)
    assert tree(out) == tree(full)


# The code below runs under `python -O` (as main.py does), where `assert` is removed: it checks with check().
CHECK = "def check(ok, what):\n    if not ok: raise SystemExit(f'check failed: {what}')\n"
PRELUDE = CHECK + (
    "import sys, pathlib, multiprocessing as mp, modules.engine.build as b; from tests.helpers import synthesize; "
    "from modules.plan.layout import plan; from modules.registry.validate import load_registry\n"
    # the start methods the build asks for
    "used = []; get = mp.get_context; mp.get_context = lambda method=None: (used.append(method), get(method))[1]\n"
    "the_plan = lambda: plan(load_registry(sys.argv[1])); out = pathlib.Path(sys.argv[2])\n"
)


def run_optimized(code: str, registry: Path, out: Path, tmp_path: Path) -> Path:
    """Run PRELUDE + code in `python -O` with a TMPDIR of its own; returns that folder, for what was left in it."""
    temp = tmp_path / "temp"
    temp.mkdir()
    proc = subprocess.run(
        [sys.executable, "-O", "-c", PRELUDE + code, str(registry), str(out)],
        cwd=TESTS.parent,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "TMPDIR": str(temp)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return temp


def test_forked_workers_build_the_same_bytes(base, tmp_path):
    """main.py runs optimized and has not started jsii when it builds: its workers are forked, not spawned,
    also the ones that replace a worker after BATCHES_PER_WORKER batches."""
    registry, full = base
    out = tmp_path / "forked"
    code = (
        "b.MIN_PER_WORKER = 1; b.BATCH = 3; b.BATCHES_PER_WORKER = 1\n"
        "r = synthesize(the_plan(), out, full=True, jobs=2)\n"
        "check('jsii' not in sys.modules and len(r.worker_peaks_kb) > 2, r); check(used == ['fork'], used)\n"
    )
    temp = run_optimized(code, registry, out, tmp_path)
    assert tree(out) == tree(full)
    assert list(temp.iterdir()) == [], "workers and their jsii leave nothing in the temporary folder"


def test_a_worker_killed_in_its_batch_stops_the_synth_instead_of_hanging_it(base, tmp_path):
    """The pool never hears of a batch whose worker died (the out-of-memory killer): past BATCH_DEADLINE synth stops."""
    registry, _ = base
    out = tmp_path / "killed"
    code = (
        "import os, signal; b.BATCH_DEADLINE = 5; build_stack = b.build_stack\n"
        "def dying(app, plan, name):\n"
        "    if name == 'fraud-dev': os.kill(os.getpid(), signal.SIGKILL)\n"
        "    build_stack(app, plan, name)\n"
        "b.build_stack = dying; w = b.early_workers(1); check(w is not None, 'forked')\n"
        "with w:\n"
        "    try: synthesize(the_plan(), out, full=True, workers=w)\n"
        "    except b.BuildStalled as e: check('no batch of stacks finished' in str(e) and w.stopped, e)\n"
        "    else: check(False, 'the lost batch went unnoticed')\n"
    )
    run_optimized(code, registry, out, tmp_path)
    assert not out.exists() and not list(tmp_path.glob(".killed-*")), "nothing written, no staging folder left"


def test_a_failed_batch_stops_the_early_workers_before_the_staging_folder_goes(base, tmp_path):
    registry, _ = base
    out = tmp_path / "failed"
    code = (
        "b.BATCH = 2; build_stack = b.build_stack\n"
        "def failing(app, plan, name):\n"
        "    if name == 'fraud-dev': raise RuntimeError('broken stack')\n"
        "    build_stack(app, plan, name)\n"
        "b.build_stack = failing; w = b.early_workers(2); check(w is not None, 'forked')\n"
        "with w:\n"
        "    try: synthesize(the_plan(), out, full=True, workers=w)\n"
        "    except RuntimeError as e: check('broken stack' in str(e) and w.stopped, ('workers still running', e))\n"
        "    else: check(False, 'the failed batch was not reported')\n"
    )
    temp = run_optimized(code, registry, out, tmp_path)
    assert not out.exists() and not list(tmp_path.glob(".failed-*")), "nothing written, no staging folder left"
    assert list(temp.iterdir()) == [], "terminated workers leave nothing in the temporary folder either"


def test_workers_started_before_the_registry_is_loaded_build_the_same_bytes(base, tmp_path):
    """A full synth starts its workers first (they import cdktn while the registry loads) and sends them the plan."""
    registry, full = base
    out = tmp_path / "early"
    code = (
        "b.BATCH = 3; w = b.early_workers(2); check(w is not None and used == ['fork'], used)\n"
        "with w: r = synthesize(the_plan(), out, full=True, jobs=1, workers=w)\n"
        "check('jsii' not in sys.modules and len(r.worker_peaks_kb) == 2, r)\n"  # both built, though jobs=1
    )
    temp = run_optimized(code, registry, out, tmp_path)
    assert tree(out) == tree(full)
    assert not list(out.rglob("*.pickle")), "the plan sent to the workers stays out of the output"
    # every worker stopped its jsii, which removed the runtime it had written; the process removed its own
    assert list(temp.iterdir()) == []


def test_an_edit_is_built_by_one_early_worker_that_gets_only_its_stacks(base, tmp_path):
    """A registry edit under the same compiler forks one worker before the registry loads; it receives the plan cut
    down to the stacks it builds (Plan.only), and builds the bytes a full synth writes."""
    registry, full = base
    out = tmp_path / "edit"
    shutil.copytree(full, out)
    prints = json.loads((out / "fingerprints.json").read_text())
    for name in ("risk-dev", "fraud-access"):
        prints["stacks"][name]["inputs"] = "0" * 64  # as after an edit of their inputs: these two are rebuilt
    (out / "fingerprints.json").write_text(json.dumps(prints))
    code = (
        "import pickle; dumped = []; dump = b.pickle.dump\n"
        "b.pickle.dump = lambda obj, f, **kw: (dumped.append(obj), dump(obj, f, **kw))[1]\n"
        "w = b.early_workers(1); check(w is not None and used == ['fork'], used)\n"
        "with w: r = synthesize(the_plan(), out, jobs=2, workers=w)\n"
        "check(sorted(r.built) == ['fraud-access', 'risk-dev'] and len(r.worker_peaks_kb) == 1, r)\n"
        "check('jsii' not in sys.modules, 'built here, not in the worker')\n"
        "sent = dumped[0]; check(sorted(sent.stack_names) == ['fraud-access', 'risk-dev'], sent.stack_names)\n"
        "check(len(sent.accounts) == 1 and len(sent.access) == 1 and not sent.shares and not sent.team_accounts, sent)\n"
    )
    run_optimized(code, registry, out, tmp_path)
    assert tree(out) == tree(full)


def test_one_early_worker_gives_way_to_a_pool_when_the_edit_rebuilds_many_stacks(base, tmp_path):
    registry, full = base
    out = tmp_path / "many"
    code = (
        "b.MIN_PER_WORKER = 1; b.BATCH = 3; w = b.early_workers(1); check(w is not None, 'forked')\n"
        "with w: r = synthesize(the_plan(), out, full=True, jobs=2, workers=w)\n"
        "check(w.stopped and len(r.worker_peaks_kb) == 2, (w.stopped, r.worker_peaks_kb))\n"
        "check(used.count('fork') == 2, used)\n"
    )
    temp = run_optimized(code, registry, out, tmp_path)
    assert tree(out) == tree(full)
    assert list(temp.iterdir()) == []


def test_an_invalid_registry_stops_the_early_workers_and_writes_nothing(tmp_path):
    registry = materialize(FIXTURES / "invalid" / "account-email-collision", tmp_path)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "main.py", "synth", "--full", "--jobs", "2", "--registry", str(registry), "--out", str(out)],
        cwd=TESTS.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_file_work_beside_the_build_raises_its_error_once_both_are_done():
    done = []

    def fails() -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        with modules.engine.build._beside(fails):
            done.append("block")
    assert done == ["block"]


def test_workers_are_spawned_where_forking_is_unsafe():
    # this process has started jsii (the fixtures build in it) and does not run optimized
    assert "jsii" in sys.modules or not sys.flags.optimize
    assert modules.engine.build._start_method() == "spawn"


@pytest.mark.parametrize("total,jobs", [(503, 2), (2003, 2), (20, 2), (7, 3), (80, 2), (1, 1)])
def test_batches_keep_every_stack_in_order_and_end_small(total, jobs):
    names = [f"s{i:04d}" for i in range(total)]
    size = min(modules.engine.build.BATCH, -(-total // jobs))
    got = modules.engine.build.batches(names, size, tail=jobs * size)
    assert [n for batch in got for n in batch] == names
    assert all(0 < len(batch) <= size for batch in got)
    if total >= 4 * jobs * size:  # the last batches are a quarter the size, so workers finish together
        assert all(len(batch) <= max(1, size // 4) for batch in got[-4 * jobs :])
    assert modules.engine.build.batches(names, size) == [names[i : i + size] for i in range(0, total, size)]


def test_workers_run_optimized_and_the_environment_is_restored(monkeypatch):
    """Workers skip the bindings' Python-side type checks (`if __debug__`); this process and its other children do not."""
    monkeypatch.setenv("PYTHONOPTIMIZE", "")
    with modules.engine.build._optimized_workers(), multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(eval, ("__import__('sys').flags.optimize, __debug__",)) == (1, False)
    assert os.environ["PYTHONOPTIMIZE"] == ""
    monkeypatch.delenv("PYTHONOPTIMIZE")
    with modules.engine.build._optimized_workers():
        pass
    assert "PYTHONOPTIMIZE" not in os.environ


def test_no_change_does_not_import_cdktn(base, tmp_path):
    registry, full = base
    out = tmp_path / "out"
    shutil.copytree(full, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    code = (
        "import sys; from modules.commands.cli import main; rc = main(['synth', '--registry', sys.argv[1], '--out', sys.argv[2], "
        "'--quiet']); assert rc == 0"
    )
    # `full` was written without the registry's digest: this synth loads and plans (and may start importing
    # cdktn beside it, modules/engine/build.py prefetch), builds nothing and keeps every stack file
    proc = subprocess.run(
        [sys.executable, "-c", code, str(registry), str(out)], cwd=TESTS.parent, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "(0 built" in proc.stdout and "no stack changed" in proc.stdout
    code += "; assert not any(m.startswith(('cdktn', 'jsii')) for m in sys.modules), 'cdktn'"
    stacks = {p: p.stat().st_mtime_ns for p in out.rglob("cdk.tf.json")}
    assert stacks == {p: t for p, t in before.items() if p.name == "cdk.tf.json"}, "no stack file was rewritten"
    # that synth stored the registry's digest: the next one stops before even loading the registry
    code += "; assert 'pydantic' not in sys.modules, 'pydantic'"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(registry), str(out)], cwd=TESTS.parent, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "registry and compiler as at the last synth" in proc.stdout and "no stack changed" in proc.stdout
    # an edited output file is never trusted:
    (out / "shares.json").write_text("{}")
    proc = subprocess.run(
        [sys.executable, "-c", code.split("; assert not")[0], str(registry), str(out)],
        cwd=TESTS.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and "(0 built" in proc.stdout, proc.stdout + proc.stderr
    assert (out / "shares.json").read_bytes() == (full / "shares.json").read_bytes()
