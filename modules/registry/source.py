"""Where each model object was written, and errors reported at it.

The loader gives every model object it validated from a file a `Source`: the file, the path of the object in
it (keys and list indexes as written, before the loader sorts anything) and the parsed document, which knows
the line of every value. A check then says `error(team, ("shares", 0, "name"), message)` and gets the same
`file:line: entity: message` as a pydantic error at that place would.

The Registry carries an `Origin` (origin.py): what the loader learned besides positions (the folder, team files
that did not validate, side files refused), so that a check is `check(registry) -> errors`.
"""

from __future__ import annotations

from typing import Any

from ..base.errors import RegistryError
from .describe import entity_path
from .model import Base
from .origin import Source
from .yamlio import Document

Field = str | int | tuple[Any, ...] | None  # a key, an index, or a path of them


def attach(value: Any, rel: str, doc: Document, path: tuple[Any, ...] = ()) -> None:
    """Give value and every model object inside it its Source, walking the data path alongside.

    Only fields the file sets are walked: a default sub-object (`sagemaker: SageMaker()`) is one instance shared
    by every model of its class, and was not written anywhere."""
    if isinstance(value, Base):
        value._source = Source(rel, path, doc)
        fields = type(value).model_fields
        for name in value.model_fields_set:
            attach(getattr(value, name), rel, doc, path + (fields[name].alias or name,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            attach(item, rel, doc, path + (i,))
    elif isinstance(value, dict):
        for key, item in value.items():
            attach(item, rel, doc, path + (key,))


def source_of(obj: Base) -> Source:
    src = obj._source
    if src is None:
        raise ValueError(f"{type(obj).__name__} has no source position: it was not read from a registry file")
    return src


def _path(obj: Base, at: Field) -> tuple[Any, ...]:
    fields = () if at is None else at if isinstance(at, tuple) else (at,)
    return source_of(obj).path + fields


def position(obj: Base, at: Field = None) -> tuple[str, tuple[Any, ...]]:
    """(file, path) of a field of obj: a value to compare and hash where two places must be told apart."""
    return source_of(obj).rel, _path(obj, at)


def line(obj: Base, at: Field = None) -> int:
    """Line of a field of obj, or of its nearest ancestor written in the file."""
    return source_of(obj).doc.line(*_path(obj, at))


def where(obj: Base, at: Field = None) -> str:
    """`file:line` of a field of obj, as shown to users."""
    return f"{source_of(obj).doc.file}:{line(obj, at)}"


def error(obj: Base, at: Field, message: str, *, entity_of: Base | None = None) -> RegistryError:
    """An error at field `at` of obj (a key, an index or a path of them; None: obj itself).

    The entity is named from the field's path, or from entity_of's when given (an object of the same file that
    the error is about as a whole: `member 'x'` rather than `member 'x' › person`)."""
    src = source_of(obj)
    path = _path(obj, at)
    named = source_of(entity_of).path if entity_of is not None else path
    return RegistryError(src.doc.file, src.doc.line(*path), entity_path(src.rel, src.doc.data, named), message)
