import json

import pytest

sagemaker = pytest.importorskip("sagemaker")

from model_pipeline.pipeline import build  # noqa: E402
from model_pipeline.settings import from_environment  # noqa: E402
from tests.test_settings import ENV  # noqa: E402


def test_definition_uses_the_teams_role_and_bucket(monkeypatch):
    from sagemaker.workflow.pipeline_context import LocalPipelineSession

    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    definition = json.loads(build(from_environment(ENV), session=LocalPipelineSession()).definition())
    assert [s["Name"] for s in definition["Steps"]][:2] == ["Preprocess", "Train"]
    text = json.dumps(definition)
    assert ENV["SAGEMAKER_EXECUTION_ROLE_ARN"] in text and "s3://acme-fraud-dev-data/projects/fraud-scoring" in text
