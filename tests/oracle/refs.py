"""Terraform references in an emitted value, replaced by what AWS will see, or by a worst-case stand-in.

A value such as a policy holds references (`${data.terraform_remote_state.organization.outputs.account_ids["a"]}`,
`${aws_kms_key.kms.arn}`). The oracle checks what AWS receives, so each reference becomes:
- the value it names when that is a literal of the same stack (a role's name, a bucket's name, an ARN built
  from them as AWS builds it);
- else a stand-in of the longest form AWS gives such a value (an account id is 12 digits; a KMS key ARN has a
  36-character key id; an organization id at most 34 characters), so lengths are measured at their worst;
- else it stays unresolved: a value that is one whole reference is an id AWS generated (skipped, counted), and
  a value with an unresolved reference inside text is skipped and counted by the reference's kind.
Escaped literals (`$${`, `%%{`) become what Terraform sends (`${`, `%{`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

REF = re.compile(r"(?<!\$)\$\{([^{}]*)\}")
ACCOUNT = "123456789012"
REGION = "ap-southeast-1"  # one of the longest region names (14 characters)
UUID = "12345678-90ab-cdef-1234-567890abcdef"
# https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html : ^o-[a-z0-9]{10,32}$
ORG_ID = "o-" + "a" * 32
# https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_User.html : UserId, at most 47
IDENTITY_ID = "a1b2c3d4e5-" + UUID

_ADDRESS = re.compile(r'^(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)(?:\["([^"]+)"\])?\.([a-z_]+)$')

# How AWS names a resource's ARN (and its id) from the literal the compiler gave it.
ARNS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "aws_iam_role": lambda b: f"arn:aws:iam::{ACCOUNT}:role/{b['name']}" if "name" in b else None,
    "aws_iam_policy": lambda b: f"arn:aws:iam::{ACCOUNT}:policy/{b['name']}" if "name" in b else None,
    "aws_s3_bucket": lambda b: f"arn:aws:s3:::{b['bucket']}" if "bucket" in b else None,
    "aws_sns_topic": lambda b: f"arn:aws:sns:{REGION}:{ACCOUNT}:{b['name']}" if "name" in b else None,
    "aws_cloudwatch_log_group": lambda b: f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{b['name']}" if "name" in b else None,
    "aws_sagemaker_studio_lifecycle_config": lambda b: (
        f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:studio-lifecycle-config/{b['studio_lifecycle_config_name']}"
        if "studio_lifecycle_config_name" in b
        else None
    ),
    "aws_kms_key": lambda b: f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{UUID}",
}
IDS: dict[str, str] = {"aws_iam_role": "name", "aws_s3_bucket": "bucket", "aws_iam_policy": "arn", "aws_sns_topic": "arn"}
STAND_INS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^data\.terraform_remote_state\.[\w-]+\.outputs\.account_ids(\[.*\]|\.\w+)$"), ACCOUNT),
    (re.compile(r"^data\.terraform_remote_state\.[\w-]+\.outputs\.organization_id$"), ORG_ID),
    (re.compile(r"^(data\.)?aws_organizations_organization\.[\w-]+\.id$"), ORG_ID),
    (re.compile(r"^data\.terraform_remote_state\.[\w-]+\.outputs\.(user_ids|group_ids)(\[.*\]|\.\w+)$"), IDENTITY_ID),
    (re.compile(r"^aws_kms_key\.[\w-]+\.key_id$"), UUID),
]


class Stack:
    """One stack's resource instances (`type.name` or `type.name["key"]` -> configuration)."""

    def __init__(self, instances: dict[str, dict[str, Any]]):
        self.instances = instances

    def lookup(self, expr: str, depth: int = 0) -> str | None:
        for pattern, stand_in in STAND_INS:
            if pattern.match(expr):
                return stand_in
        m = _ADDRESS.match(expr)
        if not m or m.group(1) or depth > 4:
            return None
        tf_type, name, key, attr = m.group(2), m.group(3), m.group(4), m.group(5)
        body = self.instances.get(f'{tf_type}.{name}["{key}"]' if key else f"{tf_type}.{name}")
        if body is None:
            return None
        if attr == "id" and tf_type in IDS:
            attr = IDS[tf_type]
        if attr == "bucket_regional_domain_name" and tf_type == "aws_s3_bucket" and isinstance(body.get("bucket"), str):
            return f"{body['bucket']}.s3.{REGION}.amazonaws.com"
        if attr == "arn" and tf_type in ARNS:
            made = ARNS[tf_type]({k: self.resolve(v, depth + 1)[0] for k, v in body.items() if isinstance(v, str)})
            return made
        value = body.get(attr)
        if isinstance(value, str):
            text, unresolved = self.resolve(value, depth + 1)
            return None if unresolved else text
        return None

    def resolve(self, text: str, depth: int = 0) -> tuple[str, list[str]]:
        """(what AWS receives, the references that could not be resolved)."""
        unresolved: list[str] = []

        def sub(m: re.Match[str]) -> str:
            found = self.lookup(m.group(1), depth)
            if found is None:
                unresolved.append(kind(m.group(1)))
                return m.group(0)
            return found

        out = REF.sub(sub, text)
        return out.replace("$${", "${").replace("%%{", "%{"), unresolved


def kind(expr: str) -> str:
    """A reference's kind for the skip counts: `aws_vpc.id`, `remote portfolio_ids`."""
    m = _ADDRESS.match(expr)
    if m:
        return f"{m.group(2)}.{m.group(5)}"
    remote = re.match(r"^data\.terraform_remote_state\.[\w-]+\.outputs\.(\w+)", expr)
    return f"remote {remote.group(1)}" if remote else expr.split("(")[0][:40]


def whole_reference(value: Any) -> bool:
    return isinstance(value, str) and REF.fullmatch(value) is not None
