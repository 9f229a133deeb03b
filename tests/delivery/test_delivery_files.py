"""atlantis.yaml, CODEOWNERS, the workflow, the access review and the README graph."""

import json
import subprocess

import jq
import yaml

from modules import naming
from modules.outputs import root_files
from modules.outputs.access import access_report
from modules.outputs.graph import mermaid
from modules.stacks import plan
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
    assert projects["churn-prod"]["depends_on"] == ["organization", "shared-services"]  # no Studio: no identity
    assert projects["pricing-dev"]["depends_on"] == ["identity", "organization", "shared-services"]
    for name, p in projects.items():
        assert p["dir"] == f"generated/stacks/{name}"
        assert p["autoplan"] == {"enabled": True, "when_modified": ["cdk.tf.json"]}
        assert p["apply_requirements"] == ["approved", "mergeable"]
        if name not in naming.CENTRAL_STACKS:
            assert p["execution_order_group"] == 2
        text = (ROOT / "generated" / "stacks" / name / "cdk.tf.json").read_text()
        reads = sorted(json.loads(text).get("data", {}).get("terraform_remote_state", {}))
        assert set(reads) <= set(p["depends_on"]), f"{name} reads a state it does not depend on"
    apply_steps = doc["workflows"]["registry"]["apply"]["steps"]
    assert apply_steps[1] == "apply" and "post apply --stack $PROJECT_NAME --tf-outputs" in apply_steps[2]["run"]
    plan_steps = doc["workflows"]["registry"]["plan"]["steps"]
    assert plan_steps[1:] == ["init", "plan"] and plan_steps[0]["run"].endswith(
        "python main.py post plan --stack $PROJECT_NAME --job preflight"
    ), "a missing user fails the plan, not the apply"


def test_codeowners(example_registry):
    lines = fresh_root_files(example_registry)[".github/CODEOWNERS"].splitlines()
    assert "* @amara-ok" in lines and "/generated/ @amara-ok" in lines and "/modules/ @amara-ok" in lines
    assert "/registry/teams/pricing.yaml @farahh" in lines  # owners farah (handle) and goran (none)
    assert "/registry/teams/recsys.yaml @amara-ok" in lines  # owner ivan has no handle: platform admins
    assert lines.index("/registry/ @amara-ok") < lines.index("/registry/teams/pricing.yaml @farahh"), "last match wins"


def test_workflow_validates_against_the_github_schema():
    check = ROOT / ".venv-scan" / "bin" / "check-jsonschema"
    proc = subprocess.run(
        [str(check), "--builtin-schema", "vendor.github-workflows", str(ROOT / ".github" / "workflows" / "pull-request.yml")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_access_review_of_the_example(example_registry):
    p = plan(example_registry)
    md = access_report(example_registry, p, "md")
    assert "| julia | recsys-dev | DataScientist | recsys / data-scientist | yes |" in md
    assert "| farah | recsys-prod | ReadOnly | recsys / viewer |  |" in md
    assert "| amara **admin** | shared-services | PlatformAdmin | platform admins |  |" in md
    assert "churn" not in "".join(line for line in md.splitlines() if "julia" in line), "no access to a decommissioned team"
    csv = access_report(example_registry, p, "csv").splitlines()
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


def test_workflow_adds_terraform_numbers_to_the_comment():
    """Plans are written as JSON where the summary job reads them, and that job holds no AWS credentials."""
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "plan.yml").read_text())
    jobs = doc["jobs"]
    plan_run = next(s["run"] for s in jobs["plan"]["steps"] if s.get("id") == "plan")
    assert "-out=tfplan" in plan_run and 'show -json tfplan | jq -f .github/plan-facts.jq > "plans/$stack.json"' in plan_run
    upload = next(s for s in jobs["plan"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    summary = jobs["summary-with-plans"]
    download = next(s for s in summary["steps"] if s.get("uses", "").startswith("actions/download-artifact"))
    assert upload["with"]["name"] == download["with"]["name"] and download["with"]["path"] == "plans"
    runs = "\n".join(s.get("run", "") for s in summary["steps"])
    assert "main.py diff --registry pr/registry --out pr/generated --base" in runs and "--plans plans" in runs
    assert "--edit-last" in runs
    assert summary["needs"] == ["plan"] and "id-token" not in summary["permissions"]


def test_plans_run_default_branch_code_read_only_after_the_allow_list():
    """The plan identity's trust pins job_workflow_ref to plan.yml on the default branch: the workflow must be the
    default branch's (pull_request_target), run only its code, refuse the apply role and check stacks first."""
    path = ROOT / ".github" / "workflows" / "plan.yml"
    doc = yaml.safe_load(path.read_text())
    assert list(doc[True]) == ["pull_request_target"]
    assert "plan" not in yaml.safe_load((ROOT / ".github" / "workflows" / "pull-request.yml").read_text())["jobs"]
    plan = doc["jobs"]["plan"]
    assert plan["env"]["TF_VAR_assume_role_name"] == "${{ vars.ACCOUNT_PLAN_ROLE_NAME }}"
    steps = plan["steps"]
    assert steps[0]["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    names = [s.get("name", s.get("uses", "")) for s in steps]
    runs = [s.get("run", "") for s in steps]
    allow = next(i for i, r in enumerate(runs) if r.startswith("python main.py check-stacks pr/generated/stacks"))
    refuse = next(i for i, r in enumerate(runs) if "OrganizationAccountAccessRole) echo" in r)
    creds = next(i for i, n in enumerate(names) if n.startswith("aws-actions/configure-aws-credentials"))
    assert refuse < allow < creds < next(i for i, s in enumerate(steps) if s.get("id") == "plan")
    assert not any("make" in r.split() or "pr/main.py" in r or "cd pr" in r for r in runs), "no code of the PR runs"
    assert "-lock=false" in runs[names.index("terraform plan for the stacks this change touches")]
    check = ROOT / ".venv-scan" / "bin" / "check-jsonschema"
    proc = subprocess.run([str(check), "--builtin-schema", "vendor.github-workflows", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


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
