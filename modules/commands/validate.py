"""`validate`: check the registry and report every mistake with file:line (no cdktn: main.py runs it as it is).

With `--today DATE`, time-bound access is judged too: an entry whose last day has passed is refused when this
change adds or changes it (compared with the registry at `--base REF`; without a base, every expired entry is
refused), and the others are warnings: the expiry run's pull request removes them. The day is an argument, never
the clock, so the same command on the same input always answers the same."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from ..base import gitbase
from ..base.errors import RegistryInvalid
from ..registry.expiry import judge
from ..registry.model import Registry
from ..registry.validate import load_registry
from . import EXIT_OK, Invalid, Unusable
from .loading import load, summary
from .specs import ValidateOptions


def validate(opts: ValidateOptions) -> int:
    if opts.base is not None and opts.today is None:
        raise Unusable("error: --base compares expired entries with a git ref: give --today too")
    reg = load(opts.registry)
    if opts.today is not None:
        base = _base(opts.registry, opts.base) if opts.base else None
        errors, warnings = judge(reg, opts.today, base)
        for w in sorted(warnings):
            print(f"warning: {w}", file=sys.stderr)
        if errors:
            raise Invalid(RegistryInvalid(errors).report())
    print(f"{opts.registry}: valid — {summary(reg)}")
    return EXIT_OK


def _base(registry: str, ref: str) -> Registry | None:
    """The registry as committed at ref (None when the folder did not exist there: everything is new)."""
    folder = Path(registry).resolve()
    try:
        root = gitbase.repo_root(folder)
        commit = gitbase.resolve_ref(ref, root)
        rel = os.path.relpath(folder, root)
        with tempfile.TemporaryDirectory() as tmp:
            base_dir = gitbase.extract(commit, rel, root, Path(tmp) / "base")
            if base_dir is None or not base_dir.is_dir():
                return None
            return load_registry(base_dir, shown_root=f"{ref}:{rel}")
    except gitbase.GitError as exc:
        raise Unusable(f"error: {exc}") from None
    except RegistryInvalid as exc:
        raise Unusable(f"error: the registry at {ref} is not valid, so there is nothing to compare with:\n{exc.report()}") from None
