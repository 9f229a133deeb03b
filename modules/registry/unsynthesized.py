"""Contract fields that validate but that synthesis does not build yet.

A field that is accepted and then silently ignored is worse than an error: a user who sets it believes
it works. `synth` (not `validate`) refuses a registry that SETS any field listed here, at its file:line.
Remove an entry in the change that makes synthesis implement it (tests/registry/test_unsynthesized.py
keeps one case per entry).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..base.errors import RegistryError
from .model import Base, Registry
from .source import Field, error

Where = tuple[Base, Field]  # (model object, the field of it that is set)


@dataclass(frozen=True)
class Pending:
    field: str  # as the contract names it
    where_set: Callable[[Registry], Iterator[Where]]


def _org(*fields: str) -> Callable[[Registry], Iterator[Where]]:
    def find(reg: Registry) -> Iterator[Where]:
        node: Any = reg.organization
        for f in fields[:-1]:
            node = getattr(node, f)
        if fields[-1] in node.model_fields_set:
            yield reg.organization, fields

    return find


def _teams(test: Callable[[Any], bool], path: tuple[Any, ...]) -> Callable[[Registry], Iterator[Where]]:
    def find(reg: Registry) -> Iterator[Where]:
        for team in reg.teams:
            if test(team):
                yield team, path

    return find


def _templates(field: str) -> Callable[[Registry], Iterator[Where]]:
    def find(reg: Registry) -> Iterator[Where]:
        for t in reg.templates:
            if getattr(t, field):
                yield t, field

    return find


# Every field of the contract is synthesized now (libraries, libraries.publish and seed_code were the last);
# a field added to the contract before its synthesis goes here.
NOT_YET_SYNTHESIZED: tuple[Pending, ...] = ()


def unsynthesized(reg: Registry) -> list[RegistryError]:
    """An error at every place the registry sets a field that synthesis does not implement yet."""
    errors = []
    for pending in NOT_YET_SYNTHESIZED:
        for obj, at in pending.where_set(reg):
            errors.append(
                error(
                    obj,
                    at,
                    f"'{pending.field}' is valid but not synthesized yet: synth would ignore it "
                    "silently, so it refuses; remove it for now (validate accepts it)",
                )
            )
    return sorted(set(errors))
