"""feature_group: a SageMaker feature group the producing team creates with the SDK, shared through RAM.
https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-cross-account-access.html
"""

from __future__ import annotations

from ..base import naming
from .base import ArtifactLookup, Endpoint, RamKind, Share


class FeatureGroup(RamKind):
    name = "feature_group"
    order = 20
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html
    pattern = naming.SAGEMAKER_NAME.pattern
    allowed = "a feature group name: letters, digits and inner hyphens, at most 63"
    example = "features"
    read = ("sagemaker:BatchGetRecord", "sagemaker:DescribeFeatureGroup", "sagemaker:DescribeFeatureMetadata", "sagemaker:GetRecord")
    write = ("sagemaker:DeleteRecord", "sagemaker:PutRecord")
    permissions = {
        "read": "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerFeatureGroupReadOnly",
        "write": "arn:aws:ram::aws:permission/AWSRAMPermissionSagemakerFeatureGroupReadWrite",
    }
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeFeatureGroup.html
    artifact_lookup = ArtifactLookup(
        service="sagemaker",
        describe="describe_feature_group",
        list_op="list_feature_groups",
        list_key="FeatureGroupSummaries",
        name_key="FeatureGroupName",
        arn_key="FeatureGroupArn",
        not_found=frozenset({"ResourceNotFound"}),
        created_with="the SageMaker SDK",
    )

    def arns(self, share: Share, producer: Endpoint, region: str) -> list[str]:
        return [f"arn:aws:sagemaker:{region}:{producer.account_id}:feature-group/{share.resource.lower()}"]


KIND = FeatureGroup()
