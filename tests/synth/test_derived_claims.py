"""The derived-name check claims the construct ids the stacks really use: every id it claims for the example
registry is a resource (or data source) name in that stack's synthesized output. If a construct module renames
its ids, this fails until modules/registry/checks/derived.py follows."""

from __future__ import annotations

import json
import re

from modules.registry.checks.derived import claims
from modules.registry.validate import load_registry
from tests.helpers import EXAMPLE

_STACK = re.compile(r"^Terraform resource names of stack '(.+)'$")


def test_claimed_construct_ids_exist_in_the_example_output(example_out):
    reg = load_registry(EXAMPLE)
    by_stack: dict[str, set[str]] = {}
    for c in claims(reg):
        m = _STACK.match(c.space)
        if m:
            by_stack.setdefault(m.group(1), set()).add(c.name)
    assert len(by_stack) > 5
    for stack, ids in by_stack.items():
        doc = json.loads((example_out / "stacks" / stack / "cdk.tf.json").read_text())
        names = {name for block in ("resource", "data") for items in doc.get(block, {}).values() for name in items}
        # a resource that became an instance of a for_each construct keeps its earlier address as its moved block's
        # `from`: two keys deriving one such address would make two moved blocks from one address, so it stays claimed
        names |= {m["from"].split(".", 1)[1] for m in doc.get("moved", [])}
        assert ids - names == set(), stack
