"""s3_prefix: a key prefix of the producer's data bucket, shared by statements in the producer's bucket policy
and key policy (the objects are encrypted with the account's key). Consumers also list the bucket under the
prefix and use the producer's key, through S3 only.
"""

from __future__ import annotations

import re
from typing import Any

from ..base import naming
from ..base.errors import show
from .base import Endpoint, ProducerStatements, Resource, Share, ShareKind, role_arns, roots

LIST_ACTIONS = ("s3:ListBucket",)
# A first segment S3 would take as a bucket name and that is more than one word reads as a bucket, never as a folder.
BUCKET_LIKE = re.compile(r"[-.]")
KMS_ACTIONS = {"read": ("kms:Decrypt", "kms:DescribeKey"), "write": ("kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey")}


def prefix(share: Share) -> str:
    return share.resource if share.resource.endswith("/") else share.resource + "/"


class S3Prefix(ShareKind):
    name = "s3_prefix"
    order = 40
    pattern = re.compile(r"[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/?")
    allowed = "a key prefix in the producer's data bucket such as features/daily/ (no leading '/', no '..')"
    example = "exports/daily/"
    read = ("s3:GetObject", "s3:GetObjectVersion")
    write = ("s3:AbortMultipartUpload", "s3:PutObject")

    def resource_problems(self, resource: str, producer_bucket: str) -> list[str]:
        """The prefix is written plain (features/daily/) or after the producer's own data bucket
        (<bucket>/features/daily/). Which one a first segment is cannot be told from every spelling: `other-bucket` may
        be a bucket or a folder. So a share never guesses. The producer's bucket is accepted only with a prefix after
        it (the whole bucket is not a prefix); any other first segment that S3 would take as a bucket name and that
        is not one plain word (it holds '-' or '.', as every bucket this platform derives does) is refused, saying
        how to write it as a folder of the producer's bucket. A plain word (features/, exports/) is a folder."""
        own = producer_bucket
        first, _, rest = resource.partition("/")
        allowed = f"allowed: a prefix such as features/daily/, or {own}/<prefix>"
        if first == own:
            return [] if rest else [f"s3_prefix {show(resource)} is the whole data bucket; a share grants a prefix of it ({allowed})"]
        if naming.S3_BUCKET.pattern.fullmatch(first) and BUCKET_LIKE.search(first):
            return [
                f"s3_prefix {show(resource)} names bucket {show(first)}; a share grants a prefix of the producer's own data "
                f"bucket only ({allowed}; a folder named {show(first)} is written {own}/{resource})"
            ]
        return []

    def planned_resource(self, resource: str, producer_bucket: str) -> str:
        return resource.removeprefix(producer_bucket + "/")  # "bucket/prefix" naming the producer's bucket: the prefix

    def arns(self, share: Share, producer: Endpoint, region: str) -> list[str]:
        return [f"arn:aws:s3:::{producer.bucket}/{prefix(share)}*"]

    def consumer_statements(self, share: Share, producer: Endpoint, region: str) -> list[dict[str, Any]]:
        sid = naming.sid(share.name)
        return super().consumer_statements(share, producer, region) + [
            {
                "Sid": f"Share{sid}List",
                "Effect": "Allow",
                "Action": list(LIST_ACTIONS),
                "Resource": f"arn:aws:s3:::{producer.bucket}",
                "Condition": {"StringLike": {"s3:prefix": [f"{prefix(share)}*"]}},
            },
            {
                "Sid": f"Share{sid}Key",
                "Effect": "Allow",
                "Action": list(KMS_ACTIONS[share.access]),
                "Resource": f"arn:aws:kms:{region}:{producer.account_id}:key/*",
                "Condition": {
                    "ForAnyValue:StringEquals": {"kms:ResourceAliases": [producer.kms_alias]},
                    "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
                },
            },
        ]

    def producer_resources(self, share: Share, producer: Endpoint, consumers: list[Endpoint], region: str, key_arn: str) -> list[Resource]:
        return []  # the grant lives in the data bucket's and key's own policies

    def producer_statements(self, share: Share, producer: Endpoint, consumers: list[Endpoint], region: str) -> ProducerStatements:
        sid = naming.sid(share.name)
        principal = {"AWS": roots(consumers)}
        roles = {"ArnEquals": {"aws:PrincipalArn": role_arns(consumers)}}
        bucket = [
            {
                "Sid": f"Share{sid}Objects",
                "Effect": "Allow",
                "Principal": principal,
                "Action": list(self.actions(share.access)),
                "Resource": f"arn:aws:s3:::{producer.bucket}/{prefix(share)}*",
                "Condition": roles,
            },
            {
                "Sid": f"Share{sid}List",
                "Effect": "Allow",
                "Principal": principal,
                "Action": list(LIST_ACTIONS),
                "Resource": f"arn:aws:s3:::{producer.bucket}",
                "Condition": {**roles, "StringLike": {"s3:prefix": [f"{prefix(share)}*"]}},
            },
        ]
        # The producer's key may be used by the consumers' roles, through S3 only.
        key = [
            {
                "Sid": f"Share{sid}Key",
                "Effect": "Allow",
                "Principal": principal,
                "Action": list(KMS_ACTIONS[share.access]),
                "Resource": "*",
                "Condition": {**roles, "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            }
        ]
        return ProducerStatements(bucket=bucket, key=key)


KIND = S3Prefix()
