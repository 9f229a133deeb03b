"""Incremental synthesis: what each stack's output depends on, as one digest (DESIGN.md decision 14).

A stack's output is a pure function of (a) what its construct module receives: its own plan record,
its StackRecord (the states it reads) and the organization-wide values; (b) the compiler's own code;
(c) the pinned versions of cdktn, its AWS bindings and constructs. Files the registry points to
(CloudFormation templates, inline policies) reach a stack only through its plan record, which carries
their text, so (a) covers them. `synth` rebuilds a stack only when this digest changed, and keeps the
other stacks' files byte-for-byte; `generated/fingerprints.json` stores the digests with a hash of each
output file, so a hand-edited output is rebuilt, never trusted.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, is_dataclass
from importlib import metadata
from pathlib import Path

from .stacks import Plan

FILE = "fingerprints.json"
VERSION = 1
PINNED = ("cdktn", "cdktn-provider-aws", "constructs", "jsii")
_ROOT = Path(__file__).resolve().parent


def _default(value: object) -> object:
    if is_dataclass(value):
        return asdict(value)  # type: ignore[arg-type]
    return str(value)  # Decimal


def canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_default).encode()


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
    """name -> digest of everything that stack's output depends on."""
    compiler = compiler_digest()
    values = canonical(plan.values)
    out = {}
    for record in plan.records:
        h = hashlib.sha256(compiler.encode())
        h.update(values)
        h.update(canonical(record))
        h.update(canonical(plan.stack_input(record.name)))
        out[record.name] = h.hexdigest()
    return out


def output_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read(out: Path) -> dict[str, dict]:
    """name -> {"inputs": digest, "output": sha256 of cdk.tf.json, "resources": count} from the previous synth."""
    try:
        doc = json.loads((out / FILE).read_text(encoding="utf-8"))
        return doc["stacks"] if doc.get("version") == VERSION else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def text(entries: dict[str, dict]) -> str:
    return json.dumps({"version": VERSION, "stacks": dict(sorted(entries.items()))}, indent=1, sort_keys=True) + "\n"
