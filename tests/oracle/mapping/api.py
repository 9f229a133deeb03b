"""The mapping's types (see the package's docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Auto:
    prefix: str


@dataclass(frozen=True)
class NotSent:
    why: str


Target = str | Auto | NotSent


@dataclass(frozen=True)
class Api:
    service: str
    attrs: dict[str, Target]
    tags: str | None = None  # `Op.Tags` member, or None when the type takes no tags
    # Policy documents this type carries, by attribute: the quota that applies (quotas.POLICY_LIMITS key).
    policies: dict[str, str] = field(default_factory=dict)


REGION = NotSent("the AWS provider's per-resource `region` argument: which endpoint is called, not a request member")
GENERATED_ID = NotSent("an id AWS generated for another resource (a reference): AWS accepts what it made")
