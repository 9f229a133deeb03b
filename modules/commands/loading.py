"""What the commands that read a registry share: loading it (or stopping) and the one-line summary they print."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from ..base import gcpause
from ..base.errors import RegistryInvalid
from ..engine.aside import Later
from ..registry.checks import run_checks
from ..registry.load import read_registry
from ..registry.model import Registry
from ..registry.validate import load_registry
from . import Invalid, Unusable


def _shown(registry: str) -> str:
    """The folder as messages show it; Unusable when it is not there."""
    if not os.path.isdir(registry):
        raise Unusable(f"error: registry folder '{registry}' not found (use --registry DIR)")
    return registry.rstrip("/") or "/"


def load(registry: str) -> Registry:
    """The validated registry; every mistake at once (Invalid), or Unusable when the folder is not there."""
    shown = _shown(registry)
    try:
        with gcpause.paused(freeze=False):  # ~30 % of reading a large registry is the collector's (base/gcpause.py)
            return load_registry(registry, shown_root=shown)
    except RegistryInvalid as exc:
        raise Invalid(exc.report()) from None


class Checked:
    """A registry read, and its cross-file checks running beside what comes next (aside.Later: a forked child, or
    here when asked): synth plans and builds while they run, and nothing is written before `verify()` says they passed.
    A registry whose files already have mistakes is refused at once, with the checks' findings too (load_unchecked)."""

    def __init__(self, reg: Registry, *, beside: bool = True) -> None:
        self.registry = reg
        self._checks = Later(lambda: run_checks(reg), fork=beside)  # not beside: run here, when verify() asks

    def verify(self) -> None:
        """Return when the checks found nothing; else raise Invalid with every mistake (nothing was written)."""
        found = self._checks()
        if found:
            raise Invalid(RegistryInvalid(found).report()) from None

    @contextlib.contextmanager
    def first(self) -> Iterator[None]:
        """The registry's own mistakes are reported before whatever went wrong after them (a plan of a registry with
        an unknown reference may fail in its own way, a refusal may follow from the mistake): on an error in the block
        the checks' verdict comes first. The child is stopped however the block ends."""
        try:
            yield
        except Exception:
            self.verify()
            raise
        finally:
            self._checks.cancel()


def load_unchecked(registry: str, *, beside: bool = True) -> Checked:
    """The registry as read, its cross-file checks started beside (Checked); Invalid at once when reading found
    mistakes, with the checks' too (as load reports them), or Unusable when the folder is not there."""
    shown = _shown(registry)
    try:
        with gcpause.paused():  # frozen after: synth forks the checks, the files' child and more workers from here on
            reg, errors = read_registry(registry, shown_root=shown)
            if errors:
                raise RegistryInvalid(errors + run_checks(reg))
    except RegistryInvalid as exc:
        raise Invalid(exc.report()) from None
    return Checked(reg, beside=beside)


def summary(reg: Registry) -> str:
    active = [t for t in reg.teams if t.active]
    accounts = sum(len(t.environments) for t in reg.teams)
    adopted = sum(1 for t in reg.teams for e in t.environments.values() if e.account_id)
    shares = sum(len(t.shares) for t in active)
    decom = sum(t.status == "decommissioned" for t in reg.teams)
    return (
        f"{_n(len(reg.teams), 'team')} ({len(active)} active, {decom} decommissioned), "
        f"{_n(accounts, 'account')} ({adopted} adopted), {_n(len(reg.people), 'person', 'people')}, {_n(shares, 'share')}"
    )


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"
