"""Source positions on the model: each object knows where it was written, checks report at it, and the loader,
the checks and the plan stay apart."""

from __future__ import annotations

import subprocess
import sys

from modules.registry.model import Team
from modules.registry.source import error, line, source_of, where
from modules.registry.validate import load_registry
from tests.helpers import TESTS, materialize


def _at(data, path):
    for part in path:
        data = data[part]
    return data


def test_positions_are_where_the_file_has_them_not_where_the_registry_sorts_them(tmp_path):
    root = materialize(None, tmp_path)
    people = root / "people.yaml"
    lines = people.read_text().splitlines(keepends=True)
    # people.yaml lists alice, bob, carol, dave: write dave first, the registry still sorts him last
    people.write_text(lines[0] + "".join(lines[-4:]) + "".join(lines[1:-4]))
    reg = load_registry(root, shown_root="registry")
    assert [p.user_name for p in reg.people][-1] == "dave"
    dave = reg.person("dave")
    assert source_of(dave).path == ("people", 0)
    assert where(dave, "user_name") == "registry/people.yaml:2"
    for person in reg.people:
        src = source_of(person)
        assert src.rel == "people.yaml" and _at(src.doc.data, src.path)["user_name"] == person.user_name
    share = reg.team("fraud").shares[0]
    assert source_of(share.to[0]).path == ("shares", 0, "to", 0)
    assert source_of(reg.team("fraud").environments["prod"]).path == ("environments", "prod")
    assert source_of(reg.permission_sets["DataScientist"]).rel == "access.yaml"


def test_an_error_names_its_field_or_the_object_it_is_about(tmp_path):
    reg = load_registry(materialize(None, tmp_path), shown_root="registry")
    fraud = reg.team("fraud")
    bob = fraud.members[1]
    assert str(error(bob, "role", "m")) == "registry/teams/fraud.yaml:12: team 'fraud' › member 'bob' › role: m"
    assert str(error(bob, "role", "m", entity_of=bob)) == "registry/teams/fraud.yaml:12: team 'fraud' › member 'bob': m"
    assert str(error(fraud, ("owners", 0), "m")) == "registry/teams/fraud.yaml:4: team 'fraud' › owners[0]: m"
    # a field the file does not write is reported on the line of the object that would hold it
    sandbox = fraud.environments["sandbox"]
    assert str(error(sandbox, "account_id", "m")) == "registry/teams/fraud.yaml:7: team 'fraud' › environment 'sandbox' › account_id: m"


def test_where_a_model_was_written_does_not_make_it_differ(tmp_path):
    """The review compares registries by value: positions take no part (pydantic compares private attributes)."""
    first = load_registry(materialize(None, tmp_path / "a"))
    root = materialize(None, tmp_path / "b")
    people = root / "people.yaml"
    lines = people.read_text().splitlines(keepends=True)
    people.write_text("# dave first\n" + lines[0] + "".join(lines[-4:]) + "".join(lines[1:-4]))
    second = load_registry(root)
    assert source_of(second.person("dave")).path != source_of(first.person("dave")).path
    assert line(second.person("dave")) != line(first.person("dave"))
    assert second.person("dave") == first.person("dave")
    assert second == first


def test_a_default_sub_object_is_written_nowhere(tmp_path):
    """pydantic may hand every model the one default instance: the loader must never give it a position."""
    reg = load_registry(materialize(None, tmp_path))
    fraud = reg.team("fraud")
    assert "libraries" not in fraud.model_fields_set and fraud.libraries._source is None
    assert Team.model_fields["libraries"].default._source is None
    assert source_of(fraud.sagemaker).path == ("sagemaker",)  # written in the file: it has one


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=TESTS.parent, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return set(proc.stdout.split())


def test_the_loader_knows_no_checks_and_validation_imports_no_plan():
    assert not any(m.startswith("modules.registry.checks") for m in _modules_after("import modules.registry.load"))
    loaded = _modules_after("from modules.registry.validate import load_registry; load_registry('registry')")
    assert "modules.registry.checks" in loaded
    assert not {"modules.plan.layout", "modules.plan.records", "modules.engine.build"} & loaded
    assert not any(m.startswith(("cdktn", "jsii")) for m in loaded)
