"""Contract fields that validate but that synthesis does not build yet.

A field that is accepted and then silently ignored is worse than an error: a user who sets it believes
it works. `synth` (not `validate`) refuses a registry that SETS any field listed here, at its file:line.
Remove an entry in the change that makes synthesis implement it (tests/registry/test_unsynthesized.py
keeps one case per entry).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from .errors import RegistryError
from .load import Sources
from .model import Registry

Where = tuple[str, tuple[Any, ...]]  # (file relative to the registry, path in it)


@dataclass(frozen=True)
class Pending:
    field: str  # as the contract names it
    where_set: Callable[[Registry, Sources], Iterator[Where]]


def _org(*fields: str) -> Callable[[Registry, Sources], Iterator[Where]]:
    def find(reg: Registry, src: Sources) -> Iterator[Where]:
        node: Any = reg.organization
        for f in fields[:-1]:
            node = getattr(node, f)
        if fields[-1] in node.model_fields_set:
            yield "organization.yaml", fields
    return find


def _teams(test: Callable[[Any], bool], path: tuple[Any, ...]) -> Callable[[Registry, Sources], Iterator[Where]]:
    def find(reg: Registry, src: Sources) -> Iterator[Where]:
        for team in reg.teams:
            if test(team):
                yield src.team_files[team.name], path
    return find


def _templates(field: str) -> Callable[[Registry, Sources], Iterator[Where]]:
    def find(reg: Registry, src: Sources) -> Iterator[Where]:
        from .checks._common import _index

        for t in reg.templates:
            if getattr(t, field):
                yield "catalog.yaml", ("templates", _index(src, "catalog.yaml", "templates", "name", t.name), field)
    return find


# Every field of the contract is synthesized now (libraries, libraries.publish and seed_code were the last,
# issue 14); a field added to the contract before its synthesis goes here.
NOT_YET_SYNTHESIZED: tuple[Pending, ...] = ()


def unsynthesized(reg: Registry, src: Sources) -> list[RegistryError]:
    """An error at every place the registry sets a field that synthesis does not implement yet."""
    errors = []
    for pending in NOT_YET_SYNTHESIZED:
        for rel, path in pending.where_set(reg, src):
            errors.append(src.error(rel, path, f"'{pending.field}' is valid but not synthesized yet: synth would ignore it "
                                    "silently, so it refuses; remove it for now (validate accepts it)"))
    return sorted(set(errors))
