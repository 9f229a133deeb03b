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
from collections.abc import Iterable, Iterator, Mapping, Set
from pathlib import Path
from typing import Any

from .forcenew import CASCADE_ONLY, FORCE_NEW, GUARDED_REMOVAL
from .moves import account_findings, possible_takers, recorded_accounts

# Finding, imports and instances are read here too by the review and the tests (explicit re-exports).
from .stackdocs import IDENTITY
from .stackdocs import Finding as Finding
from .stackdocs import imports as imports
from .stackdocs import instances as instances

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


def _identity(value: str | None) -> str:
    return f"existing {value}" if value else "(none: created by Terraform)"


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
    # An import dropped while the resource stays at its address with the same body is no change of identity: Terraform
    # goes on managing the object its state holds (a moved account's lookup import, once the move is finished).
    old_ids, new_ids = imports(before), imports(after)
    replaced: dict[str, Finding] = {
        address: Finding("replaced", stack, address, IDENTITY, _identity(old_ids.get(renamed[address])), _identity(new_ids.get(address)))
        for address in sorted(new)
        if renamed.get(address) in old
        and old_ids.get(renamed[address]) != new_ids.get(address)
        and not (new_ids.get(address) is None and renamed[address] == address and old[address] == new[address])
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
    *,
    accounts_before: Set[str] = frozenset(),
    unchanged: dict[str, dict[str, Any]] | None = None,
) -> list[Finding]:
    """Everything the new output (after) would destroy that the previous one (before) has: stack documents by name.
    An account that changes stacks is judged across them (moves.py): accounts_before, the keys of the accounts the
    previous output records; unchanged, stacks the same in both that may take an account over."""
    out = [Finding("stack_removed", name) for name in sorted(before.keys() - after.keys())]
    for name in sorted(before.keys() & after.keys()):
        out += stack_findings(name, before[name], after[name])
    same = unchanged or {}
    out = account_findings(out, {**same, **before}, {**same, **after}, accounts_before)
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
    replaced, accounts forgotten with no taker or declared anew (moves.py). A missing folder holds nothing (so a
    missing `after` removes every stack). `written`: the stacks of `after` that may differ from `before`, when its other
    stacks are known to hold `before`'s bytes (synth's kept stacks)."""
    return destroyed_by(
        before, stack_files(after / "stacks", written), stack_names(after), shares_in(after), accounts_after=recorded_accounts(after)
    )


def destroyed_by(
    before: Path,
    new: dict[str, bytes],
    names: Set[str],
    shares: Set[str],
    *,
    accounts_after: Mapping[str, Mapping[str, Any]],
    before_names: Set[str] | None = None,
) -> list[Finding]:
    """`destroyed` for an output given as the stacks it holds (`names`), the bytes of those that may differ from
    `before` (`new`; the others hold before's bytes), its shares and the accounts its facts record: synth's, before it
    writes anything. A stack whose bytes did not change destroys nothing, so only the others are parsed (and, when a
    stack forgets an account, the stacks that may take it over): a one-team edit parses a handful of documents, not
    thousands. `before_names`: the stacks `before` holds, when the caller knows them."""
    gone = (stack_names(before) if before_names is None else set(before_names)) - set(names)
    old = stack_files(before / "stacks", {*new, *gone})
    differ = {n for n in old.keys() | new.keys() if old.get(n) != new.get(n)}
    accounts = recorded_accounts(before)
    old_docs = {n: json.loads(old[n]) for n in sorted(differ & old.keys())}
    # a new stack destroys nothing, but may declare an account the previous output has
    new_docs = {n: json.loads(new[n]) for n in sorted(differ & new.keys()) if n in old or accounts}
    takers = {s for doc in new_docs.values() for s in possible_takers(doc, accounts_after, names)}
    same = {n: json.loads(b) for n, b in stack_files(before / "stacks", sorted(takers - differ)).items()}  # before's bytes = after's
    return guarded(findings(old_docs, new_docs, shares_in(before), shares, accounts_before=set(accounts), unchanged=same))
