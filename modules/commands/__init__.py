"""One module per command (the pattern of pre-commit's `commands/`): a function of typed options returning an exit code.

modules/commands/cli.py parses the arguments into the options (options.py), calls the command and turns the exceptions
below into exit codes; a command module never parses and never exits. A command that cannot go on raises
`Invalid` (the input is wrong, or a destroy was refused) or `Unusable` (usage or environment) with the exact
text for stderr; what it finds in a successful run it prints itself.
"""

from __future__ import annotations

EXIT_OK, EXIT_INVALID, EXIT_ENV = 0, 1, 2


class Stop(Exception):
    """The command stops: `message` goes to stderr as it is; cli.py chooses the exit code by the type."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Invalid(Stop):
    """The registry or another input is wrong, or a destroy was refused: exit 1."""


class Unusable(Stop):
    """A usage or environment problem (a missing folder, git, an unreadable file): exit 2 (post: 3)."""
