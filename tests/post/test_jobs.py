"""Job logic against the in-memory fake: what each job plans, that apply does it, that a second apply does nothing."""

import json

import pytest

from modules.plan.layout import plan
from modules.post.deadline import Clock, Deadline
from modules.post.manifest import manifests
from modules.post.run import UsageError, as_json, as_table, exit_code, run
from tests.post.fakes import FakeClock, FakeGateway

PRICING_DEV = "arn:aws:sagemaker:eu-west-1:111122223333:pipeline/price-elasticity-training"


@pytest.fixture
def manifest_dir(tmp_path, example_registry):
    for name, doc in manifests(plan(example_registry)).items():
        (tmp_path / f"{name}.json").write_text(doc.to_json())
    return tmp_path


@pytest.fixture
def aws():
    g = FakeGateway()
    g.accounts = {"northwind-pricing-dev": "111122223333", "northwind-recsys-prod": "444455556666", "northwind-recsys-dev": "777788889999"}
    g.instances = {"arn:aws:sso:::instance/ssoins-6987a1b2c3d4e5f6": "d-93671a2b3c"}
    healthy_organization(g)
    return g


def healthy_organization(g: FakeGateway) -> None:
    """The example organization with every first-apply prerequisite in place."""
    from modules.plan.trusted_access import REQUIRED_TRUSTED_SERVICES

    g.org = {"Id": "o-exampleorg", "FeatureSet": "ALL", "MasterAccountId": "100000000001"}
    g.accounts.update(
        {
            "northwind-management": "100000000001",
            "northwind-shared-services": "200000000002",
            "northwind-log-archive": "300000000003",
            "legacy": "012345678901",
        }
    )
    g.trusted = set(REQUIRED_TRUSTED_SERVICES)
    g.policy_types = {"SERVICE_CONTROL_POLICY": "ENABLED"}
    g.buckets = {"northwind-terraform-state": {"region": "eu-west-1", "versioning": "Enabled"}}
    g.quota = 20.0
    g.assumable = {(a, "OrganizationAccountAccessRole") for a in ("012345678901", "200000000002", "300000000003")}
    g.management_roles = {"AWSServiceRoleForResourceAccessManager"}  # the organization stack enabled RAM's sharing


@pytest.fixture
def clock():
    return FakeClock()


def go(manifest_dir, aws, stacks, apply=False, clock=None, seconds=900, **kw):
    c = clock or FakeClock()
    results = run(stacks, manifests=manifest_dir, gateway=aws, apply=apply, deadline=Deadline.start(seconds, Clock(c.now, c.sleep)), **kw)
    return results, exit_code(results, apply=apply)


def test_share_artifacts_associates_the_pipeline_once(manifest_dir, aws):
    aws.ram["price-elasticity-pipeline"] = {"arn": "arn:aws:ram:eu-west-1:111122223333:resource-share/1", "resources": set()}
    aws.pipelines["price-elasticity-training"] = {"arn": PRICING_DEV}
    results, code = go(manifest_dir, aws, ["pricing-dev"])
    assert code == 2
    [action] = results[0].actions
    assert (action.call, action.target) == ("ram:AssociateResourceShare", PRICING_DEV)
    assert results[0].account == "111122223333"  # found by account name: no outputs given
    results, code = go(manifest_dir, aws, ["pricing-dev"], apply=True)
    assert code == 0 and aws.calls == [f"associate {PRICING_DEV}"]
    results, code = go(manifest_dir, aws, ["pricing-dev"], apply=True)
    assert code == 0 and results[0].actions == [] and len(aws.calls) == 1, "idempotent"


def test_share_artifacts_finds_a_pipeline_by_tag_and_reports_what_is_missing(manifest_dir, aws):
    aws.ram["price-elasticity-pipeline"] = {"arn": "arn:aws:ram:eu-west-1:111122223333:resource-share/1", "resources": set()}
    results, code = go(manifest_dir, aws, ["pricing-dev"])
    assert code == 0 and results[0].actions == []
    [note] = results[0].notes
    assert note.level == "waiting" and "create the pipeline named 'price-elasticity-training'" in note.message
    aws.pipelines["elasticity-v2"] = {
        "arn": "arn:aws:sagemaker:eu-west-1:111122223333:pipeline/elasticity-v2",
        "tags": {"share": "price-elasticity-pipeline"},
    }
    results, _ = go(manifest_dir, aws, ["pricing-dev"])
    assert [a.target for a in results[0].actions] == ["arn:aws:sagemaker:eu-west-1:111122223333:pipeline/elasticity-v2"]


def test_the_share_arn_comes_from_terraform_outputs_when_given(manifest_dir, aws):
    aws.ram["other-name"] = {"arn": "arn:aws:ram:eu-west-1:111122223333:resource-share/out", "resources": set()}
    aws.pipelines["price-elasticity-training"] = {"arn": PRICING_DEV}
    outputs = {
        "account_id": {"value": "111122223333"},
        "ram_share_arns": {"value": {"price-elasticity-pipeline": "arn:aws:ram:eu-west-1:111122223333:resource-share/out"}},
    }
    results, _ = go(manifest_dir, aws, ["pricing-dev"], tf_outputs=outputs)
    assert dict(results[0].actions[0].params)["share_arn"] == "arn:aws:ram:eu-west-1:111122223333:resource-share/out"


def test_promote_shares_promotes_permission_before_share(manifest_dir, aws):
    arn = "arn:aws:sagemaker:eu-west-1:444455556666:model-package-group/ranker-xgb"
    aws.groups["ranker-xgb"] = arn
    aws.policy_shares_[arn] = [
        {"arn": "share-1", "featureSet": "CREATED_FROM_POLICY", "permissions": [{"arn": "perm-1", "featureSet": "CREATED_FROM_POLICY"}]}
    ]
    results, code = go(manifest_dir, aws, ["recsys-prod"])
    assert code == 2
    assert [a.call for a in results[0].actions] == ["ram:PromotePermissionCreatedFromPolicy", "ram:PromoteResourceShareCreatedFromPolicy"]
    _, code = go(manifest_dir, aws, ["recsys-prod"], apply=True)
    assert code == 0 and aws.calls == ["promote_permission perm-1 as recsys-ranker-models-1", "promote_share share-1"]
    results, _ = go(manifest_dir, aws, ["recsys-prod"], apply=True)
    assert results[0].actions == [] and len(aws.calls) == 2


def test_cost_tags_activates_seen_tags_and_reports_unseen_ones(manifest_dir, aws):
    aws.cost_tags = {"team": "Inactive", "environment": "Active"}
    results, code = go(manifest_dir, aws, ["organization"])
    assert code == 2 and [a.target for a in results[0].actions] == ["team"]
    assert [(n.level, n.target) for n in results[0].notes] == [("waiting", "cost_center")]
    _, code = go(manifest_dir, aws, ["organization"], apply=True)
    assert code == 0 and aws.cost_tags["team"] == "Active"


def test_preflight_lists_what_is_missing(manifest_dir, aws, tmp_path):
    doc = json.loads((manifest_dir / "identity.json").read_text())
    doc["jobs"]["preflight"]["external_users"] = ["amara", "zed"]
    (manifest_dir / "identity.json").write_text(json.dumps(doc))
    aws.users = {"amara"}
    aws.instances = {}
    results, code = go(manifest_dir, aws, ["identity"])
    assert code == 1, "the Identity Center instance is missing"
    assert [(n.level, n.target) for n in results[0].notes] == [("missing", doc["jobs"]["preflight"]["instance_arn"]), ("missing", "zed")], (
        "every problem at once"
    )
    aws.instances = {doc["jobs"]["preflight"]["instance_arn"]: doc["jobs"]["preflight"]["identity_store_id"]}
    results, code = go(manifest_dir, aws, ["identity"])
    assert code == 1 and [(n.level, n.target) for n in results[0].notes] == [("missing", "zed")]
    assert "provision them in the identity provider" in results[0].notes[0].message


def tf_plan_deleting_profile(domain_id="d-1", profile="ivan"):
    return {
        "resource_changes": [
            {
                "type": "aws_sagemaker_user_profile",
                "address": 'aws_sagemaker_user_profile.profiles["ivan"]',
                "change": {"actions": ["delete"], "before": {"domain_id": domain_id, "user_profile_name": profile}},
            },
            {
                "type": "aws_sagemaker_user_profile",
                "address": 'aws_sagemaker_user_profile.profiles["chen"]',
                "change": {"actions": ["no-op"], "before": {"domain_id": domain_id, "user_profile_name": "chen"}},
            },
        ]
    }


def studio(aws):
    aws.apps_ = [
        {"DomainId": "d-1", "UserProfileName": "ivan", "AppType": "JupyterServer", "AppName": "default", "Status": "InService"},
        {"DomainId": "d-1", "SpaceName": "ivan-space", "AppType": "JupyterLab", "AppName": "lab", "Status": "InService"},
        {"DomainId": "d-1", "UserProfileName": "chen", "AppType": "JupyterServer", "AppName": "default-chen", "Status": "InService"},
    ]
    aws.spaces_ = [
        {"DomainId": "d-1", "SpaceName": "ivan-space", "Status": "InService", "OwnershipSettingsSummary": {"OwnerUserProfileName": "ivan"}},
        {"DomainId": "d-1", "SpaceName": "chen-space", "Status": "InService", "OwnershipSettingsSummary": {"OwnerUserProfileName": "chen"}},
    ]


def test_studio_cleanup_deletes_the_apps_and_spaces_of_deleted_profiles_only(manifest_dir, aws):
    studio(aws)
    results, code = go(manifest_dir, aws, ["recsys-dev"], tf_plan=tf_plan_deleting_profile(), only="studio-cleanup")
    assert code == 2
    assert [(a.call, a.target) for a in results[0].actions] == [
        ("sagemaker:DeleteApp", "d-1/ivan/JupyterServer/default"),
        ("sagemaker:DeleteApp", "d-1/ivan-space/JupyterLab/lab"),
    ]
    assert [(n.target, n.message) for n in results[0].notes] == [("d-1/ivan-space", "deleted once its apps are Deleted")], (
        "a space with a running app is not deleted in the same round (SageMaker refuses it)"
    )
    results, code = go(manifest_dir, aws, ["recsys-dev"], apply=True, tf_plan=tf_plan_deleting_profile(), only="studio-cleanup")
    assert code == 0 and results[0].notes == []
    assert aws.calls == ["delete_app default", "delete_app lab", "delete_space ivan-space"]
    assert [s["SpaceName"] for s in aws.spaces_] == ["chen-space"], "done only once the space is gone"


def test_studio_cleanup_waits_for_deleting_apps_before_deleting_the_space(manifest_dir, aws, clock):
    """Defect: DeleteSpace came right after DeleteApp. Now apply waits (polling) for Deleted, then deletes."""
    studio(aws)
    slow = {"n": 3}
    listing = aws.apps

    def apps_slowly(account, region, domain_id):
        out = listing(account, region, domain_id)
        if slow["n"] > 0:  # stays Deleting for three listings
            slow["n"] -= 1
            for a in aws.apps_:
                if a["AppName"] == "lab" and a["Status"] == "Deleted":
                    a["Status"] = "Deleting"
        return out

    aws.apps = apps_slowly
    results, code = go(
        manifest_dir, aws, ["recsys-dev"], apply=True, clock=clock, tf_plan=tf_plan_deleting_profile(), only="studio-cleanup"
    )
    assert code == 0, results[0].errors
    assert aws.calls[-1] == "delete_space ivan-space" and len(clock.sleeps) >= 2, "it polled until the app was Deleted"


def test_studio_cleanup_gives_up_within_the_run_bound_and_says_so(manifest_dir, aws, clock):
    studio(aws)
    listing = aws.apps

    def never_deleted(account, region, domain_id):
        out = listing(account, region, domain_id)
        for a in aws.apps_:
            if a["Status"] == "Deleted":
                a["Status"] = "Deleting"
        return out

    aws.apps = never_deleted
    results, code = go(
        manifest_dir, aws, ["recsys-dev"], apply=True, clock=clock, seconds=120, tf_plan=tf_plan_deleting_profile(), only="studio-cleanup"
    )
    assert code == 1 and clock.t <= 120
    [error] = results[0].errors
    assert error.startswith("OutOfTime: gave up waiting (waiting longer would pass the run bound of 120 s) for: d-1/ivan/JupyterServer")
    assert "delete_space ivan-space" not in aws.calls
    assert (
        as_table(results, apply=True).splitlines()[-1]
        == "post apply: 1 stack(s), FAILED in 1 stack(s) (recsys-dev): 1 error(s); 2 action(s) done"
    )


def test_studio_cleanup_does_nothing_without_a_plan(manifest_dir, aws):
    aws.apps_ = [{"DomainId": "d-1", "UserProfileName": "ivan", "AppType": "JupyterServer", "AppName": "x", "Status": "InService"}]
    results, code = go(manifest_dir, aws, ["recsys-dev"])
    assert code == 0 and results[0].actions == []


def test_a_failure_in_one_stack_does_not_stop_the_others(manifest_dir, aws):
    aws.cost_tags = {"team": "Inactive"}

    def broken(*a, **k):
        raise RuntimeError("simulated outage in the team account")

    aws.model_package_group_arn = broken
    results, code = go(manifest_dir, aws, ["recsys-prod", "organization"], apply=True)
    assert code == 1
    assert results[0].errors == ["RuntimeError: simulated outage in the team account"]
    assert aws.cost_tags["team"] == "Active", "the other stack still ran"


def test_plan_output_matches_its_golden_file(manifest_dir, aws, update_golden):
    from tests.helpers import TESTS

    aws.ram["price-elasticity-pipeline"] = {"arn": "arn:aws:ram:eu-west-1:111122223333:resource-share/1", "resources": set()}
    aws.pipelines["price-elasticity-training"] = {"arn": PRICING_DEV}
    aws.cost_tags = {"team": "Inactive"}
    results, _ = go(manifest_dir, aws, ["pricing-dev", "organization"])
    golden = TESTS / "golden" / "post-plan.txt"
    if update_golden:
        golden.write_text(as_table(results, apply=False))
    assert as_table(results, apply=False) == golden.read_text()
    doc = json.loads(as_json(results, apply=False))
    assert [a["call"] for s in doc["stacks"] for a in s["actions"]] == ["ram:AssociateResourceShare", "ce:UpdateCostAllocationTagsStatus"]
    assert set(doc["stacks"][0]["actions"][0]) == {"account", "region", "job", "call", "target", "reason"}


def test_manifests_name_what_each_stack_needs(example_registry):
    docs = {name: json.loads(doc.to_json()) for name, doc in manifests(plan(example_registry)).items()}
    assert docs["organization"]["jobs"]["cost-tags"] == {"tags": ["cost_center", "environment", "team"]}
    checks = docs["organization"]["jobs"]["preflight"]["organization"]
    assert checks["central_accounts"] == [
        {"label": "shared-services", "id": "200000000002"},
        {"label": "log-archive", "id": "300000000003"},
    ]
    assert checks["adopted_accounts"] == [] and checks["new_accounts"] == [], "team accounts live in their access stacks"
    accounts = docs["pricing-access"]["jobs"]["preflight"]["accounts"]
    assert accounts == {
        "adopted_accounts": ["012345678901"],
        "new_accounts": ["northwind-pricing-dev", "northwind-pricing-preprod", "northwind-pricing-sandbox"],
    }
    created = [n for d in docs.values() for n in (d["jobs"].get("preflight") or {}).get("accounts", {}).get("new_accounts", [])]
    assert len(created) == 12, "12 created + 1 adopted + management, shared services, log archive: 16"
    assert (checks["state_bucket"], checks["state_region"], checks["organization_id"]) == ("northwind-terraform-state", "eu-west-1", None)
    assert docs["pricing-prod"]["jobs"]["preflight"]["access_role"] == "OrganizationAccountAccessRole"
    assert docs["pricing-dev"]["jobs"]["preflight"]["access_role"] is None, "created accounts have the role"
    assert docs["pricing-prod"]["account"] == {
        "key": "pricing-prod",
        "id": "012345678901",
        "name": "northwind-pricing-prod",
        "id_output": None,
    }
    assert docs["recsys-prod"]["jobs"]["promote-shares"] == [{"share": "recsys-ranker-models", "model_package_group": "ranker-xgb"}]
    assert docs["demand-forecast-prod"]["jobs"]["share-artifacts"][0]["kind"] == "feature_group"
    assert "share-artifacts" not in docs["recsys-dev"]["jobs"], "ECR shares need no post-step"


def test_promote_shares_after_a_partial_failure_does_not_promote_the_permission_again(manifest_dir, aws):
    """Defect: the original permission stays CREATED_FROM_POLICY after its promotion, so a re-run promoted it
    again under the same name. Now the promoted copy is found by name and only the share is promoted."""
    arn = "arn:aws:sagemaker:eu-west-1:444455556666:model-package-group/ranker-xgb"
    aws.groups["ranker-xgb"] = arn
    aws.policy_shares_[arn] = [
        {"arn": "share-1", "featureSet": "CREATED_FROM_POLICY", "permissions": [{"arn": "perm-1", "featureSet": "CREATED_FROM_POLICY"}]}
    ]
    aws.customer["recsys-ranker-models-1"] = "arn:aws:ram::444455556666:permission/recsys-ranker-models-1"
    results, code = go(manifest_dir, aws, ["recsys-prod"])
    assert code == 2 and [a.call for a in results[0].actions] == ["ram:PromoteResourceShareCreatedFromPolicy"]
    _, code = go(manifest_dir, aws, ["recsys-prod"], apply=True)
    assert code == 0 and aws.calls == ["promote_share share-1"]


def test_promote_shares_waits_while_ram_promotes(manifest_dir, aws, clock):
    arn = "arn:aws:sagemaker:eu-west-1:444455556666:model-package-group/ranker-xgb"
    aws.groups["ranker-xgb"] = arn
    aws.policy_shares_[arn] = [{"arn": "share-1", "featureSet": "PROMOTING_TO_STANDARD", "permissions": []}]
    results, code = go(manifest_dir, aws, ["recsys-prod"])
    assert code == 0 and [n.message for n in results[0].notes] == ["RAM is promoting the share"]
    results, code = go(manifest_dir, aws, ["recsys-prod"], apply=True, clock=clock, seconds=30)
    assert code == 1 and "gave up waiting" in results[0].errors[0] and aws.calls == []


def test_tf_outputs_with_several_stacks_is_refused(manifest_dir, aws):
    """Defect: one stack's outputs were applied to every stack of the run (pricing-prod got recsys-dev's account)."""
    with pytest.raises(UsageError, match="name exactly one --stack"):
        go(manifest_dir, aws, ["pricing-prod", "recsys-dev"], tf_outputs={"account_id": {"value": "777788889999"}})
    assert aws.calls == [] and aws.list_accounts_calls == 0, "refused before any AWS call"


def test_the_last_line_says_what_failed(manifest_dir, aws):
    """Defect: `post plan: 2 stack(s), nothing to do` with exit 1."""

    def broken(*a, **k):
        raise RuntimeError("simulated outage")

    aws.model_package_group_arn = broken
    aws.accounts.pop("northwind-recsys-dev")
    results, code = go(manifest_dir, aws, ["recsys-prod", "recsys-dev", "organization"])
    assert code == 1
    assert as_table(results, apply=False).splitlines()[-1] == (
        "post plan: 3 stack(s), FAILED in 2 stack(s) (recsys-prod, recsys-dev): 2 error(s)"
    )
    assert json.loads(as_json(results, apply=False))["summary"].startswith("post plan: 3 stack(s), FAILED in 2 stack(s)")


def test_a_stack_without_the_selected_job_makes_no_call(manifest_dir, aws):
    """The Atlantis plan step runs `post plan --job preflight` in every project: no preflight, no AWS call."""
    results, code = go(manifest_dir, aws, ["churn-prod", "churn-sandbox"], only="preflight")
    assert code == 0 and aws.list_accounts_calls == 0 and all(r.account == "" for r in results)


def test_preflight_runs_for_team_stacks_that_assign_users_adopt_or_share_through_ram(example_registry):
    docs = manifests(plan(example_registry))
    accounts = plan(example_registry).accounts
    with_users = {a.name for a in accounts if a.studio_users}
    adopted = {a.name for a in accounts if a.account.adopted_id}
    ram = {a.name: sorted(s.name for s in a.shares_out if s.kind in ("feature_group", "pipeline")) for a in accounts}
    assert (
        with_users
        and adopted
        and {n for n, d in docs.items() if d.jobs.preflight}
        == with_users
        | adopted
        | {n for n, shares in ram.items() if shares}
        | {"identity", "organization", "shared-services"}
        | {a.name for a in plan(example_registry).access if a.held}  # the accounts they create or adopt
    ), "shared services: the catalog's Git provider"
    assert {n: list(d.jobs.preflight.ram_shares) for n, d in docs.items() if d.jobs.preflight and d.jobs.preflight.ram_shares} == {
        n: shares for n, shares in ram.items() if shares
    }


def test_preflight_of_an_organization_only_share_reads_what_the_provider_reads(manifest_dir, aws):
    """aws_ram_sharing_with_organization exists for the provider when RAM's role and trusted access both do."""
    assert go(manifest_dir, aws, ["pricing-dev"], only="preflight")[1] == 0
    aws.management_roles = set()  # trusted access enabled through Organizations alone: no role
    aws.trusted.discard("ram.amazonaws.com")
    results, code = go(manifest_dir, aws, ["pricing-dev"], only="preflight")
    assert code == 1 and [(n.level, n.target) for n in results[0].notes] == [("missing", "ram sharing")] * 2
    first, second = (n.message for n in results[0].notes)
    assert "no AWSServiceRoleForResourceAccessManager" in first and "no trusted access for ram.amazonaws.com" in second
    assert "(price-elasticity-pipeline)" in first and "aws ram enable-sharing-with-aws-organization" in first
