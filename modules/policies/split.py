"""A role's inline policies kept within IAM's inline space: what outgrows it moves to customer managed policies.

IAM holds 10,240 characters of inline policy per role, 6,144 per managed policy and attaches 10 managed policies
to a role (size.py). A role whose inline policies fit keeps them exactly as they are (no change to what exists).
One that outgrows them keeps, in key order, the policies that still fit inline; the statements of the others are
packed in order into managed policies, and a statement too big for one is cut into parts along its Resource list.
"""

from __future__ import annotations

import json
from typing import Any

from .size import MANAGED_MAX, ROLE_INLINE_MAX, worst_case_size

Doc = dict[str, Any]
Policy = str | Doc


class PolicySpaceError(ValueError):
    """A role's statements do not fit even in managed policies (validation should have refused the registry)."""


def _text(policy: Policy) -> str:
    return policy if isinstance(policy, str) else json.dumps(policy, sort_keys=True, separators=(",", ":"))


def _doc(statements: list[Doc]) -> Doc:
    return {"Version": "2012-10-17", "Statement": statements}


def _fits(statements: list[Doc]) -> bool:
    return worst_case_size(_text(_doc(statements))) <= MANAGED_MAX


def _parts(statement: Doc) -> list[Doc]:
    """A statement too big for one managed policy, cut along its Resource list into parts that fit."""
    if _fits([statement]):
        return [statement]
    resources = statement.get("Resource")
    if not isinstance(resources, list) or len(resources) < 2:
        raise PolicySpaceError(f"statement {statement.get('Sid', '')!r} alone exceeds {MANAGED_MAX} characters")
    parts: list[Doc] = []
    chunk: list[str] = []
    for r in resources:
        trial = {**statement, "Resource": [*chunk, r]}
        if chunk and not _fits([trial]):
            parts.append({**statement, "Resource": chunk})
            chunk = [r]
        else:
            chunk = [*chunk, r]
    parts.append({**statement, "Resource": chunk})
    sid = statement.get("Sid", "")
    return [{**p, "Sid": f"{sid}Part{i + 1}"} if sid else p for i, p in enumerate(parts)]


def split(policies: list[tuple[str, Policy]]) -> tuple[list[str], list[Doc]]:
    """(keys of the policies kept inline, managed policy documents) for a role's inline policies (key, policy),
    in key order. Only documents (dicts) move; text policies stay inline."""
    sizes = {key: worst_case_size(_text(p)) for key, p in policies}
    if sum(sizes.values()) <= ROLE_INLINE_MAX:
        return [key for key, _ in policies], []
    kept, moved, used = [], [], 0
    for key, policy in policies:
        if isinstance(policy, str) or used + sizes[key] <= ROLE_INLINE_MAX:
            kept.append(key)
            used += sizes[key]
        else:
            moved += policy["Statement"]
    managed: list[list[Doc]] = []
    for statement in moved:
        for part in _parts(statement):
            if managed and _fits([*managed[-1], part]):
                managed[-1].append(part)
            else:
                managed.append([part])
    if used > ROLE_INLINE_MAX:
        raise PolicySpaceError(f"inline policies that cannot move take {used} characters; IAM allows {ROLE_INLINE_MAX}")
    return kept, [_doc(s) for s in managed]
