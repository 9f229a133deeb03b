"""`synth`: compile the registry into Terraform JSON under --out, only the stacks whose inputs changed.

Its path is staged for speed: a registry and compiler unchanged since the last synth stop after hashing the
files (fingerprint.py), before the registry model (pydantic) or the compiler is even imported: hence the
imports inside the function, after that check."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

from ..base import gcpause, safewrite
from ..engine import fingerprint, shortcuts
from ..outputs import ROOT_FILES
from . import EXIT_OK, Invalid, Unusable
from .specs import SynthOptions


def synth(opts: SynthOptions) -> int:
    with contextlib.ExitStack() as running:  # early build workers, if started, stop when synth ends
        notes = running.enter_context(shortcuts.recording())  # before any worker starts: they inherit the folder
        code = _synth(opts, running)
        for line in shortcuts.notes(notes):
            print(f"note: a speed shortcut is inactive, {line} (the output is the same, the build slower)", file=sys.stderr)
        return code


def _synth(opts: SynthOptions, running: contextlib.ExitStack) -> int:
    out = opts.out or os.environ.get("CDKTF_OUTDIR") or "generated"
    started = time.perf_counter()
    try:  # before the no-op check: a symlinked target is refused (never followed) even when nothing changed
        out_path = Path(out).resolve()
        # atlantis.yaml and CODEOWNERS belong at the project root: written only when --out sits in one.
        root = out_path.parent
        in_project = (root / "cdktf.json").is_file() or (root / ".git").exists()
        safewrite.check_output(Path(out), ROOT_FILES if in_project else ())  # the folder itself first
        digest = fingerprint.registry_digest(Path(opts.registry))
        note = None if opts.full else fingerprint.unchanged(out_path, digest, ROOT_FILES if in_project else ())
    except safewrite.UnsafeTarget as exc:
        raise Unusable(f"error: {exc}") from None
    if note is not None:  # the very registry and compiler of the last synth, its output intact: nothing to do
        print(
            f"{out}: {note} — registry and compiler as at the last synth, checked in "
            f"{time.perf_counter() - started:.1f} s\nno stack changed"
        )
        return EXIT_OK
    # lazy: past the no-op check, only now the registry model (pydantic) and the compiler are imported; before
    # early_workers forks, so that the workers inherit them rather than import them again, each
    from ..base.errors import RegistryInvalid
    from ..engine.aside import Later
    from ..engine.build import default_jobs, early_workers, prefetch
    from ..engine.destroy import DestroyRefused
    from ..engine.synth import NotAnOutputFolder, synthesize, tty_progress
    from ..outputs import files_beside_stacks, preload_outputs, root_files
    from ..outputs.facts import previous_facts, unready_teams
    from ..outputs.moves import MOVES_OVERRIDE, move_refusals
    from ..plan.layout import plan
    from ..registry.unsynthesized import unsynthesized
    from ..review.guard import refusal
    from .loading import load_unchecked, summary

    if opts.jobs is not None and opts.jobs < 1:
        raise Unusable("error: --jobs must be at least 1")
    jobs = opts.jobs or default_jobs()
    # The build workers start now and import cdktn while this process loads and plans the registry. A registry edit
    # under the same compiler rebuilds a few stacks: one worker, on the other core (build() starts more if the edit
    # turns out to rebuild many), while this process computes the files beside the stacks in a forked child.
    # Rebuilding everything (--full, or a changed compiler): `jobs` workers. Where workers cannot be forked, a
    # thread imports cdktn here instead (prefetch).
    edit = not opts.full and fingerprint.same_compiler(out_path)
    workers = None
    try:
        started_early = early_workers(1 if edit else jobs)
    except OSError:  # no process or temporary folder to be had now: the build starts its own, or builds here
        started_early = None
    if started_early:
        workers = running.enter_context(started_early)
    elif edit:
        prefetch()

    # The registry's cross-file checks run in a forked child while this process plans and builds: nothing is written
    # before they pass, and on any error their findings are reported first (loading.Checked).
    # Beside forked workers only: with cdktn importing in a thread (prefetch), a fork could inherit its held locks.
    checked = load_unchecked(opts.registry, beside=workers is not None)
    reg = checked.registry
    with checked.first():
        with gcpause.paused():  # (base/gcpause.py) the workers forked above collect as usual
            pending = unsynthesized(reg)
            if pending:
                raise Invalid("\n".join(str(e) for e in pending) + f"\n{len(pending)} field(s) not synthesized yet; nothing was written.")
            the_plan = plan(reg)
        # The files beside the stacks and at the root come from the plan alone: a child computes them on the other core
        # while this process checks the output and builds (engine/aside.py); with a full build's workers on every core,
        # this process computes them meanwhile.
        preload_outputs()  # what the child runs is imported before it forks
        beside = Later(
            lambda: (
                files_beside_stacks(the_plan),
                root_files(reg, the_plan, root=root, out=out_path, registry_dir=Path(opts.registry)) if in_project else {},
            ),
            fork=edit or workers is None,
        )
        try:
            # A new team may be `active` only once the previous output creates its accounts (no output: a bootstrap), and an
            # account moves into its team's access stack one step at a time (--allow-destroy: the output as the registry says).
            previous = previous_facts(out_path if out_path.is_dir() else None)
            unready = unready_teams(reg, the_plan, previous)
            if unready:
                raise Invalid(RegistryInvalid(unready).report())
            moves = [] if opts.allow_destroy else move_refusals(reg, the_plan, previous)
            if moves:
                raise Invalid(RegistryInvalid(moves).report() + "\n" + MOVES_OVERRIDE)
            result = synthesize(
                the_plan,
                Path(out),
                files=beside.item(0),  # type: ignore[arg-type]
                allow_destroy=opts.allow_destroy,
                root_files=beside.item(1),  # type: ignore[arg-type]
                root_paths=ROOT_FILES if in_project else (),
                progress=None if opts.quiet else tty_progress(),
                full=opts.full,
                jobs=jobs,
                registry_digest=digest,
                note=f"{len(the_plan.stack_names)} stacks — {summary(reg)}",
                workers=workers,
                verify=checked.verify,
            )
        except DestroyRefused as exc:
            raise Invalid(refusal(exc.findings, out)) from None
        except (NotAnOutputFolder, safewrite.UnsafeTarget) as exc:
            raise Unusable(f"error: {exc}") from None
        finally:
            beside.cancel()  # its result was read on success; after an error, the child is stopped
    if result.recovered:
        print(f"note: {result.recovered}", file=sys.stderr)
    took = time.perf_counter() - started
    print(
        f"{out}: {result.stacks} stacks ({len(result.built)} built, the others unchanged), {result.resources} resources "
        f"in {took:.1f} s — {summary(reg)}"
    )
    if result.worker_peaks_kb:
        print("peak memory per build process: " + ", ".join(f"{kb // 1024} MB" for kb in result.worker_peaks_kb))
    if result.changed or result.removed:
        shown = ", ".join(result.changed[:12]) + (f", ... ({len(result.changed)} in all)" if len(result.changed) > 12 else "")
        print(f"changed stacks: {shown or 'none'}" + (f"; removed: {', '.join(result.removed)}" if result.removed else ""))
    else:
        print("no stack changed")
    return EXIT_OK
