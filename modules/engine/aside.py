"""Work done beside the build, on the other core: the files synth writes beside the stacks.

A one-team edit builds a few stacks in the synth process, which is one core's work (Python, then jsii's Node, in
turn), while the post manifests, the output's facts and atlantis.yaml are computed from the plan alone: ~1 s of
pure Python at 1,000 teams. `aside(fn)` forks a child that computes `fn()` while this process builds, and returns
a function that waits for the child's result. The child shares nothing with jsii (it never calls it) and leaves
with `os._exit`, so neither jsii's Node nor this process's exit handlers see it. Where fork is unsafe or missing
(not Linux), or the child fails, the work is done here, when asked for: the bytes are the same either way (tests).
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import sys
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
DEADLINE = 120.0  # seconds: the work takes ~1 s at 1,000 teams; a child past this is stopped and the work done here
DISABLE = "REGISTRY_NO_ASIDE"  # set (any value) to compute in this process, as on a system without fork


class Later(Generic[T]):
    """A value computed once, when first asked for: by a forked child started at once, or here."""

    def __init__(self, fn: Callable[[], T], *, fork: bool = True) -> None:
        self._fn = fn
        self._done = False
        self._value: T | None = None
        self._pid: int | None = None  # the child until it is reaped
        self._fd: int | None = None  # the read end of its pipe until it is closed
        if fork and sys.platform == "linux" and hasattr(os, "fork") and not os.environ.get(DISABLE):
            started = _start(fn)
            if started:
                self._pid, self._fd = started

    def __call__(self) -> T:
        if not self._done:
            value = self._collect() if self._pid is not None else None
            self._value = value[0] if value is not None else self._fn()  # type: ignore[assignment]
            self._done = True
        return self._value  # type: ignore[return-value]

    def _collect(self) -> tuple[object] | None:
        """The child's result, or None when it failed or took longer than DEADLINE (the caller computes it then)."""
        assert self._pid is not None and self._fd is not None
        chunks: list[bytes] = []
        deadline = time.monotonic() + DEADLINE
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._fd], [], [], left)[0]:
                self.cancel()  # a child stuck (a lock held at the fork by another thread): stopped, computed here
                return None
            chunk = os.read(self._fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        self._close()
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if status != 0 or not chunks:
            return None
        return (pickle.loads(b"".join(chunks)),)  # our own child's bytes, written by the code of this very process

    def _close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def item(self, i: int) -> Callable[[], object]:
        """A function returning one item of the value (a tuple)."""
        return lambda: self()[i]  # type: ignore[index]

    def cancel(self) -> None:
        """Stop the child if its result will not be asked for (an error, an interrupt, a deadline): idempotent."""
        self._close()
        if self._pid is not None:
            pid, self._pid = self._pid, None
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def _start(fn: Callable[[], object]) -> tuple[int, int] | None:
    """(pid, read end) of a child computing fn(), or None when no child could be started (computed here then)."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:  # the child: compute, hand the result over, leave without running anything of the parent's
        code = 0
        gc.disable()  # short-lived: what it allocates is freed when it leaves (and no collection copies shared pages)
        try:
            os.close(read)
            data = pickle.dumps(fn(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
        except BaseException:  # noqa: BLE001 - the parent computes it again and sees the error itself
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    return pid, read
