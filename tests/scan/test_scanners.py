"""checkov and parliament over every synthesized stack of the example: no finding outside the reviewed suppressions."""

import json

import pytest

from tests.scan import run


@pytest.fixture(scope="module")
def suppressions():
    return run.load_suppressions()


def test_scanners_are_installed():
    assert (run.SCAN_BIN / "checkov").exists() and (run.SCAN_BIN / "python").exists(), "run `make setup`"


def test_every_suppression_has_a_reason(suppressions):
    for scanner in ("checkov", "parliament"):
        for s in suppressions[scanner]:
            assert len(s.get("reason", "").split()) >= 8, s
            assert s.get("check" if scanner == "checkov" else "issue") and s.get("where"), s
            assert s.get("role", next(iter(run.ROLES))) in run.ROLES, s


@pytest.mark.parametrize("scanner", ["checkov", "parliament"])
def test_no_finding_outside_the_suppressions(example_out, suppressions, scanner):
    findings = (run.run_checkov if scanner == "checkov" else run.run_parliament)(example_out / "stacks")
    assert findings, "the scanner ran on nothing"
    open_findings, unused = run.split(findings, suppressions[scanner])
    assert [str(f) for f in open_findings] == []
    assert unused == [], "suppressions that match nothing are stale: remove them"


def test_every_policy_is_linted(example_out):
    policies = run.extract_policies(example_out / "stacks")
    kinds = {p["where"].split(".")[0] for p in policies}
    assert {
        "aws_iam_role_policy",
        "aws_organizations_policy",
        "aws_ssoadmin_permission_set_inline_policy",
        "aws_s3_bucket_policy",
        "aws_kms_key",
        "aws_ecr_repository_policy",
        "aws_sagemaker_model_package_group_policy",
        "aws_iam_role",
        "aws_codeartifact_domain_permissions_policy",
        "aws_codeartifact_repository_permissions_policy",
    } == kinds
    # every document with its own values: an instance's policy, not the for_each's `${each.value.policy}`
    assert not [p["where"] for p in policies if "each." in p["text"]]
    for p in policies:
        json.loads(p["text"])
    trusts = {p["where"] for p in policies if p["where"].startswith("aws_iam_role.")}
    assert 'aws_iam_role.roles["execution-role"]' in trusts and 'aws_iam_role.roles-shared-services["ci-role"]' in trusts


def test_a_real_finding_is_reported(tmp_path, suppressions):
    """The harness is not blind: a bucket without encryption or versioning is caught."""
    import json

    stack = tmp_path / "stacks" / "bad"
    stack.mkdir(parents=True)
    stack.joinpath("cdk.tf.json").write_text(json.dumps({"resource": {"aws_s3_bucket": {"loose": {"bucket": "loose"}}}}))
    open_findings, _ = run.split(run.run_checkov(tmp_path / "stacks"), suppressions["checkov"])
    assert any(f.rule == "CKV2_AWS_6" for f in open_findings)  # public access block missing


@pytest.mark.parametrize("scanner", ["checkov", "parliament"])
def test_the_suppressions_hold_for_a_registry_in_other_regions(tmp_path, suppressions, scanner):
    """A suppression names what a resource is for, never the example's values: the example moved to other regions
    (a home region with no eu- in it, and a second region the example never names) has no open finding either."""
    import shutil

    from tests.helpers import EXAMPLE
    from tests.synth.conftest import synth_registry

    registry = tmp_path / "registry"
    shutil.copytree(EXAMPLE, registry)
    org = registry / "organization.yaml"
    text = org.read_text().replace("home_region: eu-west-1", "home_region: us-east-2")
    org.write_text(text.replace("allowed_regions: [eu-west-1, eu-central-1]", "allowed_regions: [us-east-2, ap-southeast-2]"))
    catalog = registry / "catalog.yaml"
    catalog.write_text(catalog.read_text().replace("codeconnections:eu-west-1:", "codeconnections:us-east-2:"))
    out = synth_registry(registry, tmp_path / "out")
    doc = json.loads((out / "stacks" / "recsys-dev" / "cdk.tf.json").read_text())
    assert "eu-" not in json.dumps(doc.get("resource", {}).get("aws_config_configuration_recorder")), "the regions moved"
    findings = (run.run_checkov if scanner == "checkov" else run.run_parliament)(out / "stacks")
    assert findings and [str(f) for f in run.split(findings, suppressions[scanner])[0]] == []


def test_a_suppression_with_a_role_covers_the_resources_that_play_it_only():
    sup = [{"check": "CKV2_AWS_48", "where": "aws_config_configuration_recorder.config-recorder[*]", "role": "outside-home-region"}]
    other = run.Finding("checkov", "CKV2_AWS_48", "a-dev", 'aws_config_configuration_recorder.config-recorder["x-1"]', "d")
    away = run.Finding("checkov", "CKV2_AWS_48", "a-dev", other.where, "d", frozenset({"outside-home-region"}))
    assert run.split([other, away], sup) == ([other], [])
    home = {"provider": {"aws": [{"region": "us-east-2"}, {"alias": "management", "region": "eu-west-1"}]}}
    assert run.roles({"region": "ap-southeast-2"}, home) == {"outside-home-region"}
    assert run.roles({"region": "us-east-2"}, home) == frozenset() == run.roles({}, home)


def test_a_suppression_with_a_stack_covers_that_stack_only():
    sup = [{"check": "CKV_AWS_70", "stack": "shared-services", "where": "aws_s3_bucket_policy.data-bucket-policy"}]
    hit = run.Finding("checkov", "CKV_AWS_70", "shared-services", "aws_s3_bucket_policy.data-bucket-policy", "x")
    other = run.Finding("checkov", "CKV_AWS_70", "recsys-dev", "aws_s3_bucket_policy.data-bucket-policy", "x")
    assert run.split([hit, other], sup)[0] == [other]
