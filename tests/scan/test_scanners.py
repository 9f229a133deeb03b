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


def test_a_suppression_with_a_stack_covers_that_stack_only():
    sup = [{"check": "CKV_AWS_70", "stack": "shared-services", "where": "aws_s3_bucket_policy.data-bucket-policy"}]
    hit = run.Finding("checkov", "CKV_AWS_70", "shared-services", "aws_s3_bucket_policy.data-bucket-policy", "x")
    other = run.Finding("checkov", "CKV_AWS_70", "recsys-dev", "aws_s3_bucket_policy.data-bucket-policy", "x")
    assert run.split([hit, other], sup)[0] == [other]
