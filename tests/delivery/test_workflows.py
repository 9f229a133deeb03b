"""The GitHub workflows: valid by GitHub's workflow schema, and laid out so that no code from a pull request runs in
a job that holds an OIDC permission, a write token or a secret, and the pull request's own code holds nothing."""

import json
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


def _privileged(doc, job) -> bool:
    """A job that holds something: a write permission, an OIDC token, a secret, an environment's secrets, the token."""
    perms = _permissions(doc, job)
    return _writes(perms) or "secrets." in str(job) or "github.token" in str(job) or "environment" in job


# Where a privileged job's workspace root (the code it runs) may come from, by trigger: the default branch only. In a
# called workflow `github.sha` / `github.ref` are the CALLER's commit (a branch's, a pull request's), so the root is
# checked out by a fixed ref there; a pull_request_target run's base commit is the default branch's.
ROOT_REFS = {
    "pull_request_target": {"${{ github.event.pull_request.base.sha }}"},
    "workflow_call": {"refs/heads/main"},
    "schedule": {"", "refs/heads/main", "${{ github.event.repository.default_branch }}"},
    "push": {""},
}
CALLER_CONTEXT = re.compile(r"github\.(sha|ref|head_ref|workflow_sha|event\.pull_request\.head)\b")


def _runs_path(step, folder: str) -> bool:
    """Whether a step runs code from folder (a checkout of someone else's commit, there as data only)."""
    run = step.get("run", "")
    f = re.escape(folder)
    code = re.compile(
        rf"(^|[\s;&|(]){f}/\S*\.(py|sh)\b|\bpython3?\s+(-m\s+\S+\s+)?{f}\b|pip install[^\n]*\s\.?/?{f}\b|\bcd\s+{f}\b|"
        rf"\bmake\b[^\n]*-C\s*{f}\b|\b(bash|sh|source)\s+{f}/|\./{f}/"
    )
    return bool(code.search(run)) or step.get("working-directory", "").startswith(folder) or step.get("uses", "").startswith(f"./{folder}")


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_job_with_a_credential_runs_the_pull_requests_or_the_callers_code(path):
    """A `pull_request` workflow holds no credential at all. A privileged job (an OIDC permission, a write token, a
    secret, an environment) checks out at its workspace root only the default branch's code (by trigger: ROOT_REFS; in
    a reusable workflow by a fixed ref, never the caller's `github.sha`), checks out anything else only into a
    subfolder, as data, and runs nothing from that subfolder; one that reads a pull request stores no token."""
    doc = yaml.safe_load(path.read_text())
    triggers = set(doc[True])
    for name, job in doc["jobs"].items():
        if not _privileged(doc, job) or "steps" not in job:
            continue
        where = f"{path.name}:{name}"
        assert "pull_request" not in triggers, f"{where} holds a credential in a pull_request workflow"
        allowed = set.intersection(*(ROOT_REFS.get(t, {""}) for t in triggers - {"workflow_dispatch"}))
        data = []
        for step in job["steps"]:
            if triggers & {"pull_request_target", "workflow_call"}:
                assert not PR_CODE.search(step.get("run", "")), f"{where}: {step.get('run')}"
            if "workflow_call" in triggers:
                assert not CALLER_CONTEXT.search(str(step)), f"{where}: the caller's context in {step}"
            if step.get("uses", "").startswith("actions/checkout"):
                # a job that reads a pull request keeps no token on disk (the expiry run pushes with its App's)
                assert step["with"].get("persist-credentials") is False or not triggers & {"pull_request_target", "workflow_call"}, where
                ref = step["with"].get("ref", "")
                if step["with"].get("path"):
                    data.append(step["with"]["path"])
                else:
                    assert ref in allowed, f"{where}: the workspace root checked out at {ref!r} (allowed: {sorted(allowed)})"
        for folder in data:
            assert not [s for s in job["steps"] if _runs_path(s, folder)], f"{where} runs code from {folder}/, its data checkout"


def test_the_lint_catches_what_the_review_found():
    """The lint above, on the plan workflow as it was: the caller's commit at the root of a job holding id-token."""
    doc = load("plan-stacks.yml")
    job = doc["jobs"]["plan"]
    old = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout") and not s["with"].get("path"))
    assert old["with"]["ref"] == "refs/heads/main"
    assert "${{ github.sha }}" not in ROOT_REFS["workflow_call"] and CALLER_CONTEXT.search(str({"ref": "${{ github.sha }}"}))
    for run in ("python target/main.py", "pip install ./target", "cd target && make", "make -C target test", "bash target/x.sh"):
        assert _runs_path({"run": run}, "target"), run
    for run in ("sagemaker-registry check-stacks --repo target", 'git -C target cat-file blob "HEAD:x"'):
        assert not _runs_path({"run": run}, "target"), run


PINNED = re.compile(r"^\s*(- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_action_is_pinned_to_a_commit_with_its_tag_beside_it(path):
    """A tag can be moved to other code; a commit cannot. Every job's actions are pinned (those holding an OIDC
    permission, `packages: write` or an App's key above all), the release tag in a comment for readers and updates."""
    for line in path.read_text().splitlines():
        if re.match(r"^\s*(- )?uses: ", line) and "uses: ./" not in line:
            assert PINNED.match(line), f"{path.name}: {line.strip()}"


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
    # a clean folder, the blob as committed (not the checkout's working-tree bytes, which a .gitattributes can change)
    assert 'git -C target cat-file blob "HEAD:generated/stacks/$stack/cdk.tf.json" > "$work/cdk.tf.json"' in runs[planned]
    assert "-refresh-only" in runs[planned] and "plan|refresh-only)" in runs[0]
    assert "${{ inputs" not in "".join(runs), "inputs reach scripts through env, never interpolated into them"
    assert "assume_role_name" not in (WORKFLOWS / "plan-stacks.yml").read_text() + (WORKFLOWS / "plan.yml").read_text()


def test_the_summary_goes_where_no_branch_workflow_can_write_it():
    """The change summary is written to the trusted run's job summary, and posted as one comment only by an App whose key
    is a secret of an environment restricted to the default branch (any workflow of any branch can get a
    `pull-requests: write` GITHUB_TOKEN and rewrite a github-actions[bot] comment)."""
    plan = load("plan.yml")
    job = plan["jobs"]["comment"]
    assert job["permissions"] == {"contents": "read"}, "no GITHUB_TOKEN that writes"
    assert job["environment"] == "change-summary"
    assert job["needs"] == ["check", "plan"] and job["if"] == "${{ !cancelled() }}", "also without a plan role, or after a failure"
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    assert "--edit-last" not in runs and "gh pr comment" not in runs and "github-actions[bot]" not in runs
    assert 'cat change-summary.md >> "$GITHUB_STEP_SUMMARY"' in runs
    assert f'echo "{MARKER}"' in runs and f'startswith("{MARKER}")' in runs and "select(.user.login == env.AUTHOR" in runs
    assert "sagemaker-registry diff --registry pr/registry --out pr/generated" in runs and "--plans plans" in runs
    download = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/download-artifact"))
    assert download["with"] == {"name": "plans", "path": "plans"} and plan["jobs"]["plan"]["with"]["artifact"] == "plans"
    app = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/create-github-app-token"))
    assert app["with"]["private-key"] == "${{ secrets.SUMMARY_APP_PRIVATE_KEY }}" and app["with"]["permission-pull-requests"] == "write"
    posting = next(s for s in job["steps"] if "gh api" in s.get("run", ""))
    assert posting["env"]["GH_TOKEN"] == "${{ steps.app.outputs.token }}"
    assert posting["env"]["AUTHOR"] == "${{ steps.app.outputs.app-slug }}[bot]", "only the App's own comment is edited"
    assert [s for s in job["steps"] if "GH_TOKEN" in str(s.get("env", {}))] == [posting], "the token only where it posts"
    assert job["steps"].index(app) > max(i for i, s in enumerate(job["steps"]) if "sagemaker-registry " in s.get("run", ""))
    others = [load(p.name) for p in FILES if p.name != "plan.yml"]
    assert not any("pull-requests" in str(d) or "issues/" in str(d) for d in others), "no other job comments"
    for name in FILES:  # every App key lives in an environment restricted to the default branch, never in the repository
        doc = load(name.name)
        for job_name, j in doc["jobs"].items():
            if "secrets." in str(j):
                assert "environment" in j, f"{name.name}:{job_name} reads a repository secret any branch's workflow could read"


def test_a_private_repository_is_fetched_with_a_token_that_is_kept_nowhere():
    for name in ("plan.yml", "destroy-guard.yml"):
        text = (WORKFLOWS / name).read_text()
        assert "git fetch --no-tags origin" not in text or "http.extraheader=AUTHORIZATION" in text, name
    guard = load("destroy-guard.yml")["jobs"]["check-destroy"]["steps"]
    fetch = next(s for s in guard if "fetch" in s.get("run", ""))
    assert fetch["env"]["TOKEN"] == "${{ github.token }}" and "persist" not in fetch["run"]
    assert all(s["with"]["persist-credentials"] is False for s in guard if s.get("uses", "").startswith("actions/checkout"))


def _trust():
    """The plan identity's trust policy and subject customization as docs/security.md gives them to the platform."""
    security = (ROOT / "docs" / "security.md").read_text()
    policy = json.loads(re.search(r"```json\n(\{\"Version\".*?)\n```", security, re.S).group(1))
    keys = re.findall(r"include_claim_keys\[\]=(\w+)", security)
    return policy["Statement"][0]["Condition"], keys


def _accepted(condition, sub: str) -> bool:
    """IAM's reading of the condition for a token with this subject (StringEquals: one of the values exactly)."""
    assert set(condition) == {"StringEquals"}, "no wildcard: a StringLike `*` matched any context (the review's finding)"
    values = condition["StringEquals"]["token.actions.githubusercontent.com:sub"]
    return sub in (values if isinstance(values, list) else [values])


REPO = "<owner>/<repo>"
WF = f"{REPO}/.github/workflows"


def _sub(caller: str, called: str = f"{WF}/plan-stacks.yml@refs/heads/main") -> str:
    return f"repo:{REPO}:workflow_ref:{caller}:job_workflow_ref:{called}"


def test_only_plan_and_drift_on_the_default_branch_calling_plan_stacks_there_get_the_plan_identity():
    """The review's reproduction, inverted: a workflow of any branch calling plan-stacks.yml@main got a token the trust
    accepted (`repo:o/r:*:job_workflow_ref:...@refs/heads/main`); the subject now carries the caller (workflow_ref) too."""
    condition, keys = _trust()
    assert keys == ["repo", "workflow_ref", "job_workflow_ref"], "the subject's claims, in the order of the policy's values"
    assert condition["StringEquals"]["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    assert _accepted(condition, _sub(f"{WF}/plan.yml@refs/heads/main"))
    assert _accepted(condition, _sub(f"{WF}/drift.yml@refs/heads/main"))
    refused = [
        _sub(f"{WF}/evil.yml@refs/heads/evil"),  # a branch's own workflow (push) calling plan-stacks.yml@main
        _sub(f"{WF}/plan.yml@refs/heads/evil"),  # plan.yml as a branch has it
        _sub(f"{WF}/pr.yml@refs/pull/7/merge"),  # a same-repository pull request's own workflow
        _sub(f"{WF}/drift.yml@refs/heads/evil"),  # drift.yml dispatched on another branch
        _sub(f"{WF}/plan.yml@refs/heads/main", f"{WF}/plan-stacks.yml@refs/heads/evil"),
        _sub(f"{WF}/plan.yml@refs/heads/main", "other/repo/.github/workflows/plan-stacks.yml@refs/heads/main"),
    ]
    assert not [s for s in refused if _accepted(condition, s)]
    for caller, job in (("plan.yml", "plan"), ("drift.yml", "plan")):
        assert load(caller)["jobs"][job]["uses"] == "./.github/workflows/plan-stacks.yml"
    for job in load("plan-stacks.yml")["jobs"].values():
        root = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout") and not s["with"].get("path")]
        assert [s["with"]["ref"] for s in root] == ["refs/heads/main"], "the default branch's code, never the caller's commit"
