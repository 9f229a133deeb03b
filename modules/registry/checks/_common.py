"""Helpers shared by the cross-reference checks."""
from __future__ import annotations

from typing import Callable

from ..errors import RegistryError
from ..load import Sources
from ..model import Registry, Team

ORG = "organization.yaml"
ENVS = "environments.yaml"
ACCESS = "access.yaml"
PEOPLE = "people.yaml"
CATALOG = "catalog.yaml"
# Tags the compiler sets itself on every resource where they apply.
RESERVED_TAGS = ("team", "environment", "cost_center")

Check = Callable[[Registry, Sources], list[RegistryError]]


def _index(src: Sources, rel: str, list_key: str, name_key: str, value: str) -> int:
    """Index of the item named value in a list of a file (models may be sorted differently)."""
    doc = src.docs.get(rel)
    items = doc.data.get(list_key) if doc and isinstance(doc.data, dict) else None
    for i, item in enumerate(items or []):
        if isinstance(item, dict) and item.get(name_key) == value:
            return i
    return 0


def _team_rel(src: Sources, team: Team) -> str:
    return src.team_files[team.name]
