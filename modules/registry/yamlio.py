"""Read YAML as plain data with the line of every value, keeping scalar text.

PyYAML's constructors turn `012345678901` into an octal int, `no` into False and let a
duplicate key win silently. We never run them: we compose the node graph (which has
positions) and build the data ourselves. Every plain scalar stays the string it was typed as,
except `null`/`~`/empty, which become None; pydantic then coerces text such as `true` or `500`
only where the field is a boolean or a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..base.errors import RegistryError

Path = tuple[Any, ...]

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:binary",
    "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:value",
}
_NULLS = {"", "~", "null", "Null", "NULL"}
# Bounds on what a file may make the reader do. A registry file is small and shallow; these stop a
# "billion laughs" file (aliases of aliases, exponential once expanded) and deep nesting (which
# PyYAML's recursive composer would answer with RecursionError) before they cost memory or time.
MAX_DEPTH = 50
MAX_VALUES = 100_000  # values in one file once aliases are expanded
_MAX_DEPTH = MAX_DEPTH


@dataclass
class Document:
    """One file's data and the line of each value, by path (keys and list indexes)."""

    file: str  # as shown to users
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    # Structural problems found while reading (duplicate keys, tags, merge keys), with their paths.
    problems: list[tuple[RegistryError, Path]] = field(default_factory=list)

    def line(self, *path: Any) -> int:
        """Line of the value at path, or of its nearest ancestor that exists (1 at worst)."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), 1)


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.lines: dict[Path, int] = {}
        self.errors: list[RegistryError] = []
        self.error_paths: list[Path] = []  # where each error is, for naming its entity
        self.values = 0  # values built so far, aliases counted each time they are expanded
        self.too_many = False

    def error(self, node: Node, message: str, path: Path = ()) -> None:
        self.errors.append(RegistryError(self.file, node.start_mark.line + 1, "", message))
        self.error_paths.append(path)

    def build(self, node: Node, path: Path, depth: int = 0) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            if not self.too_many:
                self.too_many = True
                self.error(
                    node, f"more than {MAX_VALUES} values once aliases are expanded (nested aliases?); write the data out plainly", ()
                )  # the whole file is suspect
            return None
        if depth > _MAX_DEPTH:
            self.error(node, f"nesting deeper than {_MAX_DEPTH} levels (a recursive alias?)", path)
            return None
        if node.tag not in _STANDARD_TAGS:
            self.error(node, f"custom tag '{node.tag}' is not allowed: registry files are plain YAML data", path)
            return None
        if isinstance(node, ScalarNode):
            if not node.style and node.value in _NULLS:
                return None
            return node.value
        if isinstance(node, SequenceNode):
            items: list[Any] = []
            for i, item in enumerate(node.value):
                self.lines[path + (i,)] = item.start_mark.line + 1
                items.append(self.build(item, path + (i,), depth + 1))
            return items
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            first_line: dict[str, int] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if not isinstance(key_node, ScalarNode):
                    self.error(key_node, "a mapping key must be a plain name, not a list or mapping", path)
                    continue
                if key_node.tag == "tag:yaml.org,2002:merge" or (key_node.value == "<<" and not key_node.style):
                    self.error(key_node, "merge keys ('<<') are not allowed: write the fields out", path)
                    continue
                key = key_node.value
                if key in first_line:
                    self.error(key_node, f"duplicate key '{key}' (first defined on line {first_line[key]})", path + (key,))
                    continue
                first_line[key] = line
                self.lines[path + (key,)] = line
                out[key] = self.build(value_node, path + (key,), depth + 1)
            return out
        self.error(node, f"unsupported YAML node {type(node).__name__}")  # pragma: no cover
        return None


def parse(text: str, file: str) -> tuple[Document | None, list[RegistryError]]:
    """Parse one YAML document. Returns (document, errors); document is None on a syntax error.

    Problems inside a well-formed document (duplicate keys, tags, merge keys) are in document.problems."""
    fast = _from_events(text, file)
    if fast is not None:
        return fast, []
    deep = _too_deep(text, file)
    if deep is not None:
        return None, [deep]
    try:
        nodes = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "invalid YAML"
        context = ""
        if exc.context:
            started = exc.context_mark.line + 1 if exc.context_mark else None
            context = f" ({exc.context}" + (f" that starts on line {started}" if started and started != line else "") + ")"
        return None, [RegistryError(file, line, "", f"YAML syntax error: {problem}{context}")]
    except yaml.YAMLError as exc:  # e.g. reader errors on control characters
        return None, [RegistryError(file, 1, "", f"YAML error: {exc}")]
    except RecursionError:  # pragma: no cover - _too_deep stops this first
        return None, [RegistryError(file, 1, "", f"nesting deeper than {MAX_DEPTH} levels")]
    if len(nodes) > 1:
        return None, [RegistryError(file, nodes[1].start_mark.line + 1, "", "only one YAML document per file ('---' starts a second one)")]
    builder = _Builder(file)
    if not nodes:
        return Document(file, None, {(): 1}), []
    root = nodes[0]
    builder.lines[()] = root.start_mark.line + 1
    data = builder.build(root, ())
    return Document(file, data, builder.lines, list(zip(builder.errors, builder.error_paths, strict=True))), []


# libyaml (when PyYAML was built with it) composes much faster than the pure-Python reader, and composing is most of
# validate's time on a large registry. A file it refuses is composed again by the pure-Python reader, whose
# messages (and marks) the error reports and their tests are written against; the rare slow path is the error.
_FAST = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> list[Any]:
    if _FAST is not None:
        try:
            return list(yaml.compose_all(text, Loader=_FAST))
        except (yaml.YAMLError, RecursionError):
            pass
    return list(yaml.compose_all(text, Loader=yaml.SafeLoader))


def _too_deep(text: str, file: str) -> RegistryError | None:
    """An error at the line where nesting passes MAX_DEPTH, read from the event stream (which, unlike
    PyYAML's composer, is not recursive); None when the file is shallow enough or not YAML (compose says so)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_FAST or yaml.SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return RegistryError(
                        file,
                        event.start_mark.line + 1 if event.start_mark else 1,
                        "",
                        f"nesting deeper than {MAX_DEPTH} levels; registry files are shallow",
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.MappingEndEvent, yaml.SequenceEndEvent)
_NODE_OF = {yaml.ScalarEvent: ScalarNode, yaml.MappingStartEvent: MappingNode, yaml.SequenceStartEvent: SequenceNode}


class _Unusual(Exception):
    """Something the event reader leaves to the composer path: an alias or anchor, a problem to report, a file too deep."""


def _from_events(text: str, file: str) -> Document | None:
    """The Document parse() makes of a plain, well-formed file, read in one pass over libyaml's events; None for
    anything else (an error or problem to report, aliases, deep nesting, no libyaml), which the composer path reads.

    Composing first builds every node, and the depth check reads every event before that: two passes of which this
    is one, without the nodes (registry files are plain data, and most of validate's time at 1,000 teams was here).
    tests/registry/test_yaml_events.py holds it to the composer path's result wherever it gives one."""
    if _FAST is None:
        return None
    loader = _FAST(text)
    try:
        return _read_events(loader, file)
    except (_Unusual, yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()


def _read_events(loader: Any, file: str) -> Document:
    get, resolve = loader.get_event, loader.resolve
    lines: dict[Path, int] = {}
    if not isinstance(get(), yaml.StreamStartEvent):
        raise _Unusual
    event = get()
    if isinstance(event, yaml.StreamEndEvent):
        return Document(file, None, {(): 1})
    if not isinstance(event, yaml.DocumentStartEvent):
        raise _Unusual
    # Open collections: [the dict or list, its path, the key waiting for its value (mappings), the keys seen].
    stack: list[list[Any]] = []
    root: Any = None
    values = 0
    while True:
        event = get()
        kind = type(event)
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()
            continue
        if kind is yaml.DocumentEndEvent:
            break
        if kind not in _NODE_OF or event.anchor is not None:  # an alias, an anchor: the composer path expands them
            raise _Unusual
        line = event.start_mark.line + 1
        top = stack[-1] if stack else None
        if top is not None and type(top[0]) is dict and top[2] is None:  # a key
            key = event.value if kind is yaml.ScalarEvent else None
            if key is None or key in top[3] or (key == "<<" and not event.style):
                raise _Unusual  # a collection as a key, a duplicate key, a merge key: reported by the composer path
            if event.tag == "tag:yaml.org,2002:merge":
                raise _Unusual
            top[3].add(key)
            top[2] = key
            lines[top[1] + (key,)] = line
            continue
        values += 1
        if values > MAX_VALUES or len(stack) >= MAX_DEPTH - 1:
            raise _Unusual
        tag = event.tag
        if tag is None or tag == "!":
            tag = resolve(_NODE_OF[kind], event.value if kind is yaml.ScalarEvent else None, event.implicit)
        if tag not in _STANDARD_TAGS:
            raise _Unusual
        if kind is yaml.ScalarEvent:
            value: Any = None if not event.style and event.value in _NULLS else event.value
        else:
            value = {} if kind is yaml.MappingStartEvent else []
        if top is None:
            path: Path = ()
            lines[()] = line
            root = value
        elif type(top[0]) is dict:
            path = top[1] + (top[2],)
            top[0][top[2]] = value
            top[2] = None
        else:
            path = top[1] + (len(top[0]),)
            lines[path] = line
            top[0].append(value)
        if kind is not yaml.ScalarEvent:
            stack.append([value, path, None, set()])
    if not isinstance(get(), yaml.StreamEndEvent):
        raise _Unusual  # a second document: the composer path says so
    return Document(file, root, lines)
