"""The pull-request path end to end: a git repository, an edit to one team file, synth, diff."""
import shutil
import subprocess
from pathlib import Path

import pytest

from modules.outputs import root_files
from modules.registry.load import load_registry
from modules.stacks import plan
from modules.synth import synthesize
from tests.helpers import materialize


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def synth(root: Path) -> None:
    reg, _ = load_registry(root / "registry")
    p = plan(reg)
    out = root / "generated"
    synthesize(p, out, allow_destroy=True, root_files=root_files(reg, p, root=root, out=out, registry_dir=root / "registry"))


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.parts and "registry" not in p.parts}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A repository with the base registry and its output committed, then one member added to team fraud."""
    root = tmp_path_factory.mktemp("repo")
    materialize(None, root)
    synth(root)
    git("init", "-q", "-b", "main", cwd=root)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A", cwd=root)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base", cwd=root)
    before = tree(root)
    team = root / "registry" / "teams" / "fraud.yaml"
    team.write_text(team.read_text().replace("  - {person: dave, role: viewer}",
                                             "  - {person: dave, role: viewer}\n  - {person: carol, role: data-scientist}"))
    synth(root)
    return root, before, tree(root)


def test_blast_radius_of_one_team_edit(repo):
    _, before, after = repo
    changed = sorted(name for name in after if before.get(name) != after[name])
    # carol joins as data-scientist, a role that maps sandbox and dev only: fraud-prod does not move
    # the membership in fraud's access stack, the profiles where carol gains Studio; no central stack
    assert changed == ["generated/fingerprints.json", "generated/stacks/fraud-access/cdk.tf.json",
                       "generated/stacks/fraud-dev/cdk.tf.json", "generated/stacks/fraud-sandbox/cdk.tf.json"]


def test_diff_names_the_access_change_and_the_stacks_that_plan(repo, run_cli):
    root, _, _ = repo
    code, out, err = run_cli(["diff", "--base", "main"], cwd=root)
    assert (code, err) == (0, "")
    assert out == (
        "## Registry change since main\n\n"
        "### Access\n"
        "- carol gains DataScientist in fraud-dev (fraud / data-scientist)\n"
        "- carol gains DataScientist in fraud-sandbox (fraud / data-scientist)\n\n"
        "### Studio\n"
        "- Studio profile for carol in fraud-dev added\n"
        "- Studio profile for carol in fraud-sandbox added\n\n"
        "### Stacks that will plan (3)\n"
        "`fraud-access`, `fraud-dev`, `fraud-sandbox`\n")
    code, out, _ = run_cli(["diff", "--base", "main", "--format", "json"], cwd=root)
    assert '"stacks_to_plan": [' in out and '"destructive": []' in out


def test_diff_with_an_unknown_ref_is_an_environment_error(repo, run_cli):
    root, _, _ = repo
    code, _, err = run_cli(["diff", "--base", "no-such-branch"], cwd=root)
    assert code == 2 and "unknown git ref 'no-such-branch'" in err


def test_diff_compiles_the_registry_even_when_generated_is_stale(repo, run_cli, tmp_path):
    root = tmp_path / "clone"
    shutil.copytree(repo[0], root)
    risk = root / "registry" / "teams" / "risk.yaml"
    risk.write_text(risk.read_text().replace("  - {person: bob, role: viewer}\n", ""))  # no synth after the edit
    code, out, _ = run_cli(["diff", "--base", "main"], cwd=root)
    assert code == 0
    assert "- bob loses ReadOnly in risk-dev (was risk / viewer)" in out
    assert "`fraud-access`, `fraud-dev`, `fraud-sandbox`, `risk-access`\n" in out
    code, out, _ = run_cli(["diff", "--base", "main", "--no-synth"], cwd=root)
    assert "`fraud-access`, `fraud-dev`, `fraud-sandbox`\n" in out, "--no-synth trusts the output folder as it is"
