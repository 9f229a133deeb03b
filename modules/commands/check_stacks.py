"""`check-stacks` (CI, before a plan): refuse stacks that use anything outside the compiler's allow-list."""

from __future__ import annotations

import sys
from pathlib import Path

from ..review.allowlist import check_folder
from . import EXIT_INVALID, EXIT_OK, Unusable
from .options import CheckStacksOptions


def check_stacks(opts: CheckStacksOptions) -> int:
    folder = Path(opts.stacks)
    if not folder.is_dir():
        raise Unusable(f"error: stacks folder '{folder}' not found")
    count, found = check_folder(folder)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"check-stacks: {len(found)} problem(s): nothing may be planned until they are gone", file=sys.stderr)
        return EXIT_INVALID
    print(f"check-stacks: {count} stacks use only allowed providers, data sources and resource types")
    return EXIT_OK
