"""model_package_group: a SageMaker model package group the producer's stack creates, shared by its resource
policy; the post-step promotes the RAM share AWS creates from that policy so consumers can discover the group.
https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-ram.html
"""

from __future__ import annotations

from ..base import naming
from .base import Endpoint, Policy, Resource, Share, ShareKind, construct_id, grant_policy


class ModelPackageGroup(ShareKind):
    name = "model_package_group"
    order = 10
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackageGroup.html
    pattern = naming.SAGEMAKER_NAME.pattern
    allowed = "a model package group name: letters, digits and inner hyphens, at most 63"
    example = "models"
    read = ("sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages")
    write = ("sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage")
    promotes_policy_share = True

    def claimed_names(self, share: Share) -> list[tuple[str, str, str]]:
        # SageMaker lower-cases model package group names in ARNs: two groups differing in case collide.
        return [("model package groups", share.resource.lower(), share.resource)]

    def arns(self, share: Share, producer: Endpoint, region: str) -> list[str]:
        sm, name = f"arn:aws:sagemaker:{region}:{producer.account_id}", share.resource.lower()
        return [f"{sm}:model-package-group/{name}", f"{sm}:model-package/{name}/*"]

    def producer_resources(self, share: Share, producer: Endpoint, consumers: list[Endpoint], region: str, key_arn: str) -> list[Resource]:
        cid = construct_id(share)
        group = Resource(
            "aws_sagemaker_model_package_group",
            cid,
            {"model_package_group_name": share.resource, "model_package_group_description": f"Shared as {share.name}"},
        )
        # Account principals, no conditions: SageMaker can only promote (make discoverable) a policy whose
        # principals are accounts (https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-ram-promote.html).
        policy = grant_policy(self, share, consumers, Resource=self.arns(share, producer, region))
        return [
            group,
            Resource(
                "aws_sagemaker_model_package_group_policy",
                f"{cid}-policy",
                {"model_package_group_name": group.ref("model_package_group_name"), "resource_policy": Policy(policy)},
            ),
        ]


KIND = ModelPackageGroup()
