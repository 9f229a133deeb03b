"""Every Terraform reference in the output points at something the same stack defines, with an attribute
the provider's typed binding has: the check `terraform validate` would make, without Terraform."""

import importlib
import json
import re

from modules.plan.layout import plan

REF = re.compile(r"\$\{(data\.)?(aws_[a-z0-9_]+|terraform_remote_state)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)")


def binding(tf_type: str, data: bool):
    # aws_vpc -> cdktn_provider_aws.vpc; data aws_availability_zones -> cdktn_provider_aws.data_aws_availability_zones
    module_name = f"data_{tf_type}" if data else tf_type.removeprefix("aws_")
    module = importlib.import_module(f"cdktn_provider_aws.{module_name}")
    for name in dir(module):
        cls = getattr(module, name)
        if isinstance(cls, type) and getattr(cls, "TF_RESOURCE_TYPE", None) == tf_type:
            return cls
    raise LookupError(tf_type)


def test_references_resolve_within_their_stack(example_out):
    checked = 0
    for path in sorted((example_out / "stacks").glob("*/cdk.tf.json")):
        doc = json.loads(path.read_text())
        text = path.read_text()
        for data, tf_type, name, attr in set(REF.findall(text)):
            block = doc.get("data" if data else "resource", {}).get(tf_type, {})
            assert name in block, f"{path.parent.name}: reference to undefined {'data.' if data else ''}{tf_type}.{name}"
            if tf_type == "terraform_remote_state":
                assert attr == "outputs"
                continue
            cls = binding(tf_type, bool(data))
            assert hasattr(cls, attr), f"{path.parent.name}: {tf_type} has no attribute {attr}"
            checked += 1
    assert checked > 100


READ = re.compile(r"data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([a-z0-9_]+)")


def test_remote_state_follows_the_stack_records(example_out, example_registry):
    """Each stack reads exactly the states its record names, and only outputs those stacks' records provide,
    which their construct modules define (item 3 of the architecture issue: one list decides)."""
    p = plan(example_registry)
    read_anywhere = set()
    for r in p.records:
        text = (example_out / "stacks" / r.name / "cdk.tf.json").read_text()
        doc = json.loads(text)
        assert sorted(doc.get("data", {}).get("terraform_remote_state", {})) == list(r.reads), r.name
        reads = set(READ.findall(text))
        assert {state for state, _ in reads} == set(r.reads), f"{r.name}: a remote state read for nothing"
        for state, output in reads:
            assert output in p.record(state).provides, f"{r.name} reads {state}.{output}, not in its record"
        read_anywhere |= reads
        if r.provides:
            assert set(r.provides) <= set(doc["output"]), f"{r.name} lacks an output its record provides"
    provided = {(r.name, o) for r in p.records for o in r.provides}
    assert read_anywhere == provided, "every provided output is read by some stack of the example"
