"""What the pipeline needs from its environment: the team's execution role and bucket, the project's name.

Nothing account-specific is written in code: the same repository works in every account of the team.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Mapping

ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
DEFAULT_INSTANCE_TYPE = "ml.m5.xlarge"


class SettingsError(ValueError):
    """A variable is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    role_arn: str
    bucket: str
    project: str
    instance_type: str = DEFAULT_INSTANCE_TYPE

    @property
    def prefix(self) -> str:
        """Where the pipeline writes in the team's bucket."""
        return f"s3://{self.bucket}/projects/{self.project}"

    @property
    def model_package_group(self) -> str:
        return self.project


def from_environment(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    missing = [k for k in ("SAGEMAKER_EXECUTION_ROLE_ARN", "SAGEMAKER_BUCKET", "SAGEMAKER_PROJECT_NAME") if not env.get(k)]
    if missing:
        raise SettingsError(f"set {', '.join(missing)} (see README.md)")
    role = env["SAGEMAKER_EXECUTION_ROLE_ARN"]
    if not ROLE_ARN.match(role):
        raise SettingsError(f"SAGEMAKER_EXECUTION_ROLE_ARN is not a role ARN: {role!r}")
    instance_type = env.get("TRAINING_INSTANCE_TYPE") or DEFAULT_INSTANCE_TYPE
    if not instance_type.startswith("ml."):
        raise SettingsError(f"TRAINING_INSTANCE_TYPE is not a SageMaker instance type: {instance_type!r}")
    return Settings(role, env["SAGEMAKER_BUCKET"], env["SAGEMAKER_PROJECT_NAME"], instance_type)
