"""The derived-name check claims exactly the construct ids the stacks use, in both directions, on the example and
every valid fixture: every id it claims is a resource or data source name (or a `moved` block's earlier address) in
that stack's output, and every such name in which a registry key appears is claimed. Both sides take their ids from
modules/base/ids.py; a construct whose id derives from a registry key without a claim fails here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from modules.base import ids, naming
from modules.registry.checks import derived
from modules.registry.checks.derived import claims
from modules.registry.model import Registry
from modules.registry.validate import load_registry
from tests.helpers import EXAMPLE, FIXTURES

_STACK = re.compile(r"^Terraform resource names of stack '(.+)'$")
VALID = sorted(p for p in (FIXTURES / "valid").iterdir() if p.is_dir())


def claimed(reg: Registry) -> dict[str, set[str]]:
    """Stack -> the construct ids the check claims there."""
    by_stack: dict[str, set[str]] = {}
    for c in claims(reg):
        m = _STACK.match(c.space)
        if m:
            by_stack.setdefault(m.group(1), set()).add(c.name)
    return by_stack


def emitted(out: Path) -> dict[str, set[str]]:
    """Stack -> its resource and data source names, and the earlier addresses its `moved` blocks carry: a resource
    that became an instance of a for_each construct keeps its earlier address as a moved block's `from`, and two keys
    deriving one such address would make two moved blocks from one address."""
    by_stack = {}
    for path in sorted((out / "stacks").glob("*/cdk.tf.json")):
        doc = json.loads(path.read_text())
        names = {
            name
            for block in ("resource", "data")
            for tf_type, items in doc.get(block, {}).items()
            if tf_type != "terraform_remote_state"  # named after the stack it reads: stack names (test_access_stack_names_...)
            for name in items
        }
        by_stack[path.parent.name] = names | {m["from"].split(".", 1)[1] for m in doc.get("moved", [])}
    return by_stack


def registry_keys(reg: Registry) -> set[str]:
    """Every key the registry writes that an id could derive from, as ids spell it (safe_id)."""
    org = reg.organization
    keys = {org.name, *org.platform_admins, *org.allowed_regions, *(org.libraries.upstreams if org.libraries else ())}
    for env in reg.environments:
        keys |= {env.name, *env.organizational_unit.split("/"), env.organizational_unit}
    keys |= {*reg.permission_sets, *reg.roles, *(a.rsplit("/", 1)[-1] for ps in reg.permission_sets.values() for a in ps.managed_policies)}
    keys |= {p.user_name for p in reg.people}
    for t in reg.templates:
        keys |= {t.name, t.version, *(p.version for p in t.previous)}
    for team in reg.teams:
        keys |= {team.name, *team.environments, *(m.person for m in team.members), *(s.name for s in team.shares)}
        keys |= {naming.account_key(team.name, e) for e in team.environments}
    keys |= {naming.safe_id(k) for k in keys} | {naming.profile_name(p.user_name) for p in reg.people}
    return {k for k in keys if len(k) >= 3}


def derives_from(cid: str, keys: set[str]) -> str | None:
    """The registry key that appears in an id as a whole, between '-' (or its ends), if any."""
    return next((k for k in sorted(keys) if re.search(rf"(?:^|-){re.escape(k)}(?:-|$)", cid)), None)


def unclaimed(reg: Registry, out: Path) -> dict[str, list[str]]:
    """Stack -> the ids of its output that a registry key appears in and no claim names."""
    keys, mine = registry_keys(reg), claimed(reg)
    found = {}
    for stack, names in emitted(out).items():
        missing = sorted(f"{cid} ({k})" for cid in names - mine.get(stack, set()) if (k := derives_from(cid, keys)))
        if missing:
            found[stack] = missing
    return found


def both_ways(reg: Registry, out: Path) -> None:
    out_ids, mine = emitted(out), claimed(reg)
    assert set(mine) <= set(out_ids), f"claims for stacks the output lacks: {sorted(set(mine) - set(out_ids))}"
    for stack, names in mine.items():
        assert names - out_ids[stack] == set(), f"{stack}: claimed, not in the output"
    assert unclaimed(reg, out) == {}, "ids of the output derived from registry keys, not claimed"


def test_claims_and_the_example_output_are_equal_both_ways(example_out):
    reg = load_registry(EXAMPLE)
    assert len(claimed(reg)) > 5
    both_ways(reg, example_out)


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_claims_and_each_valid_fixtures_output_are_equal_both_ways(case, synthesized_fixture):
    registry, out = synthesized_fixture(case)
    both_ways(load_registry(registry), out)


def test_an_unclaimed_construct_is_found(example_out, monkeypatch):
    """The reverse direction can fail: without the claims of the organization stack (OUs, SCPs) and of the accounts (in
    their teams' access stacks), the ids that derive from registry keys are reported."""
    reg = load_registry(EXAMPLE)
    monkeypatch.setattr(derived, "CLAIMS", tuple(c for c in derived.CLAIMS if c is not derived._organization_claims))
    missing = unclaimed(reg, example_out)
    assert set(missing) == {naming.ORGANIZATION_STACK, *(naming.access_stack(t.name) for t in reg.teams)}
    assert any(m.startswith("account-recsys-dev ") for m in missing["recsys-access"])
    assert derives_from("data-bucket", registry_keys(reg)) is None, "a constant id derives from no key"


def test_access_stack_names_never_meet_an_account_stacks_own_ids(example_out, synthesized_fixture):
    """An account stack reads access stacks through remote states named after them (`<team>-access`): the ids of its
    own that end the same way are listed (base/ids.py), and the stack-name check refuses a team whose access stack
    would take one (registry/checks/stack_names.py)."""
    outs = [example_out] + [synthesized_fixture(case)[1] for case in VALID]
    own = set()
    for out in outs:
        for path in (out / "stacks").glob("*/cdk.tf.json"):
            doc = json.loads(path.read_text())
            own |= {
                name
                for block in ("resource", "data")
                for tf_type, items in doc.get(block, {}).items()
                if tf_type != "terraform_remote_state"
                for name in items
                if name.endswith("-" + naming.ACCESS_SUFFIX)
            }
    assert own == set(ids.ACCOUNT_STACK_ACCESS_IDS) | {"log-archive-public-access"}  # the organization stack's: no team reads it
