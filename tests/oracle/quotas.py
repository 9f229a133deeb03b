"""AWS's documented limits that the API models do not carry, each with the page that states it."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"


@dataclass(frozen=True)
class PolicyLimit:
    limit: int
    unit: str  # "characters" (whitespace not counted where `whitespace` is False) or "bytes"
    whitespace: bool
    what: str
    source: str

    def size(self, text: str) -> int:
        if self.unit == "bytes":
            return len(text.encode("utf-8"))
        return len(text) if self.whitespace else len(re.sub(r"\s", "", text))


POLICY_LIMITS: dict[str, PolicyLimit] = {
    # IAM does not count white space in a policy's size.
    "iam_inline": PolicyLimit(10_240, "characters", False, "inline policies of one role, in all", IAM_QUOTAS),
    "iam_managed": PolicyLimit(6_144, "characters", False, "a customer managed policy", IAM_QUOTAS),
    "iam_trust": PolicyLimit(2_048, "characters", False, "a role trust policy (the default quota)", IAM_QUOTAS),
    "scp": PolicyLimit(
        5_120,
        "characters",
        True,
        "a service control policy",
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html",
    ),
    "s3": PolicyLimit(
        20 * 1024, "bytes", True, "a bucket policy", "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html"
    ),
    "kms": PolicyLimit(
        32 * 1024, "bytes", True, "a key policy", "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html"
    ),
    # The API models carry these limits themselves (7,168; 10,240; 20,480; 32,768 characters): nothing to add.
    "codeartifact": PolicyLimit(7_168, "characters", True, "a CodeArtifact resource policy", "the API model"),
    "ecr": PolicyLimit(10_240, "characters", True, "an ECR repository policy", "the API model"),
    "sagemaker": PolicyLimit(20_480, "characters", True, "a model package group policy", "the API model"),
    "sso_inline": PolicyLimit(32_768, "characters", True, "a permission set inline policy", "the API model"),
}

# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html : managed policies attached to a role
# (the default quota; it can be raised to 20).
ROLE_ATTACHED_POLICIES = 10

TAGGING = "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html"
DEFAULT_TAGS_PER_RESOURCE = 50
# Resources whose tag limit is below the general 50 and is not in their API model.
TAG_LIMITS: dict[str, tuple[int, str]] = {
    "aws_s3_object": (10, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html"),
}
# https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html : key 1-128, value 0-256 characters
TAG_KEY_MAX, TAG_VALUE_MAX = 128, 256

BUCKET_RULES = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"
RESERVED_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def bucket_name_problems(name: str) -> list[str]:
    """What S3's general purpose bucket naming rules refuse in `name`."""
    out = []
    if not _BUCKET.fullmatch(name):
        out.append("3 to 63 lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit")
    if ".." in name:
        out.append("no two adjacent periods")
    try:
        ipaddress.IPv4Address(name)
        out.append("not formatted as an IP address")
    except ValueError:
        pass
    out += [f"must not begin with the reserved prefix {p!r}" for p in RESERVED_BUCKET_PREFIXES if name.startswith(p)]
    out += [f"must not end with the reserved suffix {s!r}" for s in RESERVED_BUCKET_SUFFIXES if name.endswith(s)]
    return out
