"""Accounts that change stacks, as the destroy guard reads them (docs/operations.md, "Moving accounts into team stacks").

An account resource leaving a stack is a destroy, unless that stack forgets it (`removed`, destroy = false) and exactly
one other stack takes the same account over: declares it at the same address, with the same email, and imports it or
already held it. Then it is a move, and no finding. A forget with no taker is `abandoned` (Terraform would stop
managing the account: an opt-in). The other way round, an account resource that appears in a stack without an
`import`, for an account the previous output already has, is `recreated` (Terraform would try to create it a second
time: an opt-in). Pure functions of parsed stack documents and the previous output's account keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Set
from pathlib import Path
from typing import Any

from .stackdocs import Finding, imports, instances

ACCOUNT = "aws_organizations_account"
MANIFEST = "manifest.json"  # the output's facts (outputs/facts.py), read here as data


def recorded_accounts(out: Path) -> dict[str, dict[str, Any]]:
    """The accounts an output folder's facts record, by key (none when it has no readable manifest.json)."""
    try:
        return accounts_in((out / MANIFEST).read_text(encoding="utf-8"))
    except OSError:
        return {}


def accounts_in(manifest: str) -> dict[str, dict[str, Any]]:
    """The accounts a manifest.json text records, by key (none when it is not one)."""
    try:
        doc = json.loads(manifest)
    except ValueError:
        return {}
    accounts = doc.get("accounts") if isinstance(doc, dict) else None
    return {str(k): v for k, v in accounts.items() if isinstance(v, dict)} if isinstance(accounts, dict) else {}


def possible_takers(doc: Mapping[str, Any], facts: Mapping[str, Mapping[str, Any]], stacks: Iterable[str]) -> set[str]:
    """The stacks that may take over the accounts a stack document forgets: the one the new output's facts say holds
    each, or, without facts for it, every stack."""
    out: set[str] = set()
    for address in forgotten(doc):
        holder = (facts.get(account_key(address)) or {}).get("stack")
        out |= {holder} if isinstance(holder, str) else set(stacks)
    return out


def forgotten(doc: Mapping[str, Any]) -> set[str]:
    """The addresses a stack forgets: its `removed` blocks with destroy = false."""
    out = set()
    for block in doc.get("removed") or []:
        if isinstance(block, dict) and isinstance(block.get("from"), str) and (block.get("lifecycle") or {}).get("destroy") is False:
            out.add(block["from"])
    return out


def _email(body: Any) -> object:
    email = body.get("email") if isinstance(body, dict) else None
    return email.lower() if isinstance(email, str) else email


def account_key(address: str) -> str:
    """`aws_organizations_account.account-<key>` -> <key> (base/ids.py)."""
    return address.split(".", 1)[1].removeprefix("account-")


def takers(stack: str, address: str, body: Any, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The other stacks of `after` that take the account over: same address and email, imported or already held."""
    out = []
    for name, doc in sorted(after.items()):
        if name == stack:
            continue
        mine = instances(doc).get(address)
        if mine is None or _email(mine) != _email(body):
            continue
        if address in imports(doc) or address in instances(before.get(name) or {}):
            out.append(name)
    return out


def account_findings(
    found: list[Finding], before: Mapping[str, Any], after: Mapping[str, Any], accounts_before: Set[str] = frozenset()
) -> list[Finding]:
    """found with each account removal that is a move dropped (or made `abandoned`), and each account `recreated`.
    before/after: the documents of both outputs that may matter (the stacks compared, and every stack that may take
    an account over); accounts_before: the keys of the accounts the previous output records."""
    out = []
    for f in found:
        if f.kind == "removed" and f.resource_type == ACCOUNT and f.address in forgotten(after.get(f.stack) or {}):
            body = instances(before.get(f.stack) or {}).get(f.address)
            if len(takers(f.stack, f.address, body, before, after)) != 1:
                out.append(Finding("abandoned", f.stack, f.address))
            continue
        out.append(f)
    for name, doc in sorted(after.items()):
        held = instances(before.get(name) or {})
        ids = imports(doc)
        for address in sorted(instances(doc)):
            if not address.startswith(ACCOUNT + ".") or address in held or address in ids:
                continue
            if account_key(address) in accounts_before or any(address in instances(d or {}) for d in before.values()):
                out.append(Finding("recreated", name, address))
    return out
