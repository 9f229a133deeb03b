"""JSON as Terraform reads it, or a refusal: no repeated key, no NaN, UTF-8 only.

Python's `json.loads` keeps the last of two equal keys in an object; Terraform's JSON syntax reads every one
(two `"data"` keys are two sets of data blocks). A checker that reads the first way and a planner that reads the
second would judge different documents, so a stack file with a repeated key is refused before anything else.
"""

from __future__ import annotations

import json
from typing import Any


class StrictJsonError(ValueError):
    pass


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise StrictJsonError(
                f"a JSON object repeats the key {shown(key)} (Terraform reads every copy, a JSON parser only the last; "
                "the compiler never writes one twice)"
            )
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise StrictJsonError(f"{name} is not JSON")


def loads(data: bytes) -> Any:
    """The document, or StrictJsonError naming what is wrong (never another exception)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StrictJsonError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        return json.loads(text, object_pairs_hook=_no_repeats, parse_constant=_no_constant)
    except StrictJsonError:
        raise
    except ValueError as exc:  # JSONDecodeError, and RecursionError's cousin for absurd nesting is below
        raise StrictJsonError(f"not valid JSON: {exc}") from None
    except RecursionError:
        raise StrictJsonError("not valid JSON: nested too deeply") from None


def shown(value: object) -> str:
    """A name or value from a pull request, as JSON for a log line or a code block: ASCII only, no control
    character, no backtick or angle bracket, so it can neither start a new line (a CI log command such as
    `::error::`) nor close a Markdown code span or fence in a comment that quotes the log."""
    quoted = json.dumps(value, ensure_ascii=True, sort_keys=True)
    return quoted.replace("`", "\\u0060").replace("<", "\\u003c").replace(">", "\\u003e")
