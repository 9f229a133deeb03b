"""Which guardrails cover which OU, from a few plain inputs (`Inputs`, which registry/derive.py takes from
the registry), and their packing into SCPs within AWS's limits (see the package's docstring)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..base import naming
from .library import (
    Guardrail,
    deny_leave_organization,
    deny_root_user,
    deny_unapproved_regions,
    protect_audit,
    protect_platform_roles,
    sagemaker_vpc_only,
    studio_source_networks,
    suspended_lockdown,
)

MAX_POLICY_CHARS = 5120
MAX_POLICIES_PER_TARGET = 5
RESERVED_POLICIES = 1  # FullAWSAccess stays attached: SCPs only restrict what it allows


@dataclass(frozen=True)
class Scp:
    name: str
    target: str  # OU path
    description: str
    document: dict[str, Any]
    guardrails: tuple[str, ...]

    @property
    def text(self) -> str:
        return compact(self.document)


class PackingError(Exception):
    def __init__(self, target: str, message: str):
        self.target = target
        super().__init__(message)


def compact(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Inputs:
    org: str
    allowed_regions: tuple[str, ...]
    studio_allowed_cidrs: tuple[str, ...]
    log_bucket: str
    workload_roots: tuple[str, ...]  # top-level OU paths holding team accounts
    vpc_only_ous: tuple[str, ...]  # OU paths whose environments are all vpc_only
    access_roles: tuple[str, ...] = ()  # adopted accounts' own access roles, as ARNs (library.access_role_arns)


def coverage(inputs: Inputs) -> dict[str, tuple[Guardrail, ...]]:
    """Which guardrails attach where. Child OUs inherit what their parents have."""
    base = [
        deny_leave_organization(),
        deny_unapproved_regions(inputs.allowed_regions),
        deny_root_user(),
        protect_audit(inputs.log_bucket, inputs.access_roles),
        protect_platform_roles(inputs.org, inputs.access_roles),
    ]
    if inputs.studio_allowed_cidrs:
        base.append(studio_source_networks(inputs.studio_allowed_cidrs))
    out: dict[str, tuple[Guardrail, ...]] = {root: tuple(base) for root in inputs.workload_roots}
    out[naming.SUSPENDED_OU] = tuple(base) + (suspended_lockdown(inputs.org, inputs.access_roles),)
    for ou in inputs.vpc_only_ous:
        out[ou] = out.get(ou, ()) + (sagemaker_vpc_only(),)
    return dict(sorted(out.items()))


def pack(org: str, target: str, rails: tuple[Guardrail, ...]) -> list[Scp]:
    """The guardrails of one target in as few SCPs as fit, each within the size limit, in library order."""
    groups: list[list[Guardrail]] = [[]]
    for rail in rails:
        trial = groups[-1] + [rail]
        if _size(trial) <= MAX_POLICY_CHARS:
            groups[-1] = trial
            continue
        if _size([rail]) > MAX_POLICY_CHARS:
            raise PackingError(
                target, f"guardrail '{rail.name}' alone is {_size([rail])} characters; an SCP may have at most {MAX_POLICY_CHARS}"
            )
        groups.append([rail])
    allowed = MAX_POLICIES_PER_TARGET - RESERVED_POLICIES
    if len(groups) > allowed:
        raise PackingError(
            target,
            f"OU '{target}' needs {len(groups)} SCPs for its guardrails; AWS allows "
            f"{MAX_POLICIES_PER_TARGET} per target, {allowed} besides FullAWSAccess",
        )
    return [
        Scp(
            name=naming.guardrails_scp(org, target, i + 1),
            target=target,
            description="; ".join(r.name for r in group)[:512],
            document=_document(group),
            guardrails=tuple(r.name for r in group),
        )
        for i, group in enumerate(groups)
    ]


def scp_plan(inputs: Inputs) -> tuple[Scp, ...]:
    out: list[Scp] = []
    for target, rails in coverage(inputs).items():
        out += pack(inputs.org, target, rails)
    return tuple(out)


def _document(rails: list[Guardrail]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [s for r in rails for s in r.statements]}


def _size(rails: list[Guardrail]) -> int:
    return len(compact(_document(rails)))
