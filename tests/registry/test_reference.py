"""docs/registry.md, the registry reference, is generated from the models and fresh; every field says what it means;
the JSON Schema accepts what the compiler accepts as YAML 1.2 tools read it (an unquoted account id is a number)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from modules.outputs.reference import field_meaning, models, reference_text
from tests.helpers import EXAMPLE

ROOT = EXAMPLE.parent
CHECK_JSONSCHEMA = ROOT / ".venv-scan" / "bin" / "check-jsonschema"


def test_committed_reference_is_fresh():
    assert (ROOT / "docs" / "registry.md").read_text() == reference_text(), "run `python main.py schema` and commit"


def test_every_field_of_every_registry_file_says_what_it_means():
    """A field added without a description would show in the reference with a blank meaning: that is the defect."""
    blank = [f"{name}.{field}" for name, model in models().items() for field, info in model.model_fields.items() if not field_meaning(info)]
    assert blank == []


def test_every_field_is_in_the_reference():
    text = reference_text()
    for model in models().values():
        for field, info in model.model_fields.items():
            assert f"{info.alias or field}` |" in text, field


def _check(schema: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    if not CHECK_JSONSCHEMA.exists():
        pytest.skip("check-jsonschema is installed by `make setup` (.venv-scan)")
    return subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(schema), *map(str, files)], capture_output=True, text=True)


def test_the_example_validates_against_its_schema_with_a_yaml_1_2_reader(tmp_path):
    files = sorted(p for p in EXAMPLE.rglob("*.yaml") if p.relative_to(EXAMPLE).parts[0] != "catalog")
    proc = _check(EXAMPLE / "schema.json", *files)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # an unquoted id is a number to YAML 1.2 tools (leading zero dropped): the schema still accepts it, as the compiler does
    team = tmp_path / "pricing.yaml"
    text = (EXAMPLE / "teams" / "pricing.yaml").read_text()
    assert '{account_id: "012345678901"}' in text, "the example quotes its account ids"
    team.write_text(text.replace('"012345678901"', "012345678901"))
    proc = _check(EXAMPLE / "schema.json", team)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    team.write_text(text.replace('"012345678901"', '"01234567890"'))
    assert _check(EXAMPLE / "schema.json", team).returncode == 1, "a wrong id is still refused"
