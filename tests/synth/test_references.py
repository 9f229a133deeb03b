"""Every Terraform reference in the output points at something the same stack defines, with an attribute
the provider's typed binding has: the check `terraform validate` would make, without Terraform."""
import importlib
import json
import re

import pytest

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


@pytest.mark.parametrize("stack,output", [("organization", "account_ids"), ("organization", "ou_ids"),
                                          ("identity", "user_ids"),
                                          ("identity", "group_ids"), ("identity", "permission_set_arns"),
                                          ("shared-services", "portfolio_ids")])
def test_outputs_other_stacks_read_exist(example_out, stack, output):
    doc = json.loads((example_out / "stacks" / stack / "cdk.tf.json").read_text())
    assert output in doc["output"]
    readers = [p.parent.name for p in (example_out / "stacks").glob("*/cdk.tf.json")
               if f"terraform_remote_state.{stack}.outputs.{output}" in p.read_text()]
    assert readers, f"nobody reads {stack}.{output}"
