"""Turn a location in a registry file into words: the entity path and the message for a pydantic error."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..base.errors import did_you_mean, entity, known, show
from .fields import PATTERN_HELP

# For lists of named things: the key that names an item, and the word for it.
_LIST_ITEMS = {
    "environments": ("name", "environment"),
    "people": ("user_name", "person"),
    "templates": ("name", "template"),
    "members": ("person", "member"),
    "shares": ("name", "share"),
    "grants": ("person", "grant for"),
}
# For mappings of named things: the word for an entry.
_MAP_ENTRIES = {
    "permission_sets": "permission set",
    "roles": "role",
    "environments": "environment",
    "tags": "tag",
}


def root_entity(file: str, data: Any) -> str:
    """The entity a whole file stands for."""
    name = data.get("name") if isinstance(data, dict) else None
    if file.startswith("teams/"):
        stem = file[len("teams/") :].rsplit(".", 1)[0]
        return f"team '{name if isinstance(name, str) else stem}'"
    if file == "organization.yaml":
        return f"organization '{name}'" if isinstance(name, str) else "organization"
    return ""


def entity_path(file: str, data: Any, loc: tuple[Any, ...]) -> str:
    """Words for where loc points in data: "team 'a' › share 'b' › to[0] › team"."""
    parts = [root_entity(file, data)]
    node = data
    i = 0
    while i < len(loc):
        key = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        child = _child(node, key)
        if isinstance(key, str) and key in _LIST_ITEMS and isinstance(nxt, int) and isinstance(child, list):
            name_key, word = _LIST_ITEMS[key]
            item = _child(child, nxt)
            name = item.get(name_key) if isinstance(item, dict) else None
            parts.append(f"{word} '{name}'" if isinstance(name, str) and name else f"{key}[{nxt}]")
            node, i = item, i + 2
            continue
        # role permission_sets map environment -> permission set: its keys are environments, not sets
        reference_map = key == "permission_sets" and parts[-1].startswith("role ")
        if (
            isinstance(key, str)
            and key in _MAP_ENTRIES
            and nxt is not None
            and isinstance(child, dict)
            and not reference_map
            and not (file == "environments.yaml" and key == "environments")
        ):
            parts.append(f"{_MAP_ENTRIES[key]} '{nxt}'")
            node, i = _child(child, nxt), i + 2
            continue
        if isinstance(nxt, int) and isinstance(child, list):
            parts.append(f"{key}[{nxt}]")
            node, i = _child(child, nxt), i + 2
            continue
        parts.append(str(key))
        node, i = child, i + 1
    return entity(*parts)


def _child(node: Any, key: Any) -> Any:
    if isinstance(node, dict) and isinstance(key, str):
        return node.get(key)
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return node[key]
    return None


def field_names(model: type[BaseModel]) -> list[str]:
    return sorted((f.alias or name) for name, f in model.model_fields.items())


def message_for(err: dict[str, Any], allowed_fields: list[str] | None, *, hint: bool = True) -> str:
    """A human message for one pydantic error, naming the bad value and what is allowed."""
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    field = err["loc"][-1] if err["loc"] else ""
    if kind == "missing":
        return f"missing required field '{field}'"
    if kind == "extra_forbidden":
        near = did_you_mean(str(field), allowed_fields or []) if hint else ""
        return f"unknown field '{field}'{near} (allowed: {known(allowed_fields or [], limit=20)})"
    if kind == "string_pattern_mismatch":
        help_text = PATTERN_HELP.get(ctx.get("pattern", ""), f"must match {ctx.get('pattern')}")
        return f"invalid value {show(value)}: {help_text}"
    if kind == "literal_error":
        return f"invalid value {show(value)} (allowed: {ctx.get('expected', '').replace(chr(39), '')})"
    if kind in ("bool_parsing", "bool_type"):
        return f"invalid value {show(value)}: expected true or false"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"invalid value {show(value)}: expected a whole number"
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type"):
        return f"invalid value {show(value)}: expected a number"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = {"greater_than": "more than", "greater_than_equal": "at least", "less_than": "less than", "less_than_equal": "at most"}[
            kind
        ]
        limit = next(iter(ctx.values()), "")
        return f"invalid value {show(value)}: must be {bound} {limit}"
    if kind in ("decimal_max_places",):
        return f"invalid value {show(value)}: at most {ctx.get('decimal_places')} decimal places"
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return f"invalid value {show(value)}: too many digits"
    if kind in ("string_type", "str_type"):
        return f"invalid value {show(value)}: expected text"
    if kind == "dict_type":
        return f"expected a mapping (key: value), got {show(value)}"
    if kind in ("model_type", "model_attributes_type"):
        return f"expected a mapping of fields, got {show(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {show(value)}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s), got {ctx.get('actual_length', 0)}"
    if kind == "too_long":
        return f"has {ctx.get('actual_length')} items; at most {ctx.get('max_length')} allowed"
    if kind == "string_too_short":
        return f"invalid value {show(value)}: at least {ctx.get('min_length')} character(s)"
    if kind == "string_too_long":
        return f"invalid value {show(value)}: at most {ctx.get('max_length')} characters"
    msg = err.get("msg", "invalid value")
    if kind in ("cidr", "duration", "template", "latin1"):  # our own messages, final as written
        return str(msg)
    msg = str(msg[0].lower() + msg[1:] if msg else msg)
    if "{" in msg:
        return msg
    return f"{msg} (got {show(value)})"
