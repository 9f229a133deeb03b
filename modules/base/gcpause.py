"""The cyclic garbage collector, held off while the registry is read and planned.

Reading 1,000 team files makes millions of small objects (YAML nodes, models, plan records) that nearly all stay
alive, and CPython's collector walks every live object again each time enough new ones have been made: ~30 % of
reading and planning a large registry (make bench; 1,000 teams: 2.2 s with the collector, 1.6 s without). Garbage
there is freed by reference counting, which the collector does not affect. After the block the survivors are moved
out of the collector's sight (gc.freeze: https://docs.python.org/3/library/gc.html#gc.freeze), so that later
collections, and the children forked after it (where a collection would copy every page it touches), skip them.
mypy holds its collector off the same way while it builds (its gc.set_threshold in build.py).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused(*, freeze: bool = True) -> Iterator[None]:
    """The collector off in the block, on again after. `freeze`: what is alive then (and any garbage cycle made in
    the block) is moved out of its sight for good, which is for a one-shot process that forks after (synth); a
    caller that may load again and again in one process (the other commands, a test session) leaves it out."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was:
            gc.enable()
