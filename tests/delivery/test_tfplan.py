"""Terraform's numbers from `terraform show -json`: every action list of the format, counted once each.

https://developer.hashicorp.com/terraform/internals/json-format ("Change Representation")
"""

import json

import pytest

from modules.review.compare import summarize
from modules.review.model import ResourceAction, StackPlan
from modules.review.render import markdown
from modules.review.tfplan import PlanError, read_plans, stack_plan


def change(address, actions, **extra):
    rc = {
        "address": address,
        "mode": extra.pop("mode", "managed"),
        "type": address.split(".")[-2],
        "name": address.split(".")[-1],
        "change": {"actions": actions, **extra.pop("change", {})},
    }
    return {**rc, **extra}


def doc(*changes, **top):
    return {"format_version": "1.2", "resource_changes": list(changes), **top}


def test_each_action_list_is_counted_once():
    p = stack_plan(
        "s",
        doc(
            change("aws_s3_bucket.a", ["create"]),
            change("aws_iam_role.b", ["update"]),
            change(
                "aws_vpc.c",
                ["delete", "create"],
                action_reason="replace_because_cannot_update",
                change={"replace_paths": [["cidr_block"], ["tags", "Name"], ["ingress", 0, "cidr_blocks"]]},
            ),
            change("aws_security_group.d", ["create", "delete"]),  # create_before_destroy: still one replace
            change("aws_kms_key.e", ["delete"], action_reason="delete_because_no_resource_config"),
            change("aws_kms_key.f", ["no-op"]),
            change("data.aws_caller_identity.g", ["read"], mode="data"),
            change("aws_organizations_account.h", ["no-op"], change={"importing": {"id": "555555555555"}}),
            change("aws_organizations_account.i", ["update"], change={"importing": {"id": "666666666666"}}),
            change("aws_sagemaker_domain.j", ["delete"], deposed="00000001"),
        ),
    )
    assert (p.add, p.change, p.replace, p.destroy, p.imports) == (1, 2, 2, 2, 2)
    assert p.replaced == (
        ResourceAction("aws_security_group.d"),
        ResourceAction("aws_vpc.c", "replace_because_cannot_update", ("cidr_block", "tags.Name", "ingress[0].cidr_blocks")),
    )
    assert p.destroyed == (
        ResourceAction("aws_kms_key.e", "delete_because_no_resource_config"),
        ResourceAction("aws_sagemaker_domain.j (deposed 00000001)"),
    )
    assert p.destructive and not p.errored


def test_a_plan_without_changes():
    p = stack_plan("s", doc(change("aws_kms_key.f", ["no-op"])))
    assert p == StackPlan("s") and p.empty and not p.destructive


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"format_version": "2.0"}, "format_version 2.0 is not 1.x"),
        ({"resource_changes": []}, "format_version (none) is not 1.x"),
        (doc(change("aws_kms_key.x", ["delete", "update"])), "unknown actions ['delete', 'update']"),
    ],
)
def test_what_is_not_understood_is_refused(bad, message):
    with pytest.raises(PlanError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]")):
        stack_plan("s", bad)


def test_read_plans_reads_one_file_per_stack(tmp_path):
    (tmp_path / "b-stack.json").write_text(json.dumps(doc(change("aws_s3_bucket.a", ["create"]), errored=True)))
    (tmp_path / "a-stack.json").write_text(json.dumps(doc()))
    (tmp_path / "notes.txt").write_text("ignored")
    plans = read_plans(tmp_path)
    assert [(p.stack, p.add, p.errored) for p in plans] == [("a-stack", 0, False), ("b-stack", 1, True)]
    (tmp_path / "c.json").write_text("[1, 2]")
    with pytest.raises(PlanError, match="is not a Terraform plan"):
        read_plans(tmp_path)
    (tmp_path / "c.json").write_text("{")
    with pytest.raises(PlanError, match="cannot read"):
        read_plans(tmp_path)


def test_missing_and_errored_plans_are_said():
    s = summarize(None, _empty_registry(), [])
    s.stacks_to_plan = ["identity", "risk-dev"]
    s.plans = [StackPlan("risk-dev", add=1, errored=True)]
    text = markdown(s, "t")
    assert "| `risk-dev` **(plan errored)** | 1 | 0 | 0 | 0 | 0 |" in text
    assert "No plan for: `identity` (its plan failed or did not run: look at the workflow log)." in text
    assert "[!CAUTION]" not in text
    s.plans = []
    assert "No plan files were given." in markdown(s, "t")


def test_the_caution_comes_before_everything_else():
    s = summarize(
        None,
        _empty_registry(),
        ["organization"],
        [
            StackPlan(
                "organization", replace=1, replaced=(ResourceAction("aws_organizations_account.account-risk-dev", "replace_by_request"),)
            )
        ],
    )
    text = markdown(s, "t")
    assert text.index("[!CAUTION]") < text.index("### Accounts")
    assert "> **Terraform would replace or destroy resources** in `organization` (1 to replace)" in text
    assert "- `aws_organizations_account.account-risk-dev` (replace by request)" in text


def _empty_registry():
    from modules.plan.layout import plan
    from modules.registry.validate import load_registry
    from tests.helpers import BASE

    reg = load_registry(BASE)
    return reg, plan(reg)
