"""The team's SageMaker execution role: what jobs, pipelines and Studio (which, with Identity Center
login, acts as this role) do in the team's own account, one capability per statement group.

Each capability the registry turns on adds its statements; everything is scoped to the team's account,
bucket, key, role and instance types. Actions and condition keys are from the Service Authorization
Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html).
Studio sets the domain and user profile on the role's session (the trust policy allows sts:SetContext),
and the statements for spaces use them as policy variables (`${sagemaker:DomainId}`,
`${sagemaker:UserProfileName}`) to scope a person to their own private spaces. Where a session lacks
them, those statements match nothing: the role fails closed, never open.
"""

from __future__ import annotations

from typing import Any

# Jobs and endpoints that start compute and accept an instance type: the team's list limits them.
INSTANCE_TYPED_ACTIONS = (
    "sagemaker:CreateEndpointConfig",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateTransformJob",
)
# Studio's JupyterServer and KernelGateway apps run on the instance type `system`.
STUDIO_SYSTEM_INSTANCE = "system"

# What a SageMaker job, pipeline or Studio user does in the team's own account beyond compute.
SAGEMAKER_WORK_ACTIONS = (
    "sagemaker:AddTags",
    "sagemaker:CreateExperiment",
    "sagemaker:CreateModel",
    "sagemaker:CreateModelPackage",
    "sagemaker:CreateModelPackageGroup",
    "sagemaker:CreatePipeline",
    "sagemaker:CreateTrial",
    "sagemaker:CreateTrialComponent",
    "sagemaker:Describe*",
    "sagemaker:List*",
    "sagemaker:Search",
    "sagemaker:StartPipelineExecution",
    "sagemaker:StopPipelineExecution",
    "sagemaker:StopProcessingJob",
    "sagemaker:StopTrainingJob",
    "sagemaker:StopTransformJob",
    "sagemaker:UpdateModelPackage",
    "sagemaker:UpdatePipeline",
)
SPACE_ACTIONS = ("sagemaker:CreateSpace", "sagemaker:DeleteSpace", "sagemaker:UpdateSpace")
FEATURE_STORE_ACTIONS = (
    "sagemaker:BatchGetRecord",
    "sagemaker:CreateFeatureGroup",
    "sagemaker:DeleteRecord",
    "sagemaker:GetRecord",
    "sagemaker:PutRecord",
    "sagemaker:UpdateFeatureGroup",
)
PROJECT_ACTIONS = ("sagemaker:CreateProject", "sagemaker:DeleteProject", "sagemaker:UpdateProject")
# The end-user calls SageMaker Projects makes through Service Catalog; a template is visible only through the
# portfolio's IAM_PATTERN association of this role (catalog.py). Calls on a product are scoped to products
# (the catalog's products live in the shared services account); the others take no resource-level scope
# (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsservicecatalog.html).
PROJECT_PRODUCT_ACTIONS = (
    "servicecatalog:DescribeProduct",
    "servicecatalog:DescribeProvisioningArtifact",
    "servicecatalog:DescribeProvisioningParameters",
    "servicecatalog:ListLaunchPaths",
    "servicecatalog:ListProvisioningArtifacts",
    "servicecatalog:ProvisionProduct",
)
PROJECT_CATALOG_ACTIONS = (
    "servicecatalog:DescribeProductView",
    "servicecatalog:DescribeProvisionedProduct",
    "servicecatalog:DescribeRecord",
    "servicecatalog:SearchProducts",
    "servicecatalog:SearchProvisionedProducts",
    "servicecatalog:TerminateProvisionedProduct",
    "servicecatalog:UpdateProvisionedProduct",
)


# Framework jobs (PyTorch, TensorFlow, Hugging Face; scikit-learn and XGBoost training and processing) run AWS's own
# images from AWS's registries, one account per region, and SageMaker pulls a job's image with the execution role:
# "Scope Amazon ECR permissions to the registry path (AlgorithmSpecification.TrainingImage) that you specify"
# (https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createtrainingjob-perms), and a
# role without them is refused with "Access denied for repository ... has proper pull permissions for SageMaker".
# So the role may pull from exactly these registries of its own region, and from no other account. The commercial
# partition's regions (every ARN this platform writes is `arn:aws:`).
# Deep Learning Containers: https://github.com/aws/deep-learning-containers/blob/master/available_images.md and the
# SageMaker Python SDK's image_uri_config (pytorch.json, tensorflow.json, huggingface.json `registries`).
DLC_REGISTRIES = {
    **dict.fromkeys(
        (
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-south-1",
            "ap-southeast-1",
            "ap-southeast-2",
            "ca-central-1",
            "eu-central-1",
            "eu-north-1",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ),
        "763104351884",
    ),
    "af-south-1": "626614931356",
    "ap-east-1": "871362719292",
    "ap-east-2": "975050140332",
    "ap-northeast-3": "364406365360",
    "ap-south-2": "772153158452",
    "ap-southeast-3": "907027046896",
    "ap-southeast-4": "457447274322",
    "ap-southeast-5": "550225433462",
    "ap-southeast-7": "590183813437",
    "ca-west-1": "204538143572",
    "eu-central-2": "380420809688",
    "eu-south-1": "692866216735",
    "eu-south-2": "503227376785",
    "il-central-1": "780543022126",
    "me-central-1": "914824155844",
    "me-south-1": "217643126080",
    "mx-central-1": "637423239942",
}
# The SageMaker framework containers for scikit-learn and XGBoost (SKLearnProcessor, the XGBoost estimator): the SDK's
# image_uri_config sklearn.json / xgboost.json `registries` (the same accounts as the built-in XGBoost algorithm).
FRAMEWORK_REGISTRIES = {
    "af-south-1": "510948584623",
    "ap-east-1": "651117190479",
    "ap-northeast-1": "354813040037",
    "ap-northeast-2": "366743142698",
    "ap-northeast-3": "867004704886",
    "ap-south-1": "720646828776",
    "ap-south-2": "628508329040",
    "ap-southeast-1": "121021644041",
    "ap-southeast-2": "783357654285",
    "ap-southeast-3": "951798379941",
    "ap-southeast-4": "106583098589",
    "ca-central-1": "341280168497",
    "eu-central-1": "492215442770",
    "eu-central-2": "680994064768",
    "eu-north-1": "662702820516",
    "eu-south-1": "978288397137",
    "eu-south-2": "104374241257",
    "eu-west-1": "141502667606",
    "eu-west-2": "764974769150",
    "eu-west-3": "659782779980",
    "il-central-1": "898809789911",
    "me-central-1": "272398656194",
    "me-south-1": "801668240914",
    "sa-east-1": "737474898029",
    "us-east-1": "683313688378",
    "us-east-2": "257758044811",
    "us-west-1": "746614075791",
    "us-west-2": "246618743249",
}
ECR_PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")


def aws_image_registries(region: str) -> tuple[str, ...]:
    """The AWS accounts whose framework images a job in `region` runs (none known: none)."""
    return tuple(sorted({r[region] for r in (DLC_REGISTRIES, FRAMEWORK_REGISTRIES) if region in r}))


def sagemaker_trust(account_id: str) -> dict[str, Any]:
    """Only SageMaker, acting for this account, may assume the execution role (confused-deputy guard)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "SageMakerInThisAccount",
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:SetContext"],
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        ],
    }


def execution_role_policy(
    *, account_id: str, region: str, role_name: str, bucket: str, key_arn: str, instance_types: tuple[str, ...]
) -> dict[str, Any]:
    """Least privilege for a team's execution role: its instance types, its bucket, its key, its account."""
    sm = f"arn:aws:sagemaker:{region}:{account_id}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            *_compute(sm, instance_types),
            *_studio(sm, instance_types),
            {"Sid": "WorkInTheTeamsAccount", "Effect": "Allow", "Action": list(SAGEMAKER_WORK_ACTIONS), "Resource": f"{sm}:*"},
            {
                "Sid": "FeatureGroupsOfTheTeam",
                "Effect": "Allow",
                "Action": list(FEATURE_STORE_ACTIONS),
                "Resource": f"{sm}:feature-group/*",
            },
            {"Sid": "ProjectsOfTheTeam", "Effect": "Allow", "Action": list(PROJECT_ACTIONS), "Resource": f"{sm}:project/*"},
            {
                "Sid": "ProjectTemplateProducts",
                "Effect": "Allow",
                "Action": list(PROJECT_PRODUCT_ACTIONS),
                "Resource": f"arn:aws:catalog:{region}:*:product/*",
            },
            {"Sid": "ProjectTemplatesThroughServiceCatalog", "Effect": "Allow", "Action": list(PROJECT_CATALOG_ACTIONS), "Resource": "*"},
            {
                "Sid": "PassOnlyItselfToSageMaker",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": f"arn:aws:iam::{account_id}:role/{role_name}",
                "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            },
            *_data(bucket, key_arn),
            {
                "Sid": "WriteSageMakerLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                "Resource": f"arn:aws:logs:{region}:{account_id}:log-group:/aws/sagemaker/*",
            },
            {
                "Sid": "PullImagesOfThisAccount",
                "Effect": "Allow",
                "Action": list(ECR_PULL_ACTIONS),
                "Resource": f"arn:aws:ecr:{region}:{account_id}:repository/*",
            },
            *_aws_images(region),
            # These calls do not support resource-level permissions.
            {
                "Sid": "CallsWithoutResourceScope",
                "Effect": "Allow",
                "Action": [
                    "cloudwatch:PutMetricData",
                    "ec2:DescribeDhcpOptions",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeVpcs",
                    "ecr:GetAuthorizationToken",
                ],
                "Resource": "*",
            },
            {
                "Sid": "NetworkInterfacesForVpcJobs",
                "Effect": "Allow",
                "Action": [
                    "ec2:CreateNetworkInterface",
                    "ec2:CreateNetworkInterfacePermission",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DeleteNetworkInterfacePermission",
                ],
                "Resource": [
                    f"arn:aws:ec2:{region}:{account_id}:network-interface/*",
                    f"arn:aws:ec2:{region}:{account_id}:subnet/*",
                    f"arn:aws:ec2:{region}:{account_id}:security-group/*",
                ],
            },
        ],
    }


def _aws_images(region: str) -> list[dict[str, Any]]:
    registries = aws_image_registries(region)
    if not registries:
        return []
    resources = [f"arn:aws:ecr:{region}:{account}:repository/*" for account in registries]
    return [{"Sid": "PullAwsFrameworkImages", "Effect": "Allow", "Action": list(ECR_PULL_ACTIONS), "Resource": resources}]


def _types(instance_types: tuple[str, ...], *, studio: bool = False) -> dict[str, Any]:
    allowed = sorted(set(instance_types) | ({STUDIO_SYSTEM_INSTANCE} if studio else set()))
    return {"ForAllValues:StringEquals": {"sagemaker:InstanceTypes": allowed}, "Null": {"sagemaker:InstanceTypes": "false"}}


def _compute(sm: str, instance_types: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {
            "Sid": "ComputeOnTheTeamsInstanceTypes",
            "Effect": "Allow",
            "Action": list(INSTANCE_TYPED_ACTIONS),
            "Resource": f"{sm}:*",
            "Condition": _types(instance_types),
        }
    ]


def _studio(sm: str, instance_types: tuple[str, ...]) -> list[dict[str, Any]]:
    """A person's own private spaces and the domain's shared spaces, and apps in them on the team's types."""
    own = f"{sm}:user-profile/${{sagemaker:DomainId}}/${{sagemaker:UserProfileName}}"
    spaces = f"{sm}:space/${{sagemaker:DomainId}}/*"
    apps = f"{sm}:app/${{sagemaker:DomainId}}/*"
    return [
        {
            "Sid": "OwnSpaces",
            "Effect": "Allow",
            "Action": list(SPACE_ACTIONS),
            "Resource": spaces,
            "Condition": {"ArnLike": {"sagemaker:OwnerUserProfileArn": own}},
        },
        {
            "Sid": "AppsInOwnSpaces",
            "Effect": "Allow",
            "Action": "sagemaker:CreateApp",
            "Resource": apps,
            "Condition": {**_types(instance_types, studio=True), "ArnLike": {"sagemaker:OwnerUserProfileArn": own}},
        },
        {
            "Sid": "AppsInSharedSpaces",
            "Effect": "Allow",
            "Action": "sagemaker:CreateApp",
            "Resource": apps,
            "Condition": {**_types(instance_types, studio=True), "StringEquals": {"sagemaker:SpaceSharingType": "Shared"}},
        },
        {
            "Sid": "StopOwnAndSharedApps",
            "Effect": "Allow",
            "Action": "sagemaker:DeleteApp",
            "Resource": apps,
            "Condition": {"ArnLike": {"sagemaker:OwnerUserProfileArn": own}},
        },
        {
            "Sid": "StopSharedApps",
            "Effect": "Allow",
            "Action": "sagemaker:DeleteApp",
            "Resource": apps,
            "Condition": {"StringEquals": {"sagemaker:SpaceSharingType": "Shared"}},
        },
    ]


def _data(bucket: str, key_arn: str) -> list[dict[str, Any]]:
    return [
        {
            "Sid": "ListTheDataBucket",
            "Effect": "Allow",
            "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
            "Resource": f"arn:aws:s3:::{bucket}",
        },
        {
            "Sid": "ReadWriteTheDataBucket",
            "Effect": "Allow",
            "Action": ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            "Resource": f"arn:aws:s3:::{bucket}/*",
        },
        {
            "Sid": "UseTheTeamsKey",
            "Effect": "Allow",
            "Action": [
                "kms:CreateGrant",
                "kms:Decrypt",
                "kms:DescribeKey",
                "kms:Encrypt",
                "kms:GenerateDataKey",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
            ],
            "Resource": key_arn,
        },
    ]
