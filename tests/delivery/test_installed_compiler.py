"""The compiler as CI (`pip install .`) and the Atlantis image install it, not as the other tests run it (a checkout).

check-stacks compares a commit's stacks byte for byte with a rebuild only when the commit's compiler is the one that
runs. An installed copy once always answered "the commit changes the compiler" (the wheel lacked `jsii-node`, and
site-packages was hashed), so in production every pull request was held to the allow-list alone. Here the wheel is
built from the repository's tracked files (pip wheel, no network), installed into a folder of its own, and run from
outside any checkout: it must hold every file the checkout has (the wrapper jsii starts still executable), know
itself by those files, and compare a commit with its rebuild. One wheel build (~10 s) and two check-stacks runs with a rebuild (~15 s each).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from modules.outputs.atlantis import atlantis_yaml
from modules.plan.layout import plan
from modules.registry.validate import load_registry
from modules.review import samecompiler
from tests.helpers import EXAMPLE, TESTS

ROOT = TESTS.parent
STACK = "generated/stacks/pricing-dev/cdk.tf.json"


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _tracked() -> list[str]:
    """The compiler's files as the repository has them (tracked, or new and not ignored): what a clone would hold."""
    listed = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "modules", "pyproject.toml")
    return sorted({p for p in listed.split("\0") if p and (ROOT / p).is_file()})


@pytest.fixture(scope="module")
def installed(tmp_path_factory, example_out):
    """(a repository whose commit holds this compiler and the example's output, the installed package's folder, the wheel)."""
    tmp = tmp_path_factory.mktemp("installed")
    repo = tmp / "repo"
    for rel in _tracked():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, repo / rel)
    shutil.copytree(EXAMPLE, repo / "registry")
    shutil.copytree(example_out / "stacks", repo / "generated" / "stacks")
    (repo / "atlantis.yaml").write_text(atlantis_yaml(plan(load_registry(EXAMPLE)), "generated/stacks"))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base")
    build = tmp / "build"
    _git(repo, "worktree", "add", "-q", "--detach", str(build), "main")  # the build's own folder: setuptools writes build/ there
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    wheels = tmp / "wheels"
    subprocess.run([*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index", "-w", wheels, build], check=True)
    (wheel,) = wheels.glob("sagemaker_registry-*.whl")
    site = tmp / "site"
    subprocess.run([*pip, "install", "--quiet", "--no-deps", "--no-index", "--target", site, wheel], check=True)
    return repo, site, wheel


def _installed_check_stacks(site: Path, repo: Path, rev: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`sagemaker-registry check-stacks` of the installed copy, run from outside any checkout."""
    script = (
        "import sys, modules; assert modules.__file__.startswith(sys.argv[1]), modules.__file__;"
        "from modules.commands.cli import main; sys.exit(main(['check-stacks', '--repo', sys.argv[2], '--rev', sys.argv[3]]))"
    )
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONSAFEPATH": "1"}
    return subprocess.run([sys.executable, "-c", script, str(site), str(repo), rev], cwd=cwd, env=env, capture_output=True, text=True)


def test_the_wheel_holds_every_file_of_the_checkouts_compiler(installed):
    repo, site, wheel = installed
    tracked = {p for p in _tracked() if p.startswith("modules/")}
    names = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("modules/")}
    assert names == tracked, sorted(names ^ tracked)
    assert os.access(site / "modules" / "engine" / "jsii-node", os.X_OK), "jsii starts the wrapper: it must stay executable"
    assert samecompiler.own_files(site / "modules") == {p: samecompiler.blob_id((ROOT / p).read_bytes()) for p in tracked}
    assert samecompiler.differences(repo, "HEAD", site / "modules") == [], "the same compiler as the commit's"


def test_the_installed_compiler_compares_a_commit_with_its_rebuild(installed, tmp_path):
    repo, site, _ = installed
    proc = _installed_check_stacks(site, repo, "HEAD", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("hold only what the compiler emits, and equal this compiler's build of the commit's registry\n")
    # a hand edit in a shape the allow-list accepts: only the rebuild can tell
    path = repo / STACK
    path.write_text(path.read_text().replace('"company": "northwind"', '"company": "northwind-x"', 1))
    _git(repo, "-c", "user.name=evil", "-c", "user.email=e@example.com", "commit", "-qam", "pricing: tidy")
    proc = _installed_check_stacks(site, repo, "HEAD", tmp_path)
    assert proc.returncode == 1 and '"pricing-dev": differs from what the registry compiles to' in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_an_installed_compiler_missing_a_file_is_not_the_commits(installed, tmp_path):
    """A build that leaves a file out (as the wheel once left out jsii-node) is another compiler: held to the allow-list."""
    repo, site, _ = installed
    copy = tmp_path / "site"
    shutil.copytree(site / "modules", copy / "modules")
    for info in site.glob("sagemaker_registry-*.dist-info"):  # the pinned dependencies it was installed with
        shutil.copytree(info, copy / info.name)
    (copy / "modules" / "engine" / "jsii-node").unlink()
    assert samecompiler.differences(repo, "HEAD~1", copy / "modules") == ["modules/engine/jsii-node"]
