"""One module per command (the pattern of pre-commit's `commands/`): a function of typed options returning an exit code.

Each command's record (name, help, arguments, typed options, exit codes) is in specs.py; cli.py parses the arguments
into the options, calls the command and turns the exceptions below into exit codes; a command module never parses
and never exits. A command that cannot go on raises
`Invalid` (the input is wrong, or a destroy was refused) or `Unusable` (usage or environment) with the exact
text for stderr; what it finds in a successful run it prints itself.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from ..base.exits import EXIT_ENV, EXIT_INVALID, EXIT_OK, STANDARD, Exits

__all__ = ["EXIT_ENV", "EXIT_INVALID", "EXIT_OK", "Command", "Invalid", "Stop", "Unusable"]


@dataclass(frozen=True)
class Command:
    name: str  # as typed on the command line
    module: str  # modules/commands/<module>.py, whose function of the same name runs it
    help: str
    options: type  # a frozen dataclass, its fields named as the parser's dests
    arguments: Callable[[argparse.ArgumentParser], None]  # adds the command's arguments to its parser
    registry: bool = True  # takes `--registry DIR` (default: registry)
    cdktn: bool = False  # builds constructs: main.py re-runs Python optimized for it
    exits: Exits = STANDARD  # what it exits with when it cannot finish (base/exits.py)
    epilog: str | None = None


class Stop(Exception):
    """The command stops: `message` goes to stderr as it is; cli.py chooses the exit code by the type."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Invalid(Stop):
    """The registry or another input is wrong, or a destroy was refused: exit 1."""


class Unusable(Stop):
    """A usage or environment problem (a missing folder, git, an unreadable file): exit 2, or the command's own usage
    code (post: 3)."""
