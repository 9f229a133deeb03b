"""Helpers shared by the cross-reference checks."""

from __future__ import annotations

from collections.abc import Callable

from ...base.errors import RegistryError
from ..model import Registry
from ..origin import Origin
from ..paths import OUTSIDE

# Tags the compiler sets itself on every resource where they apply.
RESERVED_TAGS = ("team", "environment", "cost_center")

Check = Callable[[Registry], list[RegistryError]]


def missing_file(origin: Origin, what: str, rel: str) -> str:
    """Why a file an entry points at was not read: outside the registry folder, or not there."""
    if rel in origin.outside:
        return f"{what} {rel!r} {OUTSIDE}"
    return f"{what} '{rel}' not found under {origin.shown_root or '.'}/"
