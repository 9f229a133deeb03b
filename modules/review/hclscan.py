"""Which functions a stack's expressions call, read the way Terraform reads JSON strings.

In Terraform's JSON syntax almost every string (and every object key in an attribute value) is a template:
`${ expr }` is an interpolation, `%{ ... }` a directive, `$${` and `%%{` are the literal text `${` and `%{`
(https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping,
https://developer.hashicorp.com/terraform/language/expressions/strings). A function call inside an
interpolation runs during plan: `file("/proc/self/environ")`, `base64encode(...)` print secrets into a log
that base64 keeps GitHub from masking. So every interpolation is scanned, nested templates inside its quoted
strings included, for `name(` and `provider::ns::name(` calls.

The scan is deliberately narrow: it refuses what the compiler never writes instead of parsing it (a directive,
a heredoc, a comment or a non-ASCII character outside a quoted string, an interpolation that never closes), so a
construct it does not understand cannot hide a call from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_IDENT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-:")


class Unscannable(ValueError):
    pass


@dataclass
class Found:
    calls: set[str] = field(default_factory=set)
    interpolations: int = 0


def scan_template(text: str, found: Found) -> None:
    """Every call in the template `text` into found.calls; Unscannable for what the compiler never writes."""
    i, n = 0, len(text)
    while i < n:
        if text.startswith(("$${", "%%{"), i):
            i += 3
        elif text.startswith("${", i):
            i = _expression(text, i + 2, found)
        elif text.startswith("%{", i):
            raise Unscannable("a template directive (%{ ... }); the compiler writes none")
        else:
            i += 1


def _expression(text: str, i: int, found: Found) -> int:
    """Scan from just after `${` to its closing `}`; the index after it."""
    found.interpolations += 1
    depth, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i = _quoted(text, i + 1, found)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                return i + 1
            depth -= 1
        elif c == "#" or text.startswith(("//", "/*", "<<"), i):
            raise Unscannable("a comment or heredoc inside an interpolation; the compiler writes none")
        elif not c.isascii():
            raise Unscannable("a non-ASCII character outside a quoted string in an interpolation")
        elif c in _IDENT and (i == 0 or text[i - 1] not in _IDENT):
            j = i
            while j < n and text[j] in _IDENT:
                j += 1
            k = j
            while k < n and text[k] in " \t\r\n":
                k += 1
            if k < n and text[k] == "(" and not text[i].isdigit():
                found.calls.add(text[i:j])
            i = j
            continue
        i += 1
    raise Unscannable("an interpolation that is never closed")


def _quoted(text: str, i: int, found: Found) -> int:
    """Scan a quoted string inside an expression (itself a template) from after its `"`; the index after its end."""
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
        elif c == '"':
            return i + 1
        elif text.startswith(("$${", "%%{"), i):
            i += 3
        elif text.startswith("${", i):
            i = _expression(text, i + 2, found)
        elif text.startswith("%{", i):
            raise Unscannable("a template directive (%{ ... }); the compiler writes none")
        else:
            i += 1
    raise Unscannable("a quoted string that is never closed inside an interpolation")


def scan_document(value: object, found: Found, *, skip: frozenset[str] = frozenset({"//"})) -> None:
    """Every string and object key below value (Terraform reads keys of attribute values as templates too);
    `//` (a comment Terraform ignores) is skipped."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            scan_template(v, found)
        elif isinstance(v, dict):
            for k, item in v.items():
                if k in skip:
                    continue
                scan_template(k, found)
                stack.append(item)
        elif isinstance(v, list):
            stack.extend(v)
