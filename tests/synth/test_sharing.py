"""Each share traced through the output: the producer's grant, each consumer's permission, nobody else."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from modules.plan.layout import plan
from modules.shares import KINDS
from tests.helpers import EXAMPLE, materialize
from tests.synth.conftest import fake_account_id, iam_items, policy, resources, stack, synth_registry


@pytest.fixture(scope="session")
def example_plan(example_registry):
    return plan(example_registry)


def account_id(example_plan, key):
    return example_plan.account(key).account.adopted_id or fake_account_id(key)


def role_arn(example_plan, key):
    return f"arn:aws:iam::{account_id(example_plan, key)}:role/{example_plan.account(key).role_name}"


def share_statements(doc, sid):
    policies = iam_items(doc, "aws_iam_role_policy")
    if "execution-role-shares" not in policies:
        return []
    return [s for s in policy(policies["execution-role-shares"]["policy"])["Statement"] if s["Sid"].startswith(sid)]


def test_every_kind_is_in_the_example(example_plan):
    assert {s.kind for s in example_plan.shares} == set(KINDS)


def test_consumers_get_exactly_the_shared_actions_and_nobody_else_does(example_out, example_plan):
    for share in example_plan.shares:
        sid = "Share" + "".join(p.capitalize() for p in share.name.split("-"))
        for acct in example_plan.accounts:
            statements = share_statements(stack(example_out, acct.name), sid)
            if acct.account.key not in share.consumers:
                assert statements == [], f"{acct.name} is not a consumer of {share.name}"
                continue
            main = next(s for s in statements if s["Sid"] == sid)
            assert main["Action"] == list(KINDS[share.kind].actions(share.access))
            producer_id = account_id(example_plan, share.producer)
            resources_ = main["Resource"] if isinstance(main["Resource"], list) else [main["Resource"]]
            for arn in resources_:
                assert producer_id in arn or f":::{example_plan.account(share.producer).bucket_name}/" in arn, arn


def test_model_package_group_grant(example_out, example_plan):
    doc = stack(example_out, "recsys-prod")
    group = resources(doc, "aws_sagemaker_model_package_group")["share-recsys-ranker-models"]
    assert group["model_package_group_name"] == "ranker-xgb"
    grant = policy(resources(doc, "aws_sagemaker_model_package_group_policy")["share-recsys-ranker-models-policy"]["resource_policy"])
    [st] = grant["Statement"]
    assert st["Principal"] == {"AWS": ["arn:aws:iam::012345678901:root"]}  # pricing-prod, adopted
    assert st["Action"] == ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"]
    producer = account_id(example_plan, "recsys-prod")
    assert st["Resource"] == [
        f"arn:aws:sagemaker:eu-west-1:{producer}:model-package-group/ranker-xgb",
        f"arn:aws:sagemaker:eu-west-1:{producer}:model-package/ranker-xgb/*",
    ]


def test_ram_shares_for_feature_groups_and_pipelines(example_out, example_plan):
    doc = stack(example_out, "demand-forecast-prod")
    share = resources(doc, "aws_ram_resource_share")["share-demand-features"]
    assert share["allow_external_principals"] is False
    assert share["permission_arns"] == ["arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerFeatureGroupReadOnly"]
    principals = {a["principal"] for a in resources(doc, "aws_ram_principal_association").values()}
    assert {p.replace('\\"', '"') for p in principals} == {
        '${data.terraform_remote_state.pricing-access.outputs.account_ids["pricing-preprod"]}',  # its team's access stack
        "012345678901",
    }
    pipeline = resources(stack(example_out, "pricing-dev"), "aws_ram_resource_share")["share-price-elasticity-pipeline"]
    assert pipeline["name"] == "price-elasticity-pipeline"
    [consumer] = share_statements(stack(example_out, "demand-forecast-dev"), "SharePriceElasticityPipeline")
    assert "sagemaker:StartPipelineExecution" in consumer["Action"]  # a write share


def test_s3_prefix_grant_is_scoped_to_prefix_roles_and_key(example_out, example_plan):
    doc = stack(example_out, "demand-forecast-prod")
    bucket = policy(resources(doc, "aws_s3_bucket_policy")["data-bucket-policy"]["policy"])["Statement"]
    objects = next(s for s in bucket if s["Sid"] == "ShareDailyForecastsObjects")
    assert objects["Resource"] == "arn:aws:s3:::northwind-demand-forecast-prod-data/forecasts/daily/*"
    assert objects["Action"] == ["s3:GetObject", "s3:GetObjectVersion"]
    assert objects["Condition"]["ArnEquals"]["aws:PrincipalArn"] == [role_arn(example_plan, "recsys-prod")]
    listing = next(s for s in bucket if s["Sid"] == "ShareDailyForecastsList")
    assert listing["Condition"]["StringLike"] == {"s3:prefix": ["forecasts/daily/*"]}
    key = policy(resources(doc, "aws_kms_key")["kms"]["policy"])["Statement"]
    grant = next(s for s in key if s["Sid"] == "ShareDailyForecastsKey")
    assert grant["Action"] == ["kms:Decrypt", "kms:DescribeKey"]
    assert grant["Condition"]["StringEquals"] == {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}
    consumer = share_statements(stack(example_out, "recsys-prod"), "ShareDailyForecasts")
    key_use = next(s for s in consumer if s["Sid"] == "ShareDailyForecastsKey")
    assert key_use["Condition"]["ForAnyValue:StringEquals"] == {"kms:ResourceAliases": ["alias/northwind-demand-forecast-prod"]}


def test_ecr_repository_grant(example_out, example_plan):
    doc = stack(example_out, "recsys-dev")
    repo = resources(doc, "aws_ecr_repository")["share-recsys-base-image"]
    assert (repo["name"], repo["image_tag_mutability"]) == ("recsys/base-image", "IMMUTABLE")
    [st] = policy(resources(doc, "aws_ecr_repository_policy")["share-recsys-base-image-policy"]["policy"])["Statement"]
    assert st["Action"] == ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    assert set(st["Condition"]["ArnEquals"]["aws:PrincipalArn"]) == {
        role_arn(example_plan, "demand-forecast-dev"),
        role_arn(example_plan, "pricing-dev"),
    }
    assert sorted(st["Principal"]["AWS"]) == sorted(
        f"arn:aws:iam::{account_id(example_plan, k)}:root" for k in ("demand-forecast-dev", "pricing-dev")
    )


def _all_statements(doc):
    """Every policy statement in a stack: role policies, resource policies, bucket and key policies."""
    out = []
    for rtype, attr in (
        ("aws_iam_role_policy", "policy"),
        ("aws_s3_bucket_policy", "policy"),
        ("aws_kms_key", "policy"),
        ("aws_ecr_repository_policy", "policy"),
        ("aws_sagemaker_model_package_group_policy", "resource_policy"),
    ):
        for r in resources(doc, rtype).values():
            out += policy(r[attr])["Statement"]
    return out


def test_read_shares_never_grant_write_actions(example_out, example_plan):
    checked = 0
    for share in example_plan.shares:
        if share.access != "read":
            continue
        sid = "Share" + "".join(p.capitalize() for p in share.name.split("-"))
        write = set(KINDS[share.kind].write) | {"kms:GenerateDataKey"}
        for key in (share.producer, *share.consumers):
            for st in _all_statements(stack(example_out, example_plan.account(key).name)):
                if st.get("Sid", "").startswith(sid):
                    actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
                    assert not write & set(actions), (share.name, key, st)
                    checked += 1
    assert checked >= 10


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_read_and_write_action_tables_are_disjoint(kind):
    assert not set(KINDS[kind].read) & set(KINDS[kind].write)
    assert set(KINDS[kind].actions("read")) < set(KINDS[kind].actions("write"))


def test_removing_a_share_is_refused_then_removes_both_halves(tmp_path, run_cli):
    registry = materialize(None, tmp_path)
    out = synth_registry(registry, tmp_path / "out")
    # the base fixture: fraud-prod (adopted 333333333333) shares models with risk-prod
    code, _, _ = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet"])
    assert code == 0
    assert "share-fraud-models-policy" in resources(stack(out, "fraud-prod"), "aws_sagemaker_model_package_group_policy")
    assert share_statements(stack(out, "risk-prod"), "ShareFraudModels")
    team = registry / "teams" / "fraud.yaml"
    team.write_text(team.read_text().split("shares:")[0])
    code, _, err = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet"])
    assert code == 1 and "share 'fraud-models'" in err
    code, _, _ = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet", "--allow-destroy"])
    assert code == 0
    assert resources(stack(out, "fraud-prod"), "aws_sagemaker_model_package_group_policy") == {}
    assert share_statements(stack(out, "risk-prod"), "ShareFraudModels") == []


def test_catalog_visibility_follows_each_team_file(example_out, example_registry):
    shared = stack(example_out, "shared-services")
    assert resources(shared, "aws_servicecatalog_principal_portfolio_association") == {}, "each team's access stack decides"
    seen: dict[str, set[str]] = {}
    for team in example_registry.teams:
        access = stack(example_out, f"{team.name}-access")
        for a in resources(access, "aws_servicecatalog_principal_portfolio_association").values():
            template = a["portfolio_id"].split('portfolio_ids["')[1].split('"')[0]
            seen.setdefault(template, set()).add(a["principal_arn"])
            assert a["principal_type"] == "IAM_PATTERN" and a["provider"] == "aws.shared-services"
            assert f"-{team.name}-" in a["principal_arn"], "a team's stack associates only its own roles"
    for template in example_registry.templates:
        expected = {
            f"arn:aws:iam:::role/northwind-{t.name}-{env}-sagemaker-execution"
            for t in example_registry.teams
            if t.active and template.name in t.sagemaker.project_templates
            for env in t.environments
        }
        assert seen.get(template.name, set()) == expected
    # recsys lists only build-train-deploy: it must not see batch-inference
    assert not any("recsys" in arn for arn in seen["batch-inference"])
    products = resources(shared, "aws_servicecatalog_product")
    assert products["product-build-train-deploy"]["provisioning_artifact_parameters"]["name"] == "1.2.0"
    assert products["product-build-train-deploy"]["tags"] == {"sagemaker:studio-visibility": "true"}
    launch = resources(shared, "aws_servicecatalog_constraint")["portfolio-build-train-deploy-launch"]
    assert json.loads(launch["parameters"]) == {"LocalRoleName": "northwind-sagemaker-projects-launch"}
    shares = resources(shared, "aws_servicecatalog_portfolio_share")
    assert {s["type"] for s in shares.values()} == {"ORGANIZATIONAL_UNIT"} and all(s["share_principals"] for s in shares.values())


def test_projects_enabled_with_a_launch_role_where_the_team_uses_templates(example_out):
    doc = stack(example_out, "pricing-dev")
    assert resources(doc, "aws_sagemaker_servicecatalog_portfolio_status")["sagemaker-projects"]["status"] == "Enabled"
    assert iam_items(doc, "aws_iam_role")["projects-launch-role"]["name"] == "northwind-sagemaker-projects-launch"
    churn = stack(example_out, "churn-prod")  # decommissioned: lists no templates any more
    assert resources(churn, "aws_sagemaker_servicecatalog_portfolio_status")["sagemaker-projects"]["status"] == "Enabled"
    assert "projects-launch-role" not in iam_items(churn, "aws_iam_role")


def test_shares_command_prints_the_graph(run_cli):
    code, out, _ = run_cli(["shares", "--registry", str(EXAMPLE)])
    assert code == 0
    assert "recsys-base-image          ecr_repository       read    recsys-dev            ->  demand-forecast-dev, pricing-dev" in out
    code, out, _ = run_cli(["shares", "--registry", str(EXAMPLE), "--format", "json"])
    assert json.loads(out)["shares"][0]["name"] == "daily-forecasts"


def test_catalog_templates_pass_cfn_lint():
    templates = sorted(str(p) for p in (EXAMPLE / "catalog").glob("*.yaml"))
    templates += sorted(str(p) for p in (Path(__file__).parents[1] / "fixtures" / "base" / "registry" / "catalog").glob("*.yaml"))
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    proc = subprocess.run([str(cfn_lint), *templates], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_s3_share_written_as_bucket_slash_prefix_keeps_the_prefix(tmp_path):
    from modules.registry.validate import load_registry
    from tests.helpers import FIXTURES

    registry = materialize(FIXTURES / "valid" / "empty-values-mean-defaults", tmp_path)
    share = next(s for s in plan(load_registry(registry)).shares if s.name == "risk-scores")
    assert (share.resource, share.producer, share.consumers) == ("scores/", "risk-prod", ("fraud-prod",))
