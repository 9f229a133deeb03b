"""Files written beside the stacks and at the repository root, and reports. Pure functions of the model."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: synth's no-op check reads ROOT_FILES without loading the registry model
    from ..plan.layout import Plan
    from ..registry.model import Registry

ROOT_FILES = ("atlantis.yaml", ".github/CODEOWNERS")  # what root_files writes, in this order


def files_beside_stacks(plan: Plan) -> dict[str, str]:
    """Path under the output folder -> text, for everything synth writes there besides the stacks: the output's facts
    (manifest.json), the share graph (shares.json) and each stack's post-step manifest (post/<stack>.json)."""
    # lazy: these load the registry model (pydantic); synth's no-op check imports this package for ROOT_FILES
    from ..post.manifest import manifest_files
    from .facts import MANIFEST, manifest_text
    from .shares import shares_json

    return {MANIFEST: manifest_text(plan), "shares.json": shares_json(plan), **manifest_files(plan)}


def preload_outputs() -> None:
    """Import what files_beside_stacks and root_files import lazily: before a child is forked to run them (a child
    must not import what another thread of its parent may have been importing at the fork)."""
    # lazy: what the functions above keep off synth's no-op check, imported now on purpose
    from ..post import manifest  # noqa: F401
    from . import atlantis, codeowners, facts, shares  # noqa: F401


def root_files(reg: Registry, plan: Plan, *, root: Path, out: Path, registry_dir: Path) -> dict[str, str]:
    """Path under the repository root (the output folder's parent) -> text: atlantis.yaml and CODEOWNERS."""
    # lazy: these load the registry model (pydantic); synth's no-op check imports this package for ROOT_FILES
    from .atlantis import atlantis_yaml
    from .codeowners import codeowners

    stacks_dir = _rel(out / "stacks", root)
    teams = {t.name: f"{_rel(registry_dir, root)}/teams/{t.name}.yaml" for t in reg.teams}
    return dict(zip(ROOT_FILES, (atlantis_yaml(plan, stacks_dir), codeowners(reg, teams)), strict=True))


def _rel(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
