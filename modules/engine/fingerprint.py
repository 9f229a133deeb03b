"""Incremental synthesis: what each stack's output depends on, as one digest (docs/design.md, "Incremental synthesis").

A stack's output is a pure function of (a) what its construct module receives, as its kind's row of the
stack-kind table names it (plan/kinds.py): its own plan record, its StackRecord (the states it reads) and the
organization-wide values; (b) the compiler's own code; (c) the pinned versions of cdktn, its AWS bindings and
constructs. Files the registry points to (CloudFormation templates, inline policies) reach a stack only through
its plan record, which carries their text, so (a) covers them. `synth` rebuilds a stack only when this digest changed, and keeps the
other stacks' files byte-for-byte; `generated/fingerprints.json` stores the digests with a hash of each
output file, so a hand-edited output is rebuilt, never trusted.

Before any of that, `synth` compares a digest of the registry folder's bytes (and the compiler's) with the
one stored by the last successful synth: when they match and the output folder holds exactly the files that
synth wrote, with their bytes (known by stat, like git's index, outdir.py), nothing can have changed, and it
stops without loading the registry (a no-op synth does not even import pydantic, let alone cdktn).
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base import jsontext
from . import outdir

if TYPE_CHECKING:
    from ..plan.layout import Plan

FILE = "fingerprints.json"
VERSION = 1
PINNED = ("cdktn", "cdktn-provider-aws", "constructs", "jsii")
_ROOT = Path(__file__).resolve().parent.parent  # the compiler: every module under modules/


def canonical(value: object) -> bytes:
    """The plan's records are frozen dataclasses of strings, numbers, tuples and dicts built in sorted order:
    their repr is complete and deterministic, and much cheaper than a JSON walk. (A dict built in another order
    would only cost a rebuild, never a stale file.)"""
    return repr(value).encode()


@functools.lru_cache(maxsize=1)
def compiler_digest() -> str:
    """The compiler's code (every module, and main.py) and the versions of what renders the JSON."""
    h = hashlib.sha256()
    for path in sorted(_ROOT.rglob("*.py")):
        h.update(path.relative_to(_ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    main = _ROOT.parent / "main.py"
    if main.is_file():
        h.update(main.read_bytes())
    for dist in PINNED:
        try:
            h.update(f"{dist}=={metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}==?\0".encode())
    return h.hexdigest()


def stack_digests(plan: Plan) -> dict[str, str]:
    """name -> digest of everything that stack's output depends on: the compiler, and the inputs its kind names
    (plan/kinds.py)."""
    compiler = compiler_digest()
    out = {}
    for record in plan.records:
        h = hashlib.sha256(compiler.encode())
        for part in plan.kind(record.name).fingerprint(plan.values, record, plan.stack_input(record.name)):
            h.update(canonical(part))
        out[record.name] = h.hexdigest()
    return out


def output_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _doc(out: Path) -> dict[str, Any]:
    try:
        doc = json.loads((out / FILE).read_text(encoding="utf-8"))
        return doc if isinstance(doc, dict) and doc.get("version") == VERSION else {}
    except (OSError, ValueError):
        return {}


def read(out: Path) -> dict[str, dict[str, Any]]:
    """name -> {"inputs": digest, "output": sha256 of cdk.tf.json, "resources": count} from the previous synth."""
    stacks = _doc(out).get("stacks")
    return stacks if isinstance(stacks, dict) else {}


def text(entries: dict[str, dict[str, Any]], *, registry: str | None = None, files: dict[str, str] | None = None, note: str = "") -> str:
    """fingerprints.json: the stacks' digests and, for the no-op check, the registry's digest, the sha256 of every
    other file synth wrote (relative to the output folder; `../` for atlantis.yaml and CODEOWNERS) and the
    summary line it printed."""
    doc = {
        "version": VERSION,
        "stacks": dict(sorted(entries.items())),
        "registry": registry,
        "compiler": compiler_digest(),
        "files": dict(sorted((files or {}).items())),
        "note": note,
    }
    return jsontext.dumps(doc, indent=1, sort_keys=True) + "\n"


def same_compiler(out: Path) -> bool:
    """Whether the last synth into out ran this very compiler (then a registry edit rebuilds only a few stacks)."""
    return _doc(out).get("compiler") == compiler_digest()


def registry_digest(registry: Path) -> str | None:
    """Every file of the registry folder (names and bytes) and the compiler: what the whole output depends on."""
    if not registry.is_dir():
        return None
    h = hashlib.sha256(compiler_digest().encode())
    for path in sorted(p for p in registry.rglob("*") if p.is_file()):
        h.update(path.relative_to(registry).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def unchanged(out: Path, registry: str | None, root_files: tuple[str, ...]) -> str | None:
    """The last synth's summary line when it compiled this very registry, wrote the same files beside the output
    folder (root_files: atlantis.yaml and CODEOWNERS when it sits in a project) and its output is intact: exactly the
    files it wrote, with their bytes (known by stat where the index vouches for them: outdir.py). Raises
    safewrite.UnsafeTarget at a symbolic link inside the output."""
    doc = _doc(out)
    if registry is None or doc.get("registry") != registry or not isinstance(doc.get("stacks"), dict):
        return None
    files = doc.get("files") or {}
    if {rel for rel in files if rel.startswith("../")} != {f"../{rel}" for rel in root_files}:
        return None
    if outdir.staging_folders(out):
        return None  # an earlier run was interrupted: synth finishes or drops what it left
    expected = {f"stacks/{n}/cdk.tf.json": e.get("output") for n, e in doc["stacks"].items()}
    expected.update({rel: sha for rel, sha in files.items() if not rel.startswith("../")})
    found = outdir.scan(out)
    if set(found.stats) != {*expected, FILE}:
        return None
    needed = {"/".join(rel.split("/")[:i]) for rel in expected for i in range(1, rel.count("/") + 1)}
    if set(found.folders) - {""} != needed:
        return None
    for rel, sha in expected.items():
        if found.sha(rel) != sha:
            return None
    for rel in root_files:
        try:
            if output_digest((out.parent / rel).read_bytes()) != files[f"../{rel}"]:
                return None
        except OSError:
            return None
    if found.read:
        outdir.write_index(found)  # the cache beside the output: what this check read, the next one need not
    return str(doc.get("note", ""))
