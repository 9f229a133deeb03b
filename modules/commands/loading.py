"""What the commands that read a registry share: loading it (or stopping) and the one-line summary they print."""

from __future__ import annotations

import os

from ..base import gcpause
from ..base.errors import RegistryInvalid
from ..registry.model import Registry
from ..registry.validate import load_registry
from . import Invalid, Unusable


def load(registry: str) -> Registry:
    """The validated registry; every mistake at once (Invalid), or Unusable when the folder is not there."""
    if not os.path.isdir(registry):
        raise Unusable(f"error: registry folder '{registry}' not found (use --registry DIR)")
    try:
        with gcpause.paused():  # ~30 % of reading a large registry is the collector's (base/gcpause.py)
            return load_registry(registry, shown_root=registry.rstrip("/") or "/")
    except RegistryInvalid as exc:
        raise Invalid(exc.report()) from None


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
