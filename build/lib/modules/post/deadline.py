"""Time bounds of a post-step run: one Deadline for the run, a shorter one per call or wait, passed down.

Nothing in the post-step sleeps or waits without asking the deadline first, so persistent throttling or
a resource that never settles ends in an error that says so, within the bound, instead of a stalled apply.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

RUN_SECONDS = 900.0  # the whole `post` run (Atlantis has no step timeout of its own)
CALL_SECONDS = 60.0  # one API call, retries included


class OutOfTime(Exception):
    """A time bound was reached; the message says which and what was being done."""


@dataclass
class Clock:
    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


@dataclass
class Deadline:
    clock: Clock
    at: float
    what: str  # "the run's bound of 900 s"

    @classmethod
    def start(cls, seconds: float, clock: Clock | None = None, what: str = "run") -> Deadline:
        clock = clock or Clock()
        return cls(clock, clock.now() + seconds, f"the {what} bound of {seconds:g} s")

    def remaining(self) -> float:
        return self.at - self.clock.now()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def child(self, seconds: float, what: str) -> Deadline:
        """A bound for one part of the work: the shorter of `seconds` and what is left of this one."""
        mine = self.clock.now() + seconds
        if mine <= self.at:
            return Deadline(self.clock, mine, f"the {what} bound of {seconds:g} s")
        return Deadline(self.clock, self.at, self.what)

    def sleep(self, seconds: float) -> bool:
        """Sleep `seconds` if the time is there; False (without sleeping) when it is not."""
        if seconds >= self.remaining():
            return False
        self.clock.sleep(seconds)
        return True
