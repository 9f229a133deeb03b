"""`make bench`: validate, full, incremental and no-op synth on generated registries. Prints numbers; asserts nothing.

    python -m tests.bench [--teams 100 500] [--jobs N] [--keep DIR]

For each size: a registry of N teams x 4 environments with 5 to 10 members each (seeded, so every
run compiles the same registry), then `python main.py validate` and `python main.py synth` as
child processes, timed from outside, with the peak memory of the whole process tree (Python and
the Node process jsii runs) sampled from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from modules.engine.destroy import instances
from modules.shares import KINDS as SHARE_KINDS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "registry"
ENVIRONMENTS = ("sandbox", "dev", "preprod", "prod")
ROLES = ("lead", "ml-engineer", "data-scientist", "viewer")
KINDS = tuple((name, kind.example) for name, kind in SHARE_KINDS.items())


def generate(dest: Path, teams: int, seed: int = 7) -> Path:
    """A registry of `teams` teams x 4 environments, built on the example's central files."""
    rng = random.Random(seed)
    reg = dest / "registry"
    shutil.copytree(EXAMPLE, reg, ignore=shutil.ignore_patterns("teams", "grants.yaml"))
    (reg / "teams").mkdir()
    people = [f"user{i:04d}" for i in range(teams * 8)]
    lines = ["people:"]
    for p in people:
        lines.append(f"  - {{user_name: {p}, email: {p}@northwind.example, given_name: User, family_name: N{p[4:]}}}")
    lines.append("  - {user_name: amara, email: amara@northwind.example, given_name: Amara, family_name: Okafor}")
    (reg / "people.yaml").write_text("\n".join(lines) + "\n")
    names = [f"team{i:03d}" for i in range(teams)]
    for i, name in enumerate(names):
        members = rng.sample(people, rng.randint(5, 10))
        member_lines = [f"  - {{person: {m}, role: {ROLES[j % len(ROLES)]}}}" for j, m in enumerate(members)]
        kind, resource = KINDS[i % len(KINDS)]
        consumer = names[(i + 1) % teams]
        share = (
            [
                "shares:",
                f"  - name: {name}-share",
                f"    kind: {kind}",
                f"    resource: {resource}",
                "    from: prod" if kind != "pipeline" else "    from: dev",
                f"    to: [{{team: {consumer}, environment: {'prod' if kind != 'pipeline' else 'dev'}}}]",
            ]
            if teams > 1
            else []
        )
        text = "\n".join(
            [
                f"name: {name}",
                f"description: Synthetic team {i}",
                f"cost_center: CC-{1000 + i}",
                f"owners: [{members[0]}]",
                "environments: {sandbox: {}, dev: {}, preprod: {}, prod: {}}",
                "members:",
                *member_lines,
                "sagemaker:",
                "  instance_types: [ml.t3.medium, ml.m5.xlarge]",
                "  project_templates: [build-train-deploy]",
                *share,
            ]
        )
        (reg / "teams" / f"{name}.yaml").write_text(text + "\n")
    return reg


def _tree_rss_kb(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a command; return (seconds, peak RSS of its process tree in MB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    return elapsed, peak // 1024, out


def count(out: Path) -> tuple[int, int, str, int]:
    """(stacks, resources, the largest state, its resource count): resources as Terraform counts them in state,
    each instance of a `for_each` construct one."""
    sizes = {p.parent.name: len(instances(json.loads(p.read_text()))) for p in (out / "stacks").glob("*/cdk.tf.json")}
    largest = max(sizes, key=lambda k: sizes[k])
    return len(sizes), sum(sizes.values()), largest, sizes[largest]


def floor_seconds(out: Path) -> float:
    """The floor: the same stacks' JSON written from plain dicts with json.dumps (no cdktn, no jsii)."""
    docs = {p.parent.name: json.loads(p.read_text()) for p in sorted((out / "stacks").glob("*/cdk.tf.json"))}
    dest = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    try:
        start = time.perf_counter()
        for name, doc in docs.items():
            (dest / name).mkdir()
            (dest / name / "cdk.tf.json").write_text(json.dumps(doc, indent=2))
        return time.perf_counter() - start
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def tree(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def worker_peaks(stdout: str) -> str:
    line = next((x for x in stdout.splitlines() if x.startswith("peak memory per build process:")), "")
    return line.split(":", 1)[1].strip() if line else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teams", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--keep", type=Path, help="keep the generated registries and output here")
    args = parser.parse_args(argv)
    env = {**os.environ, "CDKTN_DISABLE_CREATION_STACK": "1"}
    py = sys.executable
    for n in args.teams:
        work = Path(tempfile.mkdtemp(prefix=f"bench-{n}-")) if not args.keep else args.keep / f"teams-{n}"
        work.mkdir(parents=True, exist_ok=True)
        try:
            reg = generate(work, n)
            rows = []
            validate_s, _, _ = run([py, "main.py", "validate", "--registry", str(reg)], env)
            rows.append(("validate", validate_s, "", ""))
            synth = [py, "main.py", "synth", "--quiet", "--registry", str(reg)]
            one = work / "one"
            s1, m1, o1 = run([*synth, "--out", str(one), "--full", "--jobs", "1"], env)
            rows.append(("full synth, 1 worker", s1, f"{m1} MB", worker_peaks(o1)))
            many = work / "many"
            sn, mn, on = run([*synth, "--out", str(many), "--full", "--jobs", str(args.jobs)], env)
            rows.append((f"full synth, {args.jobs} workers", sn, f"{mn} MB", worker_peaks(on)))
            identical = tree(one) == tree(many)
            s0, m0, _ = run([*synth, "--out", str(many)], env)
            rows.append(("no-op synth", s0, f"{m0} MB", ""))
            team = reg / "teams" / "team001.yaml"
            text = team.read_text()
            person = next(f"user{i:04d}" for i in range(n * 8) if f"user{i:04d}" not in text)
            team.write_text(text.replace("members:\n", f"members:\n  - {{person: {person}, role: data-scientist}}\n", 1))
            se, me, oe = run([*synth, "--out", str(many)], env)
            rows.append(("one-team edit (a member added)", se, f"{me} MB", worker_peaks(oe)))
            stacks, resources, largest, largest_n = count(many)
            floor = floor_seconds(many)
            print(
                f"\n## {n} teams: {stacks} stacks, {resources} resources; largest state {largest} ({largest_n} resources); "
                f"json.dumps floor {floor:.2f} s; 1 and {args.jobs} workers byte-identical: {identical}"
            )
            print(f"{'step':<34} {'seconds':>8} {'x floor':>8} {'peak (tree)':>12}  per worker")
            for name, sec, peak, workers in rows:
                print(f"{name:<34} {sec:>8.2f} {sec / floor:>8.1f} {peak:>12}  {workers}", flush=True)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    print(
        "\nEach step is a whole `python main.py` process timed from outside; peak (tree): the process tree's "
        "resident memory (Python, worker processes and their Node), sampled from /proc."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
