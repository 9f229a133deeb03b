"""Which functions a stack's expressions call, read the way Terraform reads JSON strings, failing closed.

In Terraform's JSON syntax almost every string (and every object key in an attribute value) is a template:
`${ expr }` is an interpolation, `%{ ... }` a directive, `$${` and `%%{` are the literal text `${` and `%{`
(https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping,
https://developer.hashicorp.com/terraform/language/expressions/strings). A function call inside an
interpolation runs during plan: `file("/proc/self/environ")`, `base64encode(...)` print secrets into a log
that base64 keeps GitHub from masking.

The scan does not try to parse HCL (a parser that reads one construct differently from Terraform's would let a
call through). It holds the text to what the compiler writes and refuses the rest:
- every `(` outside a quoted string is a call, and must directly follow the function's name: the word right before
  it (letters, digits, `_`, `-`, `:`), with nothing between them, must be a name (the allow-list then compares it
  with the functions the compiler writes). The compiler writes no grouping parenthesis, no space before a call's
  `(`, no `1:f(` or `x.f(`, so none of these is read as anything but a refusal;
- a directive, a heredoc, a comment or a non-ASCII character outside a quoted string, an interpolation or a quoted
  string that never closes, are refused outright;
- every string and every key is scanned, `//` ones included: Terraform ignores `//` only in a block body, and in an
  object expression (an attribute's value) it is an ordinary key whose value is evaluated. Telling the two apart
  needs the provider's schema; the compiler writes no template in its comments, so nothing is skipped.
Strings Terraform reads as references rather than templates (`depends_on`, `provider`, `lifecycle`'s lists, the
addresses of `moved`, `import`, `removed`) need no scan: Terraform itself refuses a call there ("Invalid expression",
tried with 1.11). tests/delivery/test_scanner_against_terraform.py holds the scan to what Terraform 1.11 does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .strictjson import shown

# What can stand right before a `(` as part of one word: an identifier (HCL allows `-` in one) or a provider
# function's `provider::ns::name`. The whole run is the name; anything else in it makes it no name at all.
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-:")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(::[A-Za-z_][A-Za-z0-9_-]*)*")


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


def _call(text: str, paren: int, found: Found) -> None:
    """The `(` at text[paren] is a call of the word right before it, or it is refused."""
    start = paren
    while start > 0 and text[start - 1] in _WORD:
        start -= 1
    name = text[start:paren]
    if not name:
        raise Unscannable("a parenthesis that does not directly follow a function name; the compiler writes none")
    if not _NAME.fullmatch(name):
        raise Unscannable(f"a parenthesis after {shown(name)}, which is not a function name")
    if start > 0 and text[start - 1] == ".":
        raise Unscannable(f"a parenthesis after the attribute {shown(name)}, which is not a function call the compiler writes")
    found.calls.add(name)


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
        elif c == "(":
            _call(text, i, found)
        elif c == "#" or text.startswith(("//", "/*", "<<"), i):
            raise Unscannable("a comment or heredoc inside an interpolation; the compiler writes none")
        elif not c.isascii():
            raise Unscannable("a non-ASCII character outside a quoted string in an interpolation")
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


def scan_document(value: object, found: Found) -> None:
    """Every string and every object key below value (Terraform reads keys of attribute values as templates too),
    `//` comments included (see above)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            scan_template(v, found)
        elif isinstance(v, dict):
            for k, item in v.items():
                scan_template(k, found)
                stack.append(item)
        elif isinstance(v, list):
            stack.extend(v)
