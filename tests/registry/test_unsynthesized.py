"""Fields that validate but are not synthesized yet: synth refuses a registry that sets one, validate accepts it."""

from __future__ import annotations

from modules.registry.unsynthesized import NOT_YET_SYNTHESIZED, unsynthesized
from modules.registry.validate import load_registry
from tests.helpers import materialize

LIBS = "libraries:\n  domain: acme\n  repository: ml-libraries\n  upstreams: [pypi]\n"
# field -> (file, text appended or (old, new) replaced, expected file:line); empty while every field is synthesized
CASES: dict = {}


def test_every_pending_field_has_a_case():
    assert sorted(CASES) == sorted(p.field for p in NOT_YET_SYNTHESIZED)


def test_base_registry_sets_none(tmp_path):
    reg = load_registry(materialize(None, tmp_path))
    assert unsynthesized(reg) == []


def test_setting_a_pending_field_is_refused_by_synth_only(tmp_path):
    """Each pending field in turn (none while every field is synthesized: then there is nothing to refuse, and the
    mechanism itself is tested below with a field pretended pending)."""
    for field in sorted(CASES):
        _refused_by_synth_only(field, tmp_path / field)


def _refused_by_synth_only(field: str, tmp_path) -> None:
    root = materialize(None, tmp_path)
    (root / "catalog" / "seed").mkdir()
    (root / "catalog" / "seed" / "README.md").write_text("seed\n")
    file, change, where = CASES[field]
    path = root / file
    text = path.read_text()
    if field == "libraries.publish":
        (root / "organization.yaml").write_text((root / "organization.yaml").read_text() + LIBS)
    if isinstance(change, tuple):
        assert change[0] in text
        text = text.replace(change[0], change[1], 1)
    else:
        text += change
    path.write_text(text)
    reg = load_registry(root, shown_root="registry")  # validates
    errors = [str(e) for e in unsynthesized(reg)]
    assert len(errors) >= 1
    assert any(e.startswith(f"registry/{where}: ") and f"'{field}' is valid but not synthesized yet" in e for e in errors), errors


def test_synth_command_refuses_before_writing(tmp_path, run_cli, monkeypatch):
    """The mechanism, with a field pretended pending (every real field is synthesized now)."""
    from modules.registry import unsynthesized as module

    monkeypatch.setattr(module, "NOT_YET_SYNTHESIZED", (module.Pending("libraries", module._org("libraries")),))
    root = materialize(None, tmp_path)
    (root / "organization.yaml").write_text((root / "organization.yaml").read_text() + LIBS)
    code, out, err = run_cli(["synth", "--registry", "registry", "--out", str(tmp_path / "out"), "--quiet"], cwd=tmp_path)
    assert code == 1 and out == ""
    assert err.splitlines()[0].startswith("registry/organization.yaml:20: organization 'acme' › libraries: 'libraries'")
    assert not (tmp_path / "out").exists()


def test_libraries_and_seed_code_are_synthesized(tmp_path, run_cli):
    root = materialize(None, tmp_path)
    (root / "organization.yaml").write_text((root / "organization.yaml").read_text() + LIBS)
    code, _, err = run_cli(["synth", "--registry", "registry", "--out", str(tmp_path / "out"), "--quiet"], cwd=tmp_path)
    assert code == 0, err
    assert "aws_codeartifact_domain" in (tmp_path / "out" / "stacks" / "shared-services" / "cdk.tf.json").read_text()
