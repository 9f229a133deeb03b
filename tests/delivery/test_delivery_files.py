"""atlantis.yaml, CODEOWNERS, the access review, the README graph and the plan facts the workflow keeps
(the workflows themselves: tests/delivery/test_workflows.py)."""

import json

import jq
import yaml

from modules.base import naming
from modules.outputs import root_files
from modules.outputs.access import access_report
from modules.outputs.graph import mermaid
from modules.plan.layout import plan
from tests.helpers import EXAMPLE, TESTS

ROOT = TESTS.parent


def fresh_root_files(example_registry):
    p = plan(example_registry)
    return root_files(example_registry, p, root=ROOT, out=ROOT / "generated", registry_dir=EXAMPLE)


def test_committed_atlantis_and_codeowners_are_fresh(example_registry):
    for rel, text in fresh_root_files(example_registry).items():
        assert (ROOT / rel).read_text() == text, f"{rel} is stale: run `make synth` and commit"


def test_atlantis_projects_order_and_dependencies(example_registry):
    doc = yaml.safe_load(fresh_root_files(example_registry)["atlantis.yaml"])
    assert doc["version"] == 3 and doc["parallel_plan"] and doc["parallel_apply"]
    projects = {p["name"]: p for p in doc["projects"]}
    assert sorted(projects) == sorted(plan(example_registry).stack_names)
    assert projects["organization"]["execution_order_group"] == 0 and projects["organization"]["depends_on"] == []
    for central in ("identity", "shared-services"):
        assert projects[central]["execution_order_group"] == 1 and projects[central]["depends_on"] == ["organization"]
    # depends_on is each stack's record: the states it reads and the stacks it must follow, nothing guessed
    assert projects["pricing-access"]["depends_on"] == ["identity", "organization", "shared-services"]
    assert projects["churn-access"]["depends_on"] == ["identity", "organization"]  # decommissioned: no catalog
    # account stacks read their accounts' ids from the access stacks that hold them (their own, and their shares')
    assert projects["churn-prod"]["depends_on"] == ["churn-access", "shared-services"]  # no Studio: no identity
    assert projects["pricing-dev"]["depends_on"] == [  # and the organization: its RAM share needs RAM's sharing there
        "demand-forecast-access",
        "identity",
        "organization",
        "pricing-access",
        "recsys-access",
        "shared-services",
    ]
    for name, p in projects.items():
        assert p["dir"] == f"generated/stacks/{name}"
        assert p["autoplan"] == {"enabled": True, "when_modified": ["cdk.tf.json"]}
        assert "workflow" not in p and "apply_requirements" not in p, "the server's repo config sets both (atlantis/repos.yaml)"
        if name.endswith("-access"):
            assert p["execution_order_group"] == 2
        elif name not in naming.CENTRAL_STACKS:
            assert p["execution_order_group"] == 3, "after the access stacks holding the accounts"
        text = (ROOT / "generated" / "stacks" / name / "cdk.tf.json").read_text()
        reads = sorted(json.loads(text).get("data", {}).get("terraform_remote_state", {}))
        assert set(reads) <= set(p["depends_on"]), f"{name} reads a state it does not depend on"
    assert "workflows" not in doc


def test_codeowners(example_registry):
    lines = fresh_root_files(example_registry)[".github/CODEOWNERS"].splitlines()
    assert "* @amara-ok" in lines and "/generated/ @amara-ok" in lines and "/modules/ @amara-ok" in lines
    assert "/registry/teams/pricing.yaml @farahh" in lines  # owners farah (handle) and goran (none)
    assert "/registry/teams/recsys.yaml @amara-ok" in lines  # owner ivan has no handle: platform admins
    assert lines.index("/registry/ @amara-ok") < lines.index("/registry/teams/pricing.yaml @farahh"), "last match wins"


def test_access_review_of_the_example(example_registry):
    p = plan(example_registry)
    md = access_report(p, "md")
    assert "| julia | recsys-dev | DataScientist | recsys / data-scientist | yes |" in md
    assert "| farah | recsys-prod | ReadOnly | recsys / viewer |  |" in md
    assert "| amara **admin** | shared-services | PlatformAdmin | platform admins |  |" in md
    assert "churn" not in "".join(line for line in md.splitlines() if "julia" in line), "no access to a decommissioned team"
    csv = access_report(p, "csv").splitlines()
    assert csv[0] == "person,platform_admin,account,permission_set,team,role,studio,until,reason,source"
    assert "julia,no,recsys-prod" not in "\n".join(csv), "data-scientist maps nothing in prod"


def test_readme_embeds_the_current_graph(example_registry):
    readme = (ROOT / "README.md").read_text()
    assert "```mermaid\n" + mermaid(plan(example_registry)) + "```" in readme, "update the graph in README.md"


def test_access_review_filters(run_cli):
    code, out, _ = run_cli(["access", "--registry", str(EXAMPLE), "--format", "csv", "--account", "recsys-prod"])
    assert code == 0
    rows = out.splitlines()[1:]
    assert rows and all(",recsys-prod," in r for r in rows)
    assert {r.split(",")[0] for r in rows} == {"amara", "chen", "farah", "ivan"}  # julia (data-scientist) has nothing in prod
    code, out, _ = run_cli(["access", "--registry", str(EXAMPLE), "--format", "csv", "--person", "julia"])
    assert {r.split(",")[2] for r in out.splitlines()[1:]} == {"recsys-dev", "recsys-sandbox"}


def test_the_workflow_keeps_the_facts_of_a_plan_and_drops_its_values():
    """What the plan job uploads (plan JSON through .github/plan-facts.jq) reads as the whole plan does. The filter
    runs in jq's Python binding (libjq itself, a test dependency), so no jq binary is needed here."""
    from modules.review.tfplan import stack_plan

    program = jq.compile((ROOT / ".github" / "plan-facts.jq").read_text())
    fixtures = sorted((TESTS / "delivery" / "plans").glob("*.json")) + sorted((TESTS / "delivery" / "plans-adoption").glob("*.json"))
    assert len(fixtures) == 5
    for path in fixtures:
        full = json.loads(path.read_text())
        reduced = json.loads(json.dumps(program.input_value(full).first()))
        assert stack_plan(path.stem, reduced) == stack_plan(path.stem, full), path.name
        for rc in reduced["resource_changes"]:
            assert rc["change"]["importing"] is not None or "before" not in rc["change"], "values leave only for imports"
