"""Whether a commit's compiler is this very compiler: the same files under modules/ and the same pinned
dependencies. Then its stacks must be exactly what this compiler makes of its registry (byte for byte); a commit
that changes the compiler is held to the allow-list alone (its new output cannot be rebuilt by the old code).

The files are compared by git blob id, so the commit's side is read from git's tree and never checked out.
"""

from __future__ import annotations

import hashlib
import tomllib
from importlib import metadata
from pathlib import Path

from . import stacktree

DIST = "sagemaker-registry"
_PACKAGE = Path(__file__).resolve().parent.parent  # this compiler's modules/ (in a checkout, or site-packages)


def blob_id(data: bytes) -> str:
    """git's object id of a file's bytes (`git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def own_files(package: Path = _PACKAGE) -> dict[str, str]:
    """modules/<path> -> blob id of every file of this compiler (bytecode caches left out)."""
    out = {}
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            out[f"modules/{path.relative_to(package).as_posix()}"] = blob_id(path.read_bytes())
    return out


def _normalized(requirements: list[str]) -> list[str]:
    return sorted(r.replace(" ", "") for r in requirements)


def own_dependencies(package: Path = _PACKAGE) -> list[str] | None:
    """This compiler's runtime requirements: from the pyproject.toml beside it (a checkout), else from the installed
    distribution's metadata (an image), without the optional extras."""
    pyproject = package.parent / "pyproject.toml"
    if pyproject.is_file():
        return dependencies_of(pyproject.read_bytes())
    try:
        requires = metadata.requires(DIST) or []
    except metadata.PackageNotFoundError:
        return None
    return _normalized([r for r in requires if "extra ==" not in r])


def dependencies_of(pyproject: bytes | None) -> list[str] | None:
    try:
        doc = tomllib.loads((pyproject or b"").decode("utf-8"))
        deps = doc["project"]["dependencies"]
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError):
        return None
    return _normalized([str(d) for d in deps]) if isinstance(deps, list) else None


def differences(root: Path, rev: str) -> list[str]:
    """What differs between this compiler and the commit's (empty: the same compiler)."""
    theirs = stacktree.files_at(root, rev, "modules")
    mine = own_files()
    changed = sorted(p for p in set(theirs) | set(mine) if theirs.get(p) != mine.get(p))
    deps = dependencies_of(stacktree.show(root, rev, "pyproject.toml"))
    if deps is None or deps != own_dependencies():
        changed.append("pyproject.toml (the compiler's pinned dependencies)")
    return changed
