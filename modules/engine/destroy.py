"""What a new output would destroy, compared with the previous one, resource by resource.

Pure: stack JSON documents in, findings out. Used by `synth` (refuses without --allow-destroy), by
`check-destroy` in CI (refuses without a platform opt-in, modules/optin.py) and by `diff` (lists them first).
A finding is one of: a stack removed (all it manages is destroyed), a stateful resource removed from a stack
that stays, a stateful resource replaced (a force-new attribute changed, or points at a resource that is
replaced: modules/engine/forcenew.py; or its identity changed: the existing object its `import` block names), or a
share removed.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterator, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .forcenew import CASCADE_ONLY, FORCE_NEW, GUARDED_REMOVAL, LOSES

_INTERPOLATION = re.compile(r"(?<!\$)\$\{([^}]*)\}")
_ADDRESS = re.compile(r"(?<![\w.])([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)(\[\"[^\"]+\"\])?")


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def _referenced(value: Any, replaced: dict[str, Finding]) -> str | None:
    """The first replaced resource (or for_each instance) a value's Terraform references point at."""
    for text in _strings(value):
        for expr in _INTERPOLATION.findall(text):
            for t, n, idx in _ADDRESS.findall(expr):
                base = f"{t}.{n}"
                hit = next((a for a in sorted(replaced) if a == base + idx or (not idx and a.startswith(base + "["))), None)
                if hit:
                    return hit
    return None


# The attribute a finding names when what changed is the resource's identity, its `import` id.
IDENTITY = "import"


def imports(doc: dict[str, Any]) -> dict[str, str]:
    """Address -> the id of the existing object its `import` block takes over (an adopted account, the organization)."""
    out = {}
    for block in doc.get("import") or []:
        if isinstance(block, dict) and isinstance(block.get("to"), str) and isinstance(block.get("id"), str):
            out[block["to"]] = block["id"]
    return out


def _identity(value: str | None) -> str:
    return f"existing {value}" if value else "(none: created by Terraform)"


@dataclass(frozen=True)
class Finding:
    kind: str  # "stack_removed" | "removed" | "replaced" | "share_removed"
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


def _show(value: Any) -> str:
    if value is None:
        return "(unset)"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= 120 else text[:117] + "..."


def _get(obj: Any, path: str) -> Any:
    for step in path.split("."):
        if isinstance(obj, list):  # a block rendered as a list of one
            obj = obj[0] if len(obj) == 1 else obj
        if not isinstance(obj, dict):
            return None
        obj = obj.get(step)
    return obj


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


def _moves(doc: dict[str, Any], old: dict[str, Any], new: dict[str, Any]) -> dict[str, str]:
    """The moves Terraform will make: from an address the previous output has to one it does not and the new one
    does. Terraform refuses a move onto an address that already exists and then destroys the `from` resource,
    so any other moved block leaves its `from` to be judged as itself; two moves onto one address are both refused.
    https://developer.hashicorp.com/terraform/language/modules/develop/refactoring#moved-block-syntax"""
    moved = doc.get("moved") or []
    pairs = [(m["from"], m["to"]) for m in moved if isinstance(m, dict) and "from" in m and "to" in m]
    pairs = [(f, t) for f, t in pairs if f in old and t not in old and t in new]
    targets = Counter(t for _, t in pairs)
    return {f: t for f, t in pairs if targets[t] == 1}


def _ignored(body: dict[str, Any]) -> set[str]:
    return set((body.get("lifecycle") or {}).get("ignore_changes") or [])


def stack_findings(stack: str, before: dict[str, Any], after: dict[str, Any]) -> list[Finding]:
    """Replacements and guarded removals inside one stack that both outputs have."""
    old, new = instances(before), instances(after)
    moves = _moves(after, old, new)
    renamed = {moves.get(a, a): a for a in old}  # new address -> old address
    findings: list[Finding] = []
    for address in sorted(old):
        target = moves.get(address, address)
        if target not in new and address.split(".", 1)[0] in GUARDED_REMOVAL:
            findings.append(Finding("removed", stack, address))
    # A changed identity is a replacement of its own. Without the import, attributes the import kept (an adopted
    # account's name and email) are compared with the existing object again and force a new one; with another id,
    # Terraform skips an import to an address its state already holds and goes on managing the old object
    # (https://github.com/hashicorp/terraform/blob/main/internal/terraform/node_resource_plan.go, "skipping
    # import address already in state"). Either way what the address stands for changes.
    old_ids, new_ids = imports(before), imports(after)
    replaced: dict[str, Finding] = {
        address: Finding("replaced", stack, address, IDENTITY, _identity(old_ids.get(renamed[address])), _identity(new_ids.get(address)))
        for address in sorted(new)
        if renamed.get(address) in old and old_ids.get(renamed[address]) != new_ids.get(address)
    }
    changed = True
    while changed:  # to a fixed point: a replacement changes the ids of what points at it
        changed = False
        for address in sorted(new):
            tf_type = address.split(".", 1)[0]
            if address in replaced or tf_type not in FORCE_NEW or renamed.get(address) not in old:
                continue
            a, b = old[renamed[address]], new[address]
            ignored = _ignored(b)
            for attr in FORCE_NEW[tf_type]:
                if attr.split(".")[0] in ignored:
                    continue
                va, vb = _get(a, attr), _get(b, attr)
                if va != vb:
                    replaced[address] = Finding("replaced", stack, address, attr, _show(va), _show(vb))
                    break
                hit = _referenced(vb, replaced)
                if hit:
                    r = replaced[hit]
                    replaced[address] = Finding(
                        "replaced",
                        stack,
                        address,
                        attr,
                        _show(va),
                        _show(vb),
                        f"{hit} is replaced: {r.attribute}" + (f" {r.old} → {r.new}" if r.old != r.new else ""),
                    )
                    break
            changed = changed or address in replaced
    findings += [f for a, f in sorted(replaced.items())]
    return findings


def findings(
    before: dict[str, dict[str, Any]],
    after: dict[str, dict[str, Any]],
    before_shares: Set[str] = frozenset(),
    after_shares: Set[str] = frozenset(),
) -> list[Finding]:
    """Everything the new output (after) would destroy that the previous one (before) has: stack documents by name."""
    out = [Finding("stack_removed", name) for name in sorted(before.keys() - after.keys())]
    for name in sorted(before.keys() & after.keys()):
        out += stack_findings(name, before[name], after[name])
    out += [Finding("share_removed", "shares", name) for name in sorted(set(before_shares) - set(after_shares))]
    return out


def guarded(items: list[Finding]) -> list[Finding]:
    """The findings that need an explicit opt-in: all but the replacement of a VPC or subnet on its own (what it
    cascades to is a finding of its own)."""
    return [f for f in items if not (f.kind == "replaced" and f.resource_type in CASCADE_ONLY)]


def read_stacks(stacks_dir: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """Every `<stack>/cdk.tf.json` under a stacks folder, parsed (an empty dict when the folder is missing)."""
    root = Path(stacks_dir)
    if not root.is_dir():
        return {}
    return {p.parent.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(root.glob("*/cdk.tf.json"))}


# What a suggested entry's reason says until a platform admin writes the real one (check-destroy refuses it as it is).
REASON_PLACEHOLDER = "<why destroying it is right, and where its data went>"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"  # YAML single quotes: addresses hold [ and "


def opt_in_entries(found: list[Finding]) -> str:
    """The allow-destroy.yaml entries that would approve exactly these findings, ready to paste (each reason to be
    written by the platform admin who approves it)."""
    lines = ["allow:"]
    for f in found:
        if f.kind == "share_removed":
            lines.append(f"  - share: {_quoted(f.address)}")
        else:
            lines.append(f"  - stack: {_quoted(f.stack)}")
            if f.kind != "stack_removed":
                lines.append(f"    address: {_quoted(f.address)}")
        lines.append(f"    reason: {_quoted(REASON_PLACEHOLDER)}")
    return "\n".join(lines)
