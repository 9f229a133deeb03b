import json
from pathlib import Path

import pytest

from modules.engine.destroy import instances
from modules.plan.layout import plan
from modules.registry.validate import load_registry
from tests.helpers import materialize, synthesize
from tests.resolve import fake_account_id, resolve  # noqa: F401 - re-exported for the tests


def synth_registry(registry: Path, out: Path, **kwargs) -> Path:
    reg = load_registry(registry)
    synthesize(plan(reg), out, **kwargs)
    return out


def stack(out: Path, name: str) -> dict:
    return json.loads((out / "stacks" / name / "cdk.tf.json").read_text())


def resources(doc: dict, rtype: str) -> dict:
    """The resources of one type by name; each instance of a `for_each` resource as `name["key"]`, its
    `each.key`/`each.value` references replaced by the instance's values (what Terraform plans)."""
    return {address.split(".", 1)[1]: body for address, body in instances(doc).items() if address.split(".", 1)[0] == rtype}


def policy(text: str) -> dict:
    return json.loads(resolve(text))


def iam_items(doc: dict, rtype: str) -> dict:
    """IAM roles, inline policies or attachments by the key each has in its stack (modules/aws/iam.py writes them
    as instances of one for_each resource per provider: `aws_iam_role.roles["execution-role"]` is "execution-role")."""
    return {name.split('["', 1)[1][:-2]: body for name, body in resources(doc, rtype).items()}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The base registry and its full synthesis in one process: what incremental, parallel and checked synths are
    compared with (test_incremental.py, test_checked_beside.py)."""
    root = tmp_path_factory.mktemp("incremental")
    registry = materialize(None, root)
    out = root / "full"
    synth_registry(registry, out, full=True, jobs=1)
    return registry, out
