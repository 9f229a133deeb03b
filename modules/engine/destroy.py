"""What a new output would destroy, compared with the previous one, resource by resource: the one place that
decides it. `destroyed(before, after)` compares two output folders; `synth` calls it on its staged output (and
refuses without --allow-destroy), `check-destroy` in CI on the outputs of two commits (and refuses without a
platform opt-in, review/guard.py), `diff` lists `findings` first. What a refusal says is review/guard.py's.
A finding is one of: a stack removed (all it manages is destroyed), a stateful resource removed from a stack
that stays, a stateful resource replaced (a force-new attribute changed, or points at a resource that is
replaced: modules/engine/forcenew.py; or its identity changed: the existing object its `import` block names), or a
share removed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .forcenew import CASCADE_ONLY, FORCE_NEW, GUARDED_REMOVAL, LOSES

SHARES = "shares.json"  # the output's share list (outputs/shares.py): a share removed from it is revoked

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


class DestroyRefused(Exception):
    """The new output would destroy or replace what the previous output manages (review/guard.py says what to do)."""

    def __init__(self, found: list[Finding]):
        self.findings = found
        super().__init__("; ".join(f.describe() for f in found))


def stack_files(stacks: Path, names: Iterable[str] | None = None) -> dict[str, bytes]:
    """Each stack's cdk.tf.json under a stacks folder, as bytes (none when the folder is missing); with names,
    only those stacks (a stack without one is left out)."""
    if names is None:
        return {p.parent.name: p.read_bytes() for p in stacks.glob("*/cdk.tf.json")} if stacks.is_dir() else {}
    found = {}
    for name in sorted(set(names)):
        try:
            found[name] = (stacks / name / "cdk.tf.json").read_bytes()
        except FileNotFoundError:
            pass
    return found


def stack_names(out: Path) -> set[str]:
    """The stacks an output folder holds (none when it is missing)."""
    stacks = out / "stacks"
    if not stacks.is_dir():
        return set()
    return {p.name for p in stacks.iterdir() if (p / "cdk.tf.json").is_file()}


def shares_in(out: Path) -> set[str]:
    """The names of the shares an output folder grants (its shares.json; none when it is missing or unreadable)."""
    try:
        return {s["name"] for s in json.loads((out / SHARES).read_text(encoding="utf-8"))["shares"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def dropped(out: Path, stacks: Iterable[str], shares: Iterable[str]) -> list[Finding]:
    """The early check, before anything is built: the stacks and shares of an output folder that a plan (its stacks
    and shares) no longer has."""
    found = [Finding("stack_removed", name) for name in sorted(stack_names(out) - set(stacks))]
    return found + [Finding("share_removed", "shares", name) for name in sorted(shares_in(out) - set(shares))]


def destroyed(before: Path, after: Path, *, written: Iterable[str] | None = None) -> list[Finding]:
    """What applying the output folder `after` destroys or replaces of what the output folder `before` manages, as the
    guard counts it (the findings that need an opt-in): removed stacks and shares, stateful resources removed or
    replaced. A missing folder holds nothing (so a missing `after` removes every stack). `written`: the stacks of
    `after` that may differ from `before`, when its other stacks are known to hold `before`'s bytes."""
    return destroyed_by(before, stack_files(after / "stacks", written), stack_names(after), shares_in(after))


def destroyed_by(
    before: Path, new: dict[str, bytes], names: Set[str], shares: Set[str], *, before_names: Set[str] | None = None
) -> list[Finding]:
    """`destroyed` for an output given as the stacks it holds (`names`), the bytes of those that may differ from
    `before` (`new`; the others hold before's bytes) and its shares: synth's, before it writes anything. A stack
    whose bytes did not change destroys nothing, so only the others are parsed (a one-team edit parses a handful
    of documents, not thousands). `before_names`: the stacks `before` holds, when the caller knows them."""
    gone = (stack_names(before) if before_names is None else set(before_names)) - set(names)
    old = stack_files(before / "stacks", {*new, *gone})
    differ = {n for n in old.keys() | new.keys() if old.get(n) != new.get(n)}
    return guarded(
        findings(
            {n: json.loads(old[n]) for n in sorted(differ & old.keys())},
            {n: json.loads(new[n]) for n in sorted(differ & new.keys() & old.keys())},  # a new stack destroys nothing
            shares_in(before),
            shares,
        )
    )
