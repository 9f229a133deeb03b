"""Git, read only: the registry and the committed output at a ref (`diff --base`, `check-destroy`, `validate --base`, and
synth when the output folder was deleted by hand). Only reads git; writes a temp folder."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path


class GitError(Exception):
    pass


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode(errors="replace").strip() or f"git {' '.join(args)} failed")
    return proc.stdout


def repo_root(path: Path) -> Path:
    return Path(_git(["rev-parse", "--show-toplevel"], path if path.is_dir() else path.parent).decode().strip())


def resolve_ref(ref: str, root: Path) -> str:
    try:
        return _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root).decode().strip()
    except GitError:
        raise GitError(f"unknown git ref '{ref}'") from None


def extract(ref: str, rel: str, root: Path, dest: Path) -> Path | None:
    """Extract folder rel as it is at ref into dest; None when it did not exist there."""
    try:
        data = _git(["archive", "--format=tar", ref, rel], root)
    except GitError:
        return None
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest / rel


def show(ref: str, rel: str, root: Path) -> str | None:
    """The text of file rel at ref; None when it did not exist there."""
    try:
        return _git(["show", f"{ref}:{rel}"], root).decode("utf-8")
    except GitError:
        return None
