"""Job logic against the in-memory fake: what each job plans, that apply does it, that a second apply does nothing."""
import json

import pytest

from modules.post.manifest import manifests
from modules.post.run import as_json, as_table, exit_code, run
from modules.stacks import plan
from tests.post.fakes import FakeGateway

PRICING_DEV = "arn:aws:sagemaker:eu-west-1:111122223333:pipeline/price-elasticity-training"


@pytest.fixture
def manifest_dir(tmp_path, example_registry):
    for name, doc in manifests(plan(example_registry)).items():
        (tmp_path / f"{name}.json").write_text(json.dumps(doc))
    return tmp_path


@pytest.fixture
def aws():
    g = FakeGateway()
    g.accounts = {"northwind-pricing-dev": "111122223333", "northwind-recsys-prod": "444455556666",
                  "northwind-recsys-dev": "777788889999"}
    return g


def go(manifest_dir, aws, stacks, apply=False, **kw):
    results = run(stacks, manifests=manifest_dir, gateway=aws, apply=apply, sleep=lambda s: None, **kw)
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
    aws.pipelines["elasticity-v2"] = {"arn": "arn:aws:sagemaker:eu-west-1:111122223333:pipeline/elasticity-v2",
                                      "tags": {"share": "price-elasticity-pipeline"}}
    results, _ = go(manifest_dir, aws, ["pricing-dev"])
    assert [a.target for a in results[0].actions] == ["arn:aws:sagemaker:eu-west-1:111122223333:pipeline/elasticity-v2"]


def test_the_share_arn_comes_from_terraform_outputs_when_given(manifest_dir, aws):
    aws.ram["other-name"] = {"arn": "arn:aws:ram:eu-west-1:111122223333:resource-share/out", "resources": set()}
    aws.pipelines["price-elasticity-training"] = {"arn": PRICING_DEV}
    outputs = {"account_id": {"value": "111122223333"},
               "ram_share_arns": {"value": {"price-elasticity-pipeline": "arn:aws:ram:eu-west-1:111122223333:resource-share/out"}}}
    results, _ = go(manifest_dir, aws, ["pricing-dev"], tf_outputs=outputs)
    assert dict(results[0].actions[0].params)["share_arn"] == "arn:aws:ram:eu-west-1:111122223333:resource-share/out"


def test_promote_shares_promotes_permission_before_share(manifest_dir, aws):
    arn = "arn:aws:sagemaker:eu-west-1:444455556666:model-package-group/ranker-xgb"
    aws.groups["ranker-xgb"] = arn
    aws.policy_shares_[arn] = [{"arn": "share-1", "featureSet": "CREATED_FROM_POLICY",
                                "permissions": [{"arn": "perm-1", "featureSet": "CREATED_FROM_POLICY"}]}]
    results, code = go(manifest_dir, aws, ["recsys-prod"])
    assert code == 2
    assert [a.call for a in results[0].actions] == ["ram:PromotePermissionCreatedFromPolicy",
                                                    "ram:PromoteResourceShareCreatedFromPolicy"]
    _, code = go(manifest_dir, aws, ["recsys-prod"], apply=True)
    assert code == 0 and aws.calls == ["promote_permission perm-1", "promote_share share-1"]
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
    results, code = go(manifest_dir, aws, ["identity"])
    assert code == 1, "the Identity Center instance is missing"
    assert [(n.level, n.target) for n in results[0].notes] == [("missing", doc["jobs"]["preflight"]["instance_arn"]),
                                                                ("missing", "zed")], "every problem at once"
    aws.instances = {doc["jobs"]["preflight"]["instance_arn"]}
    results, code = go(manifest_dir, aws, ["identity"])
    assert code == 1 and [(n.level, n.target) for n in results[0].notes] == [("missing", "zed")]
    assert "provision them in the identity provider" in results[0].notes[0].message


def tf_plan_deleting_profile(domain_id="d-1", profile="ivan"):
    return {"resource_changes": [
        {"type": "aws_sagemaker_user_profile", "address": "aws_sagemaker_user_profile.profile-ivan",
         "change": {"actions": ["delete"], "before": {"domain_id": domain_id, "user_profile_name": profile}}},
        {"type": "aws_sagemaker_user_profile", "address": "aws_sagemaker_user_profile.profile-chen",
         "change": {"actions": ["no-op"], "before": {"domain_id": domain_id, "user_profile_name": "chen"}}},
    ]}


def test_studio_cleanup_deletes_the_apps_and_spaces_of_deleted_profiles_only(manifest_dir, aws):
    aws.apps_ = [
        {"DomainId": "d-1", "UserProfileName": "ivan", "AppType": "JupyterServer", "AppName": "default", "Status": "InService"},
        {"DomainId": "d-1", "SpaceName": "ivan-space", "AppType": "JupyterLab", "AppName": "lab", "Status": "InService"},
        {"DomainId": "d-1", "UserProfileName": "chen", "AppType": "JupyterServer", "AppName": "default-chen", "Status": "InService"},
    ]
    aws.spaces_ = [{"DomainId": "d-1", "SpaceName": "ivan-space", "OwnershipSettingsSummary": {"OwnerUserProfileName": "ivan"}},
                   {"DomainId": "d-1", "SpaceName": "chen-space", "OwnershipSettingsSummary": {"OwnerUserProfileName": "chen"}}]
    results, code = go(manifest_dir, aws, ["recsys-dev"], tf_plan=tf_plan_deleting_profile(), only="studio-cleanup")
    assert code == 2
    assert [(a.call, a.target) for a in results[0].actions] == [
        ("sagemaker:DeleteApp", "d-1/ivan/JupyterServer/default"),
        ("sagemaker:DeleteApp", "d-1/ivan-space/JupyterLab/lab"),
        ("sagemaker:DeleteSpace", "d-1/ivan-space")]
    _, code = go(manifest_dir, aws, ["recsys-dev"], apply=True, tf_plan=tf_plan_deleting_profile(), only="studio-cleanup")
    assert code == 0
    assert aws.calls == ["delete_app default", "delete_app lab", "delete_space ivan-space"]
    assert [s["SpaceName"] for s in aws.spaces_] == ["chen-space"]


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
    assert [a["call"] for s in doc["stacks"] for a in s["actions"]] == ["ram:AssociateResourceShare",
                                                                        "ce:UpdateCostAllocationTagsStatus"]
    assert set(doc["stacks"][0]["actions"][0]) == {"account", "region", "job", "call", "target", "reason"}


def test_manifests_name_what_each_stack_needs(example_registry):
    docs = manifests(plan(example_registry))
    assert docs["organization"]["jobs"] == {"cost-tags": {"tags": ["cost_center", "environment", "team"]}}
    assert docs["pricing-prod"]["account"] == {"key": "pricing-prod", "id": "012345678901", "name": "northwind-pricing-prod",
                                               "id_output": None}
    assert docs["recsys-prod"]["jobs"]["promote-shares"] == [{"share": "recsys-ranker-models", "model_package_group": "ranker-xgb"}]
    assert docs["demand-forecast-prod"]["jobs"]["share-artifacts"][0]["kind"] == "feature_group"
    assert "share-artifacts" not in docs["recsys-dev"]["jobs"], "ECR shares need no post-step"
