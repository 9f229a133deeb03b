"""The change summary for typical registry edits: exactly what changes, in people's terms."""
from pathlib import Path

import pytest

from modules.outputs.diff import markdown, summarize
from modules.registry.load import load_registry
from modules.stacks import plan
from tests.helpers import materialize


def compiled(registry: Path):
    reg, _ = load_registry(registry)
    return reg, plan(reg)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def scenario(tmp_path):
    registry = materialize(None, tmp_path)
    base = compiled(registry)

    def after(*edits):
        for rel, old, new in edits:
            edit(registry / rel, old, new)
        return summarize(base, compiled(registry), [])

    return after


FRAUD = "teams/fraud.yaml"
RISK = "teams/risk.yaml"


def test_add_member(scenario):
    s = scenario((FRAUD, "  - {person: dave, role: viewer}", "  - {person: dave, role: viewer}\n  - {person: carol, role: data-scientist}"))
    assert s.access == ["carol gains DataScientist in fraud-dev (fraud / data-scientist)",
                        "carol gains DataScientist in fraud-sandbox (fraud / data-scientist)"]
    assert s.studio == ["Studio profile for carol in fraud-dev added", "Studio profile for carol in fraud-sandbox added"]
    assert (s.accounts, s.shares, s.templates, s.destructive) == ([], [], [], [])


def test_remove_member(scenario):
    s = scenario((FRAUD, "  - {person: bob, role: data-scientist}\n", ""))
    assert s.access == ["bob loses DataScientist in fraud-dev (was fraud / data-scientist)",
                        "bob loses DataScientist in fraud-sandbox (was fraud / data-scientist)"]
    assert s.studio == ["Studio profile for bob in fraud-dev removed (its apps and spaces are deleted; home storage is kept)",
                        "Studio profile for bob in fraud-sandbox removed (its apps and spaces are deleted; home storage is kept)"]
    assert s.destructive == ["Studio profile for bob in fraud-dev removed", "Studio profile for bob in fraud-sandbox removed"]


def test_new_environment(scenario):
    s = scenario((RISK, "  dev: {}", "  dev: {}\n  sandbox: {}"))
    assert s.accounts == ["account risk-sandbox created (acme-risk-sandbox)"]
    assert s.access == ["alice gains PlatformAdmin in risk-sandbox (platform admin)",
                        "carol gains DataScientist in risk-sandbox (risk / lead)"]
    assert s.studio == ["Studio profile for carol in risk-sandbox added"]
    assert s.destructive == []


def test_decommission(scenario):
    s = scenario((RISK, "owners: [carol]", "owners: [carol]\nstatus: decommissioned"),
                 (FRAUD, "{team: risk, environment: prod}", "{team: fraud, environment: dev}"))
    assert s.accounts == ["account risk-dev decommissioned (kept, in OU Suspended, zero-spend budget)",
                          "account risk-prod decommissioned (kept, in OU Suspended, zero-spend budget)"]
    assert s.access == ["bob loses ReadOnly in risk-dev (was risk / viewer)",
                        "bob loses ReadOnly in risk-prod (was risk / viewer)",
                        "carol loses DataScientist in risk-dev (was risk / lead)",
                        "carol loses ReadOnly in risk-prod (was risk / lead)"]
    assert s.shares == ["share fraud-models now also reaches fraud-dev (read)", "share fraud-models no longer reaches risk-prod"]
    assert s.destructive[:2] == ["account risk-dev decommissioned: all human access removed, moved to OU Suspended",
                                 "account risk-prod decommissioned: all human access removed, moved to OU Suspended"]


def test_new_share(scenario):
    s = scenario((RISK, "  instance_types: [ml.t3.medium]", "  instance_types: [ml.t3.medium]\nshares:\n  - {name: risk-scores, kind: s3_prefix, "
                  "resource: scores/, from: prod, to: [{team: fraud, environment: prod}]}"))
    assert s.shares == ["share risk-scores granted: s3_prefix scores/ from risk-prod to fraud-prod (read)"]
    assert (s.access, s.studio, s.accounts, s.destructive) == ([], [], [], [])


def test_role_change(scenario):
    s = scenario((FRAUD, "{person: dave, role: viewer}", "{person: dave, role: data-scientist}"))
    assert s.access == ["dave gains DataScientist in fraud-dev (fraud / data-scientist)",
                        "dave gains DataScientist in fraud-sandbox (fraud / data-scientist)",
                        "dave loses ReadOnly in fraud-dev (was fraud / viewer)",
                        "dave loses ReadOnly in fraud-prod (was fraud / viewer)"]
    assert s.studio == ["Studio profile for dave in fraud-dev added", "Studio profile for dave in fraud-sandbox added"]


def test_template_visibility(scenario):
    s = scenario((RISK, "  instance_types: [ml.t3.medium]", "  instance_types: [ml.t3.medium]\n  project_templates: [build-train-deploy]"))
    assert s.templates == ["template build-train-deploy visible to risk"]


def test_markdown_puts_destructive_effects_first(scenario):
    s = scenario((FRAUD, "  - {person: bob, role: data-scientist}\n", ""))
    text = markdown(s, "Registry change since main")
    assert text.index("Destructive effects") < text.index("### Access") < text.index("### Studio")
