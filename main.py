"""Entry point: `python main.py [validate|synth|schema] ...`; with no arguments it synthesizes (for `cdktn synth`)."""

import importlib.util
import os
import sys

from modules.cli import main, wants_cdktn


def optimized_bytecode_ready() -> bool:
    """Whether `python -O` finds cdktn and its AWS bindings compiled (`.opt-1.pyc`, written by `make setup`).

    Without them, and with PYTHONDONTWRITEBYTECODE set (as in many CI images), -O compiles those modules from
    source on every run: ~3 s more than the type checks it saves on a one-team edit."""
    if not sys.dont_write_bytecode:
        return True  # Python writes them on first use
    for package in ("cdktn", "cdktn_provider_aws"):
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None or not os.path.exists(importlib.util.cache_from_source(spec.origin, optimization=1)):
            return False
    return True


if __name__ == "__main__":
    # jsii's generated bindings check argument types at run time unless Python runs with -O; for commands that
    # build constructs that is a large share of construction time (docs/performance.md), so re-run optimized.
    if wants_cdktn(sys.argv[1:]) and not sys.flags.optimize and not os.environ.get("REGISTRY_NO_REEXEC"):
        if optimized_bytecode_ready():
            os.execv(sys.executable, [sys.executable, "-O", *sys.argv])
        print(
            "note: a speed shortcut is inactive, optimized bytecode: the venv has no `python -O` bytecode of cdktn and its "
            "bindings (`make setup` compiles it), so stacks built here keep jsii's run-time type checks (the output is the same)",
            file=sys.stderr,
        )
    sys.exit(main())
