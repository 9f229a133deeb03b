"""Terraform references written as plain strings, for the stacks built hundreds of times.

Reading an attribute such as `vpc.id` back from a construct costs a jsii round trip (~0.3 ms,
DESIGN.md); in a team account stack that is dozens per stack. The logical id of a construct
placed directly in a stack is its construct id, so the reference is known in Python already.
The golden files pin the output: these strings render exactly what the tokens rendered.
"""
from __future__ import annotations

import re

_DOT_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def ref(tf_type: str, construct_id: str, attr: str) -> str:
    """`${aws_vpc.vpc.id}` for a resource created in the same stack with that construct id."""
    return f"${{{tf_type}.{construct_id}.{attr}}}"


def remote_output(state_id: str, output: str, key: str) -> str:
    """One entry of a map output of another stack, read through its terraform_remote_state data source."""
    part = f".{key}" if _DOT_KEY.match(key) else f'["{key}"]'
    return f"${{data.terraform_remote_state.{state_id}.outputs.{output}{part}}}"

