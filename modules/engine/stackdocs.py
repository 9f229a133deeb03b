"""Reading one stack document as the destroy guard does: its resource instances (each `for_each` instance of a literal
map on its own), its `import` blocks, and the finding type the guard reports (destroy.py decides; moves.py reads the
accounts that change stacks)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .forcenew import LOSES

# The attribute a finding names when what changed is the resource's identity, its `import` id.
IDENTITY = "import"


def imports(doc: dict[str, Any]) -> dict[str, str]:
    """Address -> the id of the existing object its `import` block takes over (an adopted account, the organization)."""
    out = {}
    for block in doc.get("import") or []:
        if isinstance(block, dict) and isinstance(block.get("to"), str) and isinstance(block.get("id"), str):
            out[block["to"]] = block["id"]
    return out


@dataclass(frozen=True)
class Finding:
    kind: str  # "stack_removed" | "removed" | "replaced" | "share_removed" | "abandoned" | "recreated" (moves.py)
    stack: str  # the stack ("shares" for a share)
    address: str = ""  # type.name (or the share's name)
    attribute: str = ""  # the force-new attribute (replaced)
    old: str = ""
    new: str = ""
    because: str = ""  # "aws_subnet.private-0 is replaced": the cascade that changes the attribute's value

    @property
    def key(self) -> str:
        """What an opt-in names: `<stack>` for a whole stack, `<stack>:<address>` for a resource, `share:<name>`."""
        if self.kind == "stack_removed":
            return self.stack
        if self.kind == "share_removed":
            return f"share:{self.address}"
        return f"{self.stack}:{self.address}"

    @property
    def resource_type(self) -> str:
        return self.address.split(".", 1)[0]

    def describe(self) -> str:
        if self.kind == "stack_removed":
            return f"stack {self.stack}: removed, so everything it manages is destroyed"
        if self.kind == "share_removed":
            return f"share '{self.address}': removed, revoking both halves"
        loses = LOSES.get(self.resource_type, "")
        tail = f" (loses {loses})" if loses else ""
        if self.kind == "removed":
            return f"stack {self.stack}: {self.address} is destroyed{tail}"
        if self.kind == "abandoned":
            return (
                f"stack {self.stack}: {self.address} is forgotten (removed, destroy = false) but no other stack takes the "
                "account over with an import: Terraform would stop managing it"
            )
        if self.kind == "recreated":
            return (
                f"stack {self.stack}: {self.address} is declared without an import, but the previous output already has "
                "this account: Terraform would create it a second time instead of taking it over"
            )
        if self.attribute == IDENTITY:
            return (
                f"stack {self.stack}: {self.address} changes identity, {self.old} → {self.new}: the object Terraform "
                f"manages there is not the one the registry now names, so it is replaced or left behind{tail}"
            )
        change = f"{self.attribute}: {self.old} → {self.new}" if self.old != self.new else f"{self.attribute}"
        why = f", because {self.because}" if self.because else ""
        return f"stack {self.stack}: {self.address} is replaced, forced by {change}{why}{tail}"

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "stack": self.stack,
            "address": self.address,
            "attribute": self.attribute,
            "old": self.old,
            "new": self.new,
            "because": self.because,
            "key": self.key,
        }


_EACH = re.compile(r"\$\{each\.(key|value)(?:\.([A-Za-z0-9_-]+)|\[\"([^\"]+)\"\])?\}")


def _each(node: Any, key: str, value: Any) -> Any:
    """A for_each instance's configuration: `${each.key}` and `${each.value[.attr]}` replaced by their values."""
    if isinstance(node, dict):
        return {k: _each(v, key, value) for k, v in node.items()}
    if isinstance(node, list):
        return [_each(v, key, value) for v in node]
    if not isinstance(node, str):
        return node

    def lookup(m: re.Match[str]) -> Any:
        if m.group(1) == "key":
            return key
        attr = m.group(2) or m.group(3)
        return value.get(attr) if attr and isinstance(value, dict) else value

    whole = _EACH.fullmatch(node)
    if whole:
        return lookup(whole)
    text = _EACH.sub(lambda m: str(lookup(m)), node)
    if "each." in text:  # an expression of each.* this cannot evaluate, such as ${lower(each.value.name)}: it stands
        # for the instance's whole value, so any change of that value counts as a change here (errs towards guarding)
        text += " <each=" + json.dumps({"key": key, "value": value}, sort_keys=True) + ">"
    return text


def instances(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`type.name` (`type.name["key"]` for each instance of a literal for_each map) -> its configuration.
    A for_each over an expression cannot be expanded here: the resource is compared as a whole."""
    out = {}
    for tf_type, items in (doc.get("resource") or {}).items():
        for name, body in items.items():
            body = {k: v for k, v in body.items() if k != "//"}
            instances = body.get("for_each")
            if isinstance(instances, dict):
                rest = {k: v for k, v in body.items() if k != "for_each"}
                for key, value in instances.items():
                    out[f'{tf_type}.{name}["{key}"]'] = _each(rest, key, value)
            else:
                out[f"{tf_type}.{name}"] = body
    return out
