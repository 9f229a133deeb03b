"""`shares`: the share graph, producer -> consumers, kind, access (no cdktn)."""

from __future__ import annotations

from ..outputs.shares import shares_json, shares_table
from ..plan.layout import plan
from . import EXIT_OK
from .loading import load
from .specs import SharesOptions


def shares(opts: SharesOptions) -> int:
    reg = load(opts.registry)
    the_plan = plan(reg)
    print(shares_json(the_plan) if opts.format == "json" else shares_table(the_plan), end="")
    return EXIT_OK
