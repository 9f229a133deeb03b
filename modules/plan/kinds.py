"""The kinds of stack, in ONE table: what each kind's stacks are built from, by what, with what post-step manifest,
and what their output depends on. Every stage that handles a stack by its kind reads this table (the build, the
post-step's manifests, the fingerprints); none tests a stack's name.

Builders and manifest functions live in higher layers (aws/, post/): the table names them as `<module>:<function>`
under modules/, imported only when called (the construct modules load cdktn, the manifests pydantic).
tests/test_plan.py checks that every entry resolves and that every stack of a plan has a kind.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..base import naming
from .records import AccessStack, AccountStack, IdentityStack, OrganizationStack, OrgValues, SharedServicesStack, StackInput, StackRecord


def own_inputs(values: OrgValues, record: StackRecord, what: StackInput) -> tuple[object, ...]:
    """What a stack's output depends on besides the compiler: the organization-wide values, its stack record (the
    states it reads) and its own record, which carries the text of every registry file it uses (templates, inline
    policies, seed zips). engine/fingerprint.py hashes their repr with the compiler's digest: a record field that
    only reviews read (`repr=False`, such as a membership's end date) is not an input of the output."""
    return (values, record, what)


@dataclass(frozen=True)
class StackKind:
    name: str
    record: type  # the record its construct module builds from (records.py)
    field: str  # the Plan attribute holding that record (central kinds) or the tuple of them (one stack each)
    builder: str  # `<module>:<function>`, called (stack, values, record): the construct module's entry
    manifest: str  # `<module>:<function>`, called (plan, record): its post-step manifest (post/manifest.py)
    fingerprint: Callable[[OrgValues, StackRecord, Any], tuple[object, ...]] = own_inputs

    @property
    def central(self) -> bool:
        """One stack of this kind in every plan (named after the kind), rather than one per team or account."""
        return self.name in naming.CENTRAL_STACKS


@functools.cache
def entry(path: str) -> Callable[..., Any]:
    """The function a table entry names (`aws.organization:build_organization`), its module imported now (once: the
    import machinery's lookup costs ~25 us a call, a tenth of a second over 5,000 stacks' manifests)."""
    module, _, name = path.partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(f"{_PACKAGE}.{module}"), name)
    return found


_PACKAGE = __name__.split(".")[0]  # modules

ORGANIZATION = naming.ORGANIZATION_STACK
IDENTITY = naming.IDENTITY_STACK
SHARED_SERVICES = naming.SHARED_SERVICES_STACK
ACCESS = "access"
ACCOUNT = "account"

KINDS: dict[str, StackKind] = {
    k.name: k
    for k in (
        StackKind(
            ORGANIZATION, OrganizationStack, "organization", "aws.organization:build_organization", "post.manifest:organization_manifest"
        ),
        StackKind(IDENTITY, IdentityStack, "identity", "aws.identity_center:build_identity", "post.manifest:identity_manifest"),
        StackKind(
            SHARED_SERVICES,
            SharedServicesStack,
            "shared_services",
            "aws.catalog:build_shared_services",
            "post.manifest:shared_services_manifest",
        ),
        StackKind(ACCESS, AccessStack, "access", "aws.access:build_access", "post.manifest:access_manifest"),
        StackKind(ACCOUNT, AccountStack, "accounts", "aws.account:build_account", "post.manifest:account_manifest"),
    )
}
