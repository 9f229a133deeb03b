"""Synthesize a Plan with CDK Terrain into <out>/stacks/<stack>/cdk.tf.json, atomically, behind a destroy guard."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..base import gitbase, safewrite
from ..plan.layout import Plan
from . import fingerprint
from .build import Workers, build
from .destroy import DestroyRefused, destroyed, dropped, stack_files


class NotAnOutputFolder(Exception):
    """The output folder exists and is something else: replacing it would lose files."""


@dataclass(frozen=True)
class SynthResult:
    stacks: int
    resources: int
    changed: tuple[str, ...] = ()  # stacks whose cdk.tf.json is new or differs from the previous output
    removed: tuple[str, ...] = ()
    built: tuple[str, ...] = ()  # stacks whose fingerprint changed (or all, with full): the others were kept
    worker_peaks_kb: tuple[int, ...] = ()  # peak memory of each process that built stacks (Node included)
    recovered: str | None = None  # what recover() did about an interrupted earlier run


def synthesize(
    plan: Plan,
    out: Path,
    *,
    files: dict[str, str],
    allow_destroy: bool = False,
    root_files: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    full: bool = False,
    jobs: int = 1,
    registry_digest: str | None = None,
    note: str = "",
    workers: Workers | None = None,
) -> SynthResult:
    """Write the whole output to a staging folder beside out, then swap it in. A failure leaves out untouched.
    `files`: what the output holds beside the stacks (path under out -> text: outputs.files_beside_stacks).

    Only stacks whose fingerprint (fingerprint.py) changed are built; the others' files are kept byte-for-byte
    (`full` builds every stack). With nothing to build cdktn is not imported, and with nothing changed at all
    nothing is written. root_files (atlantis.yaml, CODEOWNERS: paths relative to out's parent) are replaced one
    by one after the swap. registry_digest and note (fingerprint.py) let the next synth of the same registry
    stop before loading it. `workers` (build.early_workers) build the stacks instead of new ones."""
    safewrite.check_output(out, root_files or {})  # before resolve(): a symlinked output folder is refused, not followed
    out = out.resolve()
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "manifest.json").is_file())):
        raise NotAnOutputFolder(
            f"refusing to replace {out}: it exists and is not a synthesized output (no manifest.json); choose an empty or new --out folder"
        )
    recovered = recover(out)
    safewrite.refuse_linked_folder(out)  # what recover() put back is judged like what was there
    committed = None if out.exists() or allow_destroy else committed_output(out)
    previous_dir = committed or out  # a folder deleted by hand is compared with what git has (never with nothing)
    try:
        result = _synthesize(
            plan,
            out,
            previous_dir,
            files=files,
            allow_destroy=allow_destroy,
            root_files=root_files,
            progress=progress,
            full=full,
            jobs=jobs,
            registry_digest=registry_digest,
            note=note,
            workers=workers,
        )
    finally:
        if committed is not None:
            shutil.rmtree(_temp_root(committed), ignore_errors=True)
    return dataclasses.replace(result, recovered=recovered)


def _synthesize(
    plan: Plan,
    out: Path,
    previous_dir: Path,
    *,
    files: dict[str, str],
    allow_destroy: bool,
    root_files: dict[str, str] | None,
    progress: Callable[[int, int], None] | None,
    full: bool,
    jobs: int,
    registry_digest: str | None,
    note: str,
    workers: Workers | None = None,
) -> SynthResult:
    # The early check, before anything is built: stacks and shares the registry no longer has.
    early = [] if allow_destroy else dropped(previous_dir, plan.stack_names, {s.name for s in plan.shares})
    names = list(plan.stack_names)
    digests = fingerprint.stack_digests(plan)
    previous = fingerprint.read(out)
    before = stack_files(out / "stacks")
    before_sha = {n: fingerprint.output_digest(b) for n, b in before.items()}
    keep = (
        {}
        if full
        else {
            n: previous[n]
            for n in names
            if n in before and previous.get(n, {}).get("inputs") == digests[n] and previous[n].get("output") == before_sha[n]
        }
    )
    todo = [n for n in names if n not in keep]
    written = {rel: fingerprint.output_digest(text.encode()) for rel, text in files.items()}
    written.update({f"../{rel}": fingerprint.output_digest(text.encode()) for rel, text in (root_files or {}).items()})

    def record(entries: dict[str, dict[str, Any]]) -> str:
        return fingerprint.text(entries, registry=registry_digest, files=written, note=note)

    stage = None
    peaks: list[int] = []
    entries = dict(keep)
    try:
        if todo or not _same_files(out, {**files, fingerprint.FILE: record(keep)}):
            out.parent.mkdir(parents=True, exist_ok=True)
            stage = Path(tempfile.mkdtemp(prefix=f".{out.name}-staging-", dir=out.parent))

            def other_files() -> None:  # while the stacks are built: the post manifests, the kept stacks' links
                for name in keep:
                    _keep_file(out / "stacks" / name / "cdk.tf.json", stage / "stacks" / name / "cdk.tf.json")
                _write_files(stage, files)

            if todo:
                built, peaks = build(plan, todo, stage, jobs=jobs, progress=progress, workers=workers, meanwhile=other_files)
            else:
                built, peaks = {}, []
                other_files()
            entries.update({n: {"inputs": digests[n], "output": sha, "resources": count} for n, (sha, count) in built.items()})
            _write_files(stage, {fingerprint.FILE: record(entries)})
        changed = tuple(sorted(n for n in names if before_sha.get(n) != entries[n]["output"]))
        removed = tuple(sorted(before.keys() - set(names)))
        if stage is not None:
            # The full check on the built output: stateful resources removed or replaced, resource by resource
            # (stage's other stacks are hard links to out's files: only those written anew are read).
            found = destroyed(previous_dir, stage, written=todo)
            found = [*early, *(f for f in found if f not in set(early))]  # one refusal that lists everything
            if found and not allow_destroy:
                raise DestroyRefused(found)
            _swap(stage, out)
        elif early:
            raise DestroyRefused(early)
    except BaseException:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        raise
    for rel, text in sorted((root_files or {}).items()):
        path = out.parent / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            safewrite.replace_file(path, text)
    return SynthResult(
        stacks=len(names),
        resources=sum(e["resources"] for e in entries.values()),
        changed=changed,
        removed=removed,
        built=tuple(todo),
        worker_peaks_kb=tuple(peaks),
    )


_COMMITTED_PREFIX = "registry-committed-output-"


def committed_output(out: Path) -> Path | None:
    """The output as committed at HEAD, when out is missing from a git work tree that tracks it (a temp copy)."""
    if not out.parent.is_dir():
        return None
    tmp = Path(tempfile.mkdtemp(prefix=_COMMITTED_PREFIX))
    try:
        root = gitbase.repo_root(out.parent)
        got = gitbase.extract("HEAD", os.path.relpath(out, root), root, tmp)
    except gitbase.GitError:
        got = None
    if got is None or not (got / "stacks").is_dir():
        shutil.rmtree(tmp, ignore_errors=True)
        return None
    return got


def _temp_root(path: Path) -> Path:
    return next(p for p in [path, *path.parents] if p.name.startswith(_COMMITTED_PREFIX))


def _same_files(out: Path, expected: dict[str, str]) -> bool:
    """Whether out already holds exactly these files besides the stacks (the stacks are all kept)."""
    for rel, text in expected.items():
        try:
            if (out / rel).read_text(encoding="utf-8") != text:
                return False
        except OSError:
            return False
    present = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != "cdk.tf.json"}
    return present == set(expected)


def _write_files(stage: Path, files: dict[str, str]) -> None:
    for rel, text in sorted(files.items()):
        path = stage / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        safewrite.write_new(path, text.encode("utf-8"))


def _keep_file(src: Path, dst: Path) -> None:
    """A kept stack's file in the new output: a hard link (the old folder is removed after the swap), else a copy."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _swap(stage: Path, out: Path) -> None:
    """Replace out by stage with two renames; the old output is removed only once the new one is in place.
    A kill between the renames leaves out missing and the old output at .<out>-old-*: recover() puts it back."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
        os.rmdir(old)
        os.rename(out, old)
    try:
        os.rename(stage, out)
    except OSError:
        if old is not None:
            os.rename(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _leftovers(out: Path, kind: str) -> list[Path]:
    if not out.parent.is_dir():
        return []
    # a committed symlink of that name is none of ours: never renamed into place, never removed through
    found = (p for p in out.parent.glob(f".{out.name}-{kind}-*") if p.is_dir() and not p.is_symlink())
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def recover(out: Path) -> str | None:
    """Undo an interrupted run before anything compares with the previous output.

    Killed between the two renames of _swap: out is missing and the previous output is at .<out>-old-*: it is
    renamed back (the newest one with a manifest), so the destroy guard sees what the output manages again.
    Killed after them: out is there and the old copy is only garbage. Staging folders of killed runs are removed."""
    note = None
    olds = [p for p in _leftovers(out, "old") if (p / "manifest.json").is_file()]
    if not out.exists() and olds:
        os.rename(olds[-1], out)
        note = f"recovered {out} from {olds[-1].name} (an earlier run was interrupted while swapping the output)"
    for p in _leftovers(out, "old") + _leftovers(out, "staging"):
        shutil.rmtree(p, ignore_errors=True)
    return note


def tty_progress(stream: TextIO = sys.stderr) -> Callable[[int, int], None]:
    """A one-line progress report: rewritten in place on a terminal, every 100 stacks otherwise."""
    interactive = stream.isatty()

    def report(done: int, total: int) -> None:
        if interactive:
            end = "\n" if done == total else ""
            stream.write(f"\rbuilding stacks: {done}/{total}{end}")
            stream.flush()
        elif done % 100 == 0 or done == total:
            stream.write(f"building stacks: {done}/{total}\n")

    return report
