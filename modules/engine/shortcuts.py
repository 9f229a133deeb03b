"""Speed shortcuts that stop applying say so: one line from `synth`, never a silent slowdown.

Each shortcut into a dependency's private parts (jsii_fast.py, the lazy provider index of node.py, cdktn's
prepareStack in aws/base.py) falls back to the dependency's own path when that dependency changes: the output
stays the same bytes, only slower. Whoever notices (a build worker, jsii's Node) leaves a note in the folder
that `recording()` names in the environment; `synth` prints each note once after the build."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

NOTES = "REGISTRY_SHORTCUT_NOTES"  # the folder, inherited by build workers and jsii's Node


def inactive(name: str, why: str) -> None:
    """Note that shortcut `name` does not apply in this process (no-op outside `recording()`)."""
    folder = os.environ.get(NOTES)
    if folder:
        with contextlib.suppress(OSError):  # the folder is gone: the run that asked has ended
            Path(folder, name).write_text(why, encoding="utf-8")


@contextlib.contextmanager
def recording() -> Iterator[Path]:
    """A folder for this run's notes, named in the environment (before workers start) and removed after."""
    before = os.environ.get(NOTES)
    folder = Path(tempfile.mkdtemp(prefix="sagemaker-registry-notes-"))
    os.environ[NOTES] = str(folder)
    try:
        yield folder
    finally:
        if before is None:
            os.environ.pop(NOTES, None)
        else:
            os.environ[NOTES] = before
        shutil.rmtree(folder, ignore_errors=True)


def notes(folder: Path) -> list[str]:
    """One line per shortcut that did not apply, sorted: `<name>: <why>`."""
    try:
        found = sorted(p for p in folder.iterdir() if p.is_file())
    except OSError:
        return []
    return [f"{p.name}: {p.read_text(encoding='utf-8').strip()}" for p in found]
