"""Work done beside the build, on the other core: the files synth writes beside the stacks.

A one-team edit builds a few stacks in the synth process, which is one core's work (Python, then jsii's Node, in
turn), while the post manifests, the output's facts and atlantis.yaml are computed from the plan alone: ~1 s of
pure Python at 1,000 teams. `aside(fn)` forks a child that computes `fn()` while this process builds, and returns
a function that waits for the child's result. The child shares nothing with jsii (it never calls it) and leaves
with `os._exit`, so neither jsii's Node nor this process's exit handlers see it. Where fork is unsafe or missing
(not Linux), or the child fails, the work is done here, when asked for: the bytes are the same either way (tests).
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
DISABLE = "REGISTRY_NO_ASIDE"  # set (any value) to compute in this process, as on a system without fork


class Later(Generic[T]):
    """A value computed once, when first asked for: by a forked child started at once, or here."""

    def __init__(self, fn: Callable[[], T], *, fork: bool = True) -> None:
        self._fn = fn
        self._done = False
        self._value: T | None = None
        self._child: tuple[int, int] | None = None  # pid, read end of its pipe
        if fork and sys.platform == "linux" and hasattr(os, "fork") and not os.environ.get(DISABLE):
            self._child = _start(fn)

    def __call__(self) -> T:
        if not self._done:
            value = _collect(*self._child) if self._child else None
            self._child = None
            self._value = value[0] if value is not None else self._fn()  # type: ignore[assignment]
            self._done = True
        return self._value  # type: ignore[return-value]

    def item(self, i: int) -> Callable[[], object]:
        """A function returning one item of the value (a tuple)."""
        return lambda: self()[i]  # type: ignore[index]

    def cancel(self) -> None:
        """Stop the child if its result will not be asked for (an error before it was)."""
        if self._child:
            pid, fd = self._child
            self._child = None
            os.close(fd)
            try:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def _start(fn: Callable[[], object]) -> tuple[int, int] | None:
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:  # the child: compute, hand the result over, leave without running anything of the parent's
        code = 0
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


def _collect(pid: int, fd: int) -> tuple[object] | None:
    """The child's result, or None when it failed (the caller computes it then)."""
    with os.fdopen(fd, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    return (pickle.loads(data),)  # our own child's bytes, written by the code of this very process
