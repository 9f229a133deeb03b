import pytest

from model_pipeline.settings import DEFAULT_INSTANCE_TYPE, SettingsError, from_environment

ENV = {
    "SAGEMAKER_EXECUTION_ROLE_ARN": "arn:aws:iam::123456789012:role/acme-fraud-dev-sagemaker-execution",
    "SAGEMAKER_BUCKET": "acme-fraud-dev-data",
    "SAGEMAKER_PROJECT_NAME": "fraud-scoring",
}


def test_reads_role_bucket_and_project():
    s = from_environment(ENV)
    assert (s.role_arn, s.bucket, s.project, s.instance_type) == (
        ENV["SAGEMAKER_EXECUTION_ROLE_ARN"], "acme-fraud-dev-data", "fraud-scoring", DEFAULT_INSTANCE_TYPE)
    assert s.prefix == "s3://acme-fraud-dev-data/projects/fraud-scoring"


def test_missing_variables_are_named():
    with pytest.raises(SettingsError, match="SAGEMAKER_BUCKET"):
        from_environment({k: v for k, v in ENV.items() if k != "SAGEMAKER_BUCKET"})


def test_role_must_be_a_role_arn():
    with pytest.raises(SettingsError, match="not a role ARN"):
        from_environment({**ENV, "SAGEMAKER_EXECUTION_ROLE_ARN": "acme-fraud-dev-sagemaker-execution"})
