"""The scheduled drift workflow: it holds no AWS credentials of its own (the plan identity is reached only through the
reusable plan workflow), posts from a job without them, and keeps ONE issue whose sections the nightly shards replace,
closed only when no shard has anything left."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "drift.yml"


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def test_the_workflow_is_valid_and_credentials_stay_in_the_reusable_plan_workflow():
    check = ROOT / ".venv-scan" / "bin" / "check-jsonschema"
    proc = subprocess.run([str(check), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = workflow()
    assert set(doc[True]) == {"schedule", "workflow_dispatch"}  # PyYAML reads `on` as True
    jobs = doc["jobs"]
    assert jobs["plan"]["uses"] == "./.github/workflows/plan-stacks.yml" and jobs["plan"]["with"]["mode"] == "drift"
    for name, job in jobs.items():
        if name != "plan":
            assert "id-token" not in job.get("permissions", {}), f"{name} must not get an OIDC token"
            assert not any("configure-aws-credentials" in str(s.get("uses", "")) for s in job.get("steps", []))
    assert jobs["report"]["permissions"] == {"contents": "read", "issues": "write"}


def _script(tmp: Path) -> Path:
    run = workflow()["jobs"]["report"]["steps"][1]["run"]
    script = tmp / "issue.py"
    script.write_text(run[run.index("<<'PY'") + len("<<'PY'") : run.index("\nPY\n")])
    return script


def _night(tmp: Path, shard: str, terraform: int, access: int) -> str:
    """One night's report step: the artifact, the issue's old body; returns the state it decides (open/closed)."""
    (tmp / "drift").mkdir(exist_ok=True)
    for name, code in (("drift", terraform), ("access-drift", access)):
        (tmp / "drift" / f"{name}.json").write_text(json.dumps({"exit_code": code}))
        (tmp / "drift" / f"{name}.md").write_text(f"# {name} of shard {shard}: exit {code}\n")
    if (tmp / "body.md").exists():
        (tmp / "old.md").write_text((tmp / "body.md").read_text())
    else:
        (tmp / "old.md").write_text("")
    env = {**os.environ, "SHARD": shard, "RUN": f"https://example/runs/{shard}"}
    subprocess.run([sys.executable, str(_script(tmp))], cwd=tmp, env=env, check=True)
    return (tmp / "state").read_text()


def test_one_issue_one_section_per_shard_closed_when_no_shard_has_drift(tmp_path):
    assert _night(tmp_path, "0/2", 2, 0) == "open"
    assert _night(tmp_path, "1/2", 0, 0) == "open", "shard 0 still has drift"
    body = (tmp_path / "body.md").read_text()
    assert body.count("<!-- end of shard 0/2 -->") == 1 and body.count("<!-- end of shard 1/2 -->") == 1
    assert _night(tmp_path, "1/2", 0, 1) == "open", "a stack that could not be checked keeps it open"
    assert _night(tmp_path, "0/2", 0, 0) == "open"
    assert _night(tmp_path, "1/2", 0, 0) == "closed"
    body = (tmp_path / "body.md").read_text()
    assert body.count("## Shard") == 2 and "exit 2" not in body
