"""The GitHub workflows: valid by GitHub's workflow schema, and laid out so that no code from a pull request runs in
a job that holds an OIDC permission, a write token or a secret, and the pull request's own code holds nothing."""

import re
import subprocess

import pytest
import yaml

from tests.helpers import TESTS

ROOT = TESTS.parent
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
MARKER = "<!-- sagemaker-registry:change-summary -->"
# What running a pull request's code looks like in a step: its Makefile, its main.py or modules, an install of it.
PR_CODE = re.compile(
    r"\bmake\b|pr/main\.py|target/main\.py|\bcd (pr|target)\b|(pr|target)/modules|pip install[^\n]*\b(pr|target)\b|python (pr|target)/"
)


def load(name):
    return yaml.safe_load((WORKFLOWS / name).read_text())


def _permissions(doc, job):
    return job.get("permissions", doc.get("permissions"))


def _writes(perms) -> bool:
    return perms == "write-all" or (isinstance(perms, dict) and any(v == "write" for v in perms.values()))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_workflow_validates_against_the_github_schema(path):
    check = ROOT / ".venv-scan" / "bin" / "check-jsonschema"
    proc = subprocess.run([str(check), "--builtin-schema", "vendor.github-workflows", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_pull_requests_own_code_runs_with_a_read_token_it_does_not_keep():
    doc = load("pull-request.yml")
    assert list(doc[True]) == ["pull_request"] and doc["permissions"] == {"contents": "read"}
    for name, job in doc["jobs"].items():
        assert _permissions(doc, job) == {"contents": "read"}, name
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout"):
                assert step["with"]["persist-credentials"] is False, name
            assert "secrets." not in str(step) and "github.token" not in str(step) and "gh pr" not in str(step), name


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_job_with_a_credential_runs_the_pull_requests_code(path):
    """A `pull_request` workflow holds no credential at all. A workflow that reads a pull request as data
    (`pull_request_target`, and the reusable plan workflow it calls) keeps the default branch in the workspace, the pull
    request only in a subfolder, runs none of its code and stores no token. Scheduled and push workflows run the default
    branch's code on the default branch."""
    doc = yaml.safe_load(path.read_text())
    triggers = set(doc[True])
    reads_a_pull_request = bool(triggers & {"pull_request_target", "workflow_call"})
    for name, job in doc["jobs"].items():
        perms = _permissions(doc, job)
        privileged = _writes(perms) or "secrets." in str(job) or "github.token" in str(job)
        if not privileged or "steps" not in job:
            continue
        assert "pull_request" not in triggers, f"{path.name}:{name} holds a credential in a pull_request workflow"
        if not reads_a_pull_request:
            assert triggers <= {"schedule", "workflow_dispatch", "push"}, (path.name, triggers)
            continue
        for step in job["steps"]:
            assert not PR_CODE.search(step.get("run", "")), f"{path.name}:{name}: {step.get('run')}"
            if step.get("uses", "").startswith("actions/checkout"):
                assert step["with"]["persist-credentials"] is False
                ref = step["with"].get("ref", "")
                # the workspace root holds the default branch; a pull request's commit only ever goes in a subfolder
                assert step["with"].get("path") or ref in ("", "${{ github.sha }}", "${{ github.event.pull_request.base.sha }}"), ref


def test_the_plan_identity_is_used_only_by_the_reusable_workflow_after_the_allow_list():
    plan = load("plan.yml")
    assert list(plan[True]) == ["pull_request_target"] and plan["permissions"] == {}
    jobs = plan["jobs"]
    assert [n for n, j in jobs.items() if "id-token" in str(_permissions(plan, j))] == ["plan"]
    assert jobs["plan"]["uses"] == "./.github/workflows/plan-stacks.yml" and jobs["plan"]["with"]["mode"] == "plan"
    assert jobs["plan"]["needs"] == ["check"] and "vars.PLAN_ROLE_ARN != ''" in jobs["plan"]["if"]
    runs = [s.get("run", "") for s in jobs["check"]["steps"]]
    assert any(r.startswith("sagemaker-registry check-stacks --repo pr") and "--rebuild" not in r for r in runs), "rebuilt when it can be"

    reusable = load("plan-stacks.yml")
    assert list(reusable[True]) == ["workflow_call"]
    inputs = set(reusable[True]["workflow_call"]["inputs"])
    assert inputs == {"ref", "stacks", "mode", "artifact", "shard"}, "the drift run calls it too"
    drift = reusable["jobs"]["drift"]
    assert drift["if"] == "inputs.mode == 'drift'" and reusable["jobs"]["plan"]["if"] == "inputs.mode != 'drift'"
    assert drift["env"]["TF_VAR_access_mode"] == "plan"
    druns = [s.get("run", "") for s in drift["steps"]]
    dnames = [s.get("name", s.get("uses", "")) for s in drift["steps"]]
    dcheck = next(i for i, r in enumerate(druns) if r.startswith("sagemaker-registry check-stacks --repo ."))
    dcreds = next(i for i, n in enumerate(dnames) if n.startswith("aws-actions/configure-aws-credentials"))
    dreport = next(i for i, r in enumerate(druns) if "sagemaker-registry drift --init" in r)
    assert dcheck < dcreds < dreport and 'TF_CLI_ARGS_init="-plugin-dir=$RUNNER_TEMP/plugins"' in druns[dreport]
    job = reusable["jobs"]["plan"]
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    assert job["env"]["TF_VAR_access_mode"] == "plan", "every provider in mode plan: the read-only role in each account"
    steps = job["steps"]
    names = [s.get("name", s.get("uses", "")) for s in steps]
    runs = [s.get("run", "") for s in steps]
    check = next(i for i, r in enumerate(runs) if "sagemaker-registry check-stacks --repo target" in r)
    mirror = next(i for i, r in enumerate(runs) if "terraform -chdir=atlantis/providers providers mirror" in r)
    creds = next(i for i, n in enumerate(names) if n.startswith("aws-actions/configure-aws-credentials"))
    planned = next(i for i, s in enumerate(steps) if s.get("id") == "plan")
    assert check < creds and mirror < creds < planned
    assert '-plugin-dir="$RUNNER_TEMP/plugins"' in runs[planned] and "-lock=false" in runs[planned]
    assert 'git -C target show "HEAD:generated/stacks/$stack/cdk.tf.json" > "$work/cdk.tf.json"' in runs[planned], "a clean folder"
    assert "-refresh-only" in runs[planned] and "plan|refresh-only)" in runs[0]
    assert "${{ inputs" not in "".join(runs), "inputs reach scripts through env, never interpolated into them"
    assert "assume_role_name" not in (WORKFLOWS / "plan-stacks.yml").read_text() + (WORKFLOWS / "plan.yml").read_text()


def test_one_comment_posted_by_default_branch_code_carries_the_summary_and_terraforms_numbers():
    plan = load("plan.yml")
    job = plan["jobs"]["comment"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert job["needs"] == ["check", "plan"] and job["if"] == "${{ !cancelled() }}", "also without a plan role, or after a failure"
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    assert "--edit-last" not in runs and "gh pr comment" not in runs
    assert f'echo "{MARKER}"' in runs and f'startswith("{MARKER}")' in runs and 'select(.user.login == "github-actions[bot]"' in runs
    assert "sagemaker-registry diff --registry pr/registry --out pr/generated" in runs and "--plans plans" in runs
    download = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/download-artifact"))
    assert download["with"] == {"name": "plans", "path": "plans"} and plan["jobs"]["plan"]["with"]["artifact"] == "plans"
    posting = next(s for s in job["steps"] if "gh api" in s.get("run", ""))
    assert [s for s in job["steps"] if "GH_TOKEN" in str(s.get("env", {}))] == [posting], "the token only where it posts"
    others = [load(p.name) for p in FILES if p.name != "plan.yml"]
    assert not any("pull-requests" in str(d) or "issues/" in str(d) for d in others), "no other job comments"


def test_a_private_repository_is_fetched_with_a_token_that_is_kept_nowhere():
    for name in ("plan.yml", "destroy-guard.yml"):
        text = (WORKFLOWS / name).read_text()
        assert "git fetch --no-tags origin" not in text or "http.extraheader=AUTHORIZATION" in text, name
    guard = load("destroy-guard.yml")["jobs"]["check-destroy"]["steps"]
    fetch = next(s for s in guard if "fetch" in s.get("run", ""))
    assert fetch["env"]["TOKEN"] == "${{ github.token }}" and "persist" not in fetch["run"]
    assert all(s["with"]["persist-credentials"] is False for s in guard if s.get("uses", "").startswith("actions/checkout"))


def test_the_docs_pin_the_plan_identity_to_the_reusable_workflow_on_the_default_branch():
    security = (ROOT / "docs" / "security.md").read_text()
    assert "job_workflow_ref:<owner>/<repo>/.github/workflows/plan-stacks.yml@refs/heads/main" in security
