"""pipeline: a SageMaker pipeline the producing team creates with the SDK, shared through RAM.
https://docs.aws.amazon.com/sagemaker/latest/dg/build-and-manage-xaccount.html
"""

from __future__ import annotations

import re

from .base import ArtifactLookup, Endpoint, RamKind, Share


class Pipeline(RamKind):
    name = "pipeline"
    order = 30
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreatePipeline.html
    pattern = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}")
    allowed = "a pipeline name: letters, digits and inner hyphens, at most 256"
    example = "training"
    read = (
        "sagemaker:DescribePipeline",
        "sagemaker:DescribePipelineDefinitionForExecution",
        "sagemaker:DescribePipelineExecution",
        "sagemaker:ListPipelineExecutionSteps",
        "sagemaker:ListPipelineExecutions",
        "sagemaker:ListPipelineParametersForExecution",
    )
    write = (
        "sagemaker:RetryPipelineExecution",
        "sagemaker:SendPipelineExecutionStepFailure",
        "sagemaker:SendPipelineExecutionStepSuccess",
        "sagemaker:StartPipelineExecution",
        "sagemaker:StopPipelineExecution",
    )
    permissions = {"read": None, "write": None}  # the resource type's default permission
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribePipeline.html
    artifact_lookup = ArtifactLookup(
        service="sagemaker",
        describe="describe_pipeline",
        list_op="list_pipelines",
        list_key="PipelineSummaries",
        name_key="PipelineName",
        arn_key="PipelineArn",
        not_found=frozenset({"ResourceNotFound"}),
        created_with="the SageMaker SDK",
    )

    def arns(self, share: Share, producer: Endpoint, region: str) -> list[str]:
        pipeline = f"arn:aws:sagemaker:{region}:{producer.account_id}:pipeline/{share.resource.lower()}"
        return [pipeline, f"{pipeline}/*"]


KIND = Pipeline()
