"""Run the real `terraform validate` and `terraform plan` on synthesized stacks, offline.

    python -m tests.terraform.runner [STACKS_DIR]                  # stand-in provider (default generated/stacks)
    python -m tests.terraform.runner --real-provider [STACKS_DIR]  # `terraform init` fetches hashicorp/aws (CI)

Each stack is copied to a work folder with its backend removed, and each `terraform_remote_state` is pointed at a
local state whose outputs are made from the producing stack's `output` blocks: a key that one stack reads and the
other does not output fails the plan. With the stand-in provider no `terraform init` is needed: every terraform
process attaches to one provider server (TF_REATTACH_PROVIDERS).
Exit status 1 when any stack fails, 2 when Terraform is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
TERRAFORM = "terraform"
PLACEHOLDER_ACCOUNT = "123456789012"
TYPES_VAR = "TF_STANDIN_TYPES_FILE"  # where the runner lists the types the stand-in serves (see provider.py)
STORE_VAR = "TF_STANDIN_STORE_FILE"  # the session's store (provider.py), for what data sources answer
_LOOKUP_EMAIL = re.compile(r'lower\(a\.email\) == lower\(("(?:[^"\\]|\\.)*")\)')
_types_lock = threading.Lock()


@dataclass
class Result:
    stack: str
    errors: list[str] = field(default_factory=list)  # "validate: <summary>: <detail> (<address>)"
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def missing() -> str | None:
    """Why the tier cannot run here, or None."""
    if shutil.which(TERRAFORM) is None:
        return "terraform is not on PATH"
    try:
        import grpc  # noqa: F401
        import msgpack  # noqa: F401
        from tf.gen import tfplugin_pb2  # noqa: F401
    except ImportError as exc:
        return f"the stand-in provider's libraries are missing ({exc.name}): pip install -e '.[test]'"
    return None


class StandIn:
    """The stand-in provider as one process for a session; `env` makes terraform attach to it (no init needed).

    with StandIn() as env: check(stack_dir, env)
    """

    def __init__(self, store: Path | None = None):
        """store: the JSON file of remote objects the provider answers from (provider.py); None: nothing drifts."""
        from tests.terraform import provider, schema

        self.store = store
        tgz = schema.bindings_tgz()
        self.schema_path = schema.cache_path(tgz)
        data = schema.load()
        self.response = self.schema_path.with_name(f"{self.schema_path.stem}-{_digest(HERE / 'provider.py')}.bin")
        if not self.response.is_file():
            tmp = self.response.with_suffix(".tmp")
            tmp.write_bytes(provider.build_response(data))
            tmp.replace(self.response)
            for stale in self.response.parent.glob(f"{self.schema_path.stem}-*.bin"):
                if stale != self.response:
                    stale.unlink()
        self.proc: subprocess.Popen | None = None
        self.env: dict[str, str] = {}

    def __enter__(self) -> dict[str, str]:
        self.tmp = tempfile.TemporaryDirectory(prefix="tf-standin-types-")
        types = Path(self.tmp.name) / "types.json"
        self.proc = subprocess.Popen(  # as a module of the repository: it reads the compiler's force-new table
            [sys.executable, "-m", "tests.terraform.provider", str(self.schema_path), str(self.response), str(types)]
            + ([str(self.store)] if self.store else []),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the stand-in provider did not start (exit {self.proc.wait()})")
        self.env = {"TF_REATTACH_PROVIDERS": line.strip(), TYPES_VAR: str(types)}
        return self.env

    def __exit__(self, *exc) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.tmp.cleanup()


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


# Placeholders by output name, well-formed for the real provider's validators too (--real-provider).
PLACEHOLDERS = [
    ("account", PLACEHOLDER_ACCOUNT),
    ("arn", f"arn:aws:iam::{PLACEHOLDER_ACCOUNT}:role/stand-in"),
    ("organization_id", "o-abcdefghij"),
    ("ou_id", "ou-abcd-abcdefgh"),
    ("domain_id", "d-abcdefghijkl"),
    ("id", "01234567-89ab-cdef-0123-456789abcdef"),
]


def sample(value, output: str):
    """A value of the output's shape for the local state: strings become placeholders, keys are kept."""
    if isinstance(value, dict):
        return {k: sample(v, output) for k, v in value.items()}
    if isinstance(value, list):
        return [sample(v, output) for v in value]
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    return next((v for key, v in PLACEHOLDERS if key in output), f"stand-in-{output}")


def cty_type(value):
    if isinstance(value, dict):
        return ["object", {k: cty_type(v) for k, v in value.items()}]
    if isinstance(value, list):
        return ["tuple", [cty_type(v) for v in value]]
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "string"


def local_state(doc: dict) -> dict:
    """A state file (format 4) whose outputs have the shape of the stack's `output` blocks."""
    outputs = {}
    for name, out in doc.get("output", {}).items():
        value = sample(out.get("value"), name)
        outputs[name] = {"value": value, "type": cty_type(value)}
    return {"version": 4, "terraform_version": "1.11.0", "serial": 1, "lineage": "stand-in", "outputs": outputs, "resources": []}


def prepare(stacks: Path, work: Path, real: bool = False, states: dict[str, Path] | None = None) -> list[Path]:
    """Copy every stack into work/<stack>: no backend, remote states read local files built from the outputs, or the
    state files `states` names by stack (states built for a test: real ids, a stack applied or not yet)."""
    docs = {p.parent.name: json.loads(p.read_text()) for p in sorted(stacks.glob("*/cdk.tf.json"))}
    by_key = {}
    (work / "states").mkdir(parents=True, exist_ok=True)
    for name, doc in docs.items():
        key = doc.get("terraform", {}).get("backend", {}).get("s3", {}).get("key", f"{name}/terraform.tfstate")
        by_key[key] = name
        (work / "states" / f"{name}.tfstate").write_text(json.dumps(local_state(doc)))
    dirs = []
    for name, doc in docs.items():
        doc.get("terraform", {}).pop("backend", None)
        for ds_name, ds in doc.get("data", {}).get("terraform_remote_state", {}).items():
            producer = by_key.get(ds.get("config", {}).get("key"), f"unknown-stack-{ds_name}")
            ds["backend"] = "local"
            ds["config"] = {"path": str((states or {}).get(producer) or work / "states" / f"{producer}.tfstate")}
        if real:
            _offline_provider_config(doc)
        target = work / name
        target.mkdir(parents=True, exist_ok=True)
        (target / "cdk.tf.json").write_text(json.dumps(doc, indent=1))
        dirs.append(target)
    return dirs


def _offline_provider_config(doc: dict) -> None:
    """For the real provider without credentials: no role to assume, no account lookup, fake static keys."""
    configs = doc.get("provider", {}).get("aws", [])
    for cfg in configs if isinstance(configs, list) else [configs]:
        cfg.pop("assume_role", None)
        cfg.update(
            access_key="stand-in",
            secret_key="stand-in",
            skip_credentials_validation=True,
            skip_requesting_account_id=True,
            skip_metadata_api_check="true",
        )
        cfg.pop("allowed_account_ids", None)


def existing_accounts(dirs: list[Path]) -> list[dict]:
    """The organization's accounts that the prepared stacks' import lookups name (a moving account is found by its
    email in the organization's account list, modules/base/ids.py account_lookup): in the tier they exist, with a
    made-up id each. What a move does with them is tested against built states (test_account_move.py)."""
    emails = set()
    for d in dirs:
        for imp in json.loads((d / "cdk.tf.json").read_text()).get("import", []):
            emails |= {json.loads(m) for m in _LOOKUP_EMAIL.findall(str(imp.get("id", "")))}
    fields = ("arn", "email", "id", "joined_method", "joined_timestamp", "name", "state", "status")  # the list's object type
    return [{k: None for k in fields} | {"email": email, "name": email.split("@")[0], "status": "ACTIVE"} for email in sorted(emails)]


def answer_lookups(dirs: list[Path], env: dict[str, str]) -> None:
    """Let the session's stand-in list the accounts these stacks look up (its store's data section)."""
    if STORE_VAR not in env:
        return
    path = Path(env[STORE_VAR])
    with _types_lock:
        doc = json.loads(path.read_text()) if path.is_file() else {}
        listed = doc.setdefault("data", {}).setdefault("aws_organizations_organization", {}).setdefault("accounts", [])
        have = {a["email"] for a in listed}
        new = [a for a in existing_accounts(dirs) if a["email"] not in have]
        listed += [a | {"id": str(900000000000 + len(have) + i)} for i, a in enumerate(new)]
        doc["data"]["aws_organizations_organization"]["non_master_accounts"] = listed
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(doc))
        tmp.replace(path)


def needs_aws_api(doc: dict) -> bool:
    """Data sources of the AWS provider and import blocks read AWS during plan: no plan without credentials."""
    return bool(doc.get("import")) or any(t.startswith("aws_") for t in doc.get("data", {}))


def diagnostics(lines: str, phase: str) -> list[str]:
    """Error diagnostics from `validate -json` (one document) or `plan -json` (one JSON message per line)."""
    found = []
    docs = []
    try:
        docs = [json.loads(lines)]
    except json.JSONDecodeError:
        docs = [json.loads(line) for line in lines.splitlines() if line.startswith("{")]
    for doc in docs:
        diags = doc.get("diagnostics") or ([doc["diagnostic"]] if "diagnostic" in doc else [])
        for d in diags:
            if d.get("severity") != "error":
                continue
            where = d.get("address") or (d.get("range") or {}).get("filename", "")
            snippet = (d.get("snippet") or {}).get("context") or ""
            found.append(
                f"{phase}: {d.get('summary')}: {d.get('detail', '').strip()}"
                + (f" ({where}{', ' + snippet if snippet else ''})" if where or snippet else "")
            )
    return found


def check(stack_dir: Path, env: dict[str, str], plan: bool = True, init: bool = False, validate: bool = True) -> Result:
    start = time.monotonic()
    announce_types([stack_dir], env)
    result = Result(stack_dir.name)
    run_env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_INPUT": "0", **env}

    def tf(*args) -> subprocess.CompletedProcess:
        return subprocess.run([TERRAFORM, f"-chdir={stack_dir}", *args], capture_output=True, text=True, env=run_env, timeout=600)

    if init:
        proc = tf("init", "-backend=false", "-input=false", "-no-color")
        if proc.returncode:
            result.errors.append(f"init: {proc.stderr.strip() or proc.stdout.strip()}")
            result.seconds = time.monotonic() - start
            return result
    if validate:
        proc = tf("validate", "-json", "-no-color")
        result.errors += diagnostics(proc.stdout, "validate")
        if proc.returncode and not result.errors:
            result.errors.append(f"validate: exit {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    if plan and result.ok:
        proc = tf("plan", "-refresh=false", "-input=false", "-lock=false", "-json", "-no-color", "-out", str(stack_dir / "tfplan"))
        result.errors += diagnostics(proc.stdout, "plan")
        if proc.returncode and not result.errors:
            result.errors.append(f"plan: exit {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    result.errors.sort()
    result.seconds = time.monotonic() - start
    return result


def announce_types(dirs: list[Path], env: dict[str, str]) -> None:
    """Add the resource and data source types these stacks name to the stand-in's list (it only grows)."""
    if TYPES_VAR not in env:
        return
    names = set()
    for d in dirs:
        doc = json.loads((d / "cdk.tf.json").read_text())
        names |= set(doc.get("resource", {})) | set(doc.get("data", {}))
        names |= {imp["to"].split(".")[-2] for imp in doc.get("import", []) if "." in imp.get("to", "")}
    path = Path(env[TYPES_VAR])
    with _types_lock:
        known = set(json.loads(path.read_text())) if path.is_file() else set()
        if not names <= known:
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(sorted(known | names)))
            tmp.replace(path)


def check_all(dirs: list[Path], env: dict[str, str], real: bool = False, workers: int = 2, validate: bool = True) -> list[Result]:
    """validate and plan every prepared stack folder, `workers` at a time (validate=False: plan only, which
    validates too and reports the same diagnostics)."""
    announce_types(dirs, env)

    def one(d: Path) -> Result:
        doc = json.loads((d / "cdk.tf.json").read_text())
        return check(d, env, plan=not (real and needs_aws_api(doc)), init=real, validate=validate)

    first = [one(dirs[0])] if real and dirs else []  # one init fills the plugin cache before any run in parallel
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return first + list(pool.map(one, dirs[len(first) :]))


def check_sources(
    sources: dict[str, Path], work: Path, env: dict[str, str], workers: int = 2, plan_only: tuple[str, ...] = ()
) -> dict[str, list]:
    """Results per source ({name: stacks folder}), all stacks in one pool; a stack whose JSON and the states it
    reads are byte-identical to one already checked (fixtures share most of the base registry) is run once.
    Sources named in plan_only skip the separate `validate` (plan reports the same diagnostics)."""
    import hashlib

    jobs: dict[str, Path] = {}
    keys: dict[str, list[tuple[str, str]]] = {}
    for source, stacks in sources.items():
        dirs = prepare(stacks, work / source)
        for d in dirs:
            original = (stacks / d.name / "cdk.tf.json").read_bytes()
            doc = json.loads((d / "cdk.tf.json").read_text())
            states = sorted(Path(ds["config"]["path"]) for ds in doc.get("data", {}).get("terraform_remote_state", {}).values())
            digest = hashlib.sha256(original + b"".join(p.read_bytes() for p in states if p.is_file())).hexdigest()
            jobs.setdefault(digest, d)
            keys.setdefault(source, []).append((d.name, digest))
    full = [k for k, d in jobs.items() if d.parent.name not in plan_only]
    light = [k for k in jobs if k not in full]
    announce_types(list(jobs.values()), env)
    answer_lookups(list(jobs.values()), env)
    results = dict(zip(full, check_all([jobs[k] for k in full], env, workers=workers), strict=True))
    results.update(zip(light, check_all([jobs[k] for k in light], env, workers=workers, validate=False), strict=True))
    out = {}
    for source, pairs in keys.items():
        out[source] = []
        for name, digest in pairs:
            r = results[digest]
            out[source].append(Result(name, list(r.errors), r.seconds))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.terraform.runner", description=__doc__.split("\n")[0])
    parser.add_argument("stacks", nargs="?", default=str(ROOT / "generated" / "stacks"))
    parser.add_argument(
        "--real-provider",
        action="store_true",
        help="terraform init downloads hashicorp/aws (needs the registry); plan skips stacks that "
        "read AWS (aws data sources, import blocks)",
    )
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    why = shutil.which(TERRAFORM) is None and "terraform is not on PATH" or (None if args.real_provider else missing())
    if why:
        print(f"terraform tier skipped: {why}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="tf-tier-") as tmp:
        dirs = prepare(Path(args.stacks), Path(tmp) / "stacks", real=args.real_provider)
        if args.real_provider:
            (Path(tmp) / "plugin-cache").mkdir()
            results = check_all(dirs, {"TF_PLUGIN_CACHE_DIR": str(Path(tmp) / "plugin-cache")}, real=True, workers=args.workers)
        else:
            with StandIn() as env:
                results = check_all(dirs, env, workers=args.workers)
    for r in results:
        print(f"{'ok  ' if r.ok else 'FAIL'} {r.stack} ({r.seconds:.1f} s)")
        for e in r.errors:
            print(f"     {e}")
    failed = [r.stack for r in results if not r.ok]
    print(
        f"terraform: {len(results) - len(failed)} of {len(results)} stacks validate and plan"
        + (f"; failing: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
