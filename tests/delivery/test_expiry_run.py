"""The expiry run and `validate --today` as commands: expired entries leave their files (every other byte kept) with
the destroy opt-ins for their Studio profiles; the pull request that results passes check-destroy; an expired
entry cannot be merged back; the diff and the access review show end dates."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from modules.outputs.access import access_report
from modules.outputs.codeowners import codeowners
from modules.plan.layout import plan
from modules.registry.validate import load_registry
from modules.review.compare import summarize
from modules.review.render import as_dict, markdown
from tests.delivery.test_pull_request import git, synth
from tests.helpers import materialize

COMMIT = ("-c", "user.name=t", "-c", "user.email=t@example.com")
GRANTS = (
    "# temporary access, reviewed by the platform\n"
    "grants:\n"
    '  - {person: carol, team: fraud, role: data-scientist, environments: [dev], until: 2027-01-15, reason: "INC-1 backfill"}\n'
    '  - {person: dave, team: fraud, role: viewer, environments: [prod], until: 2027-06-30, reason: "INC-2 audit"}\n'
)


def time_bound(root: Path) -> Path:
    """The base fixture with bob (data-scientist: Studio in sandbox and dev) and alice (lead, an owner) ending on
    2027-01-31, and two grants."""
    reg = materialize(None, root)
    team = reg / "teams" / "fraud.yaml"
    text = team.read_text()
    text = text.replace(
        "  - {person: bob, role: data-scientist}", "  - {person: bob, role: data-scientist, until: 2027-01-31}  # contractor"
    )
    text = text.replace("  - {person: alice, role: lead}", "  - {person: alice, role: lead, until: 2027-01-31}")
    team.write_text(text)
    (reg / "grants.yaml").write_text(GRANTS)
    return reg


@pytest.fixture
def registry(tmp_path):
    return time_bound(tmp_path)


def test_expire_removes_exactly_the_expired_lines_and_writes_the_opt_ins(registry, tmp_path, run_cli):
    team, grants = registry / "teams" / "fraud.yaml", registry / "grants.yaml"
    before = {p: p.read_text() for p in (team, grants)}
    code, out, err = run_cli(["expire", "--today", "2027-02-01"], cwd=tmp_path)
    assert (code, err) == (0, "")
    kept = lambda p, gone: [line for line in before[p].splitlines(keepends=True) if not any(g in line for g in gone)]  # noqa: E731
    assert team.read_text().splitlines(keepends=True) == kept(team, ["person: bob", "person: alice"])
    assert grants.read_text().splitlines(keepends=True) == kept(grants, ["person: carol"])
    allow = (tmp_path / "allow-destroy.yaml").read_text()
    entries = re.findall(r"- stack: (\S+)\n    address: '(.+)'\n    reason: '(.+)'\n", allow)
    assert sorted((s, a) for s, a, _ in entries) == [
        ("fraud-dev", 'aws_sagemaker_user_profile.profiles["alice"]'),
        ("fraud-dev", 'aws_sagemaker_user_profile.profiles["bob"]'),
        ("fraud-dev", 'aws_sagemaker_user_profile.profiles["carol"]'),
        ("fraud-prod", 'aws_sagemaker_user_profile.profiles["alice"]'),
        ("fraud-sandbox", 'aws_sagemaker_user_profile.profiles["alice"]'),
        ("fraud-sandbox", 'aws_sagemaker_user_profile.profiles["bob"]'),
    ]
    assert all(reason.startswith("expired 2027-01-") for *_, reason in entries)
    assert "registry/teams/fraud.yaml: 2 entries ended before 2027-02-01" in out
    assert "note: alice stays an owner of fraud" in out and "no owner of fraud is a member any more" in out
    assert out.endswith("expire: removed 3 entries from 2 file(s)\n")
    load_registry(registry)  # still valid: alice is still the owner
    code, out, _ = run_cli(["expire", "--today", "2027-02-01"], cwd=tmp_path)
    assert (code, out) == (0, "expire: nothing ended before 2027-02-01\n"), "a second run finds nothing"


def test_one_file_at_a_time_as_json_and_a_dry_run_writes_nothing(registry, tmp_path, run_cli):
    snapshot = {p: p.read_bytes() for p in registry.rglob("*") if p.is_file()}
    code, out, _ = run_cli(["expire", "--today", "2027-07-01", "--dry-run", "--format", "json"], cwd=tmp_path)
    assert code == 0 and {p: p.read_bytes() for p in registry.rglob("*") if p.is_file()} == snapshot
    assert not (tmp_path / "allow-destroy.yaml").exists()
    doc = json.loads(out)
    assert [(f["rel"], f["team"], len(f["removed"])) for f in doc["files"]] == [("grants.yaml", None, 2), ("teams/fraud.yaml", "fraud", 2)]
    assert doc["files"][0]["removed"][1] == {
        "kind": "grant",
        "team": "fraud",
        "person": "dave",
        "role": "viewer",
        "until": "2027-06-30",
        "environments": ["prod"],
        "reason": "INC-2 audit",
        "line": 4,
    }
    assert doc["files"][0]["allow_destroy"] == [
        {
            "stack": "fraud-dev",
            "address": 'aws_sagemaker_user_profile.profiles["carol"]',
            "reason": "expired 2027-01-15: carol's grant of fraud / data-scientist (expiry run of 2027-07-01); "
            "the Studio profile and its home folder go",
        }
    ]
    code, out, _ = run_cli(["expire", "--today", "2027-07-01", "--file", "grants.yaml", "--format", "json"], cwd=tmp_path)
    assert code == 0 and [f["rel"] for f in json.loads(out)["files"]] == ["grants.yaml"]
    assert "person: bob" in (registry / "teams" / "fraud.yaml").read_text(), "only the file asked for"
    assert (registry / "grants.yaml").read_text() == "# temporary access, reviewed by the platform\ngrants:\n"


def test_an_invalid_registry_is_refused_and_nothing_is_written(registry, tmp_path, run_cli):
    (registry / "teams" / "risk.yaml").write_text((registry / "teams" / "risk.yaml").read_text().replace("role: viewer", "role: viewr"))
    snapshot = {p: p.read_bytes() for p in registry.rglob("*") if p.is_file()}
    code, out, err = run_cli(["expire", "--today", "2027-07-01"], cwd=tmp_path)
    assert code == 1 and out == "" and "unknown role 'viewr'" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in registry.rglob("*") if p.is_file()} == snapshot
    code, _, err = run_cli(["expire", "--today", "2027-02-30"], cwd=tmp_path)
    assert code == 2 and "'2027-02-30' is not a date" in err


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A repository whose main branch holds the time-bound registry and its output."""
    root = tmp_path_factory.mktemp("expiry-repo")
    time_bound(root)
    synth(root)
    git("init", "-q", "-b", "main", cwd=root)
    git(*COMMIT, "add", "-A", cwd=root)
    git(*COMMIT, "commit", "-qm", "base", cwd=root)
    return root


def test_the_expiry_pull_request_passes_the_destroy_guard(repo, tmp_path, run_cli):
    """What the workflow does for one team file: expire it, synth --allow-destroy, commit; check-destroy approves the
    profile removals by the entries the run wrote, and nothing else."""
    pr = tmp_path / "pr"
    shutil.copytree(repo, pr, symlinks=True)
    code, _, _ = run_cli(["expire", "--today", "2027-02-01", "--file", "teams/fraud.yaml"], cwd=pr)
    assert code == 0
    synth(pr)
    code, out, _ = run_cli(["check-destroy", "--base", "main"], cwd=pr)
    assert code == 0, out
    assert out.count("approved (expired 2027-01-31: ") == 5  # bob in sandbox and dev, alice in sandbox, dev, prod
    code, out, _ = run_cli(["validate", "--registry", "registry", "--today", "2027-02-01", "--base", "main"], cwd=pr)
    assert code == 0


def test_validate_today_refuses_an_expired_entry_the_change_adds_and_warns_on_the_others(repo, tmp_path, run_cli):
    pr = tmp_path / "pr"
    shutil.copytree(repo, pr, symlinks=True)
    grants = pr / "registry" / "grants.yaml"
    grants.write_text(
        grants.read_text() + '  - {person: alice, team: risk, role: viewer, environments: [dev], until: 2027-01-20, reason: "x"}\n'
    )
    code, out, err = run_cli(["validate", "--registry", "registry", "--today", "2027-02-01", "--base", "main"], cwd=pr)
    assert code == 1 and out == ""
    assert (
        "registry/grants.yaml:5: grant for 'alice': until 2027-01-20 has passed (today is 2027-02-01, UTC): a change may not add or "
        "change expired access; remove the entry, or end it on 2027-02-01 or later" in err
    )
    assert "warning: registry/teams/fraud.yaml:11: team 'fraud' › member 'alice': until 2027-01-31 has passed" in err
    assert err.count("warning: ") == 3 and err.rstrip().endswith("1 error found; nothing was written.")
    code, out, err = run_cli(["validate", "--registry", "registry", "--today", "2027-01-10", "--base", "main"], cwd=pr)
    assert (code, err) == (0, "") and out.startswith("registry: valid")
    code, _, err = run_cli(["validate", "--registry", "registry", "--base", "main"], cwd=pr)
    assert code == 2 and "give --today too" in err


# ---- end dates in the change summary and the access review ----


def test_the_diff_shows_end_dates_where_access_is_granted_or_its_end_moves(tmp_path):
    reg_dir = materialize(None, tmp_path)
    base_reg = load_registry(reg_dir)
    base = (base_reg, plan(base_reg))
    team = reg_dir / "teams" / "fraud.yaml"
    team.write_text(
        team.read_text().replace(
            "  - {person: dave, role: viewer}",
            "  - {person: dave, role: viewer, until: 2027-03-31}\n  - {person: carol, role: viewer, until: 2027-02-28}",
        )
    )
    (reg_dir / "grants.yaml").write_text(GRANTS)
    new_reg = load_registry(reg_dir)
    s = summarize(base, (new_reg, plan(new_reg)), [])
    md = markdown(s, "t")
    assert "carol gains ReadOnly in fraud-dev, fraud-prod (fraud / viewer, until 2027-02-28)" in md
    assert "carol gains DataScientist in fraud-dev (grant fraud / data-scientist, until 2027-01-15: INC-1 backfill)" in md
    assert "dave's membership in fraud / viewer now ends after 2027-03-31 (was without end)" in md
    doc = as_dict(s)
    gained = [c for c in doc["changes"] if c["kind"] == "access_gained"]
    assert {(c["facts"]["person"], c["facts"]["until"]) for c in gained} >= {("carol", "2027-02-28"), ("carol", "2027-01-15")}
    ended = next(c for c in doc["changes"] if c["kind"] == "access_end_changed")
    assert ended["facts"] == {
        "person": "dave",
        "team": "fraud",
        "role": "viewer",
        "grant": False,
        "old_until": None,
        "new_until": "2027-03-31",
    }


def test_the_access_review_shows_the_end_of_each_row(example_registry):
    p = plan(example_registry)
    md = access_report(p, "md")
    assert "| bruno | pricing-prod | ReadOnly | pricing / viewer |  | 2027-06-30 |" in md
    assert "| dana | pricing-dev | MLEngineer | grant pricing / ml-engineer: INC-2291 backfill" in md and "| yes | 2027-01-15 |" in md
    csv = access_report(p, "csv")
    assert "bruno,no,pricing-prod,ReadOnly,pricing,viewer,no,2027-06-30,,registry\n" in csv
    rows = json.loads(access_report(p, "json"))["grants"]
    dana = next(r for r in rows if (r["person"], r["account"]) == ("dana", "pricing-dev"))
    assert (dana["until"], dana["role"], dana["studio"]) == ("2027-01-15", "ml-engineer", True) and dana["reason"].startswith("INC-2291")
    assert all(r["until"] is None for r in rows if r["person"] == "farah"), "access without end has no date"


def test_the_expiry_workflow_runs_the_default_branchs_code_and_opens_pull_requests_that_run_their_checks():
    root = Path(__file__).resolve().parents[2]
    text = (root / ".github" / "workflows" / "expire.yml").read_text()
    doc = yaml.safe_load(text)
    assert set(doc[True]) == {"schedule", "workflow_dispatch"}, "never a pull request's code"  # PyYAML reads `on` as True
    steps = doc["jobs"]["expire"]["steps"]
    assert steps[0]["uses"].startswith("actions/create-github-app-token@"), "a GitHub App token, so the pull requests run their checks"
    assert steps[1]["with"]["ref"] == "${{ github.event.repository.default_branch }}"
    script = next(s["run"] for s in steps if s.get("name") == "One pull request per file")
    assert 'expire --today "$TODAY" --file "$rel"' in script and "synth --allow-destroy" in script and "gh pr create" in script
    guard = yaml.safe_load((root / ".github" / "workflows" / "destroy-guard.yml").read_text())
    assert guard[True] == {"pull_request_target": {"branches": ["main"]}}, "the check runs the default branch's code"
    assert any("validate --registry pr/registry --today" in s.get("run", "") for s in guard["jobs"]["check-destroy"]["steps"])
    check = root / ".venv-scan" / "bin" / "check-jsonschema"
    proc = subprocess.run(
        [str(check), "--builtin-schema", "vendor.github-workflows", str(root / ".github" / "workflows" / "expire.yml")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_grants_are_the_platform_admins_file_whatever_a_team_file_says(example_registry):
    lines = codeowners(example_registry, {t.name: f"registry/teams/{t.name}.yaml" for t in example_registry.teams}).splitlines()
    assert "/registry/grants.yaml @amara-ok" in lines
    assert lines.index("/registry/grants.yaml @amara-ok") > max(i for i, line in enumerate(lines) if line.startswith("/registry/teams/"))
