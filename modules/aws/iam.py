"""A stack's IAM roles, their inline policies and managed-policy attachments: `for_each` constructs, not one each.

A team account holds about six roles with eight inline policies and two attachments; as constructs of their
own they were 6,500 of the 21,600 constructs at 100 teams, each paying jsii's per-construct cost (docs/performance.md).
Builders declare them here (`iam(stack).role(...)`) and `finish` writes, per provider, one `aws_iam_role`,
one `aws_iam_role_policy` and one `aws_iam_role_policy_attachment` with an instance per item, keyed by the
construct id the item had (`aws_iam_role.roles["execution-role"]`), plus a `moved` block from that old address
so existing state follows and nothing is re-created. References go through `role_ref`.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cdktn import TerraformResource
from cdktn_provider_aws.iam_policy import IamPolicy
from cdktn_provider_aws.iam_role import IamRole
from cdktn_provider_aws.iam_role_policy import IamRolePolicy
from cdktn_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktn_provider_aws.provider import AwsProvider

from ..base.tfexpr import expression
from ..policies.size import ROLE_ATTACHED_MAX
from ..policies.split import Policy, split
from .base import PlatformStack, for_each, policy_json
from .refs import each, instance

ROLES, POLICIES, ATTACHMENTS = "aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment"
MANAGED = "aws_iam_policy"
_IDS = {ROLES: "roles", POLICIES: "role-policies", ATTACHMENTS: "role-policy-attachments", MANAGED: "managed-policies"}


@dataclass(eq=False)
class _Group:
    """What one provider (None: the stack's default) holds."""

    provider: AwsProvider | None
    alias: str | None
    items: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {t: {} for t in _IDS})
    after: set[str | None] = field(default_factory=set)  # aliases of groups whose roles must exist first
    split_keys: set[str] = field(default_factory=set)  # managed policies and attachments made by the split

    def construct_id(self, tf_type: str) -> str:
        return group_id(tf_type, self.alias)


class Iam:
    """The IAM items of one stack, written out by `finish` (build.build_stack calls it after the stack's builder)."""

    def __init__(self, stack: PlatformStack) -> None:
        self._stack = stack
        self._groups: dict[str | None, _Group] = {}
        self._role_group: dict[str, _Group] = {}
        self._after_roles: list[tuple[TerraformResource, str]] = []
        self._finished = False

    def _open(self) -> None:
        if self._finished:
            raise RuntimeError("IAM items declared after the stack's IAM was written (aws/iam.py finish)")

    def _group(self, provider: AwsProvider | None) -> _Group:
        self._open()
        alias = self._stack.provider_alias(provider)
        return self._groups.setdefault(alias, _Group(provider, alias))

    def role(
        self,
        key: str,
        *,
        name: str,
        description: str,
        assume_role_policy: str,
        provider: AwsProvider | None = None,
        after: Iterable[str] = (),
    ) -> None:
        """A role; `after`: roles of another provider that must exist first, e.g. one its trust policy names
        (IAM refuses a trust policy naming a role that does not exist yet). Instances of one for_each resource
        are created in parallel, so a role cannot wait for a role of its own provider: refused."""
        group = self._group(provider)
        if key in self._role_group:
            raise ValueError(f"IAM role {key!r} declared twice in stack {self._stack.node.id}")
        for r in after:
            if self._role_group[r] is group:
                raise ValueError(f"IAM role {key!r} cannot wait for {r!r}: both are instances of one resource, created together")
        group.items[ROLES][key] = {"name": name, "description": description, "assume_role_policy": assume_role_policy}
        self._role_group[key] = group
        group.after.update(self._role_group[r].alias for r in after)

    def inline_policy(self, key: str, *, role: str, name: str, policy: Policy) -> None:
        """An inline policy of a role declared in this stack (with the role's provider). Given as a document (a
        dict), its statements may move to customer managed policies when the role's inline space runs out
        (policies/split.py); given as JSON text, it stays inline."""
        self._add(role, POLICIES, key, {"role": self.role_ref(role, "id"), "name": name, "policy": policy})

    def attach(self, key: str, *, role: str, policy_arn: str) -> None:
        """A managed policy attached to a role declared in this stack."""
        self._add(role, ATTACHMENTS, key, {"role": self.role_ref(role, "name"), "policy_arn": policy_arn})

    def _add(self, role: str, tf_type: str, key: str, value: dict[str, Any]) -> None:
        self._open()
        if any(key in g.items[tf_type] for g in self._groups.values()):  # its moved block's `from` is type.key
            raise ValueError(f"{tf_type} {key!r} declared twice in stack {self._stack.node.id}")
        self._role_group[role].items[tf_type][key] = value

    def role_ref(self, role: str, attr: str) -> str:
        """`${aws_iam_role.roles["<role>"].<attr>}` of a role declared in this stack."""
        return expression(f"{instance(ROLES, self._role_group[role].construct_id(ROLES), role)}.{attr}")

    def after_role(self, resource: TerraformResource, role: str) -> None:
        """`resource` is created only once the role's inline policies and attachments are in place, for a
        service that checks at creation what its role may do (CloudTrail delivering to CloudWatch Logs, Config's
        aggregator reading the organization). It waits for the whole resource holding them."""
        self._after_roles.append((resource, role))

    def finish(self) -> None:
        """Write the `for_each` constructs, each group after the groups its roles wait for, and their `moved` blocks."""
        self._finished = True
        written: dict[str | None, IamRole] = {}
        for group in self._ordered():
            self._split(group)
            roles, inline, attached, managed = (group.items[t] for t in (ROLES, POLICIES, ATTACHMENTS, MANAGED))
            if roles:
                written[group.alias] = IamRole(
                    self._stack,
                    group.construct_id(ROLES),
                    for_each=for_each(roles),
                    provider=group.provider,
                    name=each("name"),
                    description=each("description"),
                    assume_role_policy=each("assume_role_policy"),
                    depends_on=[written[a] for a in sorted(group.after, key=str)] or None,
                )
            if inline:
                IamRolePolicy(
                    self._stack,
                    group.construct_id(POLICIES),
                    for_each=for_each(inline),
                    provider=group.provider,
                    role=each("role"),
                    name=each("name"),
                    policy=each("policy"),
                )
            if managed:
                IamPolicy(
                    self._stack,
                    group.construct_id(MANAGED),
                    for_each=for_each(managed),
                    provider=group.provider,
                    name=each("name"),
                    description=each("description"),
                    policy=each("policy"),
                )
            if attached:
                IamRolePolicyAttachment(
                    self._stack,
                    group.construct_id(ATTACHMENTS),
                    for_each=for_each(attached),
                    provider=group.provider,
                    role=each("role"),
                    policy_arn=each("policy_arn"),
                )
            self._stack.moved(
                {
                    f"{t}.{key}": instance(t, group.construct_id(t), key)
                    for t in (ROLES, POLICIES, ATTACHMENTS)
                    for key in group.items[t]
                    if key not in group.split_keys  # new with the split: nothing to move from
                }
            )
        for resource, role in self._after_roles:
            group = self._role_group[role]
            refs = {POLICIES: self.role_ref(role, "id"), ATTACHMENTS: self.role_ref(role, "name")}
            waits = [f"{t}.{group.construct_id(t)}" for t, r in refs.items() if any(v["role"] == r for v in group.items[t].values())]
            if not waits:
                raise ValueError(f"{resource.node.id} waits for role {role!r}, which has no policy in stack {self._stack.node.id}")
            resource.depends_on = [*(resource.depends_on or []), *waits]

    def _split(self, group: _Group) -> None:
        """Each role's inline policies within IAM's inline space; what outgrows it becomes managed policies
        attached to the role (policies/split.py), named `<role name>-<n>`. Documents are written out as JSON here."""
        inline = group.items[POLICIES]
        for role, spec in sorted(group.items[ROLES].items()):
            mine = sorted(k for k, v in inline.items() if v["role"] == self.role_ref(role, "id"))
            kept, managed = split([(k, inline[k]["policy"]) for k in mine])
            for k in mine:
                if k not in kept:
                    del inline[k]
            attached = sum(1 for v in group.items[ATTACHMENTS].values() if v["role"] == self.role_ref(role, "name"))
            if attached + len(managed) > ROLE_ATTACHED_MAX:
                raise ValueError(f"role {spec['name']} needs {attached + len(managed)} managed policies; IAM attaches {ROLE_ATTACHED_MAX}")
            for i, doc in enumerate(managed, start=1):
                key = f"{role}-managed-{i}"
                group.items[MANAGED][key] = {
                    "name": f"{spec['name']}-{i}",
                    "description": f"Statements of {spec['name']} beyond IAM's inline policy space ({i} of {len(managed)})",
                    "policy": policy_json(doc),
                }
                group.items[ATTACHMENTS][key] = {
                    "role": self.role_ref(role, "name"),
                    "policy_arn": expression(f"{instance(MANAGED, group.construct_id(MANAGED), key)}.arn"),
                }
                group.split_keys.add(key)
        for value in inline.values():
            if not isinstance(value["policy"], str):
                value["policy"] = policy_json(value["policy"])

    def _ordered(self) -> list[_Group]:
        """Groups in a stable order, each after the groups it waits for."""
        done: list[_Group] = []

        def visit(group: _Group, path: tuple[str | None, ...]) -> None:
            if group in done:
                return
            if group.alias in path:
                raise ValueError(f"IAM roles of stack {self._stack.node.id} wait for each other: {path}")
            for alias in sorted(group.after, key=str):
                visit(self._groups[alias], (*path, group.alias))
            done.append(group)

        for alias in sorted(self._groups, key=lambda a: (a is not None, a or "")):
            visit(self._groups[alias], ())
        return done


def group_id(tf_type: str, alias: str | None) -> str:
    return _IDS[tf_type] + (f"-{alias}" if alias else "")


_BY_STACK: weakref.WeakKeyDictionary[PlatformStack, Iam] = weakref.WeakKeyDictionary()


def iam(stack: PlatformStack) -> Iam:
    """The stack's IAM items (one collection per stack, dropped with it)."""
    found = _BY_STACK.get(stack)
    if found is None:
        found = _BY_STACK[stack] = Iam(stack)
    return found
