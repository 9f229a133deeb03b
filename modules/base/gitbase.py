"""Git, read only: the registry and the committed output at a ref, read as committed (`diff --base`, `check-destroy`,
`check-stacks`, `validate --base`, and synth when the output folder was deleted by hand). Only reads git; writes a temp
folder.

Every reader takes the blobs of the commit's tree (`git ls-tree` + `git cat-file`), never `git archive` nor a
checkout: both apply the commit's own `.gitattributes` (`export-subst` expands `$Format:...$` into any text,
`export-ignore` drops files, `ident`, `eol` and `working-tree-encoding` rewrite bytes), so a pull request could show
check-destroy and check-stacks a tree other than the one Terraform, Atlantis and the reviewer read.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class GitError(Exception):
    pass


class LinkOutside(GitError):
    """The folder holds a symbolic link that leaves it (absolute, or through `..`)."""


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True)
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


def tree(ref: str, rel: str, root: Path) -> list[tuple[str, str, str]]:
    """(mode, object id, repository path) of every file, link and submodule at or under rel at ref."""
    out = []
    for record in _git(["ls-tree", "-r", "-z", "--full-tree", ref, "--", rel], root).split(b"\0"):
        if record:
            meta, _, name = record.partition(b"\t")
            mode, _kind, oid = meta.decode().split(" ")
            out.append((mode, oid, os.fsdecode(name)))
    return out


def blobs(oids: list[str], root: Path) -> dict[str, bytes]:
    """Object id -> its bytes as committed, in one `git cat-file --batch` (no filter, no conversion)."""
    wanted = sorted(set(oids))
    if not wanted:
        return {}
    data = _git(["cat-file", "--batch"], root, stdin="".join(f"{o}\n" for o in wanted).encode())
    out: dict[str, bytes] = {}
    pos = 0
    for oid in wanted:
        header_end = data.index(b"\n", pos)
        size = int(data[pos:header_end].split(b" ")[2])
        out[oid] = data[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
    return out


def extract(ref: str, rel: str, root: Path, dest: Path) -> Path | None:
    """Write folder rel as committed at ref into dest/rel; None when it did not exist there. A link that leaves the
    folder (absolute, or through `..`) is refused with LinkOutside; a submodule is an empty folder."""
    try:
        entries = tree(ref, rel, root)
    except GitError:
        return None
    if not entries:
        return None
    content = blobs([oid for mode, oid, _ in entries if mode != "160000"], root)
    top = (dest / rel).resolve() if rel not in ("", ".") else dest.resolve()
    for mode, oid, path in entries:
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "160000":
            target.mkdir(exist_ok=True)
        elif mode == "120000":
            link = os.fsdecode(content[oid])
            resolved = Path(os.path.normpath(target.parent.resolve() / link))
            if os.path.isabs(link) or not resolved.is_relative_to(top):
                raise LinkOutside(f"{path} is a link to {link!r}, outside {rel}")
            os.symlink(link, target)
        else:
            target.write_bytes(content[oid])
            if mode == "100755":
                target.chmod(0o755)
    return dest / rel


def show(ref: str, rel: str, root: Path) -> str | None:
    """The text of file rel as committed at ref; None when it did not exist there."""
    try:
        return _git(["cat-file", "blob", f"{ref}:{rel}"], root).decode("utf-8")
    except GitError:
        return None
