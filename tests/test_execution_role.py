"""The execution role against what a data scientist does in Studio: each journey's calls are
allowed, and the calls it must never make are not. Studio with Identity Center login acts as this role."""

from __future__ import annotations

import pytest

from modules import policies
from modules.policies import execution_role
from tests.policy_sim import Request, allowed

ACCOUNT, REGION, DOMAIN = "123456789012", "eu-west-1", "d-abc123"
SM = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"
ROLE = "acme-fraud-dev-sagemaker-execution"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/{ROLE}"
BUCKET = "acme-fraud-dev-data"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1111"
ME, OTHER = "amara", "bruno"
POLICY = execution_role.execution_role_policy(
    account_id=ACCOUNT, region=REGION, role_name=ROLE, bucket=BUCKET, key_arn=KEY, instance_types=("ml.m5.xlarge", "ml.t3.medium")
)


def studio(action: str, resource: str, **context) -> Request:
    """A call Studio makes for the signed-in user ME, as the execution role."""
    return Request(action, ROLE_ARN, resource, context={"sagemaker:DomainId": DOMAIN, "sagemaker:UserProfileName": ME, **context})


def owned_by(user: str, sharing: str = "Private") -> dict:
    return {"sagemaker:OwnerUserProfileArn": f"{SM}:user-profile/{DOMAIN}/{user}", "sagemaker:SpaceSharingType": sharing}


JOURNEYS = {
    "open JupyterLab in a private space": [
        studio("sagemaker:CreateSpace", f"{SM}:space/{DOMAIN}/my-space", **owned_by(ME)),
        studio("sagemaker:DescribeSpace", f"{SM}:space/{DOMAIN}/my-space"),
        studio(
            "sagemaker:CreateApp",
            f"{SM}:app/{DOMAIN}/my-space/jupyterlab/default",
            **owned_by(ME),
            **{"sagemaker:InstanceTypes": ["ml.t3.medium"]},
        ),
        studio("sagemaker:ListApps", f"{SM}:app/{DOMAIN}/*"),
        studio("sagemaker:DeleteApp", f"{SM}:app/{DOMAIN}/my-space/jupyterlab/default", **owned_by(ME)),
        studio("sagemaker:UpdateSpace", f"{SM}:space/{DOMAIN}/my-space", **owned_by(ME)),
        studio(
            "sagemaker:CreateApp",
            f"{SM}:app/{DOMAIN}/team-space/jupyterserver/default",
            **owned_by(OTHER, "Shared"),
            **{"sagemaker:InstanceTypes": ["system"]},
        ),
    ],
    "train on an allowed instance type": [
        studio("sagemaker:CreateTrainingJob", f"{SM}:training-job/xgb-1", **{"sagemaker:InstanceTypes": ["ml.m5.xlarge"]}),
        Request("iam:PassRole", ROLE_ARN, ROLE_ARN, context={"iam:PassedToService": "sagemaker.amazonaws.com"}),
        Request("s3:GetObject", ROLE_ARN, f"arn:aws:s3:::{BUCKET}/train/data.csv"),
        Request("s3:PutObject", ROLE_ARN, f"arn:aws:s3:::{BUCKET}/models/model.tar.gz"),
        Request("kms:GenerateDataKey", ROLE_ARN, KEY),
        Request("logs:PutLogEvents", ROLE_ARN, f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/sagemaker/TrainingJobs:log-stream:x"),
    ],
    # SageMaker pulls a framework job's image with the execution role: AWS's Deep Learning Containers (eu-west-1's registry
    # account) and its scikit-learn/XGBoost framework images (another AWS account in eu-west-1).
    "train with the PyTorch Deep Learning Container": [
        Request(action, ROLE_ARN, f"arn:aws:ecr:{REGION}:763104351884:repository/pytorch-training")
        for action in execution_role.ECR_PULL_ACTIONS
    ],
    "process with scikit-learn": [
        Request(action, ROLE_ARN, f"arn:aws:ecr:{REGION}:141502667606:repository/sagemaker-scikit-learn")
        for action in execution_role.ECR_PULL_ACTIONS
    ],
    "register a model": [
        studio("sagemaker:CreateModelPackageGroup", f"{SM}:model-package-group/fraud-xgb"),
        studio("sagemaker:CreateModelPackage", f"{SM}:model-package/fraud-xgb/1"),
        studio("sagemaker:UpdateModelPackage", f"{SM}:model-package/fraud-xgb/1"),
    ],
    "create the shared feature group": [
        studio("sagemaker:CreateFeatureGroup", f"{SM}:feature-group/fc-daily"),
        studio("sagemaker:PutRecord", f"{SM}:feature-group/fc-daily"),
        studio("sagemaker:GetRecord", f"{SM}:feature-group/fc-daily"),
    ],
    "launch a visible template": [
        studio("servicecatalog:SearchProducts", "*"),
        studio("servicecatalog:ListLaunchPaths", f"arn:aws:catalog:{REGION}:222222222222:product/prod-abc"),
        studio("sagemaker:CreateProject", f"{SM}:project/churn-model"),
        studio("servicecatalog:ProvisionProduct", f"arn:aws:catalog:{REGION}:222222222222:product/prod-abc"),
        studio("servicecatalog:DescribeRecord", "*"),
    ],
}
NEVER = {
    "train on a GPU the team did not list": studio(
        "sagemaker:CreateTrainingJob", f"{SM}:training-job/x", **{"sagemaker:InstanceTypes": ["ml.p4d.24xlarge"]}
    ),
    "an app on a GPU in one's own space": studio(
        "sagemaker:CreateApp",
        f"{SM}:app/{DOMAIN}/my-space/jupyterlab/default",
        **owned_by(ME),
        **{"sagemaker:InstanceTypes": ["ml.g5.48xlarge"]},
    ),
    "an app in someone else's private space": studio(
        "sagemaker:CreateApp",
        f"{SM}:app/{DOMAIN}/their-space/jupyterlab/default",
        **owned_by(OTHER),
        **{"sagemaker:InstanceTypes": ["ml.t3.medium"]},
    ),
    "delete someone else's private space": studio("sagemaker:DeleteSpace", f"{SM}:space/{DOMAIN}/their-space", **owned_by(OTHER)),
    "a space in another domain": studio("sagemaker:CreateSpace", f"{SM}:space/d-other/my-space", **owned_by(ME)),
    "pass another role": Request(
        "iam:PassRole", ROLE_ARN, f"arn:aws:iam::{ACCOUNT}:role/admin", context={"iam:PassedToService": "sagemaker.amazonaws.com"}
    ),
    "read another team's bucket": Request("s3:GetObject", ROLE_ARN, "arn:aws:s3:::acme-risk-prod-data/x"),
    "create a domain": studio("sagemaker:CreateDomain", f"{SM}:domain/d-new"),
    "delete the domain": studio("sagemaker:DeleteDomain", f"{SM}:domain/{DOMAIN}"),
    "pull another account's image": Request("ecr:BatchGetImage", ROLE_ARN, f"arn:aws:ecr:{REGION}:999999999999:repository/x"),
    "pull another region's AWS image": Request(
        "ecr:BatchGetImage", ROLE_ARN, "arn:aws:ecr:eu-south-1:692866216735:repository/pytorch-training"
    ),
    "push to AWS's registry": Request("ecr:PutImage", ROLE_ARN, f"arn:aws:ecr:{REGION}:763104351884:repository/pytorch-training"),
    "work in another account": studio("sagemaker:CreateFeatureGroup", "arn:aws:sagemaker:eu-west-1:999999999999:feature-group/x"),
}


@pytest.mark.parametrize("journey", sorted(JOURNEYS))
def test_every_call_of_the_journey_is_allowed(journey):
    refused = [f"{r.action} {r.resource}" for r in JOURNEYS[journey] if not allowed(POLICY, r)]
    assert refused == []


@pytest.mark.parametrize("what", sorted(NEVER))
def test_the_role_never_allows(what):
    assert not allowed(POLICY, NEVER[what])


def test_in_every_region_the_role_pulls_aws_framework_images_of_that_region_only():
    from modules.registry.checks.organization import known_regions

    commercial = sorted(r for r in known_regions() if execution_role.aws_image_registries(r))
    assert len(commercial) >= 30 and {"us-east-1", "eu-west-1", "ap-southeast-3", "me-central-1"} <= set(commercial)
    for region in commercial:
        policy = execution_role.execution_role_policy(
            account_id=ACCOUNT, region=region, role_name=ROLE, bucket=BUCKET, key_arn=KEY, instance_types=("ml.m5.xlarge",)
        )
        [statement] = [s for s in policy["Statement"] if s["Sid"] == "PullAwsFrameworkImages"]
        assert statement["Resource"] == [f"arn:aws:ecr:{region}:{a}:repository/*" for a in execution_role.aws_image_registries(region)]
        for account in execution_role.aws_image_registries(region):
            assert allowed(policy, Request("ecr:BatchGetImage", ROLE_ARN, f"arn:aws:ecr:{region}:{account}:repository/x")), region


def test_without_studio_context_the_space_statements_match_nothing():
    """A session without the domain and user profile (a training job) cannot touch spaces."""
    req = Request("sagemaker:CreateSpace", ROLE_ARN, f"{SM}:space/{DOMAIN}/x", context=owned_by(ME))
    assert not allowed(POLICY, req)


def test_the_launch_role_covers_every_resource_type_of_the_shipped_templates():
    """CloudFormation calls each resource type's handlers with the launch role's credentials. Seed folders beside
    the templates (catalog/<name>-seed/) are repositories, not templates: only catalog/*.yaml are read."""
    import yaml

    from tests.helpers import EXAMPLE

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    types = set()
    for path in (EXAMPLE / "catalog").glob("*.yaml"):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506 - SafeLoader subclass
        types |= {r["Type"] for r in doc.get("Resources", {}).values()}
    types.add("AWS::CodeCommit::Repository")  # what seeded templates create (tests/test_seed.py)
    assert types and types <= set(policies.LAUNCH_HANDLER_PERMISSIONS), types - set(policies.LAUNCH_HANDLER_PERMISSIONS)
    launch = policies.projects_launch_policy(account_id=ACCOUNT, region=REGION, seeds=("acme-sagemaker-catalog", "222222222222"))
    resources = {
        "AWS::SageMaker::ModelPackageGroup": f"{SM}:model-package-group/p-1",
        "AWS::S3::Bucket": "arn:aws:s3:::sagemaker-project-p-1",
        "AWS::CodeCommit::Repository": f"arn:aws:codecommit:{REGION}:{ACCOUNT}:sagemaker-p-1-modelbuild",
    }
    seed_object = "arn:aws:s3:::acme-sagemaker-catalog/templates/build-train-deploy/1.3.0-seed.zip"
    launch_role = f"arn:aws:iam::{ACCOUNT}:role/acme-projects-launch"
    for rtype in types:
        missing = [
            a
            for a in sorted(policies.LAUNCH_HANDLER_PERMISSIONS[rtype])
            if not allowed(
                launch,
                Request(
                    a, launch_role, seed_object if a.startswith("s3:") and rtype == "AWS::CodeCommit::Repository" else resources[rtype]
                ),
            )
        ]
        assert missing == [], rtype


def test_the_launch_role_reads_seed_code_only_where_a_visible_template_has_some():
    without = policies.projects_launch_policy(account_id=ACCOUNT, region=REGION)
    seeded = policies.projects_launch_policy(account_id=ACCOUNT, region=REGION, seeds=("acme-sagemaker-catalog", "222222222222"))
    seed_object = "arn:aws:s3:::acme-sagemaker-catalog/templates/build-train-deploy/1.3.0-seed.zip"
    role = f"arn:aws:iam::{ACCOUNT}:role/acme-projects-launch"
    assert allowed(seeded, Request("s3:GetObject", role, seed_object))
    assert not allowed(without, Request("s3:GetObject", role, seed_object))
    assert not allowed(seeded, Request("s3:GetObject", role, "arn:aws:s3:::acme-sagemaker-catalog/templates/x/1.0.0.yaml"))
    assert not allowed(seeded, Request("codecommit:DeleteRepository", role, f"arn:aws:codecommit:{REGION}:{ACCOUNT}:team-repo"))
    decrypt = Request(
        "kms:Decrypt", role, f"arn:aws:kms:{REGION}:222222222222:key/k", context={"kms:ViaService": f"s3.{REGION}.amazonaws.com"}
    )
    assert allowed(seeded, decrypt)
    assert not allowed(seeded, Request("kms:Decrypt", role, decrypt.resource, context={"kms:ViaService": "sqs"}))
