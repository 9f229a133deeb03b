"""The Atlantis server's repo config (atlantis/repos.yaml), its image (atlantis/Dockerfile) and the repository's
atlantis.yaml: valid by Atlantis's own rules (tests/delivery/atlantis_rules.py), and such that no pull request can
choose a workflow, drop a requirement, or make the server run anything but the compiler installed in its image."""

import json
import os
import re
import tomllib

import pytest
import yaml

from modules.review.stackshape import REQUIRED_PROVIDERS
from tests.delivery.atlantis_rules import global_cfg_error, repo_cfg_error, step_error
from tests.helpers import TESTS

ROOT = TESTS.parent
REPOS = yaml.safe_load((ROOT / "atlantis" / "repos.yaml").read_text())
DOCKERFILE = (ROOT / "atlantis" / "Dockerfile").read_text()
REPO_ID = "github.com/northwind/sagemaker-platform"
STAGES = ("plan", "apply", "import", "state_rm")


def _steps(stage):
    return REPOS["workflows"]["registry"][stage]["steps"]


def _runs(stage):
    return [s["run"] for s in _steps(stage) if isinstance(s, dict) and "run" in s]


def test_the_shipped_repo_config_is_valid_and_admits_the_committed_atlantis_yaml():
    assert global_cfg_error(REPOS) is None
    assert repo_cfg_error(yaml.safe_load((ROOT / "atlantis.yaml").read_text()), REPOS, REPO_ID) is None


def test_the_repository_may_override_nothing_and_define_no_workflow():
    (repo,) = REPOS["repos"]
    # once per command, the whole commit compared with a rebuild; a failing hook stops the command
    assert repo["pre_workflow_hooks"] == [{"run": 'sagemaker-registry check-stacks --repo "$DIR"'}]
    assert "ATLANTIS_FAIL_ON_PRE_WORKFLOW_HOOK_ERROR=true" in DOCKERFILE
    # no import, no state rm (and no policy approval: there is no policy check); their stages stay as a fence
    assert "ATLANTIS_ALLOW_COMMANDS=version,plan,apply,unlock,cancel " in DOCKERFILE
    assert repo["workflow"] == "registry" and repo["allowed_workflows"] == ["registry"]
    assert repo["allowed_overrides"] == [] and repo["allow_custom_workflows"] is False
    assert repo["apply_requirements"] == ["approved", "mergeable"] and repo["import_requirements"] == ["approved", "mergeable"]
    committed = yaml.safe_load((ROOT / "atlantis.yaml").read_text())
    assert set(committed) == {"version", "automerge", "parallel_plan", "parallel_apply", "projects"}
    assert all(set(p) == {"name", "dir", "execution_order_group", "depends_on", "autoplan"} for p in committed["projects"])


PLANTED = [
    (
        "a workflow of its own",
        {"workflows": {"evil": {"plan": {"steps": [{"run": "sh evil.sh"}]}}}},
        None,
        "not allowed to define custom workflows",
    ),
    ("a project choosing a workflow", {}, {"workflow": "default"}, "not allowed to set 'workflow' key"),
    ("a project dropping approval", {}, {"apply_requirements": ["mergeable"]}, "not allowed to set 'apply_requirements' key"),
    ("a project dropping import approval", {}, {"import_requirements": []}, "not allowed to set 'import_requirements' key"),
    ("a project without repo locks", {}, {"repo_locks": {"mode": "disabled"}}, "not allowed to set 'repo_locks' key"),
    ("an unknown key", {"pre_workflow_hooks": [{"run": "sh evil.sh"}]}, None, "not found in type raw.RepoCfg"),
]


@pytest.mark.parametrize("what, top, project, message", PLANTED, ids=[p[0] for p in PLANTED])
def test_atlantis_itself_refuses_a_planted_atlantis_yaml(what, top, project, message):
    doc = yaml.safe_load((ROOT / "atlantis.yaml").read_text())
    doc.update(top)
    doc["projects"][0].update(project or {})
    assert message in (repo_cfg_error(doc, REPOS, REPO_ID) or "")
    # the repo config this repository expected before: the same pull request was admitted
    before = {"repos": [{"id": "/.*/", "allowed_overrides": ["workflow", "apply_requirements"], "allow_custom_workflows": True}]}
    if "unknown key" not in what and "import" not in what and "locks" not in what:
        assert repo_cfg_error(doc, before, REPO_ID) is None


def test_the_rules_refuse_a_repo_config_atlantis_refuses():
    """The encoded rules can fail: each of these is a config the Atlantis server refuses to start with."""
    broken = [
        ({"repos": [{"id": "/.*/", "allowed_overrides": ["workflows"]}]}, "is not a valid override"),
        ({"repos": [{"id": "/.*/", "workflow": "registry"}]}, "workflow 'registry' is not defined"),
        ({"repos": [{"id": "/(/"}]}, "parsing: /(/"),
        ({"repos": [{"id": "/.*/", "branch": "main"}]}, "regex must begin and end with a slash"),
        ({"repos": [{"id": "/.*/", "apply_requirements": ["reviewed"]}]}, "is not a valid apply_requirement"),
        ({"repos": [{"id": "/.*/", "allow_overrides": []}]}, "field allow_overrides not found"),
        ({"repos": [{}]}, "id: cannot be blank"),
        ({"repos": [{"id": "/.*/", "pre_workflow_hooks": [{"run": "x", "description": "y"}]}]}, "can only contain a single key"),
        ({"workflows": {"w": {"plan": {"steps": ["terraform plan"]}}}}, "maybe you omitted the 'run' key"),
        ({"workflows": {"w": {"plan": {"steps": [{"init": {"args": []}}]}}}}, "built-in steps only support a single extra_args key"),
        ({"workflows": {"w": {"plan": {"steps": [{"env": {"value": "x"}}]}}}}, "env steps must have a 'name' key set"),
        ({"workflows": {"w": {"deploy": {"steps": []}}}}, "field deploy not found"),
    ]
    for cfg, message in broken:
        assert message in (global_cfg_error(cfg) or ""), cfg
    assert step_error({"run": "x", "env": "y"}) == "step element can only contain a single key"


def test_every_stage_checks_first_and_runs_only_the_installed_compiler():
    for stage in STAGES:
        steps = _steps(stage)
        first_run = next(s for s in steps if isinstance(s, dict) and "run" in s)
        assert first_run["run"].startswith("sagemaker-registry check-stacks --atlantis --rebuild never"), stage
        terraform = [i for i, s in enumerate(steps) if s in ("init", "plan", "apply", "import", "state_rm") or "init" in s]
        assert steps.index(first_run) < min(terraform), f"{stage}: the check runs before Terraform"
        assert {"env": {"name": "TF_VAR_access_mode", "value": "apply"}} in steps, stage
        for run in _runs(stage):
            assert not re.search(r"main\.py|modules/|\bmake\b|\bpip\b|python|\./", run), run
            commands = [c.strip() for c in re.split(r"&&|>", run)]
            assert all(c.startswith(("sagemaker-registry ", "terraform ", '"$DIR/')) for c in commands), run
        for run in _runs(stage):
            if "sagemaker-registry post" in run:
                assert '--registry "$REPO_ROOT/registry"' in run and "--manifests" not in run, "manifests are rebuilt, never read"
    inits = [s["init"] for st in ("plan", "import", "state_rm") for s in _steps(st) if isinstance(s, dict) and "init" in s]
    assert inits and all(i == {"extra_args": ["-plugin-dir=/opt/terraform/plugins"]} for i in inits)


def test_the_image_is_built_from_the_default_branch_and_holds_what_the_steps_call():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"] == {"sagemaker-registry": "modules.commands.cli:entry"}
    assert "FROM python:3.11-" in DOCKERFILE, "pyproject.toml requires Python 3.11"
    assert "COPY modules ./modules" in DOCKERFILE and "python -m pip install --no-cache-dir ." in DOCKERFILE
    assert "COPY pyproject.toml ./" in DOCKERFILE, "the build reads pyproject.toml (package data: every file of modules/)"
    instructions = "\n".join(line for line in DOCKERFILE.splitlines() if not line.startswith("#"))
    assert "main.py" not in instructions, "the image runs the installed command, never a main.py"
    assert (
        "COPY atlantis/repos.yaml /etc/atlantis/repos.yaml" in DOCKERFILE and "ATLANTIS_REPO_CONFIG=/etc/atlantis/repos.yaml" in DOCKERFILE
    )
    assert "providers mirror /opt/terraform/plugins" in DOCKERFILE, "the plugin folder the init steps name"
    atlantis = re.search(r"runatlantis/atlantis:v(\d+)\.(\d+)\.(\d+)", DOCKERFILE)
    assert atlantis and (int(atlantis[1]), int(atlantis[2])) >= (0, 27), "depends_on needs Atlantis 0.27"
    plan_stacks = yaml.safe_load((ROOT / ".github" / "workflows" / "plan-stacks.yml").read_text())
    version = next(s["with"]["terraform_version"] for s in plan_stacks["jobs"]["plan"]["steps"] if "setup-terraform" in s.get("uses", ""))
    assert f"hashicorp/terraform:{version} " in DOCKERFILE and f"ATLANTIS_DEFAULT_TF_VERSION={version}" in DOCKERFILE
    image = yaml.safe_load((ROOT / ".github" / "workflows" / "atlantis-image.yml").read_text())
    assert image[True]["push"] == {"branches": ["main"]} and "pull_request" not in str(image[True])
    build = next(s for s in image["jobs"]["build"]["steps"] if "build-push-action" in s.get("uses", ""))
    assert build["with"]["file"] == "atlantis/Dockerfile" and build["with"]["context"] == "."


def test_the_providers_are_mirrored_from_the_pin_the_allow_list_requires():
    doc = json.loads((ROOT / "atlantis" / "providers" / "versions.tf.json").read_text())
    assert doc == {"terraform": {"required_providers": REQUIRED_PROVIDERS}}


def test_every_folder_of_the_compiler_is_a_package_the_image_installs():
    for folder in sorted(p for p in (ROOT / "modules").rglob("*") if p.is_dir() and p.name != "__pycache__"):
        if any(folder.glob("*.py")):
            assert (folder / "__init__.py").is_file(), f"{folder}: not a package, so `pip install .` would leave it out"
    from modules.commands.cli import entry

    assert callable(entry)


def test_every_file_of_the_compiler_besides_python_is_package_data():
    """`pip install .` copies only .py files and the package data pyproject.toml lists: the Node wrapper jsii starts
    and its preload must stay beside engine/node.py, which finds them there (and the wrapper executable)."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    others = [p for p in (ROOT / "modules").rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert others, "the engine's Node wrapper and preload"
    for path in others:
        package = ".".join(path.parent.relative_to(ROOT).parts)
        assert any(path.match(glob) for glob in data.get(package, [])), f"{path.relative_to(ROOT)} is not in [tool.setuptools.package-data]"
    assert os.access(ROOT / "modules" / "engine" / "jsii-node", os.X_OK)
