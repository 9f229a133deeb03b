"""`validate`: check the registry and report every mistake with file:line (no cdktn: main.py runs it as it is)."""

from __future__ import annotations

from . import EXIT_OK
from .loading import load, summary
from .options import RegistryOptions


def validate(opts: RegistryOptions) -> int:
    reg = load(opts.registry)
    print(f"{opts.registry}: valid — {summary(reg)}")
    return EXIT_OK
