"""How big AWS will find a policy the compiler writes, references included, measured at their worst.

A policy holds Terraform references (`${...account_ids["a"]}`, `${aws_kms_key.kms.arn}`) that become values only
at apply. Each counts as the longest value AWS can give it: an account id 12 characters, an organization id 34
(https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html), a KMS key ARN 80 (the
longest region name, 14, and a 36-character key id), anything else 128. IAM does not count white space
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
"""

from __future__ import annotations

import re

from ..base.tfexpr import OPEN

_REF = re.compile(re.escape(OPEN) + r"([^}]*)\}")
_WORST = (
    (re.compile(r"\.account_ids(\[|\.)"), 12),
    (re.compile(r"organization_id$|^data\.aws_organizations_organization\.[\w-]+\.id$"), 34),
    (re.compile(r"^aws_kms_key\.[\w-]+\.arn$"), 80),
)
UNKNOWN = 128

# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
ROLE_INLINE_MAX = 10_240  # all inline policies of one role together
MANAGED_MAX = 6_144  # one customer managed policy
ROLE_ATTACHED_MAX = 10  # managed policies attached to one role (the default quota)


def _worst(expr: str) -> int:
    return next((n for pattern, n in _WORST if pattern.search(expr)), UNKNOWN)


def worst_case_size(text: str) -> int:
    """Characters of `text` (compiler JSON with reference markers) as IAM counts them, references at their worst."""
    total = 0
    for m in _REF.finditer(text):
        total += _worst(m.group(1))
    plain = _REF.sub("", text)
    return total + len(re.sub(r"\s", "", plain))
