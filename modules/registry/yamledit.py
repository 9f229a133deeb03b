"""Edit a registry file's text without re-dumping it: remove list items by their positions, append list items.

The expiry run removes entries from files that people wrote: their comments, key order, quoting and blank lines
are theirs and must survive. So nothing is re-dumped. The YAML is composed (the node graph keeps the line,
column and character offset of every value), and the text is cut where the nodes say:
- an item of a block list (`- ...`) is its lines, from the line of its `-` to the last line of its content (a
  comment on those lines goes with it; the lines around it stay);
- an item of a flow list (`[a, b]`) is its characters with one separator, so `[a, b, c]` without `b` is `[a, c]`.
Every edit is checked by reading the new text back: it must hold exactly the old data without the removed items
(an empty list may read back as empty), or the edit is refused (`EditError`) and nothing is written.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .yamlio import parse

_DASH_ONLY = re.compile(r"\s*-\s*(#.*)?")  # a line holding only an item's `-` (and a comment)
_DASH_PREFIX = re.compile(r"\s*-\s+")  # what precedes an item's content on the line of its `-`


class EditError(Exception):
    """The edit cannot be made safely by position: the message says where and why."""


def _compose(text: str, file: str) -> MappingNode:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)  # the pure-Python reader: marks are character offsets
    except yaml.YAMLError as exc:
        raise EditError(f"{file}: not readable YAML: {exc}") from None
    if not isinstance(node, MappingNode):
        raise EditError(f"{file}: the file must hold a mapping at the top level")
    return node


def _list_node(root: MappingNode, key: str, file: str) -> SequenceNode | None:
    for k, v in root.value:
        if isinstance(k, ScalarNode) and k.value == key:
            if isinstance(v, ScalarNode) and v.value in ("", "~", "null"):
                return None
            if not isinstance(v, SequenceNode):
                raise EditError(f"{file}:{v.start_mark.line + 1}: `{key}` is not a list")
            return v
    return None


def _last_line(node: Node) -> int:
    """The 0-based line of the node's last character (block collections end where the next token starts)."""
    if isinstance(node, ScalarNode) or getattr(node, "flow_style", False) or not node.value:
        end = node.end_mark
        return end.line if end.column > 0 or end.line == node.start_mark.line else end.line - 1
    children = [c for pair in node.value for c in pair] if isinstance(node, MappingNode) else list(node.value)
    return max(_last_line(c) for c in children)


def _block_item_lines(lines: list[str], item: Node, file: str) -> range:
    start = item.start_mark.line
    prefix = lines[start][: item.start_mark.column]
    if _DASH_PREFIX.fullmatch(prefix):
        first = start
    elif prefix.strip() == "" and start > 0 and _DASH_ONLY.fullmatch(lines[start - 1].rstrip("\r\n")):
        first = start - 1  # `-` alone on its line, the item below it
    else:
        raise EditError(f"{file}:{start + 1}: cannot tell where this list item starts; remove it by hand")
    return range(first, _last_line(item) + 1)


def _flow_cuts(seq: SequenceNode, drop: list[int]) -> list[tuple[int, int]]:
    """Character ranges to cut from a flow list: each run of dropped items with one separator."""
    items, cuts = seq.value, []
    runs: list[list[int]] = []
    for i in sorted(drop):
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        a, b = run[0], run[-1]
        if b < len(items) - 1:
            cuts.append((items[a].start_mark.index, items[b + 1].start_mark.index))
        elif a > 0:
            cuts.append((items[a - 1].end_mark.index, items[b].end_mark.index))
        else:
            cuts.append((items[a].start_mark.index, items[b].end_mark.index))
    return cuts


def remove_items(text: str, file: str, key: str, indexes: list[int]) -> str:
    """text without the items at `indexes` (as written) of the top-level list `key`."""
    if not indexes:
        return text
    seq = _list_node(_compose(text, file), key, file)
    if seq is None or max(indexes) >= len(seq.value) or min(indexes) < 0:
        raise EditError(f"{file}: `{key}` has no item {sorted(indexes)}")
    if seq.flow_style:
        out = text
        for start, end in sorted(_flow_cuts(seq, indexes), reverse=True):
            out = out[:start] + out[end:]
    else:
        lines = text.splitlines(keepends=True)
        gone: set[int] = set()
        for i in indexes:
            gone |= set(_block_item_lines(lines, seq.value[i], file))
        out = "".join(line for n, line in enumerate(lines) if n not in gone)
    _check(text, out, file, key, set(indexes))
    return out


def _data(text: str, file: str) -> Any:
    doc, errors = parse(text, file)
    if doc is None or doc.problems or errors:
        raise EditError(f"{file}: the edited text does not read back as YAML; nothing was written")
    return doc.data


def _check(before: str, after: str, file: str, key: str, dropped: set[int]) -> None:
    old, new = _data(before, file), _data(after, file)
    expected = dict(old)
    expected[key] = [item for i, item in enumerate(old.get(key) or []) if i not in dropped]
    if (
        not isinstance(new, dict)
        or (new.get(key) or []) != expected[key]
        or {k: v for k, v in new.items() if k != key} != {k: v for k, v in expected.items() if k != key}
    ):
        raise EditError(f"{file}: removing the items by position would change more than them; remove them by hand")


def append_items(text: str, file: str, key: str, items: list[list[str]]) -> str:
    """text with block list items appended to the top-level list `key` (created when absent), which must be the
    file's last key. Each item is its lines without the `- `, e.g. ["stack: a", "reason: b"]; the values must
    already be YAML (quoted where needed)."""
    if not items:
        return text
    root = _compose(text, file) if text.strip() else None
    value = next((v for k, v in root.value if isinstance(k, ScalarNode) and k.value == key), None) if root else None
    if isinstance(value, SequenceNode) and value.flow_style:
        raise EditError(f"{file}:{value.start_mark.line + 1}: `{key}` is a flow list ([...]); write it as a block list to append")
    empty = isinstance(value, ScalarNode) and value.value in ("", "~", "null")
    if root is not None and value is not None and (not (isinstance(value, SequenceNode) or empty) or root.value[-1][1] is not value):
        raise EditError(f"{file}: `{key}` is not a list ending the file; add the entries by hand")
    out = text if not text or text.endswith("\n") else text + "\n"
    if root is None or value is None:
        out += f"{key}:\n"
    pad = " " * (value.start_mark.column if isinstance(value, SequenceNode) else 2)
    for item in items:
        out += f"{pad}- {item[0]}\n" + "".join(f"{pad}  {line}\n" for line in item[1:])
    old = (_data(text, file) or {}) if text.strip() else {}
    new = _data(out, file)
    if (
        not isinstance(new, dict)
        or (new.get(key) or [])[: len(old.get(key) or [])] != (old.get(key) or [])
        or len(new[key]) != len(old.get(key) or []) + len(items)
    ):
        raise EditError(f"{file}: appending to `{key}` would not read back as intended; edit it by hand")
    return out
