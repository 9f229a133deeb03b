"""IAM policy documents as pure functions of plain values, so tests and linters read them without cdktn."""
from __future__ import annotations

# Actions that start compute and accept an instance type: the team's list limits them.
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html (sagemaker:InstanceTypes)
INSTANCE_TYPED_ACTIONS = (
    "sagemaker:CreateApp",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateTransformJob",
)

# What a SageMaker job or Studio app running as the execution role does in its own account.
SAGEMAKER_WORK_ACTIONS = (
    "sagemaker:AddTags",
    "sagemaker:CreateExperiment",
    "sagemaker:CreateModel",
    "sagemaker:CreateModelPackage",
    "sagemaker:CreateModelPackageGroup",
    "sagemaker:CreatePipeline",
    "sagemaker:CreateTrial",
    "sagemaker:CreateTrialComponent",
    "sagemaker:DeleteApp",
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


def sagemaker_trust(account_id: str) -> dict:
    """Only SageMaker, acting for this account, may assume the execution role (confused-deputy guard)."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "SageMakerInThisAccount",
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:SetContext"],
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        }],
    }


def execution_role_policy(*, account_id: str, region: str, role_name: str, bucket: str, key_arn: str,
                          instance_types: tuple[str, ...]) -> dict:
    """Least privilege for a team's execution role: its instance types, its bucket, its key, its account."""
    sm = f"arn:aws:sagemaker:{region}:{account_id}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ComputeOnTheTeamsInstanceTypes",
                "Effect": "Allow",
                "Action": list(INSTANCE_TYPED_ACTIONS),
                "Resource": f"{sm}:*",
                "Condition": {"ForAllValues:StringEquals": {"sagemaker:InstanceTypes": list(instance_types)},
                              "Null": {"sagemaker:InstanceTypes": "false"}},
            },
            {
                "Sid": "WorkInTheTeamsAccount",
                "Effect": "Allow",
                "Action": list(SAGEMAKER_WORK_ACTIONS),
                "Resource": f"{sm}:*",
            },
            {
                "Sid": "PassOnlyItselfToSageMaker",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": f"arn:aws:iam::{account_id}:role/{role_name}",
                "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            },
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
                "Action": ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey",
                           "kms:ReEncryptFrom", "kms:ReEncryptTo"],
                "Resource": key_arn,
            },
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
            {
                # These calls do not support resource-level permissions.
                "Sid": "CallsWithoutResourceScope",
                "Effect": "Allow",
                "Action": ["cloudwatch:PutMetricData", "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces",
                           "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
                           "ecr:GetAuthorizationToken"],
                "Resource": "*",
            },
            {
                "Sid": "NetworkInterfacesForVpcJobs",
                "Effect": "Allow",
                "Action": ["ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission",
                           "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission"],
                "Resource": [f"arn:aws:ec2:{region}:{account_id}:network-interface/*",
                             f"arn:aws:ec2:{region}:{account_id}:subnet/*",
                             f"arn:aws:ec2:{region}:{account_id}:security-group/*"],
            },
        ],
    }


def service_trust(service: str, account_id: str) -> dict:
    """Only this AWS service, acting for this account, may assume the role."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "ServiceInThisAccount",
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        }],
    }


# Buckets the shipped Projects templates create; a template that creates others needs them added here.
PROJECT_BUCKET_PATTERNS = ("sagemaker-batch-*", "sagemaker-project-*")


def projects_launch_policy(*, account_id: str, region: str) -> dict:
    """What Service Catalog may do when a team launches a Projects template in its account: run the
    CloudFormation stack (SC-*) and create what the catalog's templates create, nothing else.
    https://docs.aws.amazon.com/servicecatalog/latest/adminguide/constraints-launch.html"""
    buckets = [f"arn:aws:s3:::{p}" for p in PROJECT_BUCKET_PATTERNS]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ProvisioningStacks",
                "Effect": "Allow",
                "Action": ["cloudformation:CreateStack", "cloudformation:DeleteStack", "cloudformation:DescribeStackEvents",
                           "cloudformation:DescribeStacks", "cloudformation:SetStackPolicy", "cloudformation:UpdateStack"],
                "Resource": f"arn:aws:cloudformation:{region}:{account_id}:stack/SC-*",
            },
            {
                "Sid": "ReadTemplates",
                "Effect": "Allow",
                "Action": ["cloudformation:GetTemplateSummary", "cloudformation:ValidateTemplate"],
                "Resource": "*",
            },
            {
                "Sid": "TemplateArtifactsOfServiceCatalog",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {"StringEquals": {"s3:ExistingObjectTag/servicecatalog:provisioning": "true"}},
            },
            {
                "Sid": "ProjectModelPackageGroups",
                "Effect": "Allow",
                "Action": ["sagemaker:AddTags", "sagemaker:CreateModelPackageGroup", "sagemaker:DeleteModelPackageGroup",
                           "sagemaker:DeleteTags", "sagemaker:DescribeModelPackageGroup"],
                "Resource": f"arn:aws:sagemaker:{region}:{account_id}:model-package-group/*",
            },
            {
                "Sid": "ProjectBuckets",
                "Effect": "Allow",
                "Action": ["s3:CreateBucket", "s3:DeleteBucket", "s3:GetBucketLocation", "s3:PutBucketPublicAccessBlock",
                           "s3:PutBucketTagging", "s3:PutBucketVersioning", "s3:PutEncryptionConfiguration"],
                "Resource": buckets,
            },
        ],
    }
