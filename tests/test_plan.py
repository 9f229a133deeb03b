"""The plan's decisions, read from its records (modules/plan/layout.py, modules/plan/records.py): no synthesis, no cdktn.

tests/synth/test_stacks.py keeps the end-to-end checks that the construct modules render these records;
tests/synth/test_onboarding.py has the onboarding team's plan (accounts and groups, no account stacks)."""

from __future__ import annotations

import dataclasses
import inspect
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from modules.base import naming
from modules.outputs import atlantis, yamltext
from modules.outputs.access import grants
from modules.outputs.atlantis import atlantis_yaml, order_groups
from modules.plan.account import DEFAULT_RETIRED_BUDGET
from modules.plan.kinds import KINDS, entry
from modules.plan.layout import Plan, plan
from modules.registry.validate import load_registry
from tests.helpers import EXAMPLE, FIXTURES, materialize

ORG, IDENTITY, SHARED = naming.ORGANIZATION_STACK, naming.IDENTITY_STACK, naming.SHARED_SERVICES_STACK


@pytest.fixture(scope="module")
def example(example_registry) -> Plan:
    return plan(example_registry)


def edited(tmp_path: Path, case: str, rel: str, edit) -> Plan:
    """The plan of a valid fixture case with one file's text edited."""
    reg_dir = materialize(FIXTURES / "valid" / case, tmp_path)
    path = reg_dir / rel
    path.write_text(edit(path.read_text()))
    return plan(load_registry(reg_dir))


def test_the_stack_layout(example, example_registry):
    expected = {
        *naming.CENTRAL_STACKS,
        *(f"{t.name}-access" for t in example_registry.teams),
        *(f"{t.name}-{e}" for t in example_registry.teams for e in t.environments),
    }
    assert example.stack_names == tuple(sorted(expected)), "one record per stack, sorted by name"
    assert {a.name for a in example.accounts} | {a.name for a in example.access} == expected - set(naming.CENTRAL_STACKS)


def test_every_stack_has_a_kind_whose_table_row_is_whole(example):
    """One table of stack kinds: every stack's kind holds its record type, and the builder and post manifest it
    names are functions taking (stack or plan, values or record, record)."""
    assert set(KINDS) == {*naming.CENTRAL_STACKS, "access", "account"}
    for name in example.stack_names:
        kind = example.kind(name)
        assert isinstance(example.stack_input(name), kind.record), name
        assert kind.central == (name in naming.CENTRAL_STACKS) and (not kind.central or name == kind.name), name
    for kind in KINDS.values():
        assert list(inspect.signature(entry(kind.manifest)).parameters)[:1] == ["plan"], kind.manifest
        assert len(kind.fingerprint(example.values, example.records[0], example.stack_input(example.records[0].name))) >= 3
    assert {kind.builder.partition(":")[0] for kind in KINDS.values()} <= {
        f"aws.{p.stem}" for p in (Path(__file__).resolve().parent.parent / "modules" / "aws").glob("*.py")
    }


def test_central_stacks_read_and_follow_only_the_organization(example):
    assert (example.record(ORG).reads, example.record(ORG).after) == ((), ())
    # Identity Center needs the organization's trust, not its outputs: ordering only, no remote state.
    assert (example.record(IDENTITY).reads, example.record(IDENTITY).after) == ((), (ORG,))
    assert (example.record(SHARED).reads, example.record(SHARED).after) == ((ORG,), ())


def test_a_team_account_reads_exactly_the_states_it_needs(example):
    # decommissioned: no Studio users, so no identity; a created account's own id comes from its team's access stack
    assert example.record("churn-prod").reads == ("churn-access",)
    # Studio users: identity's user_ids; its own id from pricing-access, its shares' other sides' from theirs (it
    # produces a pipeline for demand-forecast-dev, consumes recsys-dev's base image)
    assert example.record("pricing-dev").reads == ("demand-forecast-access", IDENTITY, "pricing-access", "recsys-access")
    # adopted (its id is known) and consuming shares of created accounts, whose ids come from their teams' access
    # stacks; not pricing-preprod's, a consumer of the same share, which this stack never names
    assert example.account("pricing-prod").account.adopted_id
    assert example.record("pricing-prod").reads == ("demand-forecast-access", IDENTITY, "recsys-access")
    producers = set()
    for acct in example.accounts:  # the deploy role trusts the CI role that shared services' provider creates
        org_only = any(s.kind in ("feature_group", "pipeline") for s in acct.shares_out)
        producers |= {acct.name} if org_only else set()
        # an organization-only RAM share needs RAM's sharing with the organization, which the organization stack enables
        assert example.record(acct.name).after == ((ORG, SHARED) if org_only else (SHARED,)), acct.name
    assert producers == {"demand-forecast-prod", "pricing-dev"}


def test_an_adopted_account_without_shares_reads_no_account_state(tmp_path):
    p = edited(tmp_path, "unquoted-leading-zero-account", "teams/fraud.yaml", lambda t: t[: t.index("shares:")])
    assert p.account("fraud-prod").account.adopted_id == "033333333333" and not p.account("fraud-prod").shares_out
    assert p.record("fraud-prod").reads == (IDENTITY,)
    assert p.record("fraud-dev").reads == ("fraud-access", IDENTITY)


def test_access_stacks_read_identity_and_what_their_team_uses(example, tmp_path):
    # the organization for the OUs of the accounts they hold; shared services for portfolio_ids (catalog associations)
    assert example.record("pricing-access").reads == (IDENTITY, ORG, SHARED)
    assert example.record("churn-access").reads == (IDENTITY, ORG)  # decommissioned: no catalog
    assert all(example.record(a.name).after == () for a in example.access)
    assert all(example.record(a.name).provides == ("account_ids",) for a in example.access)
    assert example.record(ORG).provides == ("organization_id", "ou_ids"), "the organization holds no account"
    onboarding = plan(load_registry(materialize(FIXTURES / "valid" / "onboarding-team", tmp_path)))
    # while onboarding its accounts are created here, in OUs the organization outputs; no assignment reads an id yet
    assert onboarding.record("ledger-access").reads == (IDENTITY, ORG)


def test_while_accounts_move_each_stack_reads_their_ids_where_they_are_held(tmp_path):
    """account_moves: fraud at the import step (the organization still holds its accounts: readers read it there),
    risk at the forget step (risk-access holds them: readers read it there, across teams too)."""
    p = plan(load_registry(materialize(FIXTURES / "valid" / "account-moves", tmp_path)))
    assert p.record(ORG).provides == ("account_ids", "organization_id", "ou_ids")
    assert {a.key for a in p.organization.accounts} == {"fraud-dev", "fraud-prod", "fraud-sandbox"}
    assert p.organization.forgotten == ("risk-dev", "risk-prod")
    fraud, risk = (next(a for a in p.access if a.team == t) for t in ("fraud", "risk"))
    assert {a.key: a.lookup_import for a in fraud.held} == {"fraud-dev": True, "fraud-prod": False, "fraud-sandbox": True}
    assert all(t.held_here for t in fraud.accounts) and all(t.held_here for t in risk.accounts)
    assert p.record("fraud-dev").reads == (IDENTITY, ORG)
    assert p.record("risk-dev").reads == (IDENTITY, "risk-access")
    assert p.record("risk-prod").reads == (IDENTITY, "risk-access")  # fraud-prod (adopted): its literal id


def test_atlantis_depends_on_is_reads_and_after_and_every_name_is_a_stack(example):
    names = set(example.stack_names)
    doc = yaml.safe_load(atlantis_yaml(example, "generated/stacks"))
    depends = {p["name"]: p["depends_on"] for p in doc["projects"]}
    for r in example.records:
        assert depends[r.name] == sorted(set(r.reads) | set(r.after)) == list(r.depends_on)
        assert set(r.depends_on) <= names - {r.name}
        for read in r.reads:  # a state is read for its outputs: the stack read must provide some
            assert example.record(read).provides, f"{r.name} reads {read}, which provides nothing"


def test_atlantis_yaml_written_line_by_line_is_the_emitters_text(example):
    """The fast writer's text is libyaml's and the pure-Python emitter's, and a name YAML would read as another type
    (a date, a number, a boolean) hands the whole file to the emitter, which quotes it."""
    text = atlantis_yaml(example, "generated/stacks")
    header, _, body = text.partition("version:")
    doc = yaml.safe_load(text)
    assert atlantis._projects_text(doc) == "version:" + body == yamltext.dump(doc) == yamltext.dump(doc, pure=True)
    for tricky in ("2024-01-01", "1.5", "true", "null", "on", "0x1f", "12", "---x", "a b", "é"):
        odd = {**doc, "projects": [{**doc["projects"][0], "depends_on": [tricky]}, *doc["projects"][1:]]}
        assert atlantis._projects_text(odd) is None, tricky
        assert yaml.safe_load(yamltext.dump(odd))["projects"][0]["depends_on"] == [tricky]
    fine = {**doc, "projects": [{**doc["projects"][0], "depends_on": ["1e3", "a.b/c_d-e", "x" * 200]}, *doc["projects"][1:]]}
    assert atlantis._projects_text(fine) == yamltext.dump(fine) == yamltext.dump(fine, pure=True)


def test_the_apply_order_is_a_topological_order(example):
    groups = order_groups(example)
    doc = yaml.safe_load(atlantis_yaml(example, "generated/stacks"))
    position = {p["name"]: i for i, p in enumerate(doc["projects"])}
    assert [p["execution_order_group"] for p in doc["projects"]] == sorted(groups.values())
    for r in example.records:
        for dep in r.depends_on:
            assert groups[dep] < groups[r.name] and position[dep] < position[r.name], f"{r.name} before {dep}"
    assert groups[ORG] == 0 and groups[IDENTITY] == groups[SHARED] == 1
    # the access stacks (their accounts) after identity, the account stacks (which read their ids) after them
    assert {groups[a.name] for a in example.access} == {2} and {groups[a.name] for a in example.accounts} == {3}


def test_decommissioned_accounts_are_suspended_and_keep_the_retired_budget(example, tmp_path):
    for key in ("churn-prod", "churn-sandbox"):
        acct = example.account(key)
        assert acct.account.decommissioned and acct.account.ou_path == naming.SUSPENDED_OU
        assert acct.budget_usd == DEFAULT_RETIRED_BUDGET == Decimal("10")
        assert acct.studio_users == () and acct.project_templates == ()
    assert example.account("pricing-dev").budget_usd == Decimal("2000"), "active teams keep their own budget"
    p = edited(tmp_path, "decommissioned-team", "organization.yaml", lambda t: t + "retired_budget_usd: 25\n")
    assert p.account("risk-dev").budget_usd == Decimal("25") and p.account("fraud-dev").budget_usd == Decimal("3000")


def test_who_gets_studio_where(example):
    # recsys: ivan lead, julia data-scientist, chen ml-engineer (studio), farah viewer (no studio);
    # data-scientist maps no permission set in prod, so julia has no Studio there
    assert [u.user_name for u in example.account("recsys-dev").studio_users] == ["chen", "ivan", "julia"]
    assert [u.user_name for u in example.account("recsys-prod").studio_users] == ["chen", "ivan"]


def test_assignments_per_role_and_environment(example):
    pricing = next(a for a in example.access if a.team == "pricing")
    by_key = {t.key: sorted((x.group, x.permission_set) for x in t.assignments) for t in pricing.accounts}
    # pricing prod is production (read): lead, ml-engineer and viewer map ReadOnly, data-scientist nothing
    assert by_key["pricing-prod"] == [
        ("northwind-platform-admins", "PlatformAdmin"),
        ("northwind-pricing-lead", "ReadOnly"),
        ("northwind-pricing-ml-engineer", "ReadOnly"),
        ("northwind-pricing-viewer", "ReadOnly"),
    ]
    assert by_key["pricing-sandbox"] == [
        ("northwind-platform-admins", "PlatformAdmin"),
        ("northwind-pricing-data-scientist", "DataScientist"),
        ("northwind-pricing-lead", "DataScientist"),
        ("northwind-pricing-ml-engineer", "MLEngineer"),
    ]
    churn = next(a for a in example.access if a.team == "churn")
    assert churn.groups == () and churn.scp is None, "a decommissioned team keeps only the admins' break-glass"
    assert {x.group for t in churn.accounts for x in t.assignments} == {"northwind-platform-admins"}


def test_seed_code_is_read_from_the_catalog_bucket_the_plan_names(tmp_path):
    """The bucket a team's launch role reads seed code from is the shared services stack's catalog bucket, suffix and
    all (organization.yaml bucket_suffix): decided once, by the shared services planner."""
    reg_dir = tmp_path / "registry"
    shutil.copytree(EXAMPLE, reg_dir)
    org = reg_dir / "organization.yaml"
    org.write_text(org.read_text() + "bucket_suffix: x7k2\n")
    p = plan(load_registry(reg_dir))
    seeded = [a for a in p.accounts if a.seed_bucket]
    assert seeded and p.shared_services.catalog_bucket.endswith("-x7k2")
    assert {a.seed_bucket for a in seeded} == {p.shared_services.catalog_bucket}


def test_budgets_and_who_is_alerted(example):
    dev = example.account("pricing-dev")
    assert dev.budget_usd == Decimal("2000")
    assert dev.budget_emails == ("farah.haddad@northwind.example", "goran.petrovic@northwind.example")
    assert example.account("demand-forecast-prod").budget_usd == Decimal("12000")  # the team's override


def test_the_access_review_reads_group_members_and_grants_from_the_plan(example):
    """Who is in a group and which grant is behind a user's own assignment are the plan's facts: the review follows the
    records (here edited), never the registry."""
    access = next(a for a in example.access if a.groups and any(t.assignments for t in a.accounts))
    group = next(g for g in access.groups if any(x.group == g.name for t in access.accounts for x in t.assignments))
    edited_group = dataclasses.replace(group, members=(*group.members, "zed"), until=(("zed", "2031-01-01"),))
    edited = dataclasses.replace(access, groups=tuple(edited_group if g is group else g for g in access.groups))
    p = dataclasses.replace(example, access=tuple(edited if a is access else a for a in example.access))
    zed = [g for g in grants(p) if g.person == "zed"]
    assert zed and {(g.team, g.role, g.until) for g in zed} == {(access.team, group.role, "2031-01-01")}
    assert all(g.person != "zed" for g in grants(example))
