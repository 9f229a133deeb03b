"""Every ARN in every generated policy is well-formed for its service.

A regression: the log archive bucket policy named `arn:aws:iam::*:role/{'StringEquals': ...}-config-recorder`
(a variable reassigned to a condition). Principals, resources and ARN conditions are all checked here,
after references are replaced by stand-ins (tests/resolve.py).
ARN formats: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
"""

from __future__ import annotations

import json
import re

import pytest

from tests.scan.run import extract_policies

_PARTITION = r"aws(?:-cn|-us-gov)?"
_REGION = r"(?:[a-z]{2}(?:-gov)?-[a-z]+-\d|\*)"
_ACCOUNT = r"(?:\d{12}|\*)"
# Resource part: printable, no quotes, braces only in IAM policy variables ${aws:...}, no whitespace.
_RESOURCE = r"(?:[A-Za-z0-9_+=,.@:/*?-]|\$\{(?:aws|sagemaker):[A-Za-z]+\})+"
# Services whose ARNs have no region (and for S3 no account either).
_RULES = {
    "s3": rf"arn:{_PARTITION}:s3:::{_RESOURCE}",
    "iam": rf"arn:{_PARTITION}:iam::(?:{_ACCOUNT}|aws):{_RESOURCE}",
    "organizations": rf"arn:{_PARTITION}:organizations::{_ACCOUNT}:{_RESOURCE}",
    "sso": rf"arn:{_PARTITION}:sso:::{_RESOURCE}",
}
_REGIONAL = rf"arn:{_PARTITION}:(?P<service>[a-z0-9-]+):{_REGION}:{_ACCOUNT}:{_RESOURCE}"


def well_formed(arn: str) -> bool:
    service = arn.split(":")[2] if arn.count(":") >= 5 else ""
    pattern = _RULES.get(service, _REGIONAL)
    return re.fullmatch(pattern, arn) is not None


def arns_in(statement: dict) -> list[tuple[str, str]]:
    """(where, value) for every principal, resource and ARN-valued condition of a statement."""
    found = []
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        for value in _list(principal.get("AWS")):
            if value != "*":
                found.append(("Principal.AWS", value))
    for key in ("Resource", "NotResource"):
        for value in _list(statement.get(key)):
            if value != "*":
                found.append((key, value))
    for operator, conditions in statement.get("Condition", {}).items():
        for cond_key, values in conditions.items():
            for value in _list(values):
                if operator.startswith("Arn") or (isinstance(value, str) and value.startswith("arn:")):
                    found.append((f"Condition.{operator}.{cond_key}", value))
    return found


def _list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


@pytest.mark.parametrize(
    "arn,ok",
    [
        ("arn:aws:s3:::northwind-data/AWSLogs/*", True),
        ("arn:aws:iam::*:role/northwind-config-recorder", True),
        ("arn:aws:iam::*:role/{'StringEquals': {'aws:SourceOrgID': 'o-x'}}-config-recorder", False),
        ("arn:aws:kms:eu-west-1:123456789012:key/abc", True),
        ("arn:aws:kms::123456789012:key/abc", False),
        ("arn:aws:s3:::bucket/${aws:username}/*", True),
        ("arn:aws:sagemaker:eu-west-1:12345:model-package-group/x", False),
    ],
)
def test_the_checker_tells_good_from_bad(arn, ok):
    assert well_formed(arn) is ok


def test_every_arn_in_every_policy_is_well_formed(example_out):
    bad = []
    policies = extract_policies(example_out / "stacks")
    assert len(policies) > 50
    for p in policies:
        # A policy variable is escaped for Terraform ($${aws:username}); IAM sees ${aws:username}.
        doc = json.loads(p["text"].replace("$${", "${"))
        for statement in _list(doc.get("Statement")):
            for where, value in arns_in(statement):
                if value.startswith("REF("):
                    continue  # a whole Terraform reference (an ARN attribute of a resource)
                if not well_formed(value):
                    bad.append(f"{p['stack']}/{p['where']} {statement.get('Sid', '')} {where}: {value}")
    assert bad == []
