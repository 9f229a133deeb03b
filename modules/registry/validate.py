"""The registry as the rest of the compiler gets it: read (load.py), then checked (checks/), or refused.

`load_registry` is the public entry: it returns one validated, frozen Registry, or raises RegistryInvalid with
every mistake, those found reading the files and those the cross-reference checks find, sorted together.
"""

from __future__ import annotations

import os

from ..base.errors import RegistryInvalid
from .checks import run_checks
from .load import read_registry
from .model import Registry


def load_registry(root: str | os.PathLike[str], shown_root: str | None = None) -> Registry:
    """Load and check the registry at root (shown in messages as shown_root). Raises RegistryInvalid."""
    registry, errors = read_registry(root, shown_root)
    errors += run_checks(registry)
    if errors:
        raise RegistryInvalid(errors)
    return registry
