"""Stand-ins for Terraform interpolations, so policies in synthesized JSON can be parsed and linted."""

from __future__ import annotations

import re

# An account's id as a stack reads it: the output of the stack that holds it (its team's access stack, or the
# organization while it moves), or, in that access stack, its own resource.
_ACCOUNT_REF = re.compile(
    r"(?<!\$)\$\{(?:data\.terraform_remote_state\.[A-Za-z0-9_-]+\.outputs\.account_ids(?:\[\"([^\"]+)\"\]|\.([A-Za-z0-9_]+))"
    r"|aws_organizations_account\.account-([A-Za-z0-9_-]+)\.id)\}"
)
_ORG_ID_REF = re.compile(
    r"(?<!\$)\$\{data\.(?:terraform_remote_state\.organization\.outputs\.organization_id|aws_organizations_organization\.organization\.id)\}"
)
_KEY_ARN_REF = re.compile(r"(?<!\$)\$\{aws_kms_key\.[A-Za-z0-9_-]+\.arn\}")
_OTHER_REF = re.compile(r"(?<!\$)\$\{[^}]*\}")


def fake_account_id(key: str) -> str:
    """A stable 12-digit stand-in for a created account's id."""
    return str(900000000000 + sum(ord(c) * (i + 1) for i, c in enumerate(key)) % 99999999999)


def resolve(text: str, adopted: dict[str, str] | None = None) -> str:
    """Account ids become fake ids (or the adopted id), the organization id o-exampleorgid, key ARNs a
    well-formed key ARN, anything else REF(...)."""
    adopted = adopted or {}

    def account(m: re.Match) -> str:
        key = m.group(1) or m.group(2) or m.group(3)
        return adopted.get(key, fake_account_id(key))

    text = _ACCOUNT_REF.sub(account, text)
    text = _ORG_ID_REF.sub("o-exampleorgid", text)
    text = _KEY_ARN_REF.sub("arn:aws:kms:eu-west-1:999999999999:key/00000000-0000-0000-0000-000000000000", text)
    return _OTHER_REF.sub(lambda m: "REF(" + m.group(0)[2:-1].replace('"', "'") + ")", text)
