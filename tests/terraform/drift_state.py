"""Applied stacks without an apply: a state file built from a stack's own plan, and the stand-in's remote objects
seeded from it (provider.py's store). Then `terraform plan -refresh-only` sees exactly what the tests change.

A stack folder prepared by runner.prepare is planned (no refresh); every managed resource instance of the plan
becomes a state instance with its planned values, each value Terraform could not know yet filled with a placeholder
of its type, and a unique id (`<stack>/<address>`) so the store can tell objects apart. The store then holds the
same attributes by resource type and id: nothing has drifted until a test edits it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.terraform import provider, runner, schema

AWS = "registry.terraform.io/hashicorp/aws"


def _tf(stack_dir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    run_env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_INPUT": "0", **env}
    return subprocess.run(["terraform", f"-chdir={stack_dir}", *args], capture_output=True, text=True, env=run_env, timeout=600)


def _placeholder(t, path: str):
    """A known value of type t for what the plan left unknown; strings differ by path, so a set keeps its elements."""
    return f"stand-in:{path}" if t == "string" else provider.default_value(t, path)


def _known(t, value, unknown, path: str):
    """value with each part Terraform marked unknown (after_unknown: true, or a list or map of such marks) filled."""
    if unknown is True:
        return _placeholder(t, path)
    if isinstance(unknown, list) and isinstance(t, list) and t[0] in ("list", "set"):
        items = list(value or []) + [None] * max(0, len(unknown) - len(value or []))
        return [_known(t[1], v, unknown[i] if i < len(unknown) else False, f"{path}.{i}") for i, v in enumerate(items)]
    if isinstance(unknown, dict) and isinstance(t, list) and t[0] in ("object", "map"):
        inner = (lambda k: t[1].get(k, "dynamic")) if t[0] == "object" else (lambda k: t[1])
        keys = set(value or {}) | set(unknown)
        return {k: _known(inner(k), (value or {}).get(k), unknown.get(k, False), f"{path}.{k}") for k in sorted(keys)}
    return value


def _filled(block: dict, values: dict, unknown: dict, oid: str) -> dict:
    """Planned values with every unknown (and unset computed) attribute given a placeholder of its type."""
    known = dict(values)
    for name, mark in (unknown or {}).items():
        if name in block["attrs"]:
            known[name] = _known(block["attrs"][name][0], values.get(name), mark, name)
    out = provider.walk(block, known, provider.default_value)
    out["id"] = oid
    return out


def seed(stack_dir: Path, env: dict[str, str]) -> dict[str, dict[str, dict]]:
    """Write stack_dir/terraform.tfstate as if the stack's plan had been applied; return its objects for the store."""
    runner.announce_types([stack_dir], env)
    plan_file = stack_dir / "seed.tfplan"
    proc = _tf(stack_dir, env, "plan", "-refresh=false", "-lock=false", "-input=false", "-no-color", "-out", str(plan_file))
    if proc.returncode:
        raise RuntimeError(f"plan of {stack_dir.name} failed: {proc.stderr[-2000:]}")
    doc = json.loads(_tf(stack_dir, env, "show", "-json", str(plan_file)).stdout)
    plan_file.unlink()
    resources = schema.load()["resources"]
    aliases = {r["address"]: r.get("provider_config_key", "aws") for r in doc["configuration"]["root_module"].get("resources", [])}
    unknown = {rc["address"]: rc["change"].get("after_unknown") or {} for rc in doc.get("resource_changes", [])}
    grouped: dict[tuple[str, str], dict] = {}
    objects: dict[str, dict[str, dict]] = {}
    for r in doc["planned_values"]["root_module"].get("resources", []):
        if r["mode"] != "managed":
            continue
        oid = f"{stack_dir.name}/{r['address']}"
        attrs = _filled(resources[r["type"]], r.get("values") or {}, unknown.get(r["address"], {}), oid)
        base = f"{r['type']}.{r['name']}"
        key = aliases.get(base, "aws")
        entry = grouped.setdefault(
            (r["type"], r["name"]),
            {
                "mode": "managed",
                "type": r["type"],
                "name": r["name"],
                "provider": f'provider["{AWS}"]' + (f".{key.split('.', 1)[1]}" if "." in key else ""),
                "instances": [],
            },
        )
        instance = {"schema_version": 0, "attributes": attrs, "sensitive_attributes": []}
        if "index" in r:
            instance["index_key"] = r["index"]
        entry["instances"].append(instance)
        objects.setdefault(r["type"], {})[oid] = attrs
    state = {"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": f"seed-{stack_dir.name}", "outputs": {}}
    state["resources"] = list(grouped.values())
    (stack_dir / "terraform.tfstate").write_text(json.dumps(state))
    return objects


def settle(stack_dir: Path, env: dict[str, str]) -> None:
    """Save the outputs into the seeded state, as an apply would have (a refresh-only apply calls no Apply RPC); run
    once the store holds the stack's objects."""
    proc = _tf(stack_dir, env, "apply", "-refresh-only", "-auto-approve", "-lock=false", "-input=false", "-no-color")
    if proc.returncode:
        raise RuntimeError(f"refresh-only apply of {stack_dir.name} failed: {proc.stderr[-2000:]}")
