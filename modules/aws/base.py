"""What every stack has: the S3 backend, the AWS provider(s), default tags, remote state of central stacks."""
from __future__ import annotations

import json
import re

from cdktn import DataTerraformRemoteStateS3, S3Backend, TerraformStack
from cdktn_provider_aws.provider import AwsProvider, AwsProviderAssumeRole, AwsProviderDefaultTags
from constructs import Construct

from .. import naming
from ..stacks import Backend
from ..tfexpr import OPEN

# Terraform >= 1.10 for S3-native state locking (use_lockfile); cdktf.json declares the same.
TARGET_VERSIONS = {"terraform": ">=1.10.0", "opentofu": ">=1.10.0"}


class PlatformStack(TerraformStack):
    """A stack with its S3 backend (one key per stack, encrypted, S3-native locking)."""

    def __init__(self, scope: Construct, name: str, *, backend: Backend):
        super().__init__(scope, name)
        self.backend_config = backend
        S3Backend(self, bucket=backend.bucket, key=backend.key(name), region=backend.region,
                  encrypt=True, use_lockfile=True)

    def provider(self, *, region: str, tags: dict[str, str], allowed_account_ids: list[str] | None = None,
                 assume_role_arn: str | None = None, alias: str | None = None) -> AwsProvider:
        return AwsProvider(
            self, f"aws-{alias}" if alias else "aws",
            alias=alias,
            region=region,
            allowed_account_ids=allowed_account_ids,
            assume_role=[AwsProviderAssumeRole(role_arn=assume_role_arn, session_name="sagemaker-registry")] if assume_role_arn else None,
            default_tags=[AwsProviderDefaultTags(tags=dict(sorted(tags.items())))] if tags else None,
        )

    def remote_state(self, stack: str) -> DataTerraformRemoteStateS3:
        """Outputs of a central stack, read from its state (the stack applies before this one)."""
        b = self.backend_config
        return DataTerraformRemoteStateS3(self, stack, bucket=b.bucket, key=b.key(stack), region=b.region)


def org_access_role_arn(account_id: str, role: str | None = None) -> str:
    return f"arn:aws:iam::{account_id}:role/{role or naming.ORGANIZATION_ACCESS_ROLE}"


_INTERPOLATION = re.compile(re.escape(OPEN) + r"[^}]*\}")


def policy_json(doc: dict) -> str:
    """An IAM policy document as compact JSON with sorted keys.

    Terraform interpolations inside it (`${...account_ids["a-b"]}`) are HCL, not JSON: the quotes in
    them must stay unescaped, exactly as cdktn renders a token substituted after serialization."""
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    return _INTERPOLATION.sub(lambda m: m.group(0).replace('\\"', '"'), text)
