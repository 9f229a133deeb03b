"""Every capped list and text (caps.py) within its cap, reported at the field with the AWS limit behind it."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from ...base.errors import RegistryError
from ..caps import CAPS, CONSUMED_SHARES, Cap
from ..model import Base, Registry
from ..source import error

_LEAVES = (str, int, float, bool, type(None))


@functools.cache
def _fields(model: type[Base]) -> tuple[str, ...]:
    return tuple(model.model_fields)


def _objects(root: Any) -> Iterator[Base]:
    """Every model object in the registry, the Registry's own lists included, depth first in field order (a loop,
    not nested generators: ~25,000 objects and ten times as many values at 1,000 teams)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, Base):
            yield node
            stack.extend(v for v in reversed([getattr(node, n) for n in _fields(type(node))]) if not isinstance(v, _LEAVES))
        elif isinstance(node, dict):
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list | tuple):
            stack.extend(reversed(node))


@functools.cache
def _capped(model: type[Base]) -> tuple[tuple[str, Cap], ...]:
    """The fields of this model that have a cap, with it."""
    return tuple((name, CAPS[f"{model.__name__}.{name}"]) for name in model.model_fields if f"{model.__name__}.{name}" in CAPS)


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
        for name, found in _capped(type(obj)):
            value = getattr(obj, name)
            if value is None:
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
