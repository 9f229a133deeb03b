"""`diff --base REF`: compile the registry at the ref and now, find the stacks whose Terraform changes, and print
what the change means. The only part of the change review (modules/review) that reads git and synthesizes;
the rest is pure (compare, render), so review never imports synth."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..base import gitbase
from ..base.errors import RegistryInvalid
from ..engine.destroy import findings, stack_files
from ..engine.synth import synthesize
from ..outputs import files_beside_stacks
from ..outputs.facts import previous_facts, unready_teams
from ..outputs.moves import move_refusals
from ..plan.layout import Plan, plan
from ..registry.model import Registry
from ..registry.validate import load_registry
from ..review import render
from ..review.compare import summarize
from ..review.model import StackPlan, Summary
from ..review.tfplan import PlanError, read_plans
from . import EXIT_OK, Invalid, Unusable
from .loading import load
from .specs import DiffOptions


class BaseInvalid(Exception):
    def __init__(self, ref: str, exc: RegistryInvalid):
        self.ref = ref
        self.exc = exc
        super().__init__(f"the registry at {ref} is not valid, so there is nothing to compare with:\n{exc.report()}")


def diff(opts: DiffOptions) -> int:
    reg = load(opts.registry)
    try:
        plans = read_plans(Path(opts.plans)) if opts.plans else None
        summary = change_summary(reg, Path(opts.registry), opts.base, Path(opts.out), synth_now=not opts.no_synth, plans=plans)
    except BaseInvalid as exc:
        raise Unusable(str(exc)) from None
    except RegistryInvalid as exc:  # the change itself is refused (a new team made active at once)
        raise Invalid(exc.report()) from None
    except (gitbase.GitError, PlanError) as exc:
        raise Unusable(f"error: {exc}") from None
    title = f"Registry change since {opts.base}"
    print(render.as_json(summary) if opts.format == "json" else render.markdown(summary, title), end="")
    return EXIT_OK


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def _synth(p: Plan, out: Path) -> Path:
    synthesize(p, out, files=files_beside_stacks(p), allow_destroy=True)
    return out / "stacks"


def change_summary(
    new_reg: Registry, registry_dir: Path, base_ref: str, out: Path, *, synth_now: bool, plans: list[StackPlan] | None = None
) -> Summary:
    """What changes between base_ref and now. The stacks that will plan compare the output committed at the
    ref with a fresh synth of the registry now (or, with synth_now False, with the output folder as it is)."""
    registry_dir = registry_dir.resolve()
    root = gitbase.repo_root(registry_dir)
    ref = gitbase.resolve_ref(base_ref, root)
    new = (new_reg, plan(new_reg))
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        reg_rel = os.path.relpath(registry_dir, root)
        base = None
        base_dir = gitbase.extract(ref, reg_rel, root, tmp_path / "base")
        if base_dir is not None and base_dir.is_dir():
            try:
                base_reg = load_registry(base_dir, shown_root=f"{base_ref}:{reg_rel}")
            except RegistryInvalid as exc:
                raise BaseInvalid(base_ref, exc) from None
            base = (base_reg, plan(base_reg))
        out_rel = os.path.relpath(out.resolve(), root)
        committed_out = gitbase.extract(ref, out_rel, root, tmp_path / "committed")
        committed = committed_out / "stacks" if committed_out is not None and (committed_out / "stacks").is_dir() else None
        # A new team may be `active` only once the output at the base creates its accounts (none: a bootstrap).
        # ... and each team's accounts move into its access stack one step at a time (the committed output says where).
        previous = previous_facts(committed_out)
        unready = unready_teams(new_reg, new[1], previous) + move_refusals(new_reg, new[1], previous)
        if unready:
            raise RegistryInvalid(unready)
        if committed is not None:
            before = stack_files(committed)
        elif base is not None:  # nothing committed at the ref: what the ref's registry compiles to
            before = stack_files(_synth(base[1], tmp_path / "base-out"))
        else:
            before = {}
        after = stack_files(_synth(new[1], tmp_path / "now") if synth_now else out / "stacks")
    destroyed = findings(_parsed(before), _parsed(after), accounts_before=previous.accounts or frozenset())
    return summarize(base, new, changed(before, after), plans, destroyed, previous.steps if previous.accounts is not None else None)


def _parsed(files: dict[str, bytes]) -> dict[str, Any]:
    return {name: json.loads(data) for name, data in files.items()}
