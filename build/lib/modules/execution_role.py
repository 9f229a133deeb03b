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
                "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                "Resource": f"arn:aws:ecr:{region}:{account_id}:repository/*",
            },
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
