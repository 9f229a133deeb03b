"""Whether a commit's compiler is this very compiler: the same files under modules/ and the same pinned
dependencies. Then its stacks must be exactly what this compiler makes of its registry (byte for byte); a commit
that changes the compiler is held to the allow-list alone (its new output cannot be rebuilt by the old code).

The files are compared by git blob id, so the commit's side is read from git's tree and never checked out. This
compiler's side is the blob id of each of its own files, bytecode left out: in a checkout and installed alike (the
image, CI's `pip install .`: the wheel holds every file of modules/, pyproject.toml's package-data, and pip installs
them byte for byte). A file the build left out, or one that differs, makes every commit "a change of the compiler",
which holds it to the allow-list alone: safe, and tests/delivery/test_installed_compiler.py keeps it from happening.
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


def _checkout(package: Path) -> bool:
    return (package.parent / "pyproject.toml").is_file()


def own_files(package: Path = _PACKAGE) -> dict[str, str]:
    """modules/<path> -> blob id of every file of this compiler (bytecode left out)."""
    out = {}
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            out[f"modules/{path.relative_to(package).as_posix()}"] = blob_id(path.read_bytes())
    return out


def _normalized(requirements: list[str]) -> list[str]:
    return sorted(r.replace(" ", "") for r in requirements)


def own_dependencies(package: Path = _PACKAGE) -> list[str] | None:
    """This compiler's runtime requirements: from the pyproject.toml beside it (a checkout), else from the installed
    distribution's metadata beside it (an image), without the optional extras."""
    if _checkout(package):
        return dependencies_of((package.parent / "pyproject.toml").read_bytes())
    infos = sorted(package.parent.glob(f"{DIST.replace('-', '_')}-*.dist-info"))
    if len(infos) != 1:
        return None  # not the distribution this package was installed from, or two of them: cannot say
    requires = metadata.Distribution.at(infos[0]).requires or []
    return _normalized([r for r in requires if "extra ==" not in r])


def dependencies_of(pyproject: bytes | None) -> list[str] | None:
    try:
        doc = tomllib.loads((pyproject or b"").decode("utf-8"))
        deps = doc["project"]["dependencies"]
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError):
        return None
    return _normalized([str(d) for d in deps]) if isinstance(deps, list) else None


def differences(root: Path, rev: str, package: Path = _PACKAGE) -> list[str]:
    """What differs between this compiler and the commit's (empty: the same compiler)."""
    mine = own_files(package)
    theirs = stacktree.files_at(root, rev, "modules")
    changed = sorted(p for p in set(theirs) | set(mine) if theirs.get(p) != mine.get(p))
    deps = dependencies_of(stacktree.show(root, rev, "pyproject.toml"))
    if deps is None or deps != own_dependencies(package):
        changed.append("pyproject.toml (the compiler's pinned dependencies)")
    return changed
