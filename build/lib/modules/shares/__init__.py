"""The share kinds: one module per kind in this package (cdk-nag's one rule per file), each holding the whole
kind (see base.ShareKind). Every layer loops over `KINDS`; adding a kind is one new module here.

Pure data, no cdktn: the registry's model builds its `kind` literal from `KINDS`, on the `validate` path.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import ACCESS, PRODUCER_POLICIES, Endpoint, Policy, ProducerStatements, Resource, Share, ShareKind, construct_id

__all__ = [
    "ACCESS",
    "KINDS",
    "PRODUCER_POLICIES",
    "Endpoint",
    "Policy",
    "ProducerStatements",
    "Resource",
    "Share",
    "ShareKind",
    "construct_id",
    "kind",
    "names",
]

_NOT_KINDS = {"base"}


def _discover() -> dict[str, ShareKind]:
    """Every module of this package but base.py defines `KIND`; ordered by `order` (the schema's enum order)."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name in _NOT_KINDS:
            continue
        spec = importlib.import_module(f"{__name__}.{info.name}").KIND
        if spec.name != info.name:
            raise ImportError(f"modules/shares/{info.name}.py defines kind {spec.name!r}: the module is named after its kind")
        found.append(spec)
    return {k.name: k for k in sorted(found, key=lambda k: (k.order, k.name))}


KINDS: dict[str, ShareKind] = _discover()


def kind(name: str) -> ShareKind:
    return KINDS[name]


def names(*, artifact: bool = False) -> tuple[str, ...]:
    """Kind names in order; `artifact`: only the kinds whose artifact the post-step adds to a RAM share."""
    return tuple(n for n, k in KINDS.items() if not artifact or k.artifact_lookup is not None)
