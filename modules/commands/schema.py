"""`schema`: write the registry's JSON Schema to <registry>/schema.json and the registry reference to
docs/registry.md beside the registry folder, or with --check say whether either is stale. Both are generated from
the registry's models."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..base import safewrite
from ..outputs.reference import reference_text
from ..outputs.schema import schema_text
from . import EXIT_INVALID, EXIT_OK, Unusable
from .specs import SchemaOptions


def generated_files(registry: Path) -> dict[Path, str]:
    """Path -> text of what `schema` writes: the schema in the registry, the reference in the project's docs/."""
    docs = Path(os.path.relpath(registry.resolve().parent / "docs" / "registry.md"))
    return {registry / "schema.json": schema_text(), docs: reference_text()}


def schema(opts: SchemaOptions) -> int:
    files = generated_files(Path(opts.registry))
    if opts.check:
        stale = [path for path, text in files.items() if (path.read_text(encoding="utf-8") if path.is_file() else "") != text]
        for path in stale:
            print(f"{path} is stale: run `python main.py schema` and commit it", file=sys.stderr)
        if stale:
            return EXIT_INVALID
        print(" and ".join(str(p) for p in files) + " are up to date")
        return EXIT_OK
    for path, text in files.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            safewrite.replace_file(path, text)
        except safewrite.UnsafeTarget as exc:
            raise Unusable(f"error: {exc}") from None
        print(f"wrote {path}")
    return EXIT_OK
