"""Libraries and seed code in the synthesized stacks (issue 14): shared services holds the domain, repositories,
resource policies and seed objects; every team account its roles' access, Studio's lifecycle configurations and,
VPC-only, the CodeArtifact endpoints. A seed change changes shared-services alone. Terraform accepts them all."""
from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest

from modules import libraries as L
from modules import seed
from modules.stacks import plan as make_plan
from modules.synth import synthesize
from tests.helpers import EXAMPLE
from tests.libraries_plan import with_libraries, with_seed
from tests.synth.conftest import policy, resources, stack
from tests.terraform.conftest import terraform_env  # noqa: F401 - the tier's stand-in provider

SEED_DIR = EXAMPLE / "catalog" / "build-train-deploy-seed"
PUBLISH = {"recsys": ("recsys-features",), "pricing": ("Pricing_Tools",)}


def _plan(example_registry, zip_bytes: bytes):
    p = with_libraries(make_plan(example_registry), publish=PUBLISH)
    return with_seed(p, "build-train-deploy", zip_bytes, folder="catalog/build-train-deploy-seed/")


@pytest.fixture(scope="module")
def outs(example_registry, tmp_path_factory):
    """The example with libraries and a seed, and the same with one seed file changed."""
    first = tmp_path_factory.mktemp("libs") / "out"
    synthesize(_plan(example_registry, seed.pack_folder(SEED_DIR)), first)
    files = seed.read_folder(SEED_DIR)
    files["README.md"] = (files["README.md"][0] + b"\nOne more line.\n", False)
    second = tmp_path_factory.mktemp("libs-changed") / "out"
    synthesize(_plan(example_registry, seed.pack(files)), second)
    return first, second


def test_shared_services_holds_domain_repositories_and_policies(outs):
    shared = stack(outs[0], "shared-services")
    domain = resources(shared, "aws_codeartifact_domain")["libraries-domain"]
    assert (domain["domain"], domain["encryption_key"]) == ("northwind-libs", "${aws_kms_key.kms.arn}")
    repos = resources(shared, "aws_codeartifact_repository")
    assert repos["libraries-proxy-pypi"]["external_connections"] == {"external_connection_name": "public:pypi"}
    assert repos["libraries-repository"]["repository"] == "ml-libraries"
    assert repos["libraries-repository"]["upstream"] == [
        {"repository_name": "${aws_codeartifact_repository.libraries-proxy-pypi.repository}"}]
    org_id = "${data.terraform_remote_state.organization.outputs.organization_id}"
    repo_policy = resources(shared, "aws_codeartifact_repository_permissions_policy")["libraries-repository-policy"]
    publish = next(s for s in json.loads(repo_policy["policy_document"])["Statement"] if s["Sid"] == "PlatformRolesPublish")
    assert publish["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": org_id}, "ArnLike": {"aws:PrincipalArn": [
        "arn:aws:iam::*:role/northwind-deploy", "arn:aws:iam::*:role/northwind-*-dev-sagemaker-execution",
        "arn:aws:iam::*:role/northwind-*-sandbox-sagemaker-execution"]}}
    assert "recsys" not in repo_policy["policy_document"]  # no team is named: the policy does not grow with teams
    dom_policy = resources(shared, "aws_codeartifact_domain_permissions_policy")["libraries-domain-policy"]
    assert json.loads(dom_policy["policy_document"])["Statement"][0]["Action"] == "codeartifact:GetAuthorizationToken"


def test_the_seed_object_sits_beside_the_template_and_the_template_defaults_to_it(outs):
    shared = stack(outs[0], "shared-services")
    objects = resources(shared, "aws_s3_object")
    obj = objects["seed-build-train-deploy"]
    assert obj["key"] == "templates/build-train-deploy/1.2.0-seed.zip" and obj["content_type"] == "application/zip"
    assert base64.b64decode(obj["content_base64"]) == seed.pack_folder(SEED_DIR)
    assert "README.md" in zipfile.ZipFile(io.BytesIO(base64.b64decode(obj["content_base64"]))).namelist()
    body = json.loads(objects["template-build-train-deploy-1_2_0"]["content"].replace("$${", "${"))
    assert body["Parameters"]["SeedCodeBucket"]["Default"] == "northwind-sagemaker-catalog"
    assert body["Parameters"]["SeedCodeKey"]["Default"] == obj["key"]
    assert "Parameters" in objects["template-batch-inference-0_3_1"]["content"]  # unseeded templates stay as written
    bucket_policy = policy(resources(shared, "aws_s3_bucket_policy")["data-bucket-policy"]["policy"])
    launch = next(s for s in bucket_policy["Statement"] if s["Sid"] == "LaunchRolesReadSeedCode")
    assert launch["Resource"] == "arn:aws:s3:::northwind-sagemaker-catalog/templates/*-seed.zip"
    assert launch["Condition"]["ArnLike"] == {"aws:PrincipalArn": "arn:aws:iam::*:role/northwind-sagemaker-projects-launch"}


def test_a_seed_change_changes_only_shared_services(outs):
    first, second = outs
    names = sorted(p.name for p in (first / "stacks").iterdir())
    changed = [n for n in names if (first / "stacks" / n / "cdk.tf.json").read_bytes()
               != (second / "stacks" / n / "cdk.tf.json").read_bytes()]
    assert changed == ["shared-services"]


def test_every_team_account_reads_and_studio_uses_the_repository(outs):
    for path in sorted((outs[0] / "stacks").iterdir()):
        if path.name in ("organization", "identity", "shared-services"):
            continue
        doc = stack(outs[0], path.name)
        lccs = resources(doc, "aws_sagemaker_studio_lifecycle_config")
        assert {c["studio_lifecycle_config_app_type"] for c in lccs.values()} == {"JupyterLab", "CodeEditor"}, path.name
        script = base64.b64decode(lccs["libraries-pip-jupyterlab"]["studio_lifecycle_config_content"]).decode()
        assert "pip config set global.index-url" in script and "/pypi/ml-libraries/simple/" in script
        settings = resources(doc, "aws_sagemaker_domain")["domain"]["default_user_settings"]
        for app, cid in (("jupyter_lab_app_settings", "jupyterlab"), ("code_editor_app_settings", "codeeditor")):
            arn = f"${{aws_sagemaker_studio_lifecycle_config.libraries-pip-{cid}.arn}}"
            assert settings[app]["lifecycle_config_arns"] == [arn], (path.name, app)
            assert settings[app]["default_resource_spec"] == {"lifecycle_config_arn": arn}, (path.name, app)
        space = resources(doc, "aws_sagemaker_domain")["domain"]["default_space_settings"]  # shared spaces too
        assert space["jupyter_lab_app_settings"]["lifecycle_config_arns"] == [
            "${aws_sagemaker_studio_lifecycle_config.libraries-pip-jupyterlab.arn}"], path.name
        policies = resources(doc, "aws_iam_role_policy")
        for role in ("execution-role", "deploy-role"):
            sids = {s["Sid"] for s in policy(policies[f"{role}-libraries"]["policy"])["Statement"]}
            assert {"LibrariesToken", "LibrariesBearerToken", "LibrariesRead"} <= sids, (path.name, role)
        endpoints = {e["service_name"].rsplit(".", 2)[-2] + "." + e["service_name"].rsplit(".", 1)[-1]
                     for e in resources(doc, "aws_vpc_endpoint").values()}
        # beside the other interface endpoints: VPC-only accounts that are not decommissioned
        vpc_only = resources(doc, "aws_sagemaker_domain")["domain"]["app_network_access_type"] == "VpcOnly"
        assert ({"codeartifact.api", "codeartifact.repositories"} <= endpoints) == ("sagemaker.api" in endpoints), path.name
        assert ("sagemaker.api" in endpoints) == (vpc_only and path.name != "churn-prod"), path.name


def test_publishing_is_granted_in_the_teams_own_accounts_only(outs):
    def publishes(name: str, role: str) -> list[str]:
        doc = stack(outs[0], name)
        st = policy(resources(doc, "aws_iam_role_policy")[f"{role}-libraries"]["policy"])["Statement"]
        return [r for s in st if s["Sid"] == "PublishTheTeamsPackages" for r in s["Resource"]]

    pkg = "arn:aws:codeartifact:eu-west-1:200000000002:package/northwind-libs/ml-libraries/pypi//"
    assert publishes("pricing-prod", "deploy-role") == [pkg + "pricing-tools"]
    assert publishes("pricing-prod", "execution-role") == []  # production: people only read
    assert publishes("pricing-sandbox", "execution-role") == [pkg + "pricing-tools"]
    assert publishes("recsys-dev", "deploy-role") == [pkg + "recsys-features"]
    assert publishes("churn-prod", "deploy-role") == []  # decommissioned team: reads, publishes nothing
    assert publishes("demand-forecast-dev", "deploy-role") == []


def test_terraform_accepts_the_stacks_with_libraries_and_seed(outs, terraform_env, tmp_path):
    from tests.terraform import runner

    results = runner.check_sources({"libs": outs[0] / "stacks"}, tmp_path, terraform_env,
                                   plan_only=("libs",))["libs"]
    wanted = {"shared-services", "recsys-dev", "recsys-sandbox", "pricing-prod"}
    bad = [r for r in results if r.stack in wanted and not r.ok]
    assert {r.stack for r in results} >= wanted
    assert not bad, "\n".join(f"{r.stack}: {r.errors}" for r in bad)
