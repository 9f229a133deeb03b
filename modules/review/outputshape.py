"""The outputs of a stack: exactly the names the compiler writes for its kind of stack, and values of the compiler's
shape.

Outputs leave the plan. `terraform output -json` hands them to the post-step (the account it acts in, the RAM shares
it associates), and other stacks read them through remote state (the organization's `account_ids` decide which
account every team stack's provider reaches). So each output the compiler writes has a rule here, and nothing else
is an output: a value the post-step or another stack acts on is exactly the compiler's (`account_id`, `account_ids`,
`ram_share_arns`), every other one is a reference to this very document's own block of the type the compiler uses
(`${aws_sagemaker_domain.domain.id}`), never a literal, a variable or another stack's value. Pure: the plan's
expectations (stackshape.Expect) and the document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..base import ids, naming
from ..base.tfexpr import expression
from .stackshape import Expect, written
from .strictjson import shown

_REF = re.compile(
    r"\$\{(?P<data>data\.)?(?P<type>[a-z0-9_]+)\.(?P<name>[A-Za-z_][A-Za-z0-9_-]*)(\[\"[A-Za-z0-9+=,.@_/ -]+\"\])?\.(?P<attr>[a-z_]+)\}"
)
_KEY = re.compile(r"[A-Za-z0-9+=,.@_/ -]{1,256}")


@dataclass(frozen=True)
class Ref:
    """A reference to an attribute of one of this document's blocks of the given type (one value, or a map of them)."""

    tf_type: str
    attr: str
    data: bool = False  # a data source of that type is also what the compiler may read it from
    is_map: bool = False

    def problems(self, where: str, value: object, blocks: set[tuple[bool, str, str]]) -> list[str]:
        if self.is_map:
            if not isinstance(value, dict):
                return [f"{where}: not a map, where the compiler writes one of {self.tf_type}.{self.attr}"]
            out = [f"{where}: key {shown(k)} is not a name the compiler writes" for k in value if not _KEY.fullmatch(k)]
            return out + [p for k, v in sorted(value.items()) for p in self._one(f"{where}[{shown(k)}]", v, blocks)]
        return self._one(where, value, blocks)

    def _one(self, where: str, value: object, blocks: set[tuple[bool, str, str]]) -> list[str]:
        m = _REF.fullmatch(value) if isinstance(value, str) else None
        ok = m is not None and m["type"] == self.tf_type and m["attr"] == self.attr and (not m["data"] or self.data)
        if not ok or (bool(m["data"]), m["type"], m["name"]) not in blocks:  # type: ignore[index]
            return [f"{where}: {shown(value)} where the compiler writes a reference to this stack's own {self.tf_type}.<name>.{self.attr}"]
        return []


@dataclass(frozen=True)
class Exact:
    value: object

    def problems(self, where: str, value: object, blocks: set[tuple[bool, str, str]]) -> list[str]:
        if value != self.value:
            return [f"{where}: {shown(value)} where the compiler writes {shown(self.value)}"]
        return []


Rule = Ref | Exact
CENTRAL: dict[str, dict[str, Rule]] = {
    naming.ORGANIZATION_STACK: {
        "organization_id": Ref("aws_organizations_organization", "id", data=True),
        "ou_ids": Ref("aws_organizations_organizational_unit", "id", is_map=True),
    },
    naming.IDENTITY_STACK: {
        "group_ids": Ref("aws_identitystore_group", "group_id", is_map=True),
        "permission_set_arns": Ref("aws_ssoadmin_permission_set", "arn", is_map=True),
        "user_ids": Ref("aws_identitystore_user", "user_id", data=True, is_map=True),
    },
    naming.SHARED_SERVICES_STACK: {"portfolio_ids": Ref("aws_servicecatalog_portfolio", "id", is_map=True)},
}


def rules(stack: str, e: Expect) -> dict[str, Rule]:
    """Every output the compiler may write in this stack, with the rule for its value."""
    if stack == naming.ORGANIZATION_STACK:
        accounts = {key: written(expression(f"{ids.account_address(key)}.id")) for key in e.created_accounts}
        return {**CENTRAL[stack], **({"account_ids": Exact(accounts)} if accounts else {})}
    if stack in CENTRAL:
        return CENTRAL[stack]
    if stack in e.access_accounts:  # a team's access stack that holds its accounts
        return {"account_ids": Exact({key: written(expression(f"{ids.account_address(key)}.id")) for key in e.access_accounts[stack]})}
    if stack in e.account_id:  # a team account's stack
        out: dict[str, Rule] = {"account_id": Exact(e.account_id[stack]), "domain_id": Ref("aws_sagemaker_domain", "id")}
        if stack in e.ram_share_arns:
            out["ram_share_arns"] = Exact(dict(e.ram_share_arns[stack]))
        return out
    return {}  # an access stack that holds no account writes none


def _blocks(doc: Mapping[str, object]) -> set[tuple[bool, str, str]]:
    out = set()
    for kind in ("resource", "data"):
        section = doc.get(kind)
        if isinstance(section, dict):
            for tf_type, items in section.items():
                if isinstance(items, dict):
                    out |= {(kind == "data", tf_type, name) for name in items}
    return out


def output_problems(stack: str, doc: Mapping[str, object], e: Expect) -> list[str]:
    outputs = doc.get("output")
    if not isinstance(outputs, dict):
        return ["output: a JSON value where the compiler writes an object of outputs"]
    allowed = rules(stack, e)
    blocks = _blocks(doc)
    out = []
    for name, body in sorted(outputs.items()):
        where = f"output {shown(name)}"
        if name not in allowed:
            only = ", ".join(sorted(allowed)) or "none"
            out.append(f"{where}: not an output the compiler writes in this stack (only {only})")
        elif not isinstance(body, dict) or "value" not in body or not set(body) <= {"value", "description"}:
            out.append(f"{where}: only a value and a description")
        elif not isinstance(body.get("description", ""), str):
            out.append(f"{where}.description: not a string")
        else:
            out += allowed[name].problems(f"{where}.value", body["value"], blocks)
    return out
