"""A team's whole journey, as the README's team guide tells it, on a fresh copy of the example: onboard a team in
two pull requests, add a person, raise a budget, share a model, publish a library, decommission the team.

Each pull request is an edit, `validate`, `synth`, `diff --base main` (Markdown and JSON), then a merge into main
(a commit), as Atlantis would apply it. Every edit below is quoted from README.md, so the guide and the walk
cannot drift apart. New accounts show in the pull request whose apply creates them, and in no other."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from modules.review.guard import REASON_PLACEHOLDER
from modules.review.mdtext import text as md_text
from tests.delivery.test_pull_request import git
from tests.helpers import EXAMPLE

ROOT = Path(__file__).resolve().parents[2]
COMMIT = ("-c", "user.name=t", "-c", "user.email=t@example.com")

NEW_TEAM = """\
# yaml-language-server: $schema=../schema.json
name: ledger
description: Ledger anomaly detection
cost_center: CC-3100
owners: [ivan]
status: onboarding
environments:
  dev: {}
  prod: {}
members:
  - {person: ivan, role: lead}
  - {person: julia, role: viewer}
sagemaker:
  instance_types: [ml.t3.medium, ml.m5.xlarge]
"""
NEW_MEMBER = "  - {person: hana, role: data-scientist}\n"
BUDGET = "  dev: {budget_usd: 3000}\n"
SHARE = """\
shares:
  - name: ledger-anomaly-models
    kind: model_package_group
    resource: ledger-anomaly
    from: prod
    to:
      - {team: pricing, environment: prod}
"""
LIBRARY = """\
libraries:
  publish: [northwind-ledger-features]
"""


class Repo:
    def __init__(self, root: Path, run_cli):
        self.root, self.run_cli = root, run_cli
        self.team = root / "registry" / "teams" / "ledger.yaml"
        self.diffs: dict[str, dict] = {}

    def cli(self, *args: str) -> tuple[int, str, str]:
        return self.run_cli(list(args), cwd=self.root)

    def edit(self, old: str, new: str) -> None:
        text = self.team.read_text()
        assert old in text, old
        self.team.write_text(text.replace(old, new, 1))

    def pull_request(self, name: str, *, synth_args: tuple[str, ...] = ()) -> tuple[str, str]:
        """validate, synth, diff (Markdown and JSON); returns (synth's output, the Markdown summary)."""
        code, out, err = self.cli("validate")
        assert (code, err) == (0, "") and out.startswith("registry: valid — "), err
        code, synth_out, err = self.cli("synth", "--quiet", *synth_args)
        assert (code, err) == (0, ""), err
        code, md, err = self.cli("diff", "--base", "main", "--no-synth")
        assert (code, err) == (0, ""), err
        code, text, err = self.cli("diff", "--base", "main", "--no-synth", "--format", "json")
        assert (code, err) == (0, "")
        doc = json.loads(text)
        # the comment shows each plain sentence of the JSON escaped for Markdown (modules/review/mdtext.py)
        assert sorted(md_text(c["text"]) for c in doc["changes"]) == sorted(_sentences(md)), "the JSON says what the Markdown says"
        self.diffs[name] = doc
        return synth_out, md

    def merge(self, message: str) -> None:
        git(*COMMIT, "add", "-A", cwd=self.root)
        git(*COMMIT, "commit", "-qm", message, cwd=self.root)


def _sentences(md: str) -> list[str]:
    """The summary's sentences in order: list items, the destructive ones inside the warning too, a caution's
    marker left out (the JSON says `caution` instead)."""
    out = []
    for line in md.splitlines():
        line = line.removeprefix("> ")
        if line.startswith("- "):
            out.append(line[2:].removeprefix(":warning: "))
    return out


def _kinds(doc: dict, kind: str) -> list[dict]:
    return [c for c in doc["changes"] if c["kind"] == kind]


def _stacks_line(synth_out: str) -> str:
    return next(line for line in synth_out.splitlines() if line.startswith(("changed stacks:", "no stack changed")))


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("journey")
    (root / "cdktf.json").write_text("{}\n")  # a project root: synth writes atlantis.yaml and CODEOWNERS here
    shutil.copytree(EXAMPLE, root / "registry")
    git("init", "-q", "-b", "main", cwd=root)
    return root


def test_the_readme_quotes_every_edit_of_the_walk():
    readme = (ROOT / "README.md").read_text()
    for snippet in (NEW_TEAM, NEW_MEMBER, BUDGET, SHARE, LIBRARY):
        assert snippet in readme, snippet


def test_a_teams_whole_journey(repo, run_cli):
    r = Repo(repo, run_cli)
    code, _, err = r.cli("synth", "--quiet")
    assert (code, err) == (0, "")
    r.merge("the example, applied")

    # 1. Onboarding, first pull request: a new team file with `status: active` at once is refused, saying what to do.
    r.team.write_text(NEW_TEAM.replace("status: onboarding", "status: active"))
    assert r.cli("validate")[0] == 0, "validate stays pure: it does not read the previous output"
    for args in (("synth", "--quiet"), ("diff", "--base", "main")):
        code, out, err = r.cli(*args)
        assert code == 1 and out == ""
        assert err.startswith("registry/teams/ledger.yaml:6: team 'ledger' › status: team 'ledger' is new: its accounts (ledger-dev, ")
        assert "first `status: onboarding`" in err and "then `status: active`" in err and err.endswith("nothing was written.\n")
    assert not (repo / "generated" / "stacks" / "ledger-access").exists()
    r.team.write_text(NEW_TEAM)
    synth_out, md = r.pull_request("onboard")
    assert _stacks_line(synth_out) == "changed stacks: ledger-access"  # its accounts are created there: no central stack
    assert md == (
        "## Registry change since main\n\n"
        "### Accounts\n"
        "- account ledger-dev created (northwind-ledger-dev) in OU Workloads/NonProd; its stack (budget, Studio) comes when "
        "team ledger is active\n"
        "- account ledger-prod created (northwind-ledger-prod) in OU Workloads/Prod; its stack (budget, Studio) comes when "
        "team ledger is active\n\n"
        "### Side effects\n"
        "- group northwind-ledger-lead created for ivan\n"
        "- group northwind-ledger-viewer created for julia\n\n"
        "### Stacks that will plan (1)\n"
        "`ledger-access`\n"
    )
    created = _kinds(r.diffs["onboard"], "account_created")
    assert [c["facts"] for c in created] == [
        {"account": "ledger-dev", "team": "ledger", "environment": "dev", "ou": "Workloads/NonProd"},
        {"account": "ledger-prod", "team": "ledger", "environment": "prod", "ou": "Workloads/Prod"},
    ]
    facts = json.loads((repo / "generated" / "manifest.json").read_text())["accounts"]
    assert facts["ledger-dev"] == {"team": "ledger", "environment": "dev", "status": "onboarding", "stack": "ledger-access"}
    r.merge("ledger onboarding, applied")

    # 2. Onboarding, second pull request: active. The accounts exist: their stacks are added, none is created.
    r.edit("status: onboarding", "status: active")
    synth_out, md = r.pull_request("activate")
    assert _stacks_line(synth_out) == "changed stacks: ledger-access, ledger-dev, ledger-prod"
    assert md.startswith(
        "## Registry change since main\n\n"
        "### Accounts\n"
        "- account ledger-dev gets its stack (team ledger is active): Studio domain, execution role, baseline, budget "
        "\\$2,000 a month; the account itself exists already\n"
        "- account ledger-prod gets its stack (team ledger is active): Studio domain, execution role, baseline, budget "
        "\\$8,000 a month; the account itself exists already\n\n"
        "### Access\n"
        "- amara gains PlatformAdmin in ledger-dev, ledger-prod (platform admin)\n"
        "- ivan gains DataScientist in ledger-dev (ledger / lead)\n"
        "- ivan gains ReadOnly in ledger-prod (ledger / lead)\n"
        "- julia gains ReadOnly in ledger-dev, ledger-prod (ledger / viewer)\n\n"
        "### Studio\n"
        "- Studio profile for ivan added in ledger-dev, ledger-prod\n\n"
    )
    assert md.endswith("### Stacks that will plan (3)\n`ledger-access`, `ledger-dev`, `ledger-prod`\n")
    r.merge("ledger active, applied")

    # 3. Add a person.
    r.edit("  - {person: julia, role: viewer}\n", "  - {person: julia, role: viewer}\n" + NEW_MEMBER)
    synth_out, md = r.pull_request("person")
    assert _stacks_line(synth_out) == "changed stacks: ledger-access, ledger-dev"
    assert _sentences(md) == [
        "hana gains DataScientist in ledger-dev (ledger / data-scientist)",
        "Studio profile for hana added in ledger-dev",
        "group northwind-ledger-data-scientist created for hana",
    ]
    r.merge("hana joins ledger")

    # 4. Raise a budget.
    r.edit("  dev: {}\n", BUDGET)
    synth_out, md = r.pull_request("budget")
    assert _stacks_line(synth_out) == "changed stacks: ledger-dev"
    assert _sentences(md) == ["budget of ledger-dev: \\$2,000 → \\$3,000 a month"]  # a `$` is escaped (GitHub's math)
    r.merge("ledger-dev budget")

    # 5. Share a model: the producer's grant and the consumer's half.
    r.team.write_text(r.team.read_text() + SHARE)
    synth_out, md = r.pull_request("share")
    assert _stacks_line(synth_out) == "changed stacks: ledger-prod, pricing-prod"
    assert _sentences(md) == [
        "share ledger-anomaly-models granted: model_package_group ledger-anomaly from ledger-prod to pricing-prod (read)"
    ]
    r.merge("ledger shares its models with pricing")

    # 6. Publish a library (a name with the organization's prefix).
    r.team.write_text(r.team.read_text() + LIBRARY)
    synth_out, md = r.pull_request("library")
    assert _stacks_line(synth_out) == "changed stacks: ledger-dev, ledger-prod"
    assert _sentences(md) == [
        "team ledger may publish package northwind-ledger-features, by its deployments (deploy role) in every environment; "
        "from Studio in dev: every team account installs from this repository, so check that the name is the team's own"
    ]
    assert "- :warning: team ledger may publish package northwind-ledger-features" in md, "a new publish right is a caution"
    r.merge("ledger publishes a library")

    # 7. Decommission: the share must go in the same change (validate says so) ...
    r.edit("status: active", "status: decommissioned")
    code, _, err = r.cli("validate")
    assert code == 1 and "share 'ledger-anomaly-models': team 'ledger' is decommissioned; remove this share in the same change" in err
    r.edit(SHARE, "")
    # ... synth refuses what decommissioning destroys, all at once, and prints the entries that approve exactly that
    code, _, err = r.cli("synth", "--quiet")
    assert code == 1 and "status: decommissioned` instead" not in err
    block = "allow:\n" + err.split("\nallow:\n", 1)[1]
    assert [line.strip() for line in block.splitlines() if "stack:" in line or "share:" in line or "address:" in line] == [
        "- share: 'ledger-anomaly-models'",
        "- stack: 'ledger-dev'",
        "address: 'aws_sagemaker_user_profile.profiles[\"hana\"]'",
        "- stack: 'ledger-dev'",
        "address: 'aws_sagemaker_user_profile.profiles[\"ivan\"]'",
        "- stack: 'ledger-prod'",
        "address: 'aws_sagemaker_model_package_group.share-ledger-anomaly-models'",
        "- stack: 'ledger-prod'",
        "address: 'aws_sagemaker_user_profile.profiles[\"ivan\"]'",
    ]
    # CI's destroy guard refuses the output until a platform admin adds those entries, with a reason, in the same PR
    (repo / "allow-destroy.yaml").write_text(block.replace(REASON_PLACEHOLDER, "team ledger closed (TICKET-7); models exported"))
    synth_out, md = r.pull_request("decommission", synth_args=("--allow-destroy",))
    assert _stacks_line(synth_out) == "changed stacks: ledger-access, ledger-dev, ledger-prod, pricing-prod"
    code, out, _ = r.cli("check-destroy", "--base", "main")
    assert code == 0 and out.count(": approved (team ledger closed") == 5
    doc = r.diffs["decommission"]
    assert [c["facts"]["new_budget_usd"] for c in _kinds(doc, "account_decommissioned")] == ["10", "10"], "retired_budget_usd"
    assert "budget \\$3,000 → \\$10 a month; the account, its domain, buckets and keys are kept" in md
    assert doc["destructive"] == [
        "Studio profile for hana deleted in ledger-dev (team ledger is decommissioned): studio-cleanup deletes hana's apps and "
        "spaces first, and hana loses the home folder (data, notebooks) on the domain's EFS volume",
        "Studio profile for ivan deleted in ledger-dev, ledger-prod (team ledger is decommissioned): studio-cleanup deletes "
        "ivan's apps and spaces first, and ivan loses the home folder (data, notebooks) on the domain's EFS volume",
        "aws_sagemaker_model_package_group.share-ledger-anomaly-models destroyed in ledger-prod: loses every registered model "
        "version in the group",
        "share ledger-anomaly-models revoked (both halves): model_package_group ledger-anomaly from ledger-prod no longer "
        "reaches pricing-prod",
    ]
    assert "team ledger may no longer publish package northwind-ledger-features (published versions stay)" in md
    r.merge("ledger decommissioned")
    facts = json.loads((repo / "generated" / "manifest.json").read_text())["accounts"]
    assert facts["ledger-prod"] == {"team": "ledger", "environment": "prod", "status": "decommissioned", "stack": "ledger-access"}

    # Accounts created show in the pull request whose apply creates them, and in no other.
    created = {name: [c["facts"]["account"] for c in _kinds(doc, "account_created")] for name, doc in r.diffs.items()}
    assert created == {
        "onboard": ["ledger-dev", "ledger-prod"],
        "activate": [],
        "person": [],
        "budget": [],
        "share": [],
        "library": [],
        "decommission": [],
    }
    assert [name for name, doc in r.diffs.items() if "organization" in doc["stacks_to_plan"]] == [], "no team change plans it"
