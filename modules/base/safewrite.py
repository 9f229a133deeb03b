"""Every file the compiler writes goes through here, and never through a symbolic link.

A pull request can commit a symlink as easily as a file. With `.atlantis.yaml.tmp -> ../../elsewhere` committed,
synth once wrote its temporary file outside the repository and then renamed the link over atlantis.yaml. So:

- a target that is a symlink, or lies under one inside the project (`.github -> /elsewhere`), is refused, and so is
  an output folder that is a symlink or holds one anywhere (engine/outdir.py finds them as it stats the folder):
  `UnsafeTarget`, before anything is written;
- a new file is created with O_CREAT | O_EXCL | O_NOFOLLOW: never through a link, never over an existing file;
- a file replaced in place is written to a temporary file of a fresh random name beside it, then renamed over it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path

# O_NOFOLLOW: fail on a link in the last component (https://man7.org/linux/man-pages/man2/open.2.html); O_EXCL with
# O_CREAT fails on any existing name, a dangling link included.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class UnsafeTarget(Exception):
    """A place the compiler would write is a symlink, or lies under one."""


def refusal(link: Path, target: Path) -> UnsafeTarget:
    shown = f"{target} (under {link})" if link != target else str(target)
    return UnsafeTarget(
        f"refusing to write {shown}: {link} is a symbolic link, and the compiler writes only plain files and folders; "
        "remove the link (git rm it if it is committed) and run again. Nothing was written."
    )


def refuse_links_under(base: Path, rel: str) -> None:
    """Each part of base/rel below base (the project folder, the user's choice) must not be a symlink."""
    path = base
    for part in Path(rel).parts:
        path = path / part
        if path.is_symlink():
            raise refusal(path, base / rel)


def check_output(out: Path, root_files: Iterable[str] = ()) -> None:
    """What synth writes: the output folder (as given, before any resolve) and the files beside it in the project.
    What lies inside the output folder is checked as synth stats it (engine/outdir.py: a link anywhere is refused)."""
    if out.is_symlink():
        raise refusal(out, out)
    for rel in root_files:
        refuse_links_under(out.parent, rel)


def write_new(path: Path, data: bytes) -> None:
    """Create path with data; fails if anything, a link included, already has that name."""
    fd = os.open(path, _NEW_FILE, 0o666)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def replace_file(path: Path, text: str) -> None:
    """path's new text, atomically: written to a fresh temporary file beside it, renamed over it. A symlinked
    path is refused (rename would replace the link, but its old target was read as the current content)."""
    if path.is_symlink():
        raise refusal(path, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, _NEW_FILE, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
