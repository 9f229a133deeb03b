"""The project's pipeline: preprocess the raw data, train XGBoost, register the model for approval.

    python -m model_pipeline.pipeline            # print the pipeline definition (JSON)
    python -m model_pipeline.pipeline --upsert   # create or update it in the account
"""
from __future__ import annotations

import argparse
from pathlib import Path

from .settings import Settings, from_environment

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
FRAMEWORK_VERSION = "1.2-1"  # scikit-learn processing container
XGBOOST_VERSION = "1.7-1"


def build(settings: Settings, session=None):
    """The pipeline object; session defaults to a PipelineSession (steps are recorded, not run)."""
    from sagemaker import image_uris
    from sagemaker.estimator import Estimator
    from sagemaker.inputs import TrainingInput
    from sagemaker.processing import ProcessingInput, ProcessingOutput
    from sagemaker.sklearn.processing import SKLearnProcessor
    from sagemaker.workflow.parameters import ParameterString
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.pipeline_context import PipelineSession
    from sagemaker.workflow.step_collections import RegisterModel
    from sagemaker.workflow.steps import ProcessingStep, TrainingStep

    session = session or PipelineSession(default_bucket=settings.bucket)
    input_data = ParameterString("InputData", default_value=f"{settings.prefix}/raw/")
    instance_type = ParameterString("TrainingInstanceType", default_value=settings.instance_type)

    processor = SKLearnProcessor(framework_version=FRAMEWORK_VERSION, role=settings.role_arn,
                                 instance_type=settings.instance_type, instance_count=1, sagemaker_session=session)
    preprocess = ProcessingStep(
        "Preprocess",
        step_args=processor.run(
            code=str(SCRIPTS / "preprocess.py"),
            inputs=[ProcessingInput(source=input_data, destination="/opt/ml/processing/input")],
            outputs=[ProcessingOutput(output_name="train", source="/opt/ml/processing/train",
                                      destination=f"{settings.prefix}/train/"),
                     ProcessingOutput(output_name="validation", source="/opt/ml/processing/validation",
                                      destination=f"{settings.prefix}/validation/")],
        ),
    )
    image = image_uris.retrieve("xgboost", region=session.boto_region_name, version=XGBOOST_VERSION)
    estimator = Estimator(image_uri=image, role=settings.role_arn, instance_type=instance_type, instance_count=1,
                          output_path=f"{settings.prefix}/models/", sagemaker_session=session,
                          hyperparameters={"objective": "binary:logistic", "num_round": 100})
    outputs = preprocess.properties.ProcessingOutputConfig.Outputs
    train = TrainingStep("Train", step_args=estimator.fit({
        "train": TrainingInput(outputs["train"].S3Output.S3Uri, content_type="text/csv"),
        "validation": TrainingInput(outputs["validation"].S3Output.S3Uri, content_type="text/csv"),
    }))
    register = RegisterModel(
        "Register", estimator=estimator, model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
        content_types=["text/csv"], response_types=["text/csv"], inference_instances=[settings.instance_type],
        transform_instances=[settings.instance_type], model_package_group_name=settings.model_package_group,
        approval_status="PendingManualApproval",
    )
    return Pipeline(name=f"{settings.project}-build", parameters=[input_data, instance_type],
                    steps=[preprocess, train, register], sagemaker_session=session)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upsert", action="store_true", help="create or update the pipeline in the account")
    args = parser.parse_args(argv)
    settings = from_environment()
    pipeline = build(settings)
    if args.upsert:
        pipeline.upsert(role_arn=settings.role_arn)
    else:
        print(pipeline.definition())


if __name__ == "__main__":
    main()
