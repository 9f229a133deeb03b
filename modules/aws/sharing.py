"""Both halves of each share in a team account stack: the producer's grant and the consumer's permission."""
from __future__ import annotations

from dataclasses import dataclass, field

from cdktn_provider_aws.ecr_repository import EcrRepository, EcrRepositoryEncryptionConfiguration
from cdktn_provider_aws.ecr_repository_policy import EcrRepositoryPolicy
from cdktn_provider_aws.iam_role_policy import IamRolePolicy
from cdktn_provider_aws.ram_principal_association import RamPrincipalAssociation
from cdktn_provider_aws.ram_resource_share import RamResourceShare
from cdktn_provider_aws.sagemaker_model_package_group import SagemakerModelPackageGroup
from cdktn_provider_aws.sagemaker_model_package_group_policy import SagemakerModelPackageGroupPolicy
from constructs import Construct

from .. import naming, sharing
from ..sharing import Endpoint
from ..stacks import AccountStack
from .base import policy_json
from .refs import ref, remote_output


def endpoint(acct: AccountStack, key: str) -> Endpoint:
    """An account as this account's stack refers to it: adopted id, or the organization stack's output."""
    peer = acct.peer(key)
    account_id = peer.adopted_id or remote_output(naming.ORGANIZATION_STACK, "account_ids", key)
    return Endpoint(account_id, peer.role_name, peer.bucket_name, peer.kms_alias)


@dataclass
class ProducerStatements:
    """Statements the producer's data bucket and key policies take for s3_prefix shares."""

    bucket: list[dict] = field(default_factory=list)
    key: list[dict] = field(default_factory=list)


def producer_statements(acct: AccountStack) -> ProducerStatements:
    out = ProducerStatements()
    me = endpoint(acct, acct.account.key)
    for share in acct.shares_out:
        if share.kind == "s3_prefix":
            consumers = [endpoint(acct, c) for c in share.consumers]
            out.bucket += sharing.bucket_statements(share, me, consumers)
            out.key += sharing.key_statements(share, consumers, acct.region)
    return out


def build_producer_grants(scope: Construct, *, acct: AccountStack, key_arn: str) -> None:
    """The producer half of every share this account makes (s3_prefix lives in the bucket and key policies)."""
    me = endpoint(acct, acct.account.key)
    for share in acct.shares_out:
        consumers = [endpoint(acct, c) for c in share.consumers]
        cid = f"share-{share.name}"
        if share.kind == "model_package_group":
            SagemakerModelPackageGroup(scope, cid, model_package_group_name=share.resource,
                                       model_package_group_description=f"Shared as {share.name}")
            SagemakerModelPackageGroupPolicy(
                scope, f"{cid}-policy", model_package_group_name=ref("aws_sagemaker_model_package_group", cid,
                                                                     "model_package_group_name"),
                resource_policy=policy_json(sharing.model_package_group_policy(share, me, consumers, acct.region)))
        elif share.kind == "ecr_repository":
            EcrRepository(scope, cid, name=share.resource, image_tag_mutability="IMMUTABLE", force_delete=False,
                          image_scanning_configuration={"scan_on_push": True},
                          encryption_configuration=[EcrRepositoryEncryptionConfiguration(encryption_type="KMS", kms_key=key_arn)])
            EcrRepositoryPolicy(scope, f"{cid}-policy", repository=ref("aws_ecr_repository", cid, "name"),
                                policy=policy_json(sharing.ecr_repository_policy(share, consumers)))
        elif share.kind in sharing.RAM_KINDS:
            permission = sharing.RAM_PERMISSIONS[share.kind][share.access]
            # Pipelines and feature groups are created by the team with the SageMaker SDK; the post-step
            # associates them with this share once they exist (generated/post/<stack>.json).
            RamResourceShare(scope, cid, name=share.name, allow_external_principals=False,
                             permission_arns=[permission] if permission else None)
            for consumer_key, consumer in zip(share.consumers, consumers):
                RamPrincipalAssociation(scope, f"{cid}-{consumer_key}", principal=consumer.account_id,
                                        resource_share_arn=ref("aws_ram_resource_share", cid, "arn"))


def build_consumer_permissions(scope: Construct, *, acct: AccountStack) -> None:
    """The consumer half: the execution role may use exactly the shared resources, with the shared access."""
    if not acct.shares_in:
        return
    statements = []
    for share in acct.shares_in:
        statements += sharing.consumer_statements(share, endpoint(acct, share.producer), acct.region)
    IamRolePolicy(scope, "execution-role-shares", name="shared-resources", role=ref("aws_iam_role", "execution-role", "id"),
                  policy=policy_json({"Version": "2012-10-17", "Statement": statements}))

