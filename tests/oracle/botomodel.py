"""AWS's own API models, as botocore ships them at the pinned version: the constraints of one request member.

A request shape's members carry `min`/`max` (length of a string, size of a list or map, value of a number),
`pattern` and `enum`. Patterns are Java regular expressions (`\\p{L}`, `\\u00FF`): they are compiled with the
`regex` package in ASCII mode (Java's `\\w`, `\\d` and `\\s` are ASCII) and applied to the whole value, as AWS's
services validate them (IAM refuses a role name with a space although `[\\w+=,.@-]+` is not anchored).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import botocore
import botocore.session
import regex

SOURCE = f"botocore {botocore.__version__}"


@dataclass(frozen=True)
class Violation:
    constraint: str  # "max length 50", "pattern [...]", "enum [...]"
    source: str  # "botocore 1.44.18 servicecatalog CreatePortfolio.ProviderName (ProviderName)"


@cache
def _session() -> Any:
    return botocore.session.get_session()


@cache
def service(name: str) -> Any:
    return _session().get_service_model(name)


@cache
def _pattern(text: str) -> Any:
    return regex.compile(text, regex.ASCII | regex.DOTALL)


UNCHECKED = object()  # a list item whose value is not known (counted in the list's size only)


class UnknownMember(LookupError):
    pass


def member(service_name: str, path: str) -> Any:
    """The shape at `Operation.Member.Sub` (lists and maps are stepped through: their members' shapes)."""
    op, *steps = path.split(".")
    try:
        shape = service(service_name).operation_model(op).input_shape
    except Exception as exc:  # botocore's OperationNotFoundError and friends
        raise UnknownMember(f"{service_name} has no operation {op}") from exc
    for step in steps:
        while shape.type_name in ("list", "map"):
            shape = shape.member if shape.type_name == "list" else shape.value
        if shape.type_name != "structure" or step not in shape.members:
            raise UnknownMember(f"{service_name} {op}: no member {step!r} in {shape.name}")
        shape = shape.members[step]
    return shape


def check(shape: Any, value: Any, where: str) -> Iterator[Violation]:
    """Every constraint of `shape` that `value` breaks (a list's items and a structure's members included)."""
    meta = shape.metadata
    src = f"{SOURCE} {where} ({shape.name})"
    kind = shape.type_name
    if kind == "string":
        text = value if isinstance(value, str) else _scalar_text(value)
        if "min" in meta and len(text) < meta["min"]:
            yield Violation(f"at least {meta['min']} characters (has {len(text)})", src)
        if "max" in meta and len(text) > meta["max"]:
            yield Violation(f"at most {meta['max']} characters (has {len(text)})", src)
        if "enum" in meta and text not in meta["enum"]:
            yield Violation(f"one of {', '.join(meta['enum'])}", src)
        if "pattern" in meta and not _pattern(meta["pattern"]).fullmatch(text):
            yield Violation(f"pattern {meta['pattern']}", src)
    elif kind in ("integer", "long", "double", "float"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            yield Violation(f"a number (got {value!r})", src)
            return
        if "min" in meta and number < meta["min"]:
            yield Violation(f"at least {meta['min']}", src)
        if "max" in meta and number > meta["max"]:
            yield Violation(f"at most {meta['max']}", src)
    elif kind in ("list", "map"):
        items = value if isinstance(value, list | dict) else [value]
        if "min" in meta and len(items) < meta["min"]:
            yield Violation(f"at least {meta['min']} items (has {len(items)})", src)
        if "max" in meta and len(items) > meta["max"]:
            yield Violation(f"at most {meta['max']} items (has {len(items)})", src)
        if kind == "list" and isinstance(value, list):
            for item in value:
                if not isinstance(item, dict) and item is not UNCHECKED:
                    yield from check(shape.member, item, where + "[]")
        elif kind == "map" and isinstance(value, dict):
            for k, v in value.items():
                yield from check(shape.key, k, where + "{key}")
                yield from check(shape.value, v, where + "{value}")


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
