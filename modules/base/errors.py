"""The one error type of the registry: file, line, entity path, message (with the hint inside)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

SEP = " › "
MAX_PER_KIND = 20  # errors of one kind shown per file; the rest are counted
_QUOTED = re.compile(r"'[^']*'|\([^)]*\)|[0-9]+")


def _kind(message: str) -> str:
    """A message with its values left out: what makes two errors "the same mistake"."""
    return _QUOTED.sub("…", message)


@dataclass(frozen=True, order=True)
class RegistryError:
    """A mistake in a registry file. Ordered by file, then line, then text."""

    file: str
    line: int
    entity: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        text = f"{where}: {self.entity}: {self.message}" if self.entity else f"{where}: {self.message}"
        return text.replace("\r", "\\r").replace("\n", "\\n")  # one error, one line, whatever a value holds


class RegistryInvalid(Exception):
    """Raised by the loader when the registry has mistakes; carries all of them, sorted."""

    def __init__(self, errors: Iterable[RegistryError]):
        self.errors = sorted(set(errors))
        super().__init__(f"{len(self.errors)} error(s) in the registry")

    def report(self, per_kind: int = MAX_PER_KIND) -> str:
        """Every error, except that one file repeating one kind of mistake shows the first per_kind of them and
        a count of the rest (80,000 unknown keys make 21 lines, not 80,000)."""
        lines: list[str] = []
        seen: dict[tuple[str, str], int] = {}
        hidden: dict[tuple[str, str], list[Any]] = {}  # kind -> [first error, count]
        for e in self.errors:
            kind = (e.file, _kind(e.message))
            seen[kind] = seen.get(kind, 0) + 1
            if seen[kind] <= per_kind:
                lines.append(str(e))
            else:
                hidden.setdefault(kind, [e, 0])[1] += 1
        for (file, _), (first, count) in sorted(hidden.items(), key=lambda kv: (kv[1][0].file, kv[1][0].line)):
            lines.append(
                f"{file}: … and {count} more error{'s' if count != 1 else ''} like the one on line {first.line}: {_kind(first.message)}"
            )
        n = len(self.errors)
        lines.append(f"{n} error{'s' if n != 1 else ''} found; nothing was written.")
        return "\n".join(lines)


def entity(*parts: str) -> str:
    """Join entity parts: entity("team 'a'", "member 'b'") -> "team 'a' › member 'b'"."""
    return SEP.join(p for p in parts if p)


def show(value: object) -> str:
    """Render a bad value the way a user typed it: strings quoted, others plain, long ones cut."""
    if isinstance(value, str):
        text = value if len(value) <= 80 else value[:77] + "..."
        # a newline or other control character in a value must not break the one-error-per-line report
        if not text.isprintable():
            text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
        return "'" + text + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null (empty)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def known(values: Iterable[str], limit: int = 8) -> str:
    """A short, sorted list of allowed values for a hint: 'a, b, c, ...'."""
    items = sorted(set(values))
    if not items:
        return "none defined"
    if len(items) > limit:
        return ", ".join(items[:limit]) + f", ... ({len(items)} in all)"
    return ", ".join(items)


def did_you_mean(value: str, choices: Sequence[str]) -> str:
    """' (did you mean 'x'?)' when a choice is close to value, else ''."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown(what: str, value: str, choices: Iterable[str], where: str = "") -> str:
    """Message for a reference to something that does not exist: "unknown team 'x' (did you mean 'y'?) (known: ...)"."""
    choices = sorted(set(choices))
    where = f" {where}" if where else ""
    return f"unknown {what} {show(value)}{where}{did_you_mean(value, choices)} (known: {known(choices)})"
