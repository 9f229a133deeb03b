"""Managed users spread over hash buckets (modules/base/ids.py, user_bucket): a state from either earlier layout (one
construct per user, or one `for_each` of all users) follows the `moved` chain into the buckets, with the real
Terraform: every user moved, none created or destroyed."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.terraform import runner

PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]'


def _state(users: dict[str, dict], layout: str) -> dict:
    def attrs(name: str, v: dict) -> dict:
        return {
            "id": f"d-1/u-{name}",
            "user_id": f"u-{name}",
            "user_name": name,
            "identity_store_id": "d-1",
            "display_name": v["display_name"],
        }

    if layout == "one for_each":
        instances = [{"index_key": n, "schema_version": 0, "attributes": attrs(n, v)} for n, v in users.items()]
        res = [
            {
                "mode": "managed",
                "type": "aws_identitystore_user",
                "name": "users",
                "each": "map",
                "provider": PROVIDER,
                "instances": instances,
            }
        ]
    else:
        res = [
            {
                "mode": "managed",
                "type": "aws_identitystore_user",
                "name": f"user-{n}",
                "provider": PROVIDER,
                "instances": [{"schema_version": 0, "attributes": attrs(n, v)}],
            }
            for n, v in users.items()
        ]
    return {"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "test", "outputs": {}, "resources": res}


@pytest.mark.parametrize("layout", ["one for_each", "one construct per user"])
def test_users_follow_the_moved_chain_into_their_buckets(layout, terraform_env, example_out, tmp_path):
    d = {p.name: p for p in runner.prepare(example_out / "stacks", tmp_path)}["identity"]
    doc = json.loads((d / "cdk.tf.json").read_text())
    buckets = doc["resource"]["aws_identitystore_user"]
    assert len(buckets) > 1 and all(name.startswith("users-") for name in buckets)
    users = {n: v for b in buckets.values() for n, v in b["for_each"].items()}
    (d / "terraform.tfstate").write_text(json.dumps(_state(users, layout)))
    runner.announce_types([d], terraform_env)
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", **terraform_env}
    proc = subprocess.run(
        [runner.TERRAFORM, f"-chdir={d}", "plan", "-refresh=false", "-input=false", "-lock=false", "-json", "-no-color"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, runner.diagnostics(proc.stdout, "plan") or proc.stderr[-2000:]
    changes = [json.loads(line)["change"] for line in proc.stdout.splitlines() if '"type":"planned_change"' in line]
    mine = [c for c in changes if c["resource"]["resource_type"] == "aws_identitystore_user"]
    assert sorted(c["resource"]["resource_key"] for c in mine) == sorted(users)
    # moved, never created or deleted (an update: the state built here leaves out the name and email blocks)
    assert all(c["action"] in ("move", "update") and c.get("previous_resource") for c in mine), mine
