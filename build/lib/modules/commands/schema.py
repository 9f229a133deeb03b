"""`schema`: write the registry's JSON Schema to <registry>/schema.json, or with --check say whether it is stale."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..outputs.schema import schema_text
from . import EXIT_INVALID, EXIT_OK
from .options import SchemaOptions


def schema(opts: SchemaOptions) -> int:
    path = Path(opts.registry) / "schema.json"
    text = schema_text()
    if opts.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != text:
            print(f"{path} is stale: run `python main.py schema` and commit it", file=sys.stderr)
            return EXIT_INVALID
        print(f"{path} is up to date")
        return EXIT_OK
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    print(f"wrote {path}")
    return EXIT_OK
