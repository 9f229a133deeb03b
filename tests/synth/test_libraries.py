"""Libraries and seed code in the example's synthesized stacks : shared services holds the domain,
repositories, resource policies and the seed object; every team account its roles' access, Studio's lifecycle
configurations and, VPC-only, the CodeArtifact endpoints. A seed folder change changes shared-services alone."""

from __future__ import annotations

import base64
import io
import json
import shutil
import zipfile

import pytest

from modules.base import seedzip
from tests.helpers import EXAMPLE
from tests.synth.conftest import iam_items, policy, resources, stack, synth_registry

SEED_DIR = EXAMPLE / "catalog" / "build-train-deploy-seed"
CENTRAL = ("organization", "identity", "shared-services")


def account_stacks(out):
    return [p.name for p in sorted((out / "stacks").iterdir()) if p.name not in CENTRAL and not p.name.endswith("-access")]


@pytest.fixture(scope="module")
def changed_seed_out(tmp_path_factory):
    """The example with one line added to its seed's README."""
    root = tmp_path_factory.mktemp("seed-changed")
    shutil.copytree(EXAMPLE, root / "registry")
    readme = root / "registry" / "catalog" / "build-train-deploy-seed" / "README.md"
    readme.write_text(readme.read_text() + "\nOne more line.\n")
    return synth_registry(root / "registry", root / "out")


def test_shared_services_holds_domain_repositories_and_policies(example_out):
    shared = stack(example_out, "shared-services")
    domain = resources(shared, "aws_codeartifact_domain")["libraries-domain"]
    assert (domain["domain"], domain["encryption_key"]) == ("northwind", "${aws_kms_key.kms.arn}")
    repos = resources(shared, "aws_codeartifact_repository")
    assert repos["libraries-proxy-pypi"]["external_connections"] == {"external_connection_name": "public:pypi"}
    assert repos["libraries-repository"]["repository"] == "ml-libraries"
    assert repos["libraries-repository"]["upstream"] == [
        {"repository_name": "${aws_codeartifact_repository.libraries-proxy-pypi.repository}"}
    ]
    org_id = "${data.terraform_remote_state.organization.outputs.organization_id}"
    repo_policy = resources(shared, "aws_codeartifact_repository_permissions_policy")["libraries-repository-policy"]
    publish = next(s for s in json.loads(repo_policy["policy_document"])["Statement"] if s["Sid"] == "PlatformRolesPublish")
    assert publish["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": org_id},
        "ArnLike": {
            "aws:PrincipalArn": [
                "arn:aws:iam::*:role/northwind-deploy",
                "arn:aws:iam::*:role/northwind-*-dev-sagemaker-execution",
                "arn:aws:iam::*:role/northwind-*-sandbox-sagemaker-execution",
            ]
        },
    }
    for team in ("recsys", "pricing"):  # no team is named: the policy does not grow with teams
        assert team not in repo_policy["policy_document"]
    dom_policy = resources(shared, "aws_codeartifact_domain_permissions_policy")["libraries-domain-policy"]
    assert json.loads(dom_policy["policy_document"])["Statement"][0]["Action"] == "codeartifact:GetAuthorizationToken"


def test_the_seed_object_sits_beside_the_template_and_the_template_defaults_to_it(example_out):
    shared = stack(example_out, "shared-services")
    objects = resources(shared, "aws_s3_object")
    obj = objects["seed-build-train-deploy"]
    assert obj["key"] == "templates/build-train-deploy/1.4.0-seed.zip" and obj["content_type"] == "application/zip"
    assert base64.b64decode(obj["content_base64"]) == seedzip.pack_folder(SEED_DIR)
    assert "README.md" in zipfile.ZipFile(io.BytesIO(base64.b64decode(obj["content_base64"]))).namelist()
    body = json.loads(objects["template-build-train-deploy-1_4_0"]["content"].replace("$${", "${"))
    assert body["Parameters"]["SeedCodeBucket"]["Default"] == "northwind-sagemaker-catalog"
    assert body["Parameters"]["SeedCodeKey"]["Default"] == obj["key"]
    # the catalog's Git provider: the seed repository's branch of this version, and no CodeCommit repository
    assert {k: body["Parameters"][k]["Default"] for k in ("GitProvider", "SeedRepository", "SeedBranch")} == {
        "GitProvider": "codeconnections",
        "SeedRepository": "northwind-ml/northwind-build-train-deploy-seed",
        "SeedBranch": "1.4.0",
    }
    repository = body["Resources"]["ModelBuildRepository"]
    assert repository["Condition"] == "UseCodeCommit" and body["Conditions"]["UseCodeCommit"] == {
        "Fn::Equals": [{"Ref": "GitProvider"}, "codecommit"]
    }
    assert repository["Properties"]["Code"]["S3"] == {"Bucket": {"Ref": "SeedCodeBucket"}, "Key": {"Ref": "SeedCodeKey"}}
    # the deprecated 1.3.0, which creates a CodeCommit repository, is published as it was written
    assert objects["template-build-train-deploy-1_3_0"]["content"].startswith("AWSTemplateFormatVersion")
    assert objects["template-batch-inference-0_3_1"]["content"].startswith("AWSTemplateFormatVersion")  # as written
    bucket_policy = policy(resources(shared, "aws_s3_bucket_policy")["data-bucket-policy"]["policy"])
    launch = next(s for s in bucket_policy["Statement"] if s["Sid"] == "LaunchRolesReadSeedCode")
    assert launch["Resource"] == "arn:aws:s3:::northwind-sagemaker-catalog/templates/*-seed.zip"
    assert launch["Condition"]["ArnLike"] == {"aws:PrincipalArn": "arn:aws:iam::*:role/northwind-sagemaker-projects-launch"}


def test_a_seed_folder_change_changes_only_shared_services(example_out, changed_seed_out):
    names = sorted(p.name for p in (example_out / "stacks").iterdir())
    changed = [
        n
        for n in names
        if (example_out / "stacks" / n / "cdk.tf.json").read_bytes() != (changed_seed_out / "stacks" / n / "cdk.tf.json").read_bytes()
    ]
    assert changed == ["shared-services"]


def test_every_team_account_reads_and_studio_uses_the_repository(example_out):
    names = account_stacks(example_out)
    assert len(names) == 13
    for name in names:
        doc = stack(example_out, name)
        lccs = resources(doc, "aws_sagemaker_studio_lifecycle_config")
        assert {c["studio_lifecycle_config_app_type"] for c in lccs.values()} == {"JupyterLab", "CodeEditor"}, name
        script = base64.b64decode(lccs["libraries-pip-jupyterlab"]["studio_lifecycle_config_content"]).decode()
        assert (
            'pip config set global.index-url "https://aws:$TOKEN@northwind-200000000002.d.codeartifact.'
            'eu-west-1.amazonaws.com/pypi/ml-libraries/simple/"'
        ) in script
        domain = resources(doc, "aws_sagemaker_domain")["domain"]
        settings = domain["default_user_settings"]
        for app, cid in (("jupyter_lab_app_settings", "jupyterlab"), ("code_editor_app_settings", "codeeditor")):
            arn = f"${{aws_sagemaker_studio_lifecycle_config.libraries-pip-{cid}.arn}}"
            assert settings[app]["lifecycle_config_arns"] == [arn], (name, app)
            assert settings[app]["default_resource_spec"] == {"lifecycle_config_arn": arn}, (name, app)
        assert domain["default_space_settings"]["jupyter_lab_app_settings"]["lifecycle_config_arns"] == [
            "${aws_sagemaker_studio_lifecycle_config.libraries-pip-jupyterlab.arn}"
        ], name  # shared spaces too
        policies = iam_items(doc, "aws_iam_role_policy")
        for role in ("execution-role", "deploy-role"):
            sids = {s["Sid"] for s in policy(policies[f"{role}-libraries"]["policy"])["Statement"]}
            assert {"LibrariesToken", "LibrariesBearerToken", "LibrariesRead"} <= sids, (name, role)
        endpoints = {e["service_name"].split(".", 3)[-1] for e in resources(doc, "aws_vpc_endpoint").values()}
        # beside the other interface endpoints: VPC-only accounts that are not decommissioned
        assert ({"codeartifact.api", "codeartifact.repositories"} <= endpoints) == ("sagemaker.api" in endpoints), name
        vpc_only = domain["app_network_access_type"] == "VpcOnly"
        assert ("sagemaker.api" in endpoints) == (vpc_only and not name.startswith("churn-")), name


def test_publishing_is_granted_in_the_teams_own_accounts_only(example_out):
    def publishes(name: str, role: str) -> list[str]:
        doc = stack(example_out, name)
        st = policy(iam_items(doc, "aws_iam_role_policy")[f"{role}-libraries"]["policy"])["Statement"]
        return [r for s in st if s["Sid"] == "PublishTheTeamsPackages" for r in s["Resource"]]

    pkg = "arn:aws:codeartifact:eu-west-1:200000000002:package/northwind/ml-libraries/pypi//"
    assert publishes("pricing-prod", "deploy-role") == [pkg + "northwind-pricing-elasticity"]
    assert publishes("pricing-prod", "execution-role") == []  # production: people only read
    assert publishes("pricing-preprod", "execution-role") == []  # read-only environment
    assert publishes("pricing-sandbox", "execution-role") == [pkg + "northwind-pricing-elasticity"]
    assert publishes("recsys-dev", "deploy-role") == [pkg + "northwind-recsys-features", pkg + "northwind-recsys-ranking"]
    assert publishes("churn-prod", "deploy-role") == []  # decommissioned team: reads, publishes nothing
    assert publishes("demand-forecast-dev", "deploy-role") == []


def test_the_launch_role_reads_seeds_where_the_team_sees_a_seeded_template(example_out):
    """build-train-deploy has seed code; recsys, pricing and demand-forecast list it, churn is decommissioned."""
    for name in account_stacks(example_out):
        launch = iam_items(stack(example_out, name), "aws_iam_role_policy").get("projects-launch-role-policy")
        sids = {s["Sid"] for s in policy(launch["policy"])["Statement"]} if launch else set()
        assert ("ReadSeedCode" in sids) == name.startswith(("recsys-", "pricing-", "demand-forecast-")), name


def test_a_repository_without_upstreams_has_no_proxy(synthesized_fixture):
    from tests.helpers import FIXTURES

    _, out = synthesized_fixture(FIXTURES / "valid" / "libraries-without-upstreams")
    repos = resources(stack(out, "shared-services"), "aws_codeartifact_repository")
    assert list(repos) == ["libraries-repository"] and "upstream" not in repos["libraries-repository"]
    dev = policy(iam_items(stack(out, "risk-dev"), "aws_iam_role_policy")["execution-role-libraries"]["policy"])
    pkgs = [r.rsplit("/", 1)[1] for s in dev["Statement"] if s["Sid"] == "PublishTheTeamsPackages" for r in s["Resource"]]
    assert pkgs == ["acme-risk-features", "acme-risk-scores"]
    prod = policy(iam_items(stack(out, "risk-prod"), "aws_iam_role_policy")["execution-role-libraries"]["policy"])
    assert "PublishTheTeamsPackages" not in {s["Sid"] for s in prod["Statement"]}
    fraud = resources(stack(out, "fraud-dev"), "aws_sagemaker_studio_lifecycle_config")  # reads without publishing
    assert set(fraud) == {"libraries-pip-jupyterlab", "libraries-pip-codeeditor"}


def test_a_new_package_plans_only_that_teams_account_stacks(example_out, tmp_path):
    """docs/design.md, "Internal libraries": publishing rights live in the team's own stacks, never in shared services."""
    shutil.copytree(EXAMPLE, tmp_path / "registry")
    team = tmp_path / "registry" / "teams" / "recsys.yaml"
    team.write_text(
        team.read_text().replace(
            "publish: [northwind-recsys-features, northwind-recsys-ranking]",
            "publish: [northwind-recsys-features, northwind-recsys-ranking, northwind-recsys-embeddings]",
        )
    )
    out = synth_registry(tmp_path / "registry", tmp_path / "out")
    names = sorted(p.name for p in (example_out / "stacks").iterdir())
    changed = [
        n for n in names if (example_out / "stacks" / n / "cdk.tf.json").read_bytes() != (out / "stacks" / n / "cdk.tf.json").read_bytes()
    ]
    assert changed == ["recsys-dev", "recsys-prod", "recsys-sandbox"]
