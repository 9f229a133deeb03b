"""Synthesize a Plan with CDK Terrain into <out>/stacks/<stack>/cdk.tf.json behind a destroy guard, writing only the
files that change, each in place and atomically, under a journal (outdir.py)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..base import gitbase, safewrite
from ..plan.layout import Plan
from . import fingerprint, outdir
from .build import Workers, build
from .destroy import DestroyRefused, destroyed_by, dropped
from .moves import MANIFEST, accounts_in


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


Files = Mapping[str, str] | Callable[[], dict[str, str]]  # path -> text, or a function that returns them (aside.Later)


def stack_file(name: str) -> str:
    return f"stacks/{name}/cdk.tf.json"


def synthesize(
    plan: Plan,
    out: Path,
    *,
    files: Files,
    allow_destroy: bool = False,
    root_files: Files | None = None,
    root_paths: Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    full: bool = False,
    jobs: int = 1,
    registry_digest: str | None = None,
    note: str = "",
    workers: Workers | None = None,
    verify: Callable[[], None] | None = None,
) -> SynthResult:
    """Write what changed to a staging folder beside out, check it, then move each changed file into place (outdir.py).
    A failure before the move leaves out untouched. `files`: what the output holds beside the stacks (path under out
    -> text: outputs.files_beside_stacks); out ends up holding exactly these, the stacks and fingerprints.json.

    Only stacks whose fingerprint (fingerprint.py) changed are built; the others' files are not touched (`full` builds
    every stack). With nothing to build cdktn is not imported, and with nothing changed nothing is written. root_files
    (atlantis.yaml, CODEOWNERS: paths relative to out's parent) are replaced one by one after the output. registry_digest
    and note (fingerprint.py) let the next synth of the same registry stop before loading it. `workers`
    (build.early_workers) build the stacks instead of new ones. `files` and `root_files` may be given as functions that
    return them (aside.Later: computed beside the build), called once the stacks are being built; then `root_paths`
    names the root files beforehand. `verify` (the registry's checks, run beside: commands/loading.py) is called before
    anything is built, refused or written (before an interrupted run is finished, too): what it raises stops the
    synth, out untouched. What runs before it (the scan of out, the fingerprints) only reads."""
    get_files, get_root = _later(files), _later(root_files or {})
    paths = root_paths if root_paths is not None else (root_files if isinstance(root_files, Mapping) else ())
    safewrite.check_output(out, paths or ())  # before resolve(): a symlinked output folder is refused, not followed
    out = out.resolve()
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "manifest.json").is_file())):
        raise NotAnOutputFolder(
            f"refusing to replace {out}: it exists and is not a synthesized output (no manifest.json); choose an empty or new --out folder"
        )
    if verify is not None and (outdir.staging_folders(out) or not out.parent.is_dir()):
        verify()  # finishing an interrupted run, or making out's parent folders, waits for the registry's verdict
    recovered = outdir.recover(out)
    found = outdir.scan(out) if out.is_dir() else outdir.Scan(out)  # a link anywhere inside is refused, before any work
    committed = None if out.exists() or allow_destroy else committed_output(out)
    try:
        result = _synthesize(
            plan,
            out,
            found,
            committed,
            files=get_files,
            allow_destroy=allow_destroy,
            root_files=get_root,
            progress=progress,
            full=full,
            jobs=jobs,
            registry_digest=registry_digest,
            note=note,
            workers=workers,
            verify=verify,
        )
    finally:
        if committed is not None:
            shutil.rmtree(_temp_root(committed), ignore_errors=True)
    return dataclasses.replace(result, recovered=recovered)


def _later(given: Files) -> Callable[[], dict[str, str]]:
    if isinstance(given, Mapping):
        value = dict(given)
        return lambda: value
    return given


def _synthesize(
    plan: Plan,
    out: Path,
    found: outdir.Scan,
    committed: Path | None,
    *,
    files: Callable[[], dict[str, str]],
    allow_destroy: bool,
    root_files: Callable[[], dict[str, str]],
    progress: Callable[[int, int], None] | None,
    full: bool,
    jobs: int,
    registry_digest: str | None,
    note: str,
    workers: Workers | None = None,
    verify: Callable[[], None] | None = None,
) -> SynthResult:
    previous_dir = committed or out  # a folder deleted by hand is compared with what git has (never with nothing)
    present = {rel.split("/")[1] for rel in found.stats if rel.count("/") == 2 and rel == stack_file(rel.split("/")[1])}
    # The early check, before anything is built: stacks and shares the registry no longer has.
    early = [] if allow_destroy else dropped(previous_dir, plan.stack_names, {s.name for s in plan.shares})
    names = list(plan.stack_names)
    digests = fingerprint.stack_digests(plan)
    previous = fingerprint.read(out)
    keep = (
        {}
        if full
        else {
            n: previous[n]
            for n in names
            if n in present and previous.get(n, {}).get("inputs") == digests[n] and previous[n].get("output") == found.sha(stack_file(n))
        }
    )
    todo = [n for n in names if n not in keep]
    written: dict[str, str] = {}  # path under out (root files: ../<path>) -> sha256, once the files are known
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}-staging-", dir=out.parent))
    moves: dict[str, str] = {}  # path under out -> sha256 of its new bytes, staged
    peaks: list[int] = []
    try:

        def other_files() -> None:  # while the stacks are built: the post manifests and the like that changed
            written.update({rel: fingerprint.output_digest(text.encode()) for rel, text in files().items()})
            written.update({f"../{rel}": fingerprint.output_digest(text.encode()) for rel, text in root_files().items()})
            for rel, text in sorted(files().items()):
                if found.sha(rel) != written[rel]:
                    _write_file(stage, rel, text)
                    moves[rel] = written[rel]

        if verify is not None:
            verify()  # nothing is built from a registry that has not passed its checks (they ran beside the above)
        if todo:
            built, peaks = build(plan, todo, stage, jobs=jobs, progress=progress, workers=workers, meanwhile=other_files)
        else:
            built = {}
            other_files()
        entries: dict[str, dict[str, Any]] = dict(keep)
        entries.update({n: {"inputs": digests[n], "output": sha, "resources": count} for n, (sha, count) in built.items()})
        changed = tuple(sorted(n for n in todo if found.sha(stack_file(n)) != entries[n]["output"]))
        for n in changed:
            moves[stack_file(n)] = entries[n]["output"]
        record = fingerprint.text(entries, registry=registry_digest, files=written, note=note)
        if found.sha(fingerprint.FILE) != fingerprint.output_digest(record.encode()):
            _write_file(stage, fingerprint.FILE, record)
            moves[fingerprint.FILE] = fingerprint.output_digest(record.encode())  # last: the cache follows the output
        removes = _extra(found, {stack_file(n) for n in names} | set(files()) | {fingerprint.FILE})
        # The full check on the new output: stateful resources removed or replaced, resource by resource (only the
        # stacks written anew are read; the others keep the previous bytes).
        new = {n: (stage / stack_file(n)).read_bytes() for n in changed}
        found_now = destroyed_by(
            previous_dir,
            new,
            set(names),
            {s.name for s in plan.shares},
            accounts_after=accounts_in(files().get(MANIFEST, "")),
            before_names=None if committed else present,
        )
        found_now = [*early, *(f for f in found_now if f not in set(early))]  # one refusal that lists everything
        if found_now and not allow_destroy:
            raise DestroyRefused(found_now)
        if moves or removes:
            outdir.commit(found, stage, moves, removes)
        elif found.read:
            outdir.write_index(found)  # what this run read, so that the next one need not
    finally:
        if not (stage / outdir.JOURNAL).exists():  # with its journal, it is the next run's to finish (outdir.recover)
            shutil.rmtree(stage, ignore_errors=True)
    for rel, text in sorted(root_files().items()):
        path = out.parent / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            safewrite.replace_file(path, text)
    return SynthResult(
        stacks=len(names),
        resources=sum(e["resources"] for e in entries.values()),
        changed=changed,
        removed=tuple(sorted(present - set(names))),
        built=tuple(todo),
        worker_peaks_kb=tuple(peaks),
    )


def _extra(found: outdir.Scan, expected: set[str]) -> list[str]:
    """What out holds that the new output does not: files, and folders with none of its files inside (the topmost)."""
    needed = {"/".join(rel.split("/")[:i]) for rel in expected for i in range(1, rel.count("/") + 1)}
    gone = {f for f in found.folders if f and f not in needed}

    def under_gone(rel: str) -> bool:
        parts = rel.split("/")
        return any("/".join(parts[:i]) in gone for i in range(1, len(parts)))

    top = sorted(f for f in gone if not under_gone(f))
    return sorted(rel for rel in found.stats if rel not in expected and not under_gone(rel)) + top


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


def _write_file(stage: Path, rel: str, text: str) -> None:
    path = stage / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    safewrite.write_new(path, text.encode("utf-8"))


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
