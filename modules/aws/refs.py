"""Terraform references written as plain strings (through `tfexpr.expression`, never cdktn tokens).

Reading an attribute such as `vpc.id` back from a construct costs a round trip to Node (docs/design.md,
"References and literals"), and a token would render as plain `${...}`, which `tfexpr.finalize` escapes as
literal text. The logical id of a construct placed directly in a stack is its construct id, so the
reference is known in Python already.
"""

from __future__ import annotations

import re

from ..base.tfexpr import expression, index


def ref(tf_type: str, construct_id: str, attr: str) -> str:
    """`${aws_vpc.vpc.id}` for a resource created in the same stack with that construct id."""
    return expression(f"{tf_type}.{construct_id}.{attr}")


def data_ref(tf_type: str, construct_id: str, attr: str) -> str:
    """`${data.aws_x.name.attr}` for a data source in the same stack."""
    return expression(f"data.{tf_type}.{construct_id}.{attr}")


def remote_output(state_id: str, output: str, key: str | None = None) -> str:
    """An output of another stack (one entry of it when it is a map), through its terraform_remote_state."""
    return expression(f"data.terraform_remote_state.{state_id}.outputs.{output}{index(key) if key is not None else ''}")


def each(attr: str | None = None) -> str:
    """Inside a `for_each` resource: `${each.key}`, or `${each.value.attr}` of the instance's map value."""
    return expression("each.key" if attr is None else f"each.value{index(attr)}")


_KEY = re.compile(r"[A-Za-z0-9+=,.@_/ -]+")


def instance(tf_type: str, construct_id: str, key: str) -> str:
    """The address of one instance of a `for_each` resource: `type.name["key"]` (a `moved` target). Keys come
    from validated names (user names, group names, regions, construct ids); a key that could end the quoted
    string or start a template (`"`, `\\`, `${`) is refused rather than written into an address."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"for_each key {key!r} is not a plain name")
    return f'{tf_type}.{construct_id}["{key}"]'
