"""The stack files of a commit, read from git's tree (never from a working folder).

A working folder is what Terraform and Atlantis write into (`.terraform/`, plan files), and what a checkout
makes of a symlink; the tree is what the pull request committed. Each stack folder in it must hold exactly one
regular file, `cdk.tf.json`: no other file (a `.terraform.lock.hcl`, an `override.tf`), no folder (a committed
`.terraform/` with a provider binary), no symlink, no submodule, no executable bit.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .strictjson import shown

STACKS = "generated/stacks"
STACK_FILE = "cdk.tf.json"
MAX_BYTES = 20_000_000  # a stack of the largest registries is well under 2 MB; anything near this is not ours
_KINDS = {"100644": "file", "100755": "executable file", "120000": "symlink", "160000": "submodule", "040000": "folder"}


class TreeError(Exception):
    """git cannot answer (no repository, unknown revision): a usage or environment problem."""


@dataclass
class StackTree:
    """What the commit holds under generated/stacks: each stack's file bytes, and every problem of shape."""

    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True)
    except FileNotFoundError:
        raise TreeError("git is not installed") from None
    if proc.returncode != 0:
        raise TreeError(proc.stderr.decode(errors="replace").strip() or f"git {' '.join(args)} failed")
    return proc.stdout


def toplevel(path: Path) -> Path:
    return Path(_git(path, "rev-parse", "--show-toplevel").decode().strip())


def commit(root: Path, rev: str) -> str:
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except TreeError:
        raise TreeError(f"unknown git revision {shown(rev)}") from None


def entries(root: Path, rev: str, path: str) -> list[tuple[str, str, str]]:
    """(mode, object id, path) of everything under path at rev, folders included, recursively."""
    return _ls(root, rev, path, recursive=True)


def _ls(root: Path, rev: str, path: str, *, recursive: bool) -> list[tuple[str, str, str]]:
    out = []
    for record in _git(root, "ls-tree", "-z", *(["-r", "-t"] if recursive else []), "--full-tree", rev, "--", path).split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, _kind, oid = meta.decode().split(" ")
        out.append((mode, oid, name.decode("utf-8", errors="backslashreplace")))
    return out


def _blobs(root: Path, oids: list[str]) -> dict[str, bytes]:
    """Object id -> content, in one `git cat-file --batch` (sizes checked first)."""
    if not oids:
        return {}
    sizes: dict[str, int] = {}
    for line in _git(root, "cat-file", "--batch-check", stdin="".join(f"{o}\n" for o in oids).encode()).decode().splitlines():
        oid, _, count = line.split(" ")
        sizes[oid] = int(count)
    small = [o for o in oids if sizes.get(o, MAX_BYTES + 1) <= MAX_BYTES]
    data = _git(root, "cat-file", "--batch", stdin="".join(f"{o}\n" for o in small).encode())
    out: dict[str, bytes] = {}
    pos = 0
    for oid in small:
        header_end = data.index(b"\n", pos)
        size = int(data[pos:header_end].split(b" ")[2])
        out[oid] = data[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
    return out


def _mode(root: Path, rev: str, path: str) -> str | None:
    """The mode of the entry at path itself (040000 for a folder), None when the commit has none there."""
    for mode, _, p in (e for e in _ls(root, rev, path, recursive=False)):
        if p == path:
            return mode
    return None


def read_stacks(root: Path, rev: str, only: set[str] | None = None) -> StackTree:
    """Every stack folder of generated/stacks at rev (only these names, when given), checked for shape."""
    tree = StackTree()
    for parent in ("generated", STACKS):
        mode = _mode(root, rev, parent)
        if mode is None:
            return tree
        if mode != "040000":
            tree.problems.append(f"{parent}: is a {_KINDS.get(mode, mode)} in the commit; it must be a folder")
            return tree
    wanted: dict[str, str] = {}
    for mode, oid, path in entries(root, rev, STACKS):
        rel = path[len(STACKS) + 1 :].split("/") if path.startswith(STACKS + "/") else None
        if rel is None or (only is not None and rel[0] not in only):
            continue
        kind = _KINDS.get(mode, mode)
        if len(rel) == 1:
            if mode != "040000":
                tree.problems.append(f"{STACKS}/{shown(rel[0])}: a {kind} where only stack folders may be")
        elif len(rel) == 2 and rel[1] == STACK_FILE and mode == "100644":
            wanted[rel[0]] = oid
        elif len(rel) == 2:
            tree.problems.append(
                f"{shown(rel[0])}: {shown(rel[1])} is a {kind}; a stack folder holds exactly one plain file, {STACK_FILE} "
                "(Terraform would read or run anything else in it)"
            )
    blobs = _blobs(root, sorted(set(wanted.values())))
    for stack, oid in sorted(wanted.items()):
        if oid in blobs:
            tree.files[stack] = blobs[oid]
        else:
            tree.problems.append(f"{shown(stack)}: {STACK_FILE} is larger than {MAX_BYTES} bytes; the compiler writes nothing that large")
    return tree


ATTRIBUTES = ".gitattributes"
_ATTRIBUTED = ("registry", "generated")


def attribute_problems(root: Path, rev: str) -> list[str]:
    """A `.gitattributes` that can apply to the registry or the output (at the root, or inside either) is refused.

    git applies a commit's own attributes when it checks the commit out or archives it: `ident`, `eol` and
    `working-tree-encoding` rewrite bytes in Atlantis's working copy, `export-subst` and `export-ignore` change an
    archive. Every reader here takes the blobs as committed; Atlantis's checkout (which Terraform, the post-step and
    atlantis.yaml are read from) cannot, so no such file may be in the commit."""
    found = [p for _, _, p in _ls(root, rev, ATTRIBUTES, recursive=False) if p == ATTRIBUTES]
    for folder in _ATTRIBUTED:
        found += [p for mode, _, p in entries(root, rev, folder) if p.rsplit("/", 1)[-1] == ATTRIBUTES]
    return [
        f"{shown(p)}: a .gitattributes that applies to registry/ or generated/ is not accepted (a checkout or an archive "
        "would hold other bytes than the commit: ident, eol, working-tree-encoding, export-subst); remove it"
        for p in sorted(found)
    ]


def files_at(root: Path, rev: str, path: str) -> dict[str, str]:
    """Repository path -> git blob id of every file under path at rev (for comparing two compilers' code)."""
    return {p: oid for mode, oid, p in entries(root, rev, path) if mode != "040000"}


def show(root: Path, rev: str, path: str) -> bytes | None:
    """One file's bytes as committed at rev (no attribute, filter or conversion applied); None when it is not there."""
    try:
        return _git(root, "cat-file", "blob", f"{rev}:{path}")
    except TreeError:
        return None
