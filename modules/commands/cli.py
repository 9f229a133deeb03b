"""The command line: parse the arguments into a command's typed options, run it, map its errors to exit codes.

What each command is (name, help, arguments, options, exit codes) is its record in specs.py; the commands themselves
are modules/commands/ (one module each). Exit codes: 0 success, 1 the registry is wrong (or a destroy was refused),
2 usage or environment problem; a command whose 2 means "found something" (post, drift, access-drift) declares its
own scheme with it (base/exits.py), which this module applies without knowing which command it is.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from ..base.exits import EXIT_ENV, EXIT_INVALID
from . import Command, Invalid, Stop
from .specs import COMMANDS


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sagemaker-registry" if os.path.basename(sys.argv[0]) == "sagemaker-registry" else "python main.py",
        description="Compile the SageMaker platform registry (YAML) into Terraform with CDK Terrain.",
        epilog="Exit codes: 0 success, 1 the registry is wrong (every mistake is listed) or a destroy was refused, "
        "2 usage or environment problem. post, drift and access-drift have their own: 0 nothing pending (or found), 1 failed, "
        "2 changes pending (or drift found), 3 usage or environment (see their --help). Without a command: synth.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS.values():
        sp = sub.add_parser(command.name, help=command.help, epilog=command.epilog)
        if command.registry:
            sp.add_argument("--registry", default="registry", metavar="DIR", help="the registry folder (default: registry)")
        command.arguments(sp)
    return p


def options(command: Command, args: argparse.Namespace) -> Any:
    """The command's typed options: each field is the parsed argument of that name (a repeated one as a tuple)."""
    values = {f.name: getattr(args, f.name) for f in fields(command.options)}
    return command.options(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


def wants_cdktn(argv: list[str]) -> bool:
    """Whether these arguments run a command that builds constructs (no arguments means synth)."""
    first = next((a for a in argv if not a.startswith("-")), "synth")
    return first in COMMANDS and COMMANDS[first].cdktn and "--help" not in argv and "-h" not in argv


def entry() -> None:
    """The installed command `sagemaker-registry` (pyproject.toml [project.scripts]): `python main.py` without main.py."""
    sys.exit(main())


def _internal(command: Command, opts: Any, exc: Exception, started: bool) -> tuple[str, int]:
    """What an internal error says, and its exit code, by the command's exit scheme."""
    what = f"{type(exc).__name__}: {exc} (set REGISTRY_DEBUG=1 for the traceback)"
    exits = command.exits
    if not exits.label:
        return f"internal error: {what}; nothing was written", exits.failed
    if not started:  # the command could not even load (boto3 missing, say): the run did not start
        return f"{command.name}: internal error before the run started: {what}", exits.usage
    return f"{_format(exits.label, opts)}: FAILED: internal error: {what}", exits.failed


def _format(text: str, opts: Any) -> str:
    return text.format(**{f.name: getattr(opts, f.name) for f in fields(opts)})


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser()
    if not argv:
        argv = ["synth"]  # `cdktn synth` runs `python main.py` with no arguments
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help is 0, a usage error 2 (the command's own usage code where it has one)
        code = int(exc.code or 0)
        first = next((a for a in argv if not a.startswith("-")), "")
        return COMMANDS[first].exits.usage if code == 2 and first in COMMANDS else code
    if args.command is None:
        parser.print_help()
        return EXIT_ENV
    command = COMMANDS[args.command]
    opts = options(command, args)
    started = False
    try:
        # Only the command that runs is imported: validate never loads cdktn or boto3, a no-op synth not even pydantic.
        module = importlib.import_module(f".{command.module}", __package__)
        run: Callable[[Any], int] = getattr(module, command.module)
        started = True
        return run(opts)
    except Stop as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_INVALID if isinstance(exc, Invalid) else command.exits.usage  # Unusable
    except KeyboardInterrupt:
        print(_format(command.exits.interrupted, opts), file=sys.stderr)
        return command.exits.failed
    except Exception as exc:  # a bug or an environment problem: one line, the trace only on request
        if os.environ.get("REGISTRY_DEBUG"):
            raise
        message, code = _internal(command, opts, exc, started)
        print(message, file=sys.stderr)
        return code
