"""Exit codes: the compiler's own scheme, and the record of what a command exits with when it cannot finish.

Most commands: 0 success, 1 the input is wrong (every mistake listed) or a destroy was refused, 2 a usage or
environment problem, an interruption or an internal error (nothing was written). A command whose 2 means "found
something" (post: changes pending; drift: drift found) has a scheme of its own, declared with it (post/exits.py,
review/drift.py) as an `Exits`; the command line applies whichever a command names, never a special case."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK, EXIT_INVALID, EXIT_ENV = 0, 1, 2


@dataclass(frozen=True)
class Exits:
    """What a command exits with when it cannot finish, and how it says so."""

    usage: int = EXIT_ENV  # a usage or environment problem (argparse's errors too), or an internal error before the run
    failed: int = EXIT_ENV  # an interruption or an internal error once the run started
    # A scheme of its own: the run's name in its failure lines, formatted with its options ("post {mode}"); its
    # internal errors say FAILED, and one before the run started (the command could not even load) is a usage problem.
    # Empty: the compiler's scheme ("internal error: ...; nothing was written").
    label: str = ""
    interrupted: str = "interrupted; nothing was written"  # formatted with its options


STANDARD = Exits()
