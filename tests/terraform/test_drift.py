"""`python main.py drift` against the real Terraform and the stand-in provider's store of remote objects: stacks of
the example, applied in effect (state files built from their plans, the store seeded from them), then changed
behind Terraform's back: nothing (exit 0), an attribute and a deleted profile (exit 2, names only), a stack whose
provider fails (exit 1, the others still reported)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.terraform import drift_state, runner

ROOT = Path(__file__).resolve().parents[2]
STACKS = ("pricing-access", "pricing-dev", "recsys-prod")
SECRET = "arn:aws:iam::999999999999:role/someone-else"


@pytest.fixture(scope="module")
def applied(example_out, tmp_path_factory):
    """(stacks folder, store file, seeded objects, env) with the stand-in answering from the store."""
    why = runner.missing()
    if why:
        pytest.skip(f"terraform tier skipped: {why}")
    work = tmp_path_factory.mktemp("drift")
    dirs = {d.name: d for d in runner.prepare(example_out / "stacks", work / "prepared")}
    chosen = work / "stacks"
    chosen.mkdir()
    for name in STACKS:
        dirs[name].rename(chosen / name)
    store = work / "store.json"
    with runner.StandIn(store=store) as env:
        objects: dict[str, dict] = {}
        for name in STACKS:
            for kind, found in drift_state.seed(chosen / name, env).items():
                objects.setdefault(kind, {}).update(found)
        store.write_text(json.dumps({"objects": objects}))
        for name in STACKS:
            drift_state.settle(chosen / name, env)
        yield chosen, store, objects, env


def drift(applied, store_doc, *args):
    stacks, store, _, env = applied
    store.write_text(json.dumps(store_doc))
    proc = subprocess.run(
        [sys.executable, "main.py", "drift", "--stacks", str(stacks), "--jobs", "2", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_nothing_drifted(applied):
    proc = drift(applied, {"objects": applied[2]}, "--format", "json")
    doc = json.loads(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [(s["stack"], s["status"]) for s in doc["stacks"]] == [(name, "in_sync") for name in STACKS]
    assert proc.stderr.startswith("drift: 3 stack(s): 3 in sync, 0 drifted, 0 failed")


def _changed(objects: dict) -> dict:
    objects = copy.deepcopy(objects)
    policy = objects["aws_s3_bucket_policy"]["pricing-dev/aws_s3_bucket_policy.data-bucket-policy"]
    policy["policy"] = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": SECRET}}]})
    del objects["aws_sagemaker_user_profile"]['pricing-dev/aws_sagemaker_user_profile.profiles["hana"]']
    budget = next(k for k in objects["aws_budgets_budget"] if k.startswith("recsys-prod/"))
    objects["aws_budgets_budget"][budget]["limit_amount"] = "99999"
    return objects


def test_drift_found_names_addresses_and_attributes_never_values(applied):
    proc = drift(applied, {"objects": _changed(applied[2])}, "--format", "json")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    doc = json.loads(proc.stdout)
    stacks = {s["stack"]: s for s in doc["stacks"]}
    assert stacks["pricing-access"]["status"] == "in_sync"
    assert {(d["address"], d["action"], tuple(d["attributes"])) for d in stacks["pricing-dev"]["drift"]} == {
        ("aws_s3_bucket_policy.data-bucket-policy", "update", ("policy",)),
        ('aws_sagemaker_user_profile.profiles["hana"]', "delete", ()),
    }
    assert stacks["recsys-prod"]["drift"][0]["attributes"] == ["limit_amount"]
    assert SECRET not in proc.stdout and "99999" not in proc.stdout, "values never reach the report"
    md = drift(applied, {"objects": _changed(applied[2])}).stdout
    assert "### pricing-dev" in md and '- `aws_sagemaker_user_profile.profiles["hana"]` deleted' in md
    assert "- `aws_s3_bucket_policy.data-bucket-policy` changed: `policy`" in md
    assert SECRET not in md


def test_a_stack_that_fails_hides_no_other(applied):
    doc = {"objects": _changed(applied[2]), "fail": {"aws_ssoadmin_account_assignment": "AccessDenied: not authorized to read"}}
    proc = drift(applied, doc, "--format", "json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    stacks = {s["stack"]: s for s in json.loads(proc.stdout)["stacks"]}
    assert stacks["pricing-access"]["status"] == "failed"
    assert "terraform plan failed" in stacks["pricing-access"]["error"] and "AccessDenied" in stacks["pricing-access"]["error"]
    assert stacks["pricing-dev"]["status"] == "drifted" and stacks["recsys-prod"]["status"] == "drifted"
    md = drift(applied, doc).stdout
    assert "## Could not be checked" in md and "- pricing-access: terraform plan failed" in md


def test_one_nights_shard_and_usage_problems(applied):
    stacks = applied[0]
    shares = [json.loads(drift(applied, {"objects": applied[2]}, "--format", "json", "--shard", f"{k}/2").stdout)["stacks"] for k in (0, 1)]
    assert sorted(s["stack"] for share in shares for s in share) == list(STACKS), "every stack in exactly one shard"
    proc = drift(applied, {"objects": applied[2]}, "--stack", "no-such-stack")
    assert proc.returncode == 3 and "no stack no-such-stack" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "main.py", "drift", "--stacks", str(stacks / "missing")], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 3 and "not found" in proc.stderr
