"""Shared test helpers: build a registry from the base fixture plus a case's overrides."""

from __future__ import annotations

import shutil
from pathlib import Path

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
BASE = FIXTURES / "base" / "registry"
EXAMPLE = TESTS.parent / "registry"


def materialize(case: Path | None, dest: Path) -> Path:
    """dest/registry = the base registry, overlaid with case/registry; case/registry/_delete lists files to drop."""
    reg = dest / "registry"
    shutil.copytree(BASE, reg)
    if case is None:
        return reg
    overlay = case / "registry"
    for src in sorted(overlay.rglob("*")):
        rel = src.relative_to(overlay)
        if src.is_dir() or rel.name == "_delete":
            continue
        target = reg / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    deletes = overlay / "_delete"
    if deletes.is_file():
        for rel in deletes.read_text().split():
            (reg / rel).unlink()
    return reg


def synthesize(plan, out: Path, **kwargs):
    """engine.synth.synthesize with the files a synth writes beside the stacks (as the synth command passes them)."""
    from modules.engine import synth  # importing the engine here would load it for every test that uses these helpers
    from modules.outputs import files_beside_stacks

    return synth.synthesize(plan, out, files=files_beside_stacks(plan), **kwargs)
