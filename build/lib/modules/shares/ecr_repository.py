"""ecr_repository: an ECR repository the producer's stack creates (encrypted with the account's key), shared by
its repository policy with the consumers' execution roles.
https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
"""

from __future__ import annotations

import re

from .base import Endpoint, Policy, Resource, Share, ShareKind, construct_id, grant_policy, role_arns


class EcrRepository(ShareKind):
    name = "ecr_repository"
    order = 50
    # https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
    pattern = re.compile(r"(?=.{2,256}\Z)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
    allowed = "an ECR repository name: lowercase letters, digits and ._-/ , 2 to 256 characters"
    example = "images/base"
    read = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
    write = ("ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart")

    def claimed_names(self, share: Share) -> list[tuple[str, str, str]]:
        return [("ECR repositories", share.resource, share.resource)]  # one account holds one repository of a name

    def arns(self, share: Share, producer: Endpoint, region: str) -> list[str]:
        return [f"arn:aws:ecr:{region}:{producer.account_id}:repository/{share.resource}"]

    def producer_resources(self, share: Share, producer: Endpoint, consumers: list[Endpoint], region: str, key_arn: str) -> list[Resource]:
        cid = construct_id(share)
        repo = Resource(
            "aws_ecr_repository",
            cid,
            {
                "name": share.resource,
                "image_tag_mutability": "IMMUTABLE",
                "force_delete": False,
                "image_scanning_configuration": {"scan_on_push": True},
                "encryption_configuration": [{"encryption_type": "KMS", "kms_key": key_arn}],
            },
        )
        # The consumers' execution roles, through their accounts.
        policy = grant_policy(self, share, consumers, Condition={"ArnEquals": {"aws:PrincipalArn": role_arns(consumers)}})
        return [repo, Resource("aws_ecr_repository_policy", f"{cid}-policy", {"repository": repo.ref("name"), "policy": Policy(policy)})]


KIND = EcrRepository()
