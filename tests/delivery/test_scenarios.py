"""The change summary for typical registry edits: exactly what changes, in people's terms, each thing once."""

import json
from pathlib import Path

import pytest

from modules.plan.layout import plan
from modules.registry.validate import load_registry
from modules.review.compare import summarize
from modules.review.estate import instance_flags
from modules.review.mdtext import text as md_text
from modules.review.render import as_dict, markdown
from modules.review.tfplan import read_plans
from tests.helpers import materialize


def compiled(registry: Path):
    reg = load_registry(registry)
    return reg, plan(reg)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def scenario(tmp_path):
    registry = materialize(None, tmp_path)
    base = compiled(registry)

    def after(*edits, stacks=(), plans=None):
        for rel, old, new in edits:
            edit(registry / rel, old, new)
        return summarize(base, compiled(registry), list(stacks), plans)

    return after


FRAUD = "teams/fraud.yaml"
RISK = "teams/risk.yaml"
# The platform's consent to the adoption (organization.yaml adoptable_accounts).
CONSENT = (
    "organization.yaml",
    '  "333333333333": {team: fraud, environment: prod}\n',
    '  "333333333333": {team: fraud, environment: prod}\n  "555555555555": {team: risk, environment: sandbox}\n',
)


def said_once(text: str, s) -> None:
    """Every sentence of the summary appears exactly once in the comment (no section repeats another)."""
    for change in s.changes:  # as the comment shows it: escaped (modules/review/mdtext.py)
        assert text.count(md_text(change.text)) == 1, change.text


def same_facts(s) -> None:
    """The JSON carries what the Markdown says: every sentence and detail, with its kind and facts."""
    doc = json.loads(json.dumps(as_dict(s)))
    assert [c["text"] for c in doc["changes"]] == [c.text for c in s.changes]
    assert [c["details"] for c in doc["changes"]] == [[str(d) for d in c.details] for c in s.changes]
    assert doc["destructive"] == s.destructive
    assert all(c["kind"] and c["facts"] for c in doc["changes"])


def test_role_change_says_what_follows_from_it(scenario):
    s = scenario((FRAUD, "{person: dave, role: viewer}", "{person: dave, role: lead}"))
    text = markdown(s, "Registry change since main")
    assert text == (
        "## Registry change since main\n\n"
        "### Role changes\n"
        "- dave: viewer → lead in fraud\n"
        "  - gains DataScientist in fraud-dev, fraud-sandbox\n"
        "  - loses ReadOnly in fraud-dev\n"
        "  - keeps ReadOnly in fraud-prod (now through lead)\n"
        "  - Studio added in fraud-dev, fraud-sandbox with DataScientist\n"
        "  - Studio added in fraud-prod (production) behind the read-only permission set ReadOnly\n\n"
        "### Side effects\n"
        "- group acme-fraud-viewer emptied and deleted (its last member: dave moved to lead); "
        "its assignments in fraud-dev, fraud-prod go with it\n"
    )
    said_once(text, s)
    same_facts(s)
    (role,) = s.of("role_changed")
    assert role.facts["keeps"] == [{"permission_set": "ReadOnly", "accounts": ["fraud-prod"]}]
    assert role.facts["studio_added"] == ["fraud-dev", "fraud-prod", "fraud-sandbox"]


def test_role_change_that_loses_studio_is_destructive_once(scenario):
    s = scenario((FRAUD, "{person: bob, role: data-scientist}", "{person: bob, role: viewer}"))
    text = markdown(s, "t")
    (role,) = s.of("role_changed")
    assert role.details == (
        "gains ReadOnly in fraud-dev, fraud-prod",
        "loses DataScientist in fraud-dev, fraud-sandbox",
        "Studio profile deleted in fraud-dev, fraud-sandbox (see destructive effects)",
    )
    assert s.destructive == [
        "Studio profile for bob deleted in fraud-dev, fraud-sandbox (role in fraud now "
        "viewer): studio-cleanup deletes bob's "
        "apps and spaces first, and bob loses the home folder (data, notebooks) on the domain's EFS volume"
    ]
    assert s.access == [] and s.studio == [], "the role change says it; Access and Studio do not repeat it"
    said_once(text, s)


def test_budget_and_instance_types(scenario):
    s = scenario(
        (FRAUD, "dev: {budget_usd: 3000}", "dev: {budget_usd: 5000}"),
        (
            FRAUD,
            "instance_types: [ml.t3.medium, ml.m5.xlarge]",
            "instance_types: [ml.t3.medium, ml.g5.12xlarge, ml.p4d.24xlarge, ml.m5.large]",
        ),
        (FRAUD, "idle_shutdown_minutes: 60", "idle_shutdown_minutes: 120"),
        ("environments.yaml", "budget_usd: 500", "budget_usd: 800"),
    )
    assert markdown(s, "Registry change since main") == (
        "## Registry change since main\n\n"
        "### Cost and capacity\n"
        "- budget of fraud-dev: \\$3,000 → \\$5,000 a month\n"
        "- budget of fraud-sandbox: \\$500 → \\$800 a month\n"
        "- instance types of fraud: added ml.g5.12xlarge (**GPU, large**), ml.m5.large, ml.p4d.24xlarge (**GPU, large**); "
        "removed ml.m5.xlarge\n"
        "- idle shutdown of fraud: 60 → 120 minutes\n"
    )
    same_facts(s)
    (types,) = s.of("instance_types_changed")
    assert types.facts == {
        "team": "fraud",
        "added": ["ml.g5.12xlarge", "ml.m5.large", "ml.p4d.24xlarge"],
        "removed": ["ml.m5.xlarge"],
        "flags": {"ml.g5.12xlarge": ["GPU", "large"], "ml.p4d.24xlarge": ["GPU", "large"]},
    }
    assert [c.facts for c in s.of("budget_changed")][0] == {"account": "fraud-dev", "old_usd": "3000", "new_usd": "5000"}


@pytest.mark.parametrize(
    "instance_type, flags",
    [
        ("ml.t3.medium", []),
        ("ml.m5.xlarge", []),
        ("ml.g5.xlarge", ["GPU"]),
        ("ml.g4dn.xlarge", ["GPU"]),
        ("ml.p5.48xlarge", ["GPU", "large"]),
        ("ml.inf2.xlarge", ["Inferentia"]),
        ("ml.trn1.32xlarge", ["Trainium", "large"]),
        ("ml.m5.12xlarge", ["large"]),
        ("ml.c5.9xlarge", []),
        ("ml.m5.24xlarge", ["large"]),
        ("ml.c6i.metal", ["large"]),
        ("ml.m5.2xlarge", []),
    ],
)
def test_instance_flags(instance_type, flags):
    assert instance_flags(instance_type) == flags


def test_decommissioning_with_a_share_to_another_team(scenario):
    s = scenario(
        (RISK, "owners: [carol]", "owners: [carol]\nstatus: decommissioned"),
        (FRAUD, "{team: risk, environment: prod}", "{team: fraud, environment: dev}"),
    )
    text = markdown(s, "Registry change since main")
    assert text == (
        "## Registry change since main\n\n"
        "> [!WARNING]\n"
        "> **Destructive effects**\n"
        "> - Studio profile for carol deleted in risk-dev, risk-prod (team risk is decommissioned): studio-cleanup deletes "
        "carol's apps and spaces first, and carol loses the home folder (data, notebooks) on the domain's EFS volume\n\n"
        "### Accounts\n"
        "- account risk-dev decommissioned: team access removed (platform admins keep break-glass access), moves from OU "
        "Workloads/Dev to Suspended, budget \\$1,000 → \\$10 a month; the account, its domain, buckets and keys are kept\n"
        "- account risk-prod decommissioned: team access removed (platform admins keep break-glass access), moves from OU "
        "Workloads/Prod to Suspended, budget \\$5,000 → \\$10 a month; the account, its domain, buckets and keys are kept\n\n"
        "### Access\n"
        "- bob loses ReadOnly in risk-dev, risk-prod (was risk / viewer)\n"
        "- carol loses DataScientist in risk-dev (was risk / lead)\n"
        "- carol loses ReadOnly in risk-prod (was risk / lead)\n\n"
        "### Side effects\n"
        "- group acme-risk-lead emptied and deleted (team risk is decommissioned); its assignments in risk-dev, risk-prod go with it\n"
        "- group acme-risk-viewer emptied and deleted (team risk is decommissioned); its assignments in risk-dev, risk-prod go with it\n"
        "- share fraud-models no longer reaches risk-prod: team risk is decommissioned\n\n"
        "### Shares\n"
        "- share fraud-models now also reaches fraud-dev (read)\n"
    )
    said_once(text, s)
    same_facts(s)
    assert text.count("Studio profile for carol") == 1, "Studio removals are said once (they were said twice)"


def test_adoption(scenario):
    s = scenario(CONSENT, (RISK, "  dev: {}", '  dev: {}\n  sandbox: {account_id: "555555555555"}'))
    assert markdown(s, "Registry change since main") == (
        "## Registry change since main\n\n"
        "### Accounts\n"
        "- existing account 555555555555 adopted by team risk as its sandbox account (risk-sandbox): imported, not created; "
        "it moves into OU Workloads/Sandbox, budget \\$500 a month\n\n"
        "### Access\n"
        "- alice gains PlatformAdmin in risk-sandbox (platform admin)\n"
        "- carol gains DataScientist in risk-sandbox (risk / lead)\n\n"
        "### Studio\n"
        "- Studio profile for carol added in risk-sandbox\n"
    )
    same_facts(s)
    (adopted,) = s.of("account_adopted")
    assert adopted.facts == {
        "account": "risk-sandbox",
        "team": "risk",
        "environment": "sandbox",
        "ou": "Workloads/Sandbox",
        "budget_usd": "500",
        "account_id": "555555555555",
    }


def test_adoption_with_terraform_plans(scenario):
    """The team's access stack imports the existing account and moves it: the comment names both."""
    plans = read_plans(Path(__file__).parent / "plans-adoption")
    s = scenario(
        CONSENT,
        (RISK, "  dev: {}", '  dev: {}\n  sandbox: {account_id: "555555555555"}'),
        stacks=["risk-access", "risk-sandbox"],
        plans=plans,
    )
    text = markdown(s, "Registry change since main")
    assert "[!CAUTION]" not in text, "nothing is replaced or destroyed"
    assert text.endswith(
        "### Stacks that will plan (2)\n"
        "`risk-access`, `risk-sandbox`\n\n"
        "### Terraform plans\n"
        "| stack | add | change | replace | destroy | import |\n"
        "|---|---:|---:|---:|---:|---:|\n"
        "| `risk-access` | 0 | 1 | 0 | 0 | 1 |\n"
        "| `risk-sandbox` | 41 | 0 | 0 | 0 | 0 |\n\n"
        "`risk-access` imports:\n"
        "- `aws_organizations_account.account-risk-sandbox` (existing id 555555555555; then parent_id: ou-ab12-legacy01 "
        "→ ou-ab12-sbx00001, tags)\n"
    )
    doc = as_dict(s)
    assert doc["plans"][0]["imported"] == [
        {
            "address": "aws_organizations_account.account-risk-sandbox",
            "id": "555555555555",
            "updates": ["parent_id: ou-ab12-legacy01 → ou-ab12-sbx00001", "tags"],
        }
    ]


def test_add_member(scenario):
    s = scenario((FRAUD, "  - {person: dave, role: viewer}", "  - {person: dave, role: viewer}\n  - {person: carol, role: data-scientist}"))
    assert s.access == ["carol gains DataScientist in fraud-dev, fraud-sandbox (fraud / data-scientist)"]
    assert s.studio == ["Studio profile for carol added in fraud-dev, fraud-sandbox"]
    assert (s.accounts, s.shares, s.templates, s.destructive) == ([], [], [], [])


def test_remove_member(scenario):
    s = scenario((FRAUD, "  - {person: bob, role: data-scientist}\n", ""))
    assert s.access == ["bob loses DataScientist in fraud-dev, fraud-sandbox (was fraud / data-scientist)"]
    assert s.studio == [], "a deleted profile is destructive: shown at the top, not again under Studio"
    assert s.destructive == [
        "Studio profile for bob deleted in fraud-dev, fraud-sandbox (bob leaves fraud): studio-cleanup "
        "deletes bob's apps and spaces first, and bob loses the home folder (data, notebooks) on the "
        "domain's EFS volume"
    ]
    assert s.lines("side_effects") == [
        "group acme-fraud-data-scientist emptied and deleted (its last member: bob left); "
        "its assignments in fraud-dev, fraud-sandbox go with it"
    ]


def test_new_environment(scenario):
    s = scenario((RISK, "  dev: {}", "  dev: {}\n  sandbox: {}"))
    assert s.accounts == ["account risk-sandbox created (acme-risk-sandbox) in OU Workloads/Sandbox, budget $500 a month"]
    assert s.access == [
        "alice gains PlatformAdmin in risk-sandbox (platform admin)",
        "carol gains DataScientist in risk-sandbox (risk / lead)",
    ]
    assert s.studio == ["Studio profile for carol added in risk-sandbox"]
    assert s.destructive == []


def test_network_changes(scenario):
    s = scenario(
        (FRAUD, "dev: {budget_usd: 3000}", "dev: {budget_usd: 3000, vpc_cidr: 10.21.0.0/22}"),
        ("environments.yaml", "sagemaker_network: public_internet", "sagemaker_network: vpc_only"),
    )
    assert s.lines("network") == ["Studio network of fraud-sandbox: public internet → VPC only"]
    assert s.destructive == [
        "VPC CIDR of fraud-dev: 10.20.0.0/22 → 10.21.0.0/22: the VPC, its subnets and the Studio "
        "domain with its user profiles are replaced: apps and spaces are deleted, and the home EFS "
        "volume is kept but no longer attached"
    ]


def test_new_share(scenario):
    s = scenario(
        (
            RISK,
            "  instance_types: [ml.t3.medium]",
            "  instance_types: [ml.t3.medium]\nshares:\n  - {name: risk-scores, kind: s3_prefix, "
            "resource: scores/, from: prod, to: [{team: fraud, environment: prod}]}",
        )
    )
    assert s.shares == ["share risk-scores granted: s3_prefix scores/ from risk-prod to fraud-prod (read)"]
    assert (s.access, s.studio, s.accounts, s.destructive) == ([], [], [], [])


def test_template_visibility_and_versions(scenario):
    s = scenario(
        (RISK, "  instance_types: [ml.t3.medium]", "  instance_types: [ml.t3.medium]\n  project_templates: [build-train-deploy]"),
        ("catalog.yaml", 'version: "1.0.0"', 'version: "1.1.0"'),
    )
    assert s.templates == ["template build-train-deploy visible to risk", "template build-train-deploy: 1.0.0 → 1.1.0"]


def test_markdown_puts_destructive_effects_first(scenario):
    s = scenario((FRAUD, "  - {person: bob, role: data-scientist}\n", ""))
    text = markdown(s, "Registry change since main")
    assert text.index("Destructive effects") < text.index("### Access") < text.index("### Side effects")


def test_an_adopted_account_changing_or_dropped_is_destructive_in_the_accounts_section(scenario):
    another = ("organization.yaml", "adoptable_accounts:\n", 'adoptable_accounts:\n  "444444444444": {team: fraud, environment: prod}\n')
    s = scenario(another, (FRAUD, '  prod: {account_id: "333333333333"}', '  prod: {account_id: "444444444444"}'))
    (changed,) = s.of("account_identity_changed")
    assert changed.section == "accounts" and changed.destructive and s.destructive == [changed.text]
    assert changed.text == (
        "account fraud-prod now names existing account 444444444444 instead of existing account 333333333333: the "
        "fraud-access stack's state keeps the account it has (Terraform skips an import into an address it already "
        "manages) while the team's stacks turn to 444444444444"
    )
    assert (changed.facts["old_account_id"], changed.facts["new_account_id"]) == ("333333333333", "444444444444")
    s = scenario((FRAUD, '  prod: {account_id: "444444444444"}', "  prod: {}"))
    assert [c.kind for c in s.changes if c.destructive] == ["account_adoption_dropped"]
    assert "[!WARNING]" in markdown(s, "Registry change since main")


def test_an_accounts_move_into_its_teams_access_stack_is_said_step_by_step(tmp_path):
    """Where each account was comes from the previous output's facts (its step), where it goes from the plan: each step
    has its sentence, and none says an account is created."""
    registry = materialize(None, tmp_path)
    org = registry / "organization.yaml"
    text = org.read_text()

    def at(step):
        org.write_text(text + (f"account_moves: {{fraud: {step}, risk: organization}}\n" if step else ""))
        return compiled(registry)

    def steps(p):
        return {a.key: a.move or "access" for a in p.team_accounts}

    def sentences(before, now):
        s = summarize(before, now, [], None, None, steps(before[1]))
        assert not s.of("account_created") and not s.destructive
        return {c.facts["account"]: (c.kind, c.text) for c in s.changes if c.section == "accounts"}

    first, imported, forgotten = at("organization"), at("import"), at("forget")
    said = sentences(first, imported)
    assert said["fraud-dev"] == (
        "account_move_imported",
        "account fraud-dev moves to fraud-access (step 1 of 2): fraud-access imports the existing account (found by its "
        "email in the organization's account list); the organization stack keeps it until the next step, and nothing "
        "changes in AWS",
    )
    assert said["fraud-prod"][1].endswith(
        "imports the existing account (found by its id 333333333333); the organization "
        "stack keeps it until the next step, and nothing changes in AWS"
    )
    assert set(said) == {"fraud-dev", "fraud-prod", "fraud-sandbox"}, "risk stays where it is: nothing said"
    assert sentences(imported, forgotten)["fraud-dev"] == (
        "account_move_forgotten",
        "account fraud-dev moves to fraud-access (step 2 of 2): the organization stack forgets it (removed from its "
        "state, not destroyed), and the stacks that use its id read it from fraud-access; nothing changes in AWS",
    )
    org.write_text(text + "account_moves: {risk: organization}\n")
    done = sentences(forgotten, compiled(registry))
    assert done["fraud-dev"] == ("account_moved", "account fraud-dev has moved to fraud-access: its import lookup is dropped")
    assert done["fraud-prod"] == (
        "account_moved",
        "account fraud-prod has moved to fraud-access (the import of existing account 333333333333 stays)",
    )


def test_a_skipped_step_is_destructive_in_the_summary(tmp_path):
    registry = materialize(None, tmp_path)
    base = compiled(registry)
    s = summarize(base, base, [], None, None, {a.key: "organization" for a in base[1].team_accounts})
    unsafe = s.of("account_move_unsafe")
    assert len(unsafe) == 5 and all(c.destructive for c in unsafe)
    assert unsafe[0].text == (
        "account fraud-dev: its move into fraud-access goes from step organization to access, not one step forward, so "
        "one stack would destroy it or create it again (organization.yaml account_moves takes one step at a time)"
    )
