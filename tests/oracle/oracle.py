"""The API oracle: every value the compiler emits, checked against what AWS accepts.

For each stack document: every resource instance (each `for_each` instance on its own, `each.*` filled in), every
attribute through the mapping (mapping.py) to its API request member, its references resolved or stood in for
(refs.py), checked against the pinned botocore model (botomodel.py) and the documented quotas (quotas.py); the
provider's `default_tags` merged into each taggable resource's tags as the AWS provider merges them (resource
tags win on a shared key), checked against the tag member and the service's tag limit.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modules.engine.destroy import instances

from . import botomodel, quotas
from .mapping import RESOURCES, Api, Auto, NotSent
from .refs import Stack, kind, whole_reference

META = frozenset({"//", "depends_on", "lifecycle", "provider", "for_each", "count", "tags", "tags_all"})


@dataclass(frozen=True)
class Finding:
    stack: str
    address: str
    attribute: str
    value: str
    constraint: str
    source: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 100 else self.value[:97] + "..."
        return f"{self.stack}: {self.address} {self.attribute} = {shown!r}: AWS allows {self.constraint} ({self.source})"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    unmapped: set[str] = field(default_factory=set)  # "type" or "type attribute"
    checked: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # why -> values skipped

    def summary(self) -> str:
        skips = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items()))
        return f"{self.checked} values checked, {len(self.findings)} rejected; skipped: {skips or 'none'}"


def camel(snake: str) -> str:
    return "".join(p.capitalize() for p in snake.split("_"))


def target(api: Api, path: str) -> tuple[str, str] | NotSent | None:
    """(service, Operation.Member...) for an attribute path, NotSent, or None when unmapped."""
    found = api.attrs.get(path)
    if isinstance(found, NotSent):
        return found
    if isinstance(found, str):
        service, _, member = found.rpartition(":")
        return service or api.service, member
    parts = path.split(".")
    for i in range(len(parts) - 1, 0, -1):
        block = api.attrs.get(".".join(parts[:i]))
        if isinstance(block, Auto):
            return api.service, ".".join([block.prefix, *(camel(p) for p in parts[i:])])
    return None


def _leaves(api: Api, path: str, value: Any) -> Iterator[tuple[str, Any]]:
    """(attribute path, value) of every leaf: mapped paths are leaves; other blocks are walked into."""
    if path in api.attrs and not isinstance(api.attrs[path], Auto):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(api, f"{path}.{k}" if path else k, v)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for v in value:
            yield from _leaves(api, path, v)
    else:
        yield path, value


def _member(service: str, path: str) -> Any:
    """botomodel.member, with `Member{}` stepping into a map's values."""
    if path.endswith("{}"):
        return botomodel.member(service, path[:-2]).value
    return botomodel.member(service, path)


class Oracle:
    def __init__(self) -> None:
        self.report = Report()

    def finding(self, stack: str, address: str, attribute: str, value: Any, constraint: str, source: str) -> None:
        text = value if isinstance(value, str) else json.dumps(value)
        self.report.findings.append(Finding(stack, address, attribute, text, constraint, source))

    def check_stack(self, name: str, doc: dict[str, Any]) -> None:
        view = Stack({a: _each_key(a, body) for a, body in instances(doc).items()})
        default_tags = _default_tags(doc)
        inline: dict[str, list[tuple[str, str]]] = {}  # role -> [(address, policy)]
        attached: Counter[str] = Counter()
        for address, body in sorted(view.instances.items()):
            tf_type = address.split(".", 1)[0]
            api = RESOURCES.get(tf_type)
            if api is None:
                self.report.unmapped.add(tf_type)
                continue
            for attr, raw in body.items():
                if attr in META:
                    continue
                for path, value in _leaves(api, attr, raw):
                    self.check_value(name, address, api, path, value, view)
            if api.tags is not None:
                tags = {**default_tags.get(body.get("provider", "aws"), {}), **(body.get("tags") or {})}
                self.check_tags(name, address, tf_type, api, tags)
            if tf_type == "aws_iam_role_policy":
                role, _ = view.resolve(str(body.get("role", "")))
                inline.setdefault(f"{body.get('provider', 'aws')} {role}", []).append((address, view.resolve(body["policy"])[0]))
            if tf_type == "aws_iam_role_policy_attachment":
                attached[f"{body.get('provider', 'aws')} {view.resolve(str(body.get('role', '')))[0]}"] += 1
        limit = quotas.POLICY_LIMITS["iam_inline"]
        for role, policies in sorted(inline.items()):
            total = sum(limit.size(p) for _, p in policies)
            if total > limit.limit:
                addresses = ", ".join(a for a, _ in policies)
                self.finding(
                    name,
                    f"role {role.split(' ', 1)[1]}",
                    "inline policies",
                    f"{total} {limit.unit} in {addresses}",
                    f"at most {limit.limit} {limit.unit} for {limit.what}",
                    limit.source,
                )
        for role, n in sorted(attached.items()):
            if n > quotas.ROLE_ATTACHED_POLICIES:
                self.finding(
                    name,
                    f"role {role.split(' ', 1)[1]}",
                    "attached policies",
                    str(n),
                    f"at most {quotas.ROLE_ATTACHED_POLICIES}",
                    quotas.IAM_QUOTAS,
                )

    def check_value(self, stack: str, address: str, api: Api, path: str, value: Any, view: Stack) -> None:
        where = target(api, path)
        tf_type = address.split(".", 1)[0]
        if where is None:
            self.report.unmapped.add(f"{tf_type} {path}")
            return
        if isinstance(where, NotSent):
            self.report.skipped["not sent to AWS"] += 1
            return
        service, member = where
        try:
            shape = _member(service, member)
        except botomodel.UnknownMember as exc:
            self.report.unmapped.add(f"{tf_type} {path}: {exc}")
            return
        for item in value if isinstance(value, list) and shape.type_name != "list" else [value]:
            if isinstance(item, str):
                if whole_reference(item) and view.resolve(item)[1]:
                    self.report.skipped["ids AWS generated (whole references)"] += 1
                    continue
                item, unresolved = view.resolve(item)
                if unresolved:
                    for k in unresolved:
                        self.report.skipped[f"values with an unresolved {k} inside"] += 1
                    continue
            elif isinstance(item, list):
                resolved = []
                for x in item:
                    if isinstance(x, str):
                        x, unresolved = view.resolve(x)
                        if unresolved:  # counted in the list's size, not checked itself
                            self.report.skipped[f"list items with {', '.join(sorted(set(map(kind, unresolved))))}"] += 1
                            x = botomodel.UNCHECKED
                    resolved.append(x)
                item = resolved
            self.report.checked += 1
            for v in botomodel.check(shape, item, f"{service} {member}"):
                self.finding(stack, address, path, item, v.constraint, v.source)
            self.check_quotas(stack, address, api, path, item)

    def check_quotas(self, stack: str, address: str, api: Api, path: str, value: Any) -> None:
        kind_ = api.policies.get(path)
        if kind_ and isinstance(value, str) and kind_ != "iam_inline":
            limit = quotas.POLICY_LIMITS[kind_]
            size = limit.size(value)
            if size > limit.limit:
                self.finding(stack, address, path, value, f"at most {limit.limit} {limit.unit} for {limit.what} (has {size})", limit.source)
        if address.startswith("aws_s3_bucket.") and path == "bucket" and isinstance(value, str):
            for problem in quotas.bucket_name_problems(value):
                self.finding(stack, address, path, value, f"a bucket name that {problem}", quotas.BUCKET_RULES)

    def check_tags(self, stack: str, address: str, tf_type: str, api: Api, tags: dict[str, str]) -> None:
        if not tags:
            return
        self.report.checked += 1
        assert api.tags is not None
        shape = botomodel.member(api.service, api.tags)
        limit, source = quotas.TAG_LIMITS.get(tf_type, (quotas.DEFAULT_TAGS_PER_RESOURCE, quotas.TAGGING))
        if shape.type_name in ("list", "map") and "max" in shape.metadata and shape.metadata["max"] < limit:
            limit, source = shape.metadata["max"], f"{botomodel.SOURCE} {api.service} {api.tags} ({shape.name})"
        if len(tags) > limit:
            self.finding(
                stack, address, "tags (with the provider's default_tags)", ", ".join(sorted(tags)), f"at most {limit} tags", source
            )
        key_shape, value_shape = _tag_shapes(shape)
        for k, v in sorted(tags.items()):
            for s, x, what, most in ((key_shape, k, "key", quotas.TAG_KEY_MAX), (value_shape, v, "value", quotas.TAG_VALUE_MAX)):
                if len(x) > most:
                    self.finding(stack, address, f"tag {k!r} {what}", x, f"at most {most} characters", quotas.TAGGING)
                if s is not None:
                    for viol in botomodel.check(s, x, f"{api.service} {api.tags} {what}"):
                        self.finding(stack, address, f"tag {k!r} {what}", x, viol.constraint, viol.source)


def _each_key(address: str, body: Any) -> Any:
    """`[each.key]` inside a reference of a for_each instance -> `["<its key>"]` (destroy.instances fills in only
    whole `${each.key}` / `${each.value...}` forms)."""
    if not address.endswith('"]'):
        return body
    key = address.rsplit('["', 1)[1][:-2]
    if isinstance(body, dict):
        return {k: _each_key(address, v) for k, v in body.items()}
    if isinstance(body, list):
        return [_each_key(address, v) for v in body]
    return body.replace("[each.key]", f'["{key}"]') if isinstance(body, str) else body


def _tag_shapes(shape: Any) -> tuple[Any, Any]:
    """The key and value shapes of a tags member: a map's, or a list of {Key, Value} structures' (any spelling)."""
    if shape.type_name == "map":
        return shape.key, shape.value
    if shape.type_name == "list" and shape.member.type_name == "structure":
        members = shape.member.members
        key = next((m for n, m in members.items() if n.lower() in ("key", "tagkey")), None)
        value = next((m for n, m in members.items() if n.lower() in ("value", "tagvalue")), None)
        return key, value
    return None, None


def _default_tags(doc: dict[str, Any]) -> dict[str, dict[str, str]]:
    """`aws` / `aws.<alias>` -> that provider configuration's default tags."""
    providers = (doc.get("provider") or {}).get("aws") or []
    out = {}
    for p in providers if isinstance(providers, list) else [providers]:
        name = f"aws.{p['alias']}" if p.get("alias") else "aws"
        blocks = p.get("default_tags") or [{}]
        out[name] = dict((blocks[0] if isinstance(blocks, list) else blocks).get("tags") or {})
    return out


def check_docs(docs: dict[str, dict[str, Any]]) -> Report:
    oracle = Oracle()
    for name, doc in sorted(docs.items()):
        oracle.check_stack(name, doc)
    return oracle.report


def check_folder(out: Path) -> Report:
    """Every `stacks/<stack>/cdk.tf.json` under an output folder."""
    return check_docs({p.parent.name: json.loads(p.read_text()) for p in sorted((out / "stacks").glob("*/cdk.tf.json"))})
