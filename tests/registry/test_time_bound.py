"""Time-bound access in the registry and the plan: `until` never reaches the output, a grant gives exactly its role's
access where it says, expired entries are found and judged against a base, and edits keep every other byte."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from modules.base.errors import RegistryInvalid
from modules.engine.fingerprint import stack_digests
from modules.outputs import root_files
from modules.plan.layout import plan
from modules.post.manifest import manifest_files
from modules.registry.expiry import entries, expired, judge
from modules.registry.validate import load_registry
from modules.registry.yamledit import EditError, append_items, remove_items
from tests.helpers import EXAMPLE, materialize

GRANTS = """grants:
  - {person: carol, team: fraud, role: data-scientist, environments: [dev], until: 2027-01-15, reason: "INC-1 backfill"}
  - {person: dave, team: fraud, role: viewer, environments: [prod], until: 2027-02-01, reason: "INC-2 audit"}
"""


def registry_with(tmp_path: Path, *, members: dict[str, str] | None = None, grants: str | None = GRANTS) -> Path:
    """The base fixture, fraud's members given end dates (person -> until), and grants.yaml."""
    reg = materialize(None, tmp_path)
    team = reg / "teams" / "fraud.yaml"
    text = team.read_text()
    for person, until in (members or {}).items():
        text = re.sub(rf"(\{{person: {person}, role: [a-z-]+)\}}", rf"\1, until: {until}}}", text)
    team.write_text(text)
    if grants is not None:
        (reg / "grants.yaml").write_text(grants)
    return reg


def test_until_changes_no_output_byte(tmp_path):
    """synth never reads the clock: end dates (any, or none) give the same stacks, root files and manifests."""
    outputs = []
    for i, (members, grants) in enumerate(
        [({}, GRANTS), ({"bob": "2027-03-31", "dave": "2026-01-01"}, GRANTS.replace("2027-01-15", "2030-12-31"))]
    ):
        reg_dir = registry_with(tmp_path / str(i), members=members, grants=grants)
        reg = load_registry(reg_dir)
        p = plan(reg)
        files = root_files(reg, p, root=tmp_path / str(i), out=tmp_path / str(i) / "generated", registry_dir=reg_dir)
        outputs.append((stack_digests(p), files, manifest_files(p)))
    assert outputs[0] == outputs[1]


def test_a_grant_is_its_roles_access_in_exactly_the_listed_environments(tmp_path):
    p = plan(load_registry(registry_with(tmp_path)))
    fraud = next(a for a in p.access if a.team == "fraud")
    users = {t.key: [(u.user, u.permission_set) for u in t.user_assignments] for t in fraud.accounts}
    # carol: data-scientist in dev only (not sandbox, which the role maps too); dave: viewer in prod
    assert users == {"fraud-dev": [("carol", "DataScientist")], "fraud-prod": [("dave", "ReadOnly")], "fraud-sandbox": []}
    studio = {a.name: [u.user_name for u in a.studio_users] for a in p.accounts if a.account.team == "fraud"}
    assert "carol" in studio["fraud-dev"] and "carol" not in studio["fraud-sandbox"], "a Studio role gives a profile where granted"
    assert "dave" not in studio["fraud-prod"], "viewer has no Studio"
    risk = next(a for a in p.access if a.team == "risk")
    assert all(not t.user_assignments for t in risk.accounts), "a grant stays in its own team's stacks"


def test_a_grant_to_a_member_keeps_one_profile_at_one_address(tmp_path):
    grants = 'grants:\n  - {person: bob, team: fraud, role: lead, environments: [prod], until: 2027-01-15, reason: "INC-3"}\n'
    p = plan(load_registry(registry_with(tmp_path, grants=grants)))
    studio = {a.name: [u.user_name for u in a.studio_users] for a in p.accounts}
    assert studio["fraud-dev"].count("bob") == 1 and "bob" in studio["fraud-prod"]  # member in dev, granted lead in prod


def test_expired_entries_are_found_by_the_last_day_inclusive(tmp_path):
    reg = load_registry(registry_with(tmp_path, members={"bob": "2027-01-15"}))
    assert [(e.kind, e.person, e.until.isoformat()) for e in entries(reg)] == [
        ("grant", "carol", "2027-01-15"),
        ("grant", "dave", "2027-02-01"),
        ("member", "bob", "2027-01-15"),
    ]
    assert expired(reg, date(2027, 1, 15)) == [], "the last day is a day of access"
    assert [e.person for e in expired(reg, date(2027, 1, 16))] == ["carol", "bob"]
    assert [e.where for e in expired(reg, date(2027, 1, 16))] == [
        f"{reg.origin.shown('grants.yaml')}:2",
        f"{reg.origin.shown('teams/fraud.yaml')}:12",
    ]


def test_validate_today_refuses_what_a_change_adds_or_changes_and_warns_on_the_rest(tmp_path):
    base = load_registry(registry_with(tmp_path / "base", members={"bob": "2027-01-15"}))
    changed = GRANTS.replace('"INC-2 audit"', '"INC-2 audit, longer"') + (
        '  - {person: alice, team: risk, role: viewer, environments: [dev], until: 2027-01-20, reason: "INC-4"}\n'
    )
    now = load_registry(registry_with(tmp_path / "now", members={"bob": "2027-01-15", "dave": "2027-01-31"}, grants=changed))
    errors, warnings = judge(now, date(2027, 3, 1), base)
    said = sorted(f"{e.file.rsplit('/', 2)[-1]}:{e.line}: {e.entity}" for e in errors)
    assert said == ["fraud.yaml:13: team 'fraud' › member 'dave'", "grants.yaml:3: grant for 'dave'", "grants.yaml:4: grant for 'alice'"]
    assert all("a change may not add or change expired access" in e.message for e in errors)
    assert [(w.entity, "the expiry run's pull request removes this entry" in w.message) for w in warnings] == [
        ("grant for 'carol'", True),
        ("team 'fraud' › member 'bob'", True),
    ]
    errors, _ = judge(now, date(2027, 3, 1), None)
    assert len(errors) == 5, "without a base every expired entry is new"
    assert judge(now, date(2027, 1, 2), base) == ([], []), "nothing has ended yet"


# ---- edits by position: every other byte kept, or refused ----

TEAM = """# the team
name: x   # named after the file
members:
  - {person: a, role: lead}   # since 2024
  # carol joined for the migration
  - person: carol
    role: viewer
    until: 2027-01-01

  -
    person: dave
    role: viewer
other: [{a: 1}, {b: 2},
   {c: 3}]
"""


@pytest.mark.parametrize(
    "drop,lines",
    [([0], [4]), ([1], [6, 7, 8]), ([2], [10, 11, 12]), ([0, 2], [4, 10, 11, 12])],
    ids=["flow-mapping-item", "block-mapping-item", "dash-on-its-own-line", "two-items"],
)
def test_a_block_list_item_is_its_lines(drop, lines):
    """Its lines from the `-` to its last value (a comment on them goes too); comments and blank lines around stay."""
    out = remove_items(TEAM, "x.yaml", "members", drop)
    assert out.splitlines(keepends=True) == [line for n, line in enumerate(TEAM.splitlines(keepends=True), 1) if n not in lines]


def test_a_flow_list_item_goes_with_one_separator():
    assert remove_items(TEAM, "x.yaml", "other", [1]).endswith("other: [{a: 1}, {c: 3}]\n")
    assert remove_items(TEAM, "x.yaml", "other", [1, 2]).endswith("other: [{a: 1}]\n")
    assert remove_items(TEAM, "x.yaml", "other", [0]).endswith("other: [{b: 2},\n   {c: 3}]\n")
    assert remove_items(TEAM, "x.yaml", "other", [0, 1, 2]).endswith("other: []\n")


def test_removing_every_item_leaves_an_empty_list_and_the_comments():
    out = remove_items(TEAM, "x.yaml", "members", [0, 1, 2])
    assert out.startswith("# the team\nname: x   # named after the file\nmembers:\n  # carol joined for the migration\n\nother:")


def test_an_edit_that_would_change_more_is_refused():
    text = "members:\n  - &lead {person: a, role: lead}\n  - {person: b, role: viewer}\nowner: *lead\n"
    with pytest.raises(EditError, match="does not read back"):
        remove_items(text, "x.yaml", "members", [0])


def test_appending_opt_ins_keeps_the_file_and_refuses_what_it_cannot_append_to():
    text = "# platform opt-ins\nallow:\n  - {stack: a, reason: old}   # kept\n"
    out = append_items(text, "allow-destroy.yaml", "allow", [["stack: b", "reason: 'new'"]])
    assert out == text + "  - stack: b\n    reason: 'new'\n"
    assert append_items("", "allow-destroy.yaml", "allow", [["stack: b", "reason: x"]]) == "allow:\n  - stack: b\n    reason: x\n"
    for bad in ("allow: [{stack: a, reason: x}]\n", "allow:\n  - {stack: a, reason: x}\nnote: 1\n"):
        with pytest.raises(EditError):
            append_items(bad, "allow-destroy.yaml", "allow", [["stack: b", "reason: x"]])


def test_the_example_exercises_both_kinds_of_time_bound_access(example_registry):
    kinds = {e.kind for e in entries(example_registry)}
    assert kinds == {"member", "grant"}
    assert (EXAMPLE / "grants.yaml").is_file()


@pytest.mark.parametrize(
    "text",
    [
        "grants: nope\n",
        "grants: [1, [2], null]\n",
        "grants:\n  - {person: [a], team: {x: 1}, role: lead, environments: dev, until: [2027-01-01], reason: 5}\n",
        "grants:\n  - {person: carol, team: fraud, role: lead, environments: [dev], until: 2027-13-01, reason: x, extra: 1}\n",
        "- just a list\n",
    ],
)
def test_a_malformed_grants_file_is_reported_at_file_line_never_a_crash(tmp_path, text):
    reg = registry_with(tmp_path, grants=text)
    with pytest.raises(RegistryInvalid) as caught:
        load_registry(reg)
    assert caught.value.errors and all(e.file.endswith("grants.yaml") and e.line >= 1 for e in caught.value.errors)
