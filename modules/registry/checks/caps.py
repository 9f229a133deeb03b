"""Every capped list and text (caps.py) within its cap, reported at the field with the AWS limit behind it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...base.errors import RegistryError
from ..caps import CAPS, CONSUMED_SHARES
from ..model import Base, Registry
from ..source import error


def _objects(node: Any) -> Iterator[Base]:
    """Every model object in the registry, the Registry's own lists included."""
    if isinstance(node, Base):
        yield node
        for name in type(node).model_fields:
            yield from _objects(getattr(node, name))
    elif isinstance(node, dict):
        for v in node.values():
            yield from _objects(v)
    elif isinstance(node, list | tuple):
        for v in node:
            yield from _objects(v)


def check_caps(reg: Registry) -> list[RegistryError]:
    errors = []
    lists: dict[str, list[Base]] = {
        "EnvironmentsFile.environments": list(reg.environments),
        "AccessFile.permission_sets": list(reg.permission_sets.values()),
        "AccessFile.roles": list(reg.roles.values()),
        "PeopleFile.people": list(reg.people),
        "CatalogFile.templates": list(reg.templates),
    }
    for key, value in lists.items():
        c = CAPS[key]
        if len(value) > c.max:
            errors.append(error(value[0], None, f"{len(value)} {key.split('.')[1].replace('_', ' ')}; {c.text} ({c.source})"))
    for obj in _objects(reg):
        model = type(obj).__name__
        for name in type(obj).model_fields:
            found = CAPS.get(f"{model}.{name}")
            value = getattr(obj, name)
            if found is None or value is None:
                continue
            size = len(value)
            if size > found.max:
                field = type(obj).model_fields[name].alias or name
                errors.append(error(obj, field, f"{size} {found.unit}; {found.text} ({found.source})"))
    return errors


def check_consumed_shares(reg: Registry) -> list[RegistryError]:
    """No team account consumes more shares than its execution role's policies can hold; reported at each `to`
    entry past the cap, in file order."""
    c = CAPS[CONSUMED_SHARES]
    seen: dict[tuple[str, str], int] = {}
    errors = []
    for team in reg.teams:
        for share in team.shares:
            for target in share.to:
                key = (target.team, target.environment)
                seen[key] = seen.get(key, 0) + 1
                if seen[key] > c.max:
                    errors.append(
                        error(
                            target,
                            None,
                            f"{target.team}/{target.environment} would consume {seen[key]} shares; {c.text} ({c.source})",
                        )
                    )
    return errors
