"""The output folder on disk: what it holds, known by stat, and how a synth's changes reach it, file by file.

**What it holds.** Beside the output folder (`.<out>-index.json`, like git's index) synth records, for every file and
folder it leaves there, what `lstat` says (size, mtime, ctime, inode) and each file's sha256. `scan` trusts a recorded
sha256 while the file's stat is unchanged, and reads only the files whose stat changed; a folder whose stat is
unchanged still has the entries it had (an entry added, removed or renamed changes its folder's mtime and ctime), so
its files are stat'ed, not listed. ctime cannot be set back by a program (touch, cp -p and git set mtime only), so
a file changed since is read again. A file changed within the clock tick of the index's own write could keep its
stat: such "racy" entries, as git calls them, are read again too. Every symbolic link found, where a file or folder
of the output was or anywhere else inside, is refused (safewrite): nothing is written through one.

**How changes reach it.** A synth writes what changed into a staging folder beside the output (the same file system),
then decides: the staging folder gets a journal (the files to move into place, the paths to remove), and only then
is each file renamed over its old one, each rename atomic, the unchanged files never touched. A run killed before the
journal leaves the output as it was (the staging folder is removed by the next run); a run killed after it is
finished by the next run (`recover`), before anything reads the output: the journal is written only once the new
output has passed every check, the destroy guard included, so finishing it is what that run had decided.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..base import safewrite

INDEX_VERSION = 1
JOURNAL = "journal.json"
_STAGING = "staging"

Stat = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode (a folder's size is left at 0)


def index_path(out: Path) -> Path:
    return out.parent / f".{out.name}-index.json"


def staging_folders(out: Path) -> list[Path]:
    """Staging folders of earlier runs beside out (a link of that name is none of ours: never followed or removed)."""
    if not out.parent.is_dir():
        return []
    found = (p for p in out.parent.glob(f".{out.name}-{_STAGING}-*") if p.is_dir() and not p.is_symlink())
    return sorted(found, key=lambda p: p.name)


def _stat_of(st: os.stat_result, *, folder: bool = False) -> Stat:
    return (0 if folder else st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Scan:
    """The output folder as found: its files (relative POSIX paths) and folders with their stat now, and the sha256
    of each file (from the index while it vouches for the file; `sha` reads the others when asked)."""

    out: Path
    stats: dict[str, Stat] = field(default_factory=dict)  # files
    folders: dict[str, Stat] = field(default_factory=dict)  # folders below out ("" is out itself, always listed)
    known: dict[str, str] = field(default_factory=dict)  # file -> sha256 of what it holds
    vouched: set[str] = field(default_factory=set)  # files whose stat was taken with their sha256 (the index may keep it)
    read: set[str] = field(default_factory=set)  # files read this run (what a new index would spare the next one)

    def sha(self, rel: str) -> str | None:
        """The file's sha256 (None when the output has no such file), read only when the index does not vouch for it."""
        if rel not in self.stats:
            return None
        if rel not in self.known:
            path = self.out / rel
            data = path.read_bytes()  # scan() saw a plain file here, never a link
            self.known[rel] = digest(data)
            self.read.add(rel)
            if _stat_of(os.lstat(path)) == self.stats[rel]:  # else changed while read: the next scan reads it again
                self.vouched.add(rel)
        return self.known[rel]

    def index(self) -> dict[str, Any]:
        """What the index records: every file and folder, and the sha256 of the files it may vouch for."""
        return {
            "version": INDEX_VERSION,
            "files": {rel: [*st, self.known[rel] if rel in self.vouched else None] for rel, st in sorted(self.stats.items())},
            "folders": {rel: list(st) for rel, st in sorted(self.folders.items()) if rel},
        }


def _load_index(out: Path) -> tuple[dict[str, list[Any]], dict[str, list[Any]], int]:
    """(files, folders, the index's own ctime) recorded for out; nothing when missing, unreadable or another version."""
    path = index_path(out)
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            return {}, {}, 0
        doc = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}, {}, 0
    if not isinstance(doc, dict) or doc.get("version") != INDEX_VERSION:
        return {}, {}, 0
    files, folders = doc.get("files"), doc.get("folders")
    if not isinstance(files, dict) or not isinstance(folders, dict):
        return {}, {}, 0
    try:  # paths inside the output only: a folder's children are taken from here while its stat is unchanged
        for rel in (*files, *folders):
            _checked(rel)
    except ValueError:
        return {}, {}, 0
    return files, folders, st.st_ctime_ns


def scan(out: Path) -> Scan:
    """Every file and folder under out (which must exist and be a folder), stat'ed without following links; raises
    safewrite.UnsafeTarget at the first symbolic link, wherever it is."""
    files, folders, since = _load_index(out)

    def trusted(recorded: list[Any] | None, now: Stat) -> bool:
        # racy: changed in the clock tick the index was written in, a later change could keep the same stat
        return isinstance(recorded, list) and list(now) == recorded[:4] and now[1] < since and now[2] < since

    children: dict[str, list[str]] = {}
    for rel in (*files, *folders):
        children.setdefault(str(PurePosixPath(rel).parent) if "/" in rel else "", []).append(rel)
    found = Scan(out)
    todo = [""]
    while todo:
        folder = todo.pop()
        path = out / folder if folder else out
        listed = folder == "" or folder not in folders or not trusted(folders.get(folder), found.folders[folder])
        if listed:
            with os.scandir(path) as entries:
                names = [f"{folder}/{e.name}" if folder else e.name for e in entries]
        else:
            names = children.get(folder, [])
        for rel in names:
            full = out / rel
            try:
                st = os.lstat(full)
            except FileNotFoundError:
                continue  # recorded, and gone: the folder's own stat would have said so, unless racy
            if stat.S_ISLNK(st.st_mode):
                raise safewrite.refusal(full, full)
            if stat.S_ISDIR(st.st_mode):
                found.folders[rel] = _stat_of(st, folder=True)
                todo.append(rel)
            else:
                now = _stat_of(st)
                found.stats[rel] = now
                recorded = files.get(rel)
                if stat.S_ISREG(st.st_mode) and trusted(recorded, now) and isinstance(recorded, list) and isinstance(recorded[4], str):
                    found.known[rel] = recorded[4]
                    found.vouched.add(rel)
    found.folders[""] = _stat_of(os.lstat(out), folder=True)
    return found


def _checked(rel: object) -> str:
    """A journal's path: relative, normalized, inside the output (a journal is read back from disk)."""
    if not isinstance(rel, str) or not rel or rel.startswith("/") or "\\" in rel or "\0" in rel:
        raise ValueError(f"not a path inside the output: {rel!r}")
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"not a path inside the output: {rel!r}")
    return rel


def _remove(path: Path) -> None:
    """Remove a file or a folder (never through a link: rmtree refuses a linked folder and unlinks links inside)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _apply(out: Path, stage: Path, moves: Iterable[str], removes: Iterable[str]) -> set[str]:
    """Rename each staged file over its place in out, then remove what out no longer holds; returns the folders of out
    that changed ("" for out). Every step can be repeated: a file already moved is not in the staging folder any more."""
    touched = {""}
    for rel in moves:
        source = stage / rel
        try:
            st = os.lstat(source)
        except FileNotFoundError:
            continue  # moved already
        if not stat.S_ISREG(st.st_mode):  # synth stages plain files only: anything else is not one of its journals
            raise safewrite.UnsafeTarget(f"refusing to move {source} into {out}: not a plain file; remove {stage} and run again")
        parent = PurePosixPath(rel).parent
        if parent.parts:
            safewrite.refuse_links_under(out, str(parent))
            (out / str(parent)).mkdir(parents=True, exist_ok=True)
            touched.update("/".join(parent.parts[: i + 1]) for i in range(len(parent.parts)))
        os.rename(source, out / rel)
    for rel in removes:
        parent = PurePosixPath(rel).parent
        if parent.parts:
            safewrite.refuse_links_under(out, str(parent))
        _remove(out / rel)
        touched.add(str(parent) if parent.parts else "")
    return touched


def commit(found: Scan, stage: Path, moves: dict[str, str], removes: list[str]) -> None:
    """Move the staged files (path under out -> its sha256, in the order given) into out and remove `removes`, under
    a journal; then record the index of what out now holds."""
    out = found.out
    journal = stage / JOURNAL
    tmp = stage / f".{JOURNAL}.tmp"
    safewrite.write_new(tmp, json.dumps({"moves": list(moves), "removes": removes}).encode())
    os.rename(tmp, journal)  # the decision: from here on, an interrupted run is finished, not undone
    out.mkdir(exist_ok=True)
    touched = _apply(out, stage, moves, removes)
    for rel in removes:
        prefix = rel + "/"
        for gone in [r for r in (*found.stats, *found.folders) if r == rel or r.startswith(prefix)]:
            found.stats.pop(gone, None)
            found.folders.pop(gone, None)
            found.known.pop(gone, None)
    for rel, sha in moves.items():
        found.stats[rel] = _stat_of(os.lstat(out / rel))
        found.known[rel] = sha
        found.vouched.add(rel)
    for folder in touched:
        found.folders[folder] = _stat_of(os.lstat(out / folder if folder else out), folder=True)
    write_index(found)
    shutil.rmtree(stage, ignore_errors=True)


def write_index(found: Scan) -> None:
    """Record found (after a commit, or the sha256 read this run) beside out."""
    safewrite.replace_file(index_path(found.out), json.dumps(found.index(), separators=(",", ":")) + "\n")


def recover(out: Path) -> str | None:
    """Finish or drop what interrupted runs left beside out, before anything compares with the output.

    A staging folder with a journal belongs to a run killed while moving its files into place: the rest of its
    moves and removals are made now. One without a journal belongs to a run killed before it decided anything: it is
    removed. Returns what was done, for a note."""
    notes = []
    for stage in staging_folders(out):
        journal = stage / JOURNAL
        if journal.is_file() and not journal.is_symlink():
            try:
                doc = json.loads(journal.read_text(encoding="utf-8"))
                moves = [_checked(r) for r in doc["moves"]]
                removes = [_checked(r) for r in doc["removes"]]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise safewrite.UnsafeTarget(
                    f"refusing to finish the interrupted run in {stage}: its journal is not one synth writes ({exc}); "
                    "remove that folder and run again. Nothing was written."
                ) from None
            out.mkdir(exist_ok=True)
            _apply(out, stage, moves, removes)
            notes.append(f"finished writing {out} from {stage.name} (an earlier run was interrupted while writing it)")
        shutil.rmtree(stage, ignore_errors=True)
    return "; ".join(notes) or None
