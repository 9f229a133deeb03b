"""`graph`: a Mermaid diagram of OUs, team accounts and shares (no cdktn)."""

from __future__ import annotations

from ..outputs.graph import mermaid
from ..plan.layout import plan
from . import EXIT_OK
from .loading import load
from .specs import RegistryOptions


def graph(opts: RegistryOptions) -> int:
    reg = load(opts.registry)
    print(mermaid(plan(reg)), end="")
    return EXIT_OK
