"""The one gate for every path the loader reads: it must stay inside the registry folder.

Team files are edited in pull requests, and a pull request can add a symlink as easily as a file:
`teams/x.yaml -> /etc/passwd`, `teams -> ../../elsewhere`, `catalog/t.yaml -> ~/.aws/credentials`. Every
read (registry files, the team folder, inline policies, catalog templates, seed folders) goes through
`resolve_inside`, which follows symlinks and refuses anything whose real path leaves the registry folder.
Seed folders may contain no symlinks at all (they are packed into archives byte for byte).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

OUTSIDE = "resolves outside the registry folder (a symlink?); registry files must live inside it"


def real_root(root: Path) -> Path:
    return Path(os.path.realpath(root))


def resolve_inside(root: Path, rel: str) -> tuple[Path, str | None]:
    """(the path of rel under root, None) when its real path is inside root's; (path, OUTSIDE) when not."""
    path = root / rel
    real = os.path.realpath(path)
    base = str(real_root(root))
    if real != base and not real.startswith(base + os.sep):
        return path, OUTSIDE
    return path, None


@dataclass(frozen=True)
class Folder:
    """What a seed folder holds: (relative path, bytes) of each file, sorted; or the problem with it."""

    files: tuple[tuple[str, bytes], ...] = ()
    problem: str | None = None


def read_folder(root: Path, rel: str, *, max_bytes: int, max_files: int) -> Folder:
    """Every file of a folder under root, refusing symlinks anywhere in it, and more than max_bytes or max_files."""
    path, problem = resolve_inside(root, rel.rstrip("/"))
    if problem:
        return Folder(problem=OUTSIDE)
    if path.is_symlink() or not path.is_dir():
        return Folder(
            problem="is not a folder under the registry"
            if not path.is_symlink()
            else "is a symlink; seed folders and what they hold must be plain folders and files"
        )
    files: list[tuple[str, bytes]] = []
    total = 0
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            full = Path(dirpath) / name
            shown = full.relative_to(path).as_posix()
            if full.is_symlink():
                return Folder(problem=f"holds a symlink ({shown}); seed folders must hold plain files only")
        for name in sorted(filenames):
            full = Path(dirpath) / name
            shown = full.relative_to(path).as_posix()
            if not full.is_file():
                return Folder(problem=f"holds {shown}, which is not a plain file")
            total += full.stat().st_size
            if total > max_bytes:
                return Folder(
                    problem=f"holds more than {max_bytes} bytes; keep seed code small (the limit is for the archive the compiler uploads)"
                )
            if len(files) >= max_files:
                return Folder(problem=f"holds more than {max_files} files")
            files.append((shown, full.read_bytes()))
    if not files:
        return Folder(problem="is empty")
    return Folder(tuple(sorted(files)))
