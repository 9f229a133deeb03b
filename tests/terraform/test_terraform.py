"""Terraform itself accepts every stack: `terraform validate` and `terraform plan` (offline, stand-in provider) on
the example registry and every valid fixture; planted defects in small handwritten stacks are each reported."""

import json
from pathlib import Path

import pytest

from tests.helpers import FIXTURES
from tests.terraform import runner

VALID = sorted(p for p in (FIXTURES / "valid").iterdir() if p.is_dir())


@pytest.fixture(scope="session")
def tier_results(terraform_env, example_out, synthesized_fixture, tmp_path_factory):
    """{source: [Result]} for the example and every valid fixture, checked together in one pool."""
    sources = {"example": example_out / "stacks"}
    sources.update({case.name: synthesized_fixture(case)[1] / "stacks" for case in VALID})
    # the example gets `validate` and `plan`; the fixtures `plan` alone (it validates too), to keep the tier short
    return runner.check_sources(sources, tmp_path_factory.mktemp("tf-tier"), terraform_env, plan_only=tuple(case.name for case in VALID))


def report(results) -> str:
    return "\n".join(f"{r.stack}:\n  " + "\n  ".join(r.errors) for r in results if not r.ok)


def test_example_stacks_validate_and_plan(tier_results):
    results = tier_results["example"]
    assert len(results) >= 3
    failed = [r for r in results if not r.ok]
    assert not failed, f"terraform refuses stacks of the example:\n{report(failed)}"


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_fixture_stacks_validate_and_plan(case, tier_results):
    results = tier_results[case.name]
    assert results, "no stacks synthesized"
    failed = [r for r in results if not r.ok]
    assert not failed, f"terraform refuses stacks of fixture {case.name}:\n{report(failed)}"


# ---- planted defects: each must be reported by Terraform with the stand-in provider ----

HEADER = {
    "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "6.69.1"}}},
    "provider": {"aws": [{"region": "eu-west-1"}]},
}
ROLE = {"name": "r", "assume_role_policy": "{}"}
PLANTED = {
    "unsupported-argument": (
        {"aws_iam_role": {"r": {**ROLE, "no_such_argument": "x"}}},
        'Extraneous JSON object property: No argument or block type is named "no_such_argument".',
    ),
    "missing-required-argument": (
        {"aws_iam_role": {"r": {"name": "r"}}},
        'Missing required argument: The argument "assume_role_policy" is required',
    ),
    "wrong-type": ({"aws_iam_role": {"r": {**ROLE, "tags": ["not", "a", "map"]}}}, "Incorrect attribute value type"),
    "too-many-blocks": (
        {"aws_s3_bucket_versioning": {"v": {"bucket": "b", "versioning_configuration": [{"status": "Enabled"}, {"status": "Suspended"}]}}},
        "Too many versioning_configuration blocks",
    ),
    "missing-block": ({"aws_s3_bucket_versioning": {"v": {"bucket": "b"}}}, "Insufficient versioning_configuration blocks"),
    "unknown-resource-type": (
        {"aws_no_such_thing": {"x": {}}},
        'Invalid resource type: The provider hashicorp/aws does not support resource type "aws_no_such_thing".',
    ),
    "unescaped-interpolation": (
        {"aws_s3_object": {"o": {"bucket": "b", "key": "k", "content": "Name: ${ProjectName}-bucket"}}},
        "Invalid reference: A reference to a resource type must be followed by at least one attribute access",
    ),
    "provider-argument": (
        {"aws_iam_role": {"r": ROLE}},
        'No argument or block type is named "regoin"',
        {"provider": {"aws": [{"regoin": "eu-west-1"}]}},
    ),
    "import-without-resource": (
        {"aws_iam_role": {"r": ROLE}},
        "Configuration for import target does not exist",
        {"import": [{"id": "x", "to": "aws_iam_role.missing"}]},
    ),
}


def write_stack(folder: Path, doc: dict) -> Path:
    folder.mkdir(parents=True)
    (folder / "cdk.tf.json").write_text(json.dumps({**HEADER, **doc}))
    return folder


@pytest.fixture(scope="module")
def planted(terraform_env, tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("planted")
    dirs = [
        write_stack(root / name, {"resource": planted[0], **(planted[2] if len(planted) > 2 else {})}) for name, planted in PLANTED.items()
    ]
    return {r.stack: r for r in runner.check_all(dirs, terraform_env)}


@pytest.mark.parametrize("name", PLANTED)
def test_planted_defect_is_reported(name, planted):
    expected = PLANTED[name][1]
    assert any(expected in e for e in planted[name].errors), planted[name].errors


def test_a_key_one_stack_reads_and_the_other_does_not_output_fails_the_plan(terraform_env, tmp_path):
    backend = {"s3": {"bucket": "state", "key": "producer/terraform.tfstate", "region": "eu-west-1"}}
    stacks = tmp_path / "stacks"
    write_stack(
        stacks / "producer",
        {
            "terraform": {**HEADER["terraform"], "backend": backend},
            "output": {"account_ids": {"value": {"team-dev": "${aws_iam_role.r.arn}"}}},
            "resource": {"aws_iam_role": {"r": ROLE}},
        },
    )
    reads = {"backend": "s3", "config": {"bucket": "state", "key": "producer/terraform.tfstate", "region": "eu-west-1"}}
    for name, key in (("reads-an-output", "team-dev"), ("reads-a-missing-key", "team-prod")):
        write_stack(
            stacks / name,
            {
                "data": {"terraform_remote_state": {"producer": reads}},
                "resource": {
                    "aws_iam_role": {
                        "r": {**ROLE, "description": f'${{data.terraform_remote_state.producer.outputs.account_ids["{key}"]}}'}
                    }
                },
            },
        )
    results = runner.check_sources({"two": stacks}, tmp_path / "work", terraform_env)["two"]
    by_name = {r.stack: r for r in results}
    assert by_name["producer"].ok and by_name["reads-an-output"].ok, report(results)
    assert any(e.startswith("plan: Invalid index") and "aws_iam_role.r" in e for e in by_name["reads-a-missing-key"].errors), by_name[
        "reads-a-missing-key"
    ].errors


def test_import_blocks_data_sources_and_nested_blocks_plan_cleanly(terraform_env, tmp_path):
    """A positive control for the stand-in itself: what the stacks use beyond plain resources."""
    doc = {
        "data": {
            "aws_organizations_organization": {"org": {}},
            "aws_iam_policy_document": {"p": {"statement": [{"actions": ["s3:GetObject"], "resources": ["*"]}]}},
        },
        "import": [{"id": "123456789012", "to": "aws_organizations_account.a"}],
        "resource": {
            "aws_organizations_account": {
                "a": {
                    "name": "a",
                    "email": "a@example.com",
                    "parent_id": "${data.aws_organizations_organization.org.roots[0].id}",
                    "lifecycle": {"prevent_destroy": True},
                }
            },
            "aws_iam_role": {
                "r": {
                    **ROLE,
                    "assume_role_policy": "${data.aws_iam_policy_document.p.json}",
                    "inline_policy": [{"name": "x", "policy": "{}"}],
                }
            },
        },
    }
    result = runner.check(write_stack(tmp_path / "control", doc), terraform_env)
    assert result.ok, result.errors


def test_the_real_provider_preparation_is_valid_terraform(terraform_env, example_out, tmp_path):
    """--real-provider (the PR workflow) rewrites provider blocks for a plan without credentials: still valid."""
    dirs = {d.name: d for d in runner.prepare(example_out / "stacks", tmp_path, real=True)}
    team = next(name for name in dirs if name not in ("organization", "identity", "shared-services"))
    provider = json.loads((dirs[team] / "cdk.tf.json").read_text())["provider"]["aws"][0]
    assert "assume_role" not in provider and provider["skip_requesting_account_id"] is True
    assert not runner.needs_aws_api(json.loads((dirs[team] / "cdk.tf.json").read_text()))
    assert runner.needs_aws_api(json.loads((dirs["organization"] / "cdk.tf.json").read_text()))
    result = runner.check(dirs[team], terraform_env)
    assert result.ok, result.errors


# ---- the schema derived from the bindings: a few facts of the real provider (no Terraform needed) ----


def test_the_schema_from_the_bindings_has_the_provider_shape():
    from tests.terraform import schema

    s = schema.load()
    assert len(s["resources"]) > 1500 and len(s["data_sources"]) > 600
    assert "alias" not in s["provider"]["attrs"] and "assume_role" in s["provider"]["blocks"]
    versioning = s["resources"]["aws_s3_bucket_versioning"]
    assert versioning["attrs"]["bucket"] == ["string", "r"]
    assert versioning["blocks"]["versioning_configuration"][:3] == ["list", 1, 1]  # required, at most one
    role = s["resources"]["aws_iam_role"]
    assert role["attrs"]["arn"] == ["string", "c"] and role["attrs"]["tags"] == [["map", "string"], "o"]
    assert role["blocks"]["inline_policy"][0] == "set"
    assert s["resources"]["aws_account_alternate_contact"]["blocks"]["timeouts"][0] == "single"
    roots = s["data_sources"]["aws_organizations_organization"]["attrs"]["roots"]
    assert roots[1] == "c" and roots[0][0] == "list" and roots[0][1][1]["policy_types"][0] == "list"
