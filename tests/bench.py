"""`make bench`: validate, full, incremental, no-op and onboarding synth on generated registries, each target
printed with its margin. Prints numbers; asserts nothing (a missed target is a line saying so, not a failure).

    python -m tests.bench [--teams 100 500 1000] [--users managed external] [--jobs N] [--keep DIR] [--docs]
    make bench                      # every size and both user modes (long: ~25 min on 2 cores)
    make bench SIZES=100 USERS=managed

For each size and user mode: a registry of N teams x 4 environments with 5 to 10 members each (seeded, so every
run compiles the same registry), then `python main.py validate` and `python main.py synth` as child processes,
timed from outside, with the peak memory of the whole process tree (Python and the Node process jsii runs)
sampled from /proc and each build process's own peak as synth reports it. Then: a one-team edit, a no-op, a new
team onboarding (which stacks it changes), the states' sizes as Terraform counts them, and Terraform's own
`validate` and `plan` of the largest stack against the stand-in provider (tests/terraform). `--docs` writes the
tables into docs/performance.md between its bench markers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from modules.engine.destroy import instances
from modules.shares import KINDS as SHARE_KINDS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "registry"
ENVIRONMENTS = ("sandbox", "dev", "preprod", "prod")
ROLES = ("lead", "ml-engineer", "data-scientist", "viewer")
KINDS = tuple((name, kind.example) for name, kind in SHARE_KINDS.items())


def generate(dest: Path, teams: int, seed: int = 7, users: str = "managed") -> Path:
    """A registry of `teams` teams x 4 environments, built on the example's central files, with `users` (managed or
    external) in identity_center."""
    rng = random.Random(seed)
    reg = dest / "registry"
    shutil.copytree(EXAMPLE, reg, ignore=shutil.ignore_patterns("teams", "grants.yaml"))
    org = reg / "organization.yaml"
    text = org.read_text()
    if "  users: managed\n" not in text:
        raise SystemExit("bench: the example's organization.yaml no longer says `users: managed` where the bench sets the mode")
    org.write_text(text.replace("  users: managed\n", f"  users: {users}\n", 1))
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


CENTRAL = ("organization", "shared-services")  # the central states whose size must not grow with the teams
NEW_TEAM = "newcomers"


def sizes(out: Path) -> dict[str, int]:
    """Resources per stack as Terraform counts them in state (each instance of a `for_each` construct one)."""
    return {p.parent.name: len(instances(json.loads(p.read_text()))) for p in (out / "stacks").glob("*/cdk.tf.json")}


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


def stack_bytes(out: Path) -> dict[str, bytes]:
    return {p.parent.name: p.read_bytes() for p in (out / "stacks").glob("*/cdk.tf.json")}


def worker_peaks_mb(stdout: str) -> list[int]:
    line = next((x for x in stdout.splitlines() if x.startswith("peak memory per build process:")), "")
    return [int(part.split()[0]) for part in line.split(":", 1)[1].split(",")] if line else []


def onboard(reg: Path, people: list[str]) -> None:
    """A new team's first pull request: status onboarding, two environments, a few members."""
    members = "\n".join(f"  - {{person: {p}, role: {ROLES[i % len(ROLES)]}}}" for i, p in enumerate(people))
    (reg / "teams" / f"{NEW_TEAM}.yaml").write_text(
        f"name: {NEW_TEAM}\ndescription: A team joining\ncost_center: CC-9999\nowners: [{people[0]}]\nstatus: onboarding\n"
        f"environments: {{dev: {{}}, prod: {{}}}}\nmembers:\n{members}\n"
    )


def terraform_seconds(out: Path, stack: str) -> str:
    """`terraform validate` and `terraform plan` of one stack against the stand-in provider, timed apart."""
    from tests.terraform import runner

    why = runner.missing()
    if why:
        return f"skipped: {why}"
    with tempfile.TemporaryDirectory(prefix="bench-tf-") as tmp:
        dirs = {d.name: d for d in runner.prepare(out / "stacks", Path(tmp))}
        with runner.StandIn() as env:
            runner.announce_types([dirs[stack]], env)
            v = runner.check(dirs[stack], env, plan=False)
            try:
                p = runner.check(dirs[stack], env, validate=False)
            except subprocess.TimeoutExpired:
                return f"validate {v.seconds:.1f} s, plan over 600 s (stopped)"
    errors = v.errors + p.errors
    if errors:
        return f"FAILED: {errors[0][:200]}"
    return f"validate {v.seconds:.1f} s, plan {p.seconds:.1f} s"


@dataclass
class Target:
    what: str
    limit: float
    unit: str
    teams: int | None  # the size the target is for (None: every size)
    users: str | None = None


TARGETS = {
    "validate": Target("validate", 3.0, "s", 1000),
    "full": Target("full synth, 2 workers", 100.0, "s", 1000),
    "worker": Target("peak memory per build process", 1536, "MB", 1000),
    "edit": Target("one-team edit", 3.0, "s", 1000),
    "noop": Target("no-op synth", 1.0, "s", 1000),
    "largest": Target("largest state", 500, "resources", 1000, "external"),
}


def margin(target: Target, value: float) -> str:
    ok = value <= target.limit
    share = (target.limit - value) / target.limit * 100
    verdict = "met" if ok else "MISSED"
    return f"{verdict}: target <= {target.limit:g} {target.unit}, margin {share:+.0f} %"


@dataclass
class Measured:
    teams: int
    users: str
    stacks: int = 0
    resources: int = 0
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # step, value, peak / detail, target verdict
    central: dict[str, int] = field(default_factory=dict)
    identity: int = 0
    largest: tuple[str, int] = ("", 0)
    onboarding: list[str] = field(default_factory=list)

    def add(self, step: str, value: str, detail: str = "", key: str | None = None, number: float | None = None) -> None:
        target = TARGETS.get(key or "")
        applies = target is not None and (target.teams in (None, self.teams)) and (target.users in (None, self.users))
        verdict = margin(target, number) if applies and target is not None and number is not None else ""
        self.rows.append((step, value, detail, verdict))


def measure(n: int, users: str, jobs: int, keep: Path | None, env: dict[str, str], one_worker: bool) -> Measured:
    py = sys.executable
    work = Path(tempfile.mkdtemp(prefix=f"bench-{n}-{users}-")) if not keep else keep / f"teams-{n}-{users}"
    work.mkdir(parents=True, exist_ok=True)
    m = Measured(n, users)
    try:
        reg = generate(work, n, users=users)
        validate_s, _, _ = run([py, "main.py", "validate", "--registry", str(reg)], env)
        m.add("validate", f"{validate_s:.2f} s", key="validate", number=validate_s)
        synth = [py, "main.py", "synth", "--quiet", "--registry", str(reg)]
        many = work / "out"
        if one_worker:
            s1, m1, o1 = run([*synth, "--out", str(work / "one"), "--full", "--jobs", "1"], env)
            m.add("full synth, 1 worker", f"{s1:.1f} s", f"tree {m1} MB")
            shutil.rmtree(work / "one", ignore_errors=True)
        sn, mn, on = run([*synth, "--out", str(many), "--full", "--jobs", str(jobs)], env)
        m.add(f"full synth, {jobs} workers", f"{sn:.1f} s", f"tree {mn} MB", key="full" if jobs == 2 else None, number=sn)
        peaks = worker_peaks_mb(on)
        if peaks:
            m.add("peak memory per build process", f"{max(peaks)} MB", ", ".join(f"{p} MB" for p in peaks), key="worker", number=max(peaks))
        s0, m0, _ = run([*synth, "--out", str(many)], env)
        m.add("no-op synth", f"{s0:.2f} s", f"tree {m0} MB", key="noop", number=s0)
        team = reg / "teams" / "team001.yaml"
        text = team.read_text()
        everyone = [f"user{i:04d}" for i in range(n * 8)]
        newcomers = [p for p in everyone if p not in text][:3]
        edits = []  # three one-team edits, each a whole synth: a member added, then another, then a third
        for person in newcomers:
            text = text.replace("members:\n", f"members:\n  - {{person: {person}, role: data-scientist}}\n", 1)
            team.write_text(text)
            edits.append(run([*synth, "--out", str(many)], env))
        times = sorted(e[0] for e in edits)
        detail = f"median of 3 ({times[0]:.2f}-{times[-1]:.2f} s), tree {max(e[1] for e in edits)} MB"
        m.add("one-team edit (a member added)", f"{times[1]:.2f} s", detail, key="edit", number=times[1])
        counted = sizes(many)
        m.stacks, m.resources = len(counted), sum(counted.values())
        m.largest = max(counted.items(), key=lambda kv: (kv[1], kv[0]))
        m.central = {name: counted.get(name, 0) for name in CENTRAL}
        m.identity = counted.get("identity", 0)
        m.add("largest state", f"{m.largest[1]} resources", m.largest[0], key="largest", number=m.largest[1])
        before = stack_bytes(many)
        onboard(reg, everyone[:6])
        so, _, _ = run([*synth, "--out", str(many)], env)
        after = stack_bytes(many)
        m.onboarding = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        expected = [f"{NEW_TEAM}-access"]
        verdict = "met: only the new team's stacks" if m.onboarding == expected else f"MISSED: expected {expected}"
        m.rows.append(("team onboarding", f"{so:.2f} s", "changes " + (", ".join(m.onboarding) or "nothing"), verdict))
        floor = floor_seconds(many)
        m.rows.append(("json.dumps floor (same stacks)", f"{floor:.2f} s", "", ""))
        m.rows.append(("terraform, largest stack", terraform_seconds(many, m.largest[0]), m.largest[0], ""))
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    return m


def table(m: Measured) -> list[str]:
    return [
        f"#### {m.teams} teams, users: {m.users}",
        "",
        f"{m.stacks} stacks, {m.resources} resources; largest state `{m.largest[0]}` ({m.largest[1]}); "
        + "; ".join(f"`{k}` {v}" for k, v in m.central.items())
        + f"; `identity` {m.identity}",
        "",
        "| step | measured | detail | target |",
        "|---|---:|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in m.rows),
        "",
    ]


def summary(results: list[Measured]) -> list[str]:
    """The central states across sizes, per user mode: constant, or not."""
    lines = []
    by_mode: dict[str, list[Measured]] = {}
    for m in results:
        by_mode.setdefault(m.users, []).append(m)
    for users, ms in sorted(by_mode.items()):
        if len(ms) < 2:
            continue
        for name in CENTRAL:
            values = {m.teams: m.central[name] for m in ms}
            same = len(set(values.values())) == 1
            shown = ", ".join(f"{t} teams: {v}" for t, v in sorted(values.items()))
            verdict = "met: constant" if same else "MISSED: it grows with the teams"
            lines.append(f"- `{name}` (users: {users}): {shown} resources ({verdict})")
        values = {m.teams: m.identity for m in ms}
        lines.append(f"- `identity` (users: {users}): " + ", ".join(f"{t} teams: {v}" for t, v in sorted(values.items())) + " resources")
    return lines


def report(results: list[Measured], jobs: int) -> str:
    lines = [line for m in results for line in table(m)] + summary(results)
    lines += [
        "",
        f"Each step is a whole `python main.py` process timed from outside ({jobs} workers); tree: the process tree's "
        "resident memory (Python, worker processes and their Node), sampled from /proc; per build process: as synth "
        "reports it.",
    ]
    return "\n".join(lines)


DOCS = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin (make bench ... --docs writes this block) -->", "<!-- bench:end -->"


def write_docs(text: str) -> None:
    doc = DOCS.read_text()
    if BEGIN not in doc or END not in doc:
        raise SystemExit(f"bench: {DOCS} has no bench markers ({BEGIN} ... {END})")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    stamp = f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({platform.processor() or platform.machine()})."
    DOCS.write_text(f"{head}{BEGIN}\n{stamp}\n\n{text}\n{END}{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teams", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--users", nargs="+", choices=("managed", "external"), default=["managed", "external"])
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--one-worker", action="store_true", help="also time a full synth with one worker")
    parser.add_argument("--keep", type=Path, help="keep the generated registries and output here")
    parser.add_argument("--docs", action="store_true", help="write the tables into docs/performance.md")
    args = parser.parse_args(argv)
    env = {**os.environ, "CDKTN_DISABLE_CREATION_STACK": "1"}
    results = []
    for n in args.teams:
        for users in args.users:
            print(f"bench: {n} teams, users: {users} ...", file=sys.stderr, flush=True)
            results.append(measure(n, users, args.jobs, args.keep, env, args.one_worker))
            print("\n".join(table(results[-1])), flush=True)
    print("\n".join(summary(results)))
    text = report(results, args.jobs)
    if args.docs:
        write_docs(text)
        print(f"bench: wrote the tables into {DOCS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
