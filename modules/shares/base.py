"""What every share kind says about itself, and the shapes both halves of a share are built from.

Cross-account access needs two halves: the producer's grant (a resource policy, a RAM share, bucket and key
policy statements) and the consumer's IAM permission on the producer's ARNs. A kind builds both from its one
read/write action table, so a read share can never hand out a write action on either side.

Everything here is pure data: no cdktn (the registry's `validate` path imports this package). The producer's
resources are `Resource` records that `aws/sharing.py` turns into constructs.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..base import naming
from ..base.tfexpr import expression

ACCESS = ("read", "write")


@dataclass(frozen=True)
class Share:
    """One share with its producer and consumer accounts (account keys "<team>-<environment>")."""

    name: str
    kind: str
    resource: str
    access: str
    producer: str
    consumers: tuple[str, ...]


@dataclass(frozen=True)
class Endpoint:
    """What a stack knows about an account of a share: its id (literal or a reference) and its names."""

    account_id: str
    role_name: str  # its SageMaker execution role
    bucket: str  # its data bucket
    kms_alias: str


@dataclass(frozen=True)
class Policy:
    """An IAM policy document inside a `Resource`'s attributes (rendered as the stacks render every policy)."""

    doc: dict[str, Any]


@dataclass(frozen=True)
class Resource:
    """One Terraform resource of a producer half: its type, construct id and attributes as Terraform names them
    (nested blocks as dicts, or lists of dicts)."""

    tf_type: str
    id: str
    attrs: dict[str, Any]

    def ref(self, attr: str) -> str:
        """A reference to an attribute of this resource (same stack: the logical id is the construct id)."""
        return expression(f"{self.tf_type}.{self.id}.{attr}")


@dataclass
class ProducerStatements:
    """Statements the producer's own data bucket policy and key policy take for a share."""

    bucket: list[dict[str, Any]] = field(default_factory=list)
    key: list[dict[str, Any]] = field(default_factory=list)

    def __iadd__(self, other: ProducerStatements) -> ProducerStatements:
        self.bucket += other.bucket
        self.key += other.key
        return self


# The policies ProducerStatements fill, as the collision check names them (checks/derived.py).
PRODUCER_POLICIES = {"bucket": "the data bucket policy", "key": "the key policy"}


@dataclass(frozen=True)
class ArtifactLookup:
    """How the post-step finds an artifact the team creates itself (by name, else by the share's tag) to add it
    to the share's RAM share: the describe/list calls, their parameter and result keys."""

    service: str
    describe: str
    list_op: str
    list_key: str
    name_key: str
    arn_key: str
    not_found: frozenset[str]  # error codes of `describe` that mean "no such artifact"
    created_with: str  # what the team creates it with, for the "not there yet" note
    tags_op: str = "list_tags"  # the artifact's tags: tags_op(ResourceArn=<arn>)[tags_key], [{Key, Value}]
    tags_key: str = "Tags"


class ShareKind(ABC):
    """One kind of share. A module under modules/shares/ defines a subclass and `KIND = ThatClass()`."""

    name: ClassVar[str]  # the registry's `kind:` value, and the module's name
    order: ClassVar[int]  # position in the registry's `kind` enum (the JSON Schema lists kinds in this order)
    pattern: ClassVar[re.Pattern[str]]  # a valid `resource:` (".." is refused for every kind)
    allowed: ClassVar[str]  # what the pattern allows, in the error message
    example: ClassVar[str]  # a valid `resource:` (generated registries, docs; tests check it matches `pattern`)
    read: ClassVar[tuple[str, ...]]  # actions of a read share
    write: ClassVar[tuple[str, ...]]  # actions a write share adds
    # Post-step needs: the lookup of a team-made artifact to associate with the RAM share (share-artifacts),
    # and whether RAM's share created from the resource policy must be promoted (promote-shares).
    artifact_lookup: ClassVar[ArtifactLookup | None] = None
    promotes_policy_share: ClassVar[bool] = False  # promote-shares looks the resource up as a model package group
    # The producer's grant is a RAM share limited to the organization (no invitations): it works only once RAM's
    # sharing with the organization is enabled, which the organization stack manages, so the producer's stack is
    # applied after that one and its preflight checks it (https://docs.aws.amazon.com/ram/latest/userguide/getting-started-sharing.html#getting-started-sharing-orgs).
    organization_sharing: ClassVar[bool] = False

    def actions(self, access: str) -> tuple[str, ...]:
        """ "write" adds to "read"; nothing else grants share access."""
        return tuple(sorted(self.read + (self.write if access == "write" else ())))

    # ---------------------------------------------------------------- validation and plan
    def resource_problems(self, resource: str, producer_bucket: str) -> list[str]:
        """Problems of a `resource:` that matches `pattern`, beyond the pattern (messages); `producer_bucket` is the
        producing account's data bucket. The registry's model is built from the kinds, so they never read it."""
        return []

    def planned_resource(self, resource: str, producer_bucket: str) -> str:
        """The resource as the plan holds it (a kind may accept more than one spelling)."""
        return resource

    def claimed_names(self, share: Share) -> list[tuple[str, str, str]]:
        """Names the producer half creates in a per-account namespace, checked for collisions:
        (namespace, key compared, name shown), the namespace read as "<namespace> of account <producer>"."""
        return []

    # ---------------------------------------------------------------- both halves
    @abstractmethod
    def arns(self, share: Share, producer: Endpoint, region: str) -> list[str]:
        """The producer's ARNs the share is about."""

    def consumer_statements(self, share: Share, producer: Endpoint, region: str) -> list[dict[str, Any]]:
        """The consumer half: what the consumer's execution role may do on the producer's resources."""
        return [
            {
                "Sid": f"Share{naming.sid(share.name)}",
                "Effect": "Allow",
                "Action": list(self.actions(share.access)),
                "Resource": self.arns(share, producer, region),
            }
        ]

    @abstractmethod
    def producer_resources(self, share: Share, producer: Endpoint, consumers: list[Endpoint], region: str, key_arn: str) -> list[Resource]:
        """The producer half's own resources (construct ids start with `construct_id(share)`)."""

    def producer_statements(self, share: Share, producer: Endpoint, consumers: list[Endpoint], region: str) -> ProducerStatements:
        """The producer half's statements in the producer's data bucket and key policies."""
        return ProducerStatements()

    def ram_share_arn(self, share: Share) -> str | None:
        """The ARN of the share's RAM resource share, for a kind shared through RAM (the post-step reads it)."""
        return None


def construct_id(share: Share) -> str:
    return f"share-{share.name}"


def roots(consumers: list[Endpoint]) -> list[str]:
    return sorted({f"arn:aws:iam::{c.account_id}:root" for c in consumers})


def role_arns(consumers: list[Endpoint]) -> list[str]:
    return sorted({f"arn:aws:iam::{c.account_id}:role/{c.role_name}" for c in consumers})


def grant_policy(kind: ShareKind, share: Share, consumers: list[Endpoint], **scope: object) -> dict[str, Any]:
    """A resource policy with one statement: the consumer accounts may take the share's actions."""
    statement = {
        "Sid": f"Share{naming.sid(share.name)}",
        "Effect": "Allow",
        "Principal": {"AWS": roots(consumers)},
        "Action": list(kind.actions(share.access)),
        **scope,
    }
    return {"Version": "2012-10-17", "Statement": [statement]}


class RamKind(ShareKind):
    """A kind shared through a RAM resource share. The team creates the artifact itself (with an SDK); the
    post-step associates it with the share once it exists (generated/post/<stack>.json)."""

    # RAM managed permission per access (None: the resource type's default permission).
    permissions: ClassVar[dict[str, str | None]]
    artifact_lookup: ClassVar[ArtifactLookup]
    organization_sharing: ClassVar[bool] = True  # allow_external_principals is false

    def producer_resources(self, share: Share, producer: Endpoint, consumers: list[Endpoint], region: str, key_arn: str) -> list[Resource]:
        cid = construct_id(share)
        permission = self.permissions[share.access]
        ram = Resource(
            "aws_ram_resource_share",
            cid,
            {"name": share.name, "allow_external_principals": False, "permission_arns": [permission] if permission else None},
        )
        return [ram] + [
            Resource(
                "aws_ram_principal_association", f"{cid}-{key}", {"principal": consumer.account_id, "resource_share_arn": ram.ref("arn")}
            )
            for key, consumer in zip(share.consumers, consumers, strict=True)
        ]

    def ram_share_arn(self, share: Share) -> str | None:
        return expression(f"aws_ram_resource_share.{construct_id(share)}.arn")
