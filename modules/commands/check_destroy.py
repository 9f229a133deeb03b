"""`check-destroy` (CI): fail when the output destroys or replaces what the base branch's output manages,
unless the change adds a platform opt-in."""

from __future__ import annotations

from pathlib import Path

from ..base import gitbase
from ..review.guard import OptInInvalid, check
from . import EXIT_INVALID, EXIT_OK, Invalid, Unusable
from .specs import CheckDestroyOptions


def check_destroy(opts: CheckDestroyOptions) -> int:
    try:
        result = check(opts.base, Path(opts.out), Path(opts.allow_file), head_ref=opts.head)
    except OptInInvalid as exc:
        raise Invalid(f"error: {exc}") from None
    except gitbase.GitError as exc:
        raise Unusable(f"error: {exc}") from None
    print(result.report(opts.base), end="")
    return EXIT_INVALID if result.refused else EXIT_OK
