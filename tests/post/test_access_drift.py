"""The access-drift job against the in-memory fake: an organization holding exactly what the registry grants finds
nothing; each kind of access made by hand beside it is found once, with where it is and how to remove it."""

from __future__ import annotations

import json

import pytest

from modules.plan.layout import plan
from modules.post.access_report import as_json, findings, markdown
from modules.post.deadline import Clock, Deadline
from modules.post.manifest import manifests
from modules.post.run import exit_code, run
from tests.helpers import EXAMPLE
from tests.post.fakes import FakeClock, FakeGateway

INSTANCE = "arn:aws:sso:::instance/ssoins-6987a1b2c3d4e5f6"
STACKS = ["identity", "pricing-access", "pricing-dev", "demand-forecast-prod", "recsys-dev"]


def account_ids(example_plan) -> dict[str, str]:
    """name in Organizations -> id, for every created account of the example."""
    return {a.name: f"{700000000000 + i}" for i, a in enumerate(example_plan.team_accounts) if not a.adopted_id}


def ps_arn(name: str) -> str:
    return f"{INSTANCE}/ps-{name}"


@pytest.fixture
def world(tmp_path, example_registry):
    """(fake, manifests folder, docs): AWS holding exactly what the registry grants in STACKS."""
    p = plan(example_registry)
    docs = {name: doc for name, doc in manifests(p).items() if name in STACKS}
    for name, doc in docs.items():
        (tmp_path / f"{name}.json").write_text(doc.to_json())
    g = FakeGateway()
    g.accounts = account_ids(p)
    ids = {**{a.key: g.accounts.get(a.name) or a.adopted_id for a in p.team_accounts}, "shared-services": "200000000002"}
    g.sso_sets = {ps_arn(n): n for n in docs["identity"].jobs.access_drift.permission_sets}
    g.names = {f"u-{person.user_name}": ("USER", person.user_name) for person in example_registry.people}
    for doc in docs.values():
        spec = doc.jobs.access_drift
        for group, members in spec.groups.items():
            g.names[f"g-{group}"] = ("GROUP", group)
            g.memberships[f"g-{group}"] = [{"MembershipId": f"m-{group}-{m}", "UserId": f"u-{m}"} for m in members]
        for acc in spec.accounts:
            account = acc.account.id or ids[acc.account.key]
            g.assignments_.setdefault(account, []).extend(
                {
                    "PermissionSetArn": ps_arn(a.permission_set),
                    "PrincipalType": a.principal_type,
                    "PrincipalId": f"{a.principal_type[0].lower()}-{a.principal}",
                }
                for a in acc.assignments
            )
        if spec.domain:
            me = doc.account.id or ids[doc.account.key]
            g.domains[(me, spec.domain)] = f"d-{doc.stack}"
            g.profiles[f"d-{doc.stack}"] = list(spec.profiles)
            for share in spec.ram_shares:
                arn = f"arn:aws:ram:eu-west-1:{me}:resource-share/{share.share}"
                g.owned.setdefault(me, []).append({"name": share.share, "arn": arn, "featureSet": "STANDARD"})
                g.principals[arn] = {c.id or ids[c.key] for c in share.consumers}
            for pol in spec.policies:
                roots = [f"arn:aws:iam::{r.id or ids[r.key]}:root" for r in pol.accounts if r.key != doc.account.key]
                statements = [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*"}]
                statements += [{"Sid": "Share", "Effect": "Allow", "Principal": {"AWS": roots}, "Action": "s3:GetObject"}] if roots else []
                g.policies[(pol.kind, pol.name)] = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return g, tmp_path, ids


def deadline() -> Deadline:
    c = FakeClock()
    return Deadline.start(60, Clock(c.now, c.sleep))


def check(world, stacks=STACKS):
    g, folder, _ = world
    return run(list(stacks), manifests=folder, gateway=g, apply=False, deadline=deadline(), only="access-drift")


def test_what_the_registry_grants_is_not_drift(world):
    results = check(world)
    assert [n for r in results for n in r.notes] == [] and not any(r.errors for r in results)
    assert exit_code(results, apply=False) == 0


def test_a_hand_made_assignment_is_found_with_how_to_remove_it(world):
    g, _, ids = world
    pricing_dev = ids["pricing-dev"]
    g.names["u-mallory"] = ("USER", "mallory")
    g.assignments_[pricing_dev].append({"PermissionSetArn": ps_arn("PlatformAdmin"), "PrincipalType": "USER", "PrincipalId": "u-mallory"})
    results = check(world)
    found = findings(results)
    assert exit_code(results, apply=False) == 2
    assert [(f["stack"], f["kind"], f["person"], f["permission_set"], f["account"]) for f in found] == [
        ("pricing-access", "assignment", "mallory", "PlatformAdmin", "pricing-dev")
    ]
    assert found[0]["where"] == f"account pricing-dev ({pricing_dev})"
    assert found[0]["fix"] == (
        f"aws sso-admin delete-account-assignment --instance-arn {INSTANCE} --target-id {pricing_dev} --target-type AWS_ACCOUNT "
        f"--permission-set-arn {ps_arn('PlatformAdmin')} --principal-type USER --principal-id u-mallory"
    )


def test_each_kind_of_access_made_by_hand_is_found_once(world):
    g, _, ids = world
    g.sso_sets[ps_arn("Backdoor")] = "Backdoor"
    g.memberships["g-northwind-pricing-lead"].append({"MembershipId": "m-x", "UserId": "u-julia"})
    g.profiles["d-pricing-dev"] = [p for p in g.profiles["d-pricing-dev"] if p != "hana"] + ["contractor"]
    arn = f"arn:aws:ram:eu-west-1:{ids['pricing-dev']}:resource-share/price-elasticity-pipeline"
    g.principals[arn].add("999999999999")
    g.owned[ids["recsys-dev"]] = [{"name": "by-hand", "arn": "arn:aws:ram:eu-west-1:1:resource-share/by-hand", "featureSet": "STANDARD"}]
    policy = json.loads(g.policies[("s3-bucket", "northwind-demand-forecast-prod-data")])
    policy["Statement"].append(
        {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::888888888888:root"}, "Action": "s3:*"}
    )
    policy["Statement"].append({"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"})
    g.policies[("s3-bucket", "northwind-demand-forecast-prod-data")] = json.dumps(policy)
    found = {
        (f["stack"], f["kind"], f.get("person") or f.get("principal") or f.get("permission_set") or "") for f in findings(check(world))
    }
    assert found == {
        ("identity", "permission-set", "Backdoor"),
        ("pricing-access", "group-membership", "julia"),
        ("pricing-dev", "studio-profile", "contractor"),
        ("pricing-dev", "studio-profile-missing", "hana"),
        ("pricing-dev", "ram-principal", "999999999999"),
        ("recsys-dev", "ram-share", ""),
        ("demand-forecast-prod", "resource-policy", "arn:aws:iam::888888888888:root"),
        ("demand-forecast-prod", "resource-policy", "*"),
    }
    md = markdown(check(world))
    assert md.startswith("# Access not from the registry\n") and "| pricing-dev | account pricing-dev" in md
    assert "aws sagemaker delete-user-profile --domain-id d-pricing-dev --user-profile-name contractor" in md
    doc = json.loads(as_json(check(world)))
    assert doc["exit_code"] == 2 and len(doc["findings"]) == 8 and doc["errors"] == []


def test_a_stack_that_fails_hides_no_other(world):
    g, _, ids = world
    g.names["u-mallory"] = ("USER", "mallory")
    g.assignments_[ids["pricing-dev"]].append({"PermissionSetArn": ps_arn("ReadOnly"), "PrincipalType": "USER", "PrincipalId": "u-mallory"})

    def unreachable(account, region, name):
        raise RuntimeError("AccountUnreachable: cannot assume arn:aws:iam::x:role/northwind-plan: AccessDenied")

    g.domain_id = unreachable  # type: ignore[method-assign]
    results = check(world)
    assert exit_code(results, apply=False) == 1
    assert {r.stack for r in results if r.errors} == {"pricing-dev", "demand-forecast-prod", "recsys-dev"}
    assert [f["person"] for f in findings(results)] == ["mallory"], "the access stack is still checked and reported"
    assert "## Could not be checked" in markdown(results)


def test_the_job_runs_only_when_named(world):
    g, folder, _ = world
    g.sso_sets[ps_arn("Backdoor")] = "Backdoor"
    for apply in (False, True):
        results = run(["identity"], manifests=folder, gateway=g, apply=apply, deadline=deadline())
        assert [n for r in results for n in r.notes if n.job == "access-drift"] == [], "never part of a plain plan or apply"
    assert len(check(world, ["identity"])[0].notes) == 1


def test_the_access_review_includes_the_findings_as_not_from_the_registry(world, tmp_path, run_cli):
    g, _, ids = world
    g.names["u-mallory"] = ("USER", "mallory")
    g.assignments_[ids["pricing-dev"]].append({"PermissionSetArn": ps_arn("ReadOnly"), "PrincipalType": "USER", "PrincipalId": "u-mallory"})
    g.profiles["d-pricing-dev"].append("julia")
    report = tmp_path / "access-drift.json"
    report.write_text(as_json(check(world)))
    code, md, _ = run_cli(["access", "--registry", str(EXAMPLE), "--drift", str(report), "--account", "pricing-dev"])
    assert code == 0
    section = md[md.index("## Not from the registry") :]
    assert "| mallory | account pricing-dev" in section and "has ReadOnly, which the registry does not grant" in section
    assert "| julia | account pricing-dev" in section and "Studio user profile julia belongs to no registry member" in section
    code, csv, _ = run_cli(["access", "--registry", str(EXAMPLE), "--drift", str(report), "--format", "csv", "--person", "mallory"])
    assert csv.splitlines()[1:] == ["mallory,no,pricing-dev,ReadOnly,,,no,,,not from the registry"]
    code, out, _ = run_cli(["access", "--registry", str(EXAMPLE), "--drift", str(report), "--format", "json", "--person", "julia"])
    doc = json.loads(out)
    assert [(f["kind"], f["account"]) for f in doc["not_from_registry"]] == [("studio-profile", "pricing-dev")]
    assert all(r["person"] == "julia" for r in doc["grants"])
    (tmp_path / "bad.json").write_text("{}")
    code, _, err = run_cli(["access", "--registry", str(EXAMPLE), "--drift", str(tmp_path / "bad.json")])
    assert code == 2 and "not a report of `python main.py access-drift --format json`" in err
