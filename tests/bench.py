"""`make bench`: validate and synth on generated registries of many teams. Prints numbers; asserts nothing.

    python -m tests.bench [--teams 25 100] [--keep DIR]

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

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "registry"
ENVIRONMENTS = ("sandbox", "dev", "preprod", "prod")
ROLES = ("lead", "ml-engineer", "data-scientist", "viewer")
KINDS = (("model_package_group", "models"), ("feature_group", "features"), ("pipeline", "training"),
         ("s3_prefix", "exports/daily/"), ("ecr_repository", "images/base"))


def generate(dest: Path, teams: int, seed: int = 7) -> Path:
    """A registry of `teams` teams x 4 environments, built on the example's central files."""
    rng = random.Random(seed)
    reg = dest / "registry"
    shutil.copytree(EXAMPLE, reg, ignore=shutil.ignore_patterns("teams"))
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
        share = [
            "shares:",
            f"  - name: {name}-share",
            f"    kind: {kind}",
            f"    resource: {resource}",
            "    from: prod" if kind != "pipeline" else "    from: dev",
            f"    to: [{{team: {consumer}, environment: {'prod' if kind != 'pipeline' else 'dev'}}}]",
        ] if teams > 1 else []
        text = "\n".join([
            f"name: {name}",
            f"description: Synthetic team {i}",
            f"cost_center: CC-{1000 + i}",
            f"owners: [{members[0]}]",
            "environments: {sandbox: {}, dev: {}, preprod: {}, prod: {}}",
            "members:", *member_lines,
            "sagemaker:",
            "  instance_types: [ml.t3.medium, ml.m5.xlarge]",
            "  project_templates: [build-train-deploy]",
            *share,
        ])
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


def count(out: Path) -> tuple[int, int]:
    stacks = sorted((out / "stacks").glob("*/cdk.tf.json"))
    resources = sum(sum(len(v) for v in json.loads(p.read_text()).get("resource", {}).values()) for p in stacks)
    return len(stacks), resources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teams", type=int, nargs="+", default=[25, 100])
    parser.add_argument("--keep", type=Path, help="keep the generated registries and output here")
    args = parser.parse_args(argv)
    env = {**os.environ, "CDKTN_DISABLE_CREATION_STACK": "1"}
    py = sys.executable
    print(f"{'teams':>5} {'stacks':>6} {'resources':>9} {'validate s':>10} {'synth s':>8} {'peak MB':>8} {'res/s':>7}")
    for n in args.teams:
        work = Path(tempfile.mkdtemp(prefix=f"bench-{n}-")) if not args.keep else args.keep / f"teams-{n}"
        work.mkdir(parents=True, exist_ok=True)
        try:
            reg = generate(work, n)
            validate_s, _, _ = run([py, "main.py", "validate", "--registry", str(reg)], env)
            out = work / "generated"
            synth_s, peak_mb, _ = run([py, "main.py", "synth", "--quiet", "--registry", str(reg), "--out", str(out)], env)
            stacks, resources = count(out)
            print(f"{n:>5} {stacks:>6} {resources:>9} {validate_s:>10.2f} {synth_s:>8.1f} {peak_mb:>8} {resources / synth_s:>7.0f}",
                  flush=True)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    print("validate: the whole `python main.py validate` process; synth: `python main.py synth` (it re-runs itself with -O), Node included.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
