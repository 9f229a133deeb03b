"""`access`: the access review, every person x account, what grants it, Studio (no cdktn)."""

from __future__ import annotations

from ..outputs.access import access_report
from ..stacks import plan
from . import EXIT_OK
from .loading import load
from .options import AccessOptions


def access(opts: AccessOptions) -> int:
    reg = load(opts.registry)
    print(access_report(reg, plan(reg), opts.format, person=opts.person, account=opts.account), end="")
    return EXIT_OK
