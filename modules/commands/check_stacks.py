"""`check-stacks` (CI and Atlantis, before `terraform init`): refuse a commit's stacks unless they hold only what the
compiler emits for the commit's own registry (modules/review/allowlist.py), read from git's tree.

Runs the compiler it is part of (the default branch's, or the one installed in the Atlantis image) and reads the
commit as data: its registry (extracted from the tree into a temporary folder, loaded and validated), its
`generated/stacks` (stacktree.py) and its atlantis.yaml (checked when the whole commit or an Atlantis step is).
When the commit's compiler is this very compiler (samecompiler.py), its stacks must also equal, byte for byte,
what this compiler builds from its registry (`--rebuild auto`, the default).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from ..base.errors import RegistryInvalid
from ..base.gitbase import LinkOutside, extract
from ..outputs.atlantis import atlantis_yaml
from ..plan.layout import Plan, plan
from ..registry.validate import load_registry
from ..review import allowlist, atlantis_project, samecompiler, stackshape, stacktree, strictjson
from . import EXIT_INVALID, EXIT_OK, Invalid, Unusable
from .specs import CheckStacksOptions


def check_stacks(opts: CheckStacksOptions) -> int:
    try:
        root = stacktree.toplevel(Path(opts.repo))
        rev = stacktree.commit(root, opts.rev)
    except stacktree.TreeError as exc:
        raise Unusable(f"error: {exc}") from None
    the_plan, regions = _registry(root, rev)
    stacks = frozenset(the_plan.stack_names)
    only = set(opts.stacks) if opts.stacks else None
    found: list[str] = []
    if opts.atlantis:
        found += atlantis_project.env_problems(os.environ, stacks)
        only = {os.environ.get("PROJECT_NAME", "")}
    tree = stacktree.read_stacks(root, rev, only)
    found += stacktree.attribute_problems(root, rev) + tree.problems
    for name in sorted(only or ()):
        if name in stacks and name not in tree.files:
            found.append(f"{strictjson.shown(name)}: no {stacktree.STACKS}/{name}/{stacktree.STACK_FILE} in the commit")
    expect = stackshape.expect(the_plan, regions)
    for name, data in sorted(tree.files.items()):
        if name not in stacks:
            found.append(f"{strictjson.shown(name)}: not a stack the registry derives (known: {', '.join(sorted(stacks))})")
            continue
        try:
            doc = strictjson.loads(data)
        except strictjson.StrictJsonError as exc:
            found.append(f"{strictjson.shown(name)}: {stacktree.STACK_FILE}: {exc}")
            continue
        found += allowlist.problems(name, doc, expect)
    changed = samecompiler.differences(root, rev) if opts.rebuild == "auto" else ["--rebuild never"]
    text = stacktree.show(root, rev, "atlantis.yaml")
    if opts.atlantis or (text is not None and not opts.stacks):  # an Atlantis step, or the whole commit
        found += atlantis_project.repo_config_problems(text, stacks, None if changed else atlantis_yaml(the_plan, stacktree.STACKS))
    if not found and not changed:
        found += _rebuilt_differs(the_plan, tree.files)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"check-stacks: {len(found)} problem(s): nothing may be planned until they are gone", file=sys.stderr)
        return EXIT_INVALID
    if not changed:
        how = ", and equal this compiler's build of the commit's registry"
    elif opts.rebuild == "never":
        how = " (not compared with a rebuild: --rebuild never)"
    else:
        how = f" (the commit changes the compiler: {_few(changed)}; not compared with a rebuild)"
    print(f"check-stacks: {len(tree.files)} stack(s) hold only what the compiler emits{how}")
    return EXIT_OK


def _few(items: list[str]) -> str:
    return ", ".join(items[:3]) + (f" and {len(items) - 3} more" if len(items) > 3 else "")


def _registry(root: Path, rev: str) -> tuple[Plan, tuple[str, ...]]:
    """The commit's registry, read from its tree as data, validated, and planned (pure Python: no cdktn)."""
    tmp = Path(tempfile.mkdtemp(prefix="check-stacks-"))
    try:
        try:
            folder = extract(rev, "registry", root, tmp)
        except LinkOutside as exc:  # a link out of the registry (an absolute one, or one through ..)
            raise Invalid(f"check-stacks: the commit's registry holds a link that leaves it ({exc}): nothing may be planned") from None
        if folder is None or not folder.is_dir():
            raise Invalid("check-stacks: the commit has no registry/ folder")
        try:
            reg = load_registry(folder, shown_root="registry")
        except RegistryInvalid as exc:
            raise Invalid(exc.report() + "\ncheck-stacks: the commit's registry is invalid: nothing may be planned") from None
        return plan(reg), tuple(reg.organization.allowed_regions)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _rebuilt_differs(the_plan: Plan, files: dict[str, bytes]) -> list[str]:
    """The stacks whose committed bytes differ from this compiler's build of them."""
    if not files:
        return []
    # lazy: building stacks imports cdktn and starts Node; only a commit whose compiler is this one pays for it
    from ..engine.build import build

    stage = Path(tempfile.mkdtemp(prefix="check-stacks-build-"))
    try:
        build(the_plan, sorted(files), stage, jobs=1)
        return [
            f"{strictjson.shown(name)}: differs from what the registry compiles to; the commit does not change the compiler, "
            "so its stacks must be exactly the compiler's output (run `make synth` and commit)"
            for name in sorted(files)
            if (stage / "stacks" / name / stacktree.STACK_FILE).read_bytes() != files[name]
        ]
    finally:
        shutil.rmtree(stage, ignore_errors=True)
