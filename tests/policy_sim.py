"""A small evaluator of Deny statements, enough to show what each SCP guardrail blocks and lets through.

It understands the elements the guardrails use: Action/NotAction and Resource with wildcards, and the
condition operators String(Not)Equals, String(Not)Like, ArnLike/ArnNotLike/ArnEquals, Null, Bool,
IpAddress/NotIpAddress. Missing condition keys follow IAM's rules: a negated operator on a missing
key matches, a positive one does not. It is a test aid, not an IAM implementation.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from dataclasses import dataclass, field


@dataclass
class Request:
    action: str
    principal_arn: str = "arn:aws:iam::123456789012:role/team-role"
    resource: str = "*"
    region: str = "eu-west-1"
    context: dict[str, object] = field(default_factory=dict)

    def key(self, name: str):
        base = {"aws:PrincipalArn": self.principal_arn, "aws:RequestedRegion": self.region, "aws:ViaAWSService": "false"}
        return self.context.get(name, base.get(name))


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


def _match(pattern: str, value: str) -> bool:
    return fnmatch.fnmatchcase(value.lower(), pattern.lower())


def _condition(op: str, key: str, expected, req: Request) -> bool:
    actual = req.key(key)
    expected = [str(e) for e in _list(expected)]
    if op.startswith("ForAllValues:"):  # every value of the request matches; no values (a missing key) always does
        return all(
            _condition(op.split(":", 1)[1], key, expected, Request(req.action, context={key: v}))
            for v in ([] if actual is None else _list(actual))
        )
    if op.startswith("ForAnyValue:"):  # any value of the request matches; no values (a missing key) never does
        return any(
            _condition(op.split(":", 1)[1], key, expected, Request(req.action, context={key: v}))
            for v in ([] if actual is None else _list(actual))
        )
    if op.endswith("IfExists"):  # a missing key makes the condition true; a present one is compared as usual
        return True if actual is None else _condition(op.removesuffix("IfExists"), key, expected, req)
    negated = "Not" in op
    if actual is None:
        return op == "Null" and expected == ["true"] or (negated and op != "Null")
    if op == "Null":
        return expected == ["false"]
    values = [str(a) for a in _list(actual)]
    if op in ("StringEquals", "ArnEquals", "Bool"):
        return any(v in expected for v in values)
    if op == "StringNotEquals":
        return not any(v in expected for v in values)
    if op in ("StringLike", "ArnLike"):
        return any(_match(e, v) for e in expected for v in values)
    if op in ("StringNotLike", "ArnNotLike"):
        return not any(_match(e, v) for e in expected for v in values)
    if op in ("IpAddress", "NotIpAddress"):
        inside = any(ipaddress.ip_address(v) in ipaddress.ip_network(e) for e in expected for v in values)
        return inside != negated
    raise NotImplementedError(op)


_VARIABLE = re.compile(r"\$\{([A-Za-z0-9:_-]+)\}")


def _substitute(value: str, req: Request) -> str:
    """IAM policy variables (${sagemaker:UserProfileName}) take the request's values; a missing one matches nothing."""
    return _VARIABLE.sub(lambda m: str(req.key(m.group(1)) or "\x00missing"), value)


def _applies(st: dict, req: Request) -> bool:
    if "Action" in st and not any(_match(a, req.action) for a in _list(st["Action"])):
        return False
    if "NotAction" in st and any(_match(a, req.action) for a in _list(st["NotAction"])):
        return False
    if not any(_match(_substitute(r, req), req.resource) for r in _list(st.get("Resource", "*"))):
        return False
    return all(
        _condition(op, key, [_substitute(str(v), req) for v in _list(val)], req)
        for op, keys in st.get("Condition", {}).items()
        for key, val in keys.items()
    )


def denied(document: dict, req: Request) -> bool:
    """Whether any Deny statement of the policy applies to the request."""
    return any(st["Effect"] == "Deny" and _applies(st, req) for st in document["Statement"])


def allowed(document: dict, req: Request) -> bool:
    """Whether an identity policy allows the request: some Allow statement applies and no Deny does."""
    return not denied(document, req) and any(st["Effect"] == "Allow" and _applies(st, req) for st in document["Statement"])
