"""Terraform references and literal strings are different types (docs/design.md, "References and literals").

Every string that reaches a `cdk.tf.json` is a Terraform template: `${...}` is an interpolation and
`%{...}` a directive (https://developer.hashicorp.com/terraform/language/expressions/strings). A
string from the registry (a CloudFormation body with `${AWS::Region}`, an IAM policy variable such as
`${aws:username}`, a person's name) must reach AWS exactly as written, so it has to be escaped
(`$${`, `%%{`). A reference the compiler builds must not be.

The two are told apart by construction: the compiler writes its references with `expression()`,
which opens them with a marker carrying a random per-process nonce instead of `${`. Construct modules
pass strings to cdktn as they are; `finalize()`, run once on every stack file the compiler writes,
escapes every `${` and `%{` in the text and only then turns the markers into `${`. No construct module
can forget to escape, and no registry text can forge a reference (it cannot know the nonce).

References never come from cdktn tokens (`resource.arn`): those render as plain `${...}` and would be
escaped into literals. A test synthesizes the example and fails on any `${` in cdktn's raw output.
"""

from __future__ import annotations

import re
import secrets

_NONCE = secrets.token_hex(8)
OPEN = f"__tfexpr{_NONCE}__{{"  # stands for "${" until finalize()
_DOT_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class UnsafeText(Exception):
    """A compiler reference directly after a literal `$` or `%` would read as an escape: an internal error."""


def expression(text: str) -> str:
    """A Terraform expression the compiler wrote (`aws_vpc.vpc.id`), to embed in any string."""
    return f"{OPEN}{text}}}"


def index(key: str) -> str:
    """`.key` or `["key"]` to read one entry of a map."""
    return f".{key}" if _DOT_KEY.fullmatch(key) else f'["{key}"]'


def finalize(text: str) -> str:
    """Stack JSON as cdktn wrote it -> the JSON Terraform reads: literals escaped, references opened.

    Works on the JSON text: `$` and `%` occur in JSON only inside strings (values and keys), and neither
    JSON's string escapes nor the marker contain them."""
    escaped = text.replace("${", "$${").replace("%{", "%%{")
    if f"${OPEN}" in escaped or f"%{OPEN}" in escaped:
        raise UnsafeText("a Terraform reference directly follows a literal '$' or '%'")
    return escaped.replace(OPEN, "${")


def unmarked_interpolations(text: str) -> list[str]:
    """`${`/`%{` sequences in cdktn's raw output: literal text, or a reference that bypassed `expression()`."""
    return re.findall(r"[$%]\{[^}]{0,80}", text)
