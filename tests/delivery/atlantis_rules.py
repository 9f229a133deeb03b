"""Atlantis's own rules for a server-side repo config and for the repo-level atlantis.yaml it admits, encoded from
Atlantis's source (runatlantis/atlantis at 078d0a82081e8a2b1645268c5f5bfec578246fa9, v0.47.1 and later):

- the keys each level accepts, unknown keys being errors (the YAML decoders use KnownFields(true)):
  https://github.com/runatlantis/atlantis/blob/078d0a82081e8a2b1645268c5f5bfec578246fa9/server/core/config/parser_validator.go
  https://github.com/runatlantis/atlantis/blob/078d0a82081e8a2b1645268c5f5bfec578246fa9/server/core/config/raw/global_cfg.go
  https://github.com/runatlantis/atlantis/blob/078d0a82081e8a2b1645268c5f5bfec578246fa9/server/core/config/raw/repo_cfg.go
  https://github.com/runatlantis/atlantis/blob/078d0a82081e8a2b1645268c5f5bfec578246fa9/server/core/config/raw/project.go
- a repo's id (exact, or /regex/), branch (/regex/), allowed_overrides and requirement values, and that every
  workflow it names is defined (raw/global_cfg.go Repo.Validate, GlobalCfg.Validate; raw/project.go validApplyReq);
- the stages of a workflow and the forms of a step (raw/workflow.go, raw/step.go Step.Validate);
- what a repo-level config may set under the server's config: no project `workflow`, `apply_requirements`,
  `plan_requirements`, `import_requirements`, ... unless allowed_overrides lists it, no `workflows` unless
  allow_custom_workflows (valid/global_cfg.go GlobalCfg.ValidateRepoCfg).
Each function returns Atlantis's error message for the first violation, or None.
"""

from __future__ import annotations

import re
from typing import Any

GLOBAL_KEYS = {"repos", "workflows", "policies", "metrics", "team_authz", "external_stores"}
REPO_KEYS = {
    "id",
    "branch",
    "repo_config_file",
    "plan_requirements",
    "apply_requirements",
    "import_requirements",
    "pre_workflow_hooks",
    "workflow",
    "post_workflow_hooks",
    "allowed_workflows",
    "allowed_overrides",
    "allow_custom_workflows",
    "delete_source_branch_on_merge",
    "repo_locking",
    "repo_locks",
    "policy_check",
    "custom_policy_check",
    "autodiscover",
    "silence_pr_comments",
}
OVERRIDES = {
    "plan_requirements",
    "apply_requirements",
    "import_requirements",
    "workflow",
    "delete_source_branch_on_merge",
    "repo_locking",
    "repo_locks",
    "policy_check",
    "custom_policy_check",
    "silence_pr_comments",
}
REQUIREMENTS = {"approved", "mergeable", "undiverged"}
STAGES = {"apply", "plan", "policy_check", "import", "state_rm"}
BUILT_IN_STEPS = {"init", "plan", "apply", "env", "multienv", "show", "policy_check", "import", "state_rm"}
REPO_CFG_KEYS = {
    "version",
    "projects",
    "workflows",
    "policies",
    "autodiscover",
    "automerge",
    "parallel_apply",
    "parallel_plan",
    "delete_source_branch_on_merge",
    "emoji_reaction",
    "allowed_regexp_prefixes",
    "abort_on_execution_order_fail",
    "repo_locks",
    "silence_pr_comments",
}
PROJECT_KEYS = {
    "name",
    "branch",
    "dir",
    "workspace",
    "workflow",
    "terraform_distribution",
    "terraform_version",
    "autoplan",
    "plan_requirements",
    "apply_requirements",
    "import_requirements",
    "depends_on",
    "delete_source_branch_on_merge",
    "repo_locking",
    "repo_locks",
    "execution_order_group",
    "policy_check",
    "custom_policy_check",
    "silence_pr_comments",
}
# Project keys that need the server's allowed_overrides (ValidateRepoCfg), by the key they need.
NEEDS_OVERRIDE = {
    "workflow": "workflow",
    "apply_requirements": "apply_requirements",
    "plan_requirements": "plan_requirements",
    "import_requirements": "import_requirements",
    "delete_source_branch_on_merge": "delete_source_branch_on_merge",
    "repo_locking": "repo_locking",
    "repo_locks": "repo_locks",
    "custom_policy_check": "custom_policy_check",
    "silence_pr_comments": "silence_pr_comments",
}


def _regex(value: str) -> bool:
    return value.startswith("/") and value.endswith("/")


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def step_error(step: Any) -> str | None:
    """raw/step.go Step.Validate: a built-in name; {built-in: {extra_args: [...]}}; {run: "cmd"}; {run|multienv:
    {command, output, shell, shellArgs}}; {env: {name, value|command, shell, shellArgs}}."""
    if isinstance(step, str):
        return None if step in BUILT_IN_STEPS else f"{step!r} is not a valid step type, maybe you omitted the 'run' key"
    if not isinstance(step, dict) or len(step) != 1:
        return "step element can only contain a single key"
    ((name, args),) = step.items()
    if isinstance(args, str):
        return None if name in ("run", "multienv") else f"{name!r} is not a valid step type"
    if not isinstance(args, dict):
        return f"{name!r} step is malformed"
    if name in ("run", "multienv"):
        if not isinstance(args.get("command"), str):
            return f"{name!r} step must have a 'command' key set"
        extra = set(args) - {"command", "output", "shell", "shellArgs"}
        return f"{name!r} steps only support keys command, output, shell and shellArgs, found extra keys {sorted(extra)}" if extra else None
    if name == "env":
        if "name" not in args:
            return "env steps must have a 'name' key set"
        if "value" in args and "command" in args:
            return "env steps only support one of the 'value' or 'command' keys, found both"
        extra = set(args) - {"name", "value", "command", "shell", "shellArgs"}
        return f"env steps only support keys name, value, command, shell and shellArgs, found key {sorted(extra)}" if extra else None
    if name not in BUILT_IN_STEPS:
        return f"{name!r} is not a valid step type"
    if set(args) != {"extra_args"} or not isinstance(args["extra_args"], list):
        return f"built-in steps only support a single extra_args key, found {sorted(args)} in step {name}"
    return None


def global_cfg_error(cfg: Any) -> str | None:
    if not isinstance(cfg, dict):
        return "the server-side repo config is not a mapping"
    if extra := set(cfg) - GLOBAL_KEYS:
        return f"field {sorted(extra)[0]} not found in type raw.GlobalCfg"
    workflows = cfg.get("workflows") or {}
    for name, workflow in workflows.items():
        if extra := set(workflow or {}) - STAGES:
            return f"workflow {name}: field {sorted(extra)[0]} not found in type raw.Workflow"
        for stage, body in (workflow or {}).items():
            if extra := set(body or {}) - {"steps"}:
                return f"workflow {name}.{stage}: field {sorted(extra)[0]} not found in type raw.Stage"
            for step in (body or {}).get("steps") or []:
                if err := step_error(step):
                    return f"workflows: ({name}: ({stage}: (steps: {err}.).).)"
    for repo in cfg.get("repos") or []:
        if extra := set(repo) - REPO_KEYS:
            return f"field {sorted(extra)[0]} not found in type raw.Repo"
        if not repo.get("id"):
            return "repos: (id: cannot be blank.)"
        if _regex(repo["id"]) and not _compiles(repo["id"][1:-1]):
            return f"parsing: {repo['id']}"
        branch = repo.get("branch", "")
        if branch and (not _regex(branch) or not _compiles(branch[1:-1])):
            return "branch: regex must begin and end with a slash '/'"
        for hook in (repo.get("pre_workflow_hooks") or []) + (repo.get("post_workflow_hooks") or []):
            if not isinstance(hook, dict) or list(hook) != ["run"] or not isinstance(hook["run"], str):
                return "workflow hooks: step element can only contain a single key, run"  # raw/workflow_step.go
        for override in repo.get("allowed_overrides") or []:
            if override not in OVERRIDES:
                return f"{override!r} is not a valid override"
        for key in ("plan_requirements", "apply_requirements", "import_requirements"):
            for req in repo.get(key) or []:
                if req not in REQUIREMENTS:
                    return f"{req!r} is not a valid {key[:-1]}"
        for name in [repo.get("workflow")] * ("workflow" in repo) + list(repo.get("allowed_workflows") or []):
            if name != "default" and name not in workflows:
                return f"workflow {name!r} is not defined"
    return None


def _matching(cfg: dict[str, Any], repo_id: str, key: str, default: Any) -> Any:
    """The last matching repo's value (the server's config follows its implicit `id: /.*/` defaults)."""
    value = default
    for repo in cfg.get("repos") or []:
        rid = repo["id"]
        if (re.search(rid[1:-1], repo_id) if _regex(rid) else rid == repo_id) and repo.get(key) is not None:
            value = repo[key]
    return value


def repo_cfg_error(repo_cfg: Any, server: dict[str, Any], repo_id: str) -> str | None:
    """raw/repo_cfg.go RepoCfg.Validate, raw/project.go keys, and valid/global_cfg.go ValidateRepoCfg."""
    if not isinstance(repo_cfg, dict):
        return "atlantis.yaml is not a mapping"
    if extra := set(repo_cfg) - REPO_CFG_KEYS:
        return f"field {sorted(extra)[0]} not found in type raw.RepoCfg"
    if repo_cfg.get("version") not in (2, 3):
        return "version: only versions 2 and 3 are supported"
    allowed = _matching(server, repo_id, "allowed_overrides", [])
    for project in repo_cfg.get("projects") or []:
        if extra := set(project) - PROJECT_KEYS:
            return f"field {sorted(extra)[0]} not found in type raw.Project"
        if ".." in str(project.get("dir", "")):
            return "dir: cannot contain '..'"
        for key, override in NEEDS_OVERRIDE.items():
            if key in project and override not in allowed:
                return f"repo config not allowed to set '{key}' key: server-side config needs 'allowed_overrides: [{override}]'"
    if repo_cfg.get("workflows") and not _matching(server, repo_id, "allow_custom_workflows", False):
        return "repo config not allowed to define custom workflows: server-side config needs 'allow_custom_workflows: true'"
    return None
