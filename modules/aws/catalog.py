"""SageMaker Projects through Service Catalog: the catalog in shared services, and what each team account needs.

Visibility: one portfolio per template, shared with the workload OUs (principals shared too), and
one IAM_PATTERN principal association per team account whose team lists the template, naming that
account's execution role (`arn:aws:iam:::role/<name>`, account-agnostic). Studio shows a user the
templates their execution role is associated with, so a team sees exactly the templates its file
lists. Removing a template from a team's list removes the association, never the product. The
associations are the team's decision, so they live in its access stack (aws/access.py), which reads
`portfolio_ids` from this stack's state.
A portfolio per template keeps each association decision independent; AWS allows 100 portfolios
per account by default (https://docs.aws.amazon.com/servicecatalog/latest/adminguide/limits.html).
"""

from __future__ import annotations

from cdktn import TerraformOutput
from cdktn_provider_aws.s3_object import S3Object
from cdktn_provider_aws.sagemaker_servicecatalog_portfolio_status import SagemakerServicecatalogPortfolioStatus
from cdktn_provider_aws.servicecatalog_constraint import ServicecatalogConstraint
from cdktn_provider_aws.servicecatalog_portfolio import ServicecatalogPortfolio
from cdktn_provider_aws.servicecatalog_portfolio_share import ServicecatalogPortfolioShare
from cdktn_provider_aws.servicecatalog_product import ServicecatalogProduct
from cdktn_provider_aws.servicecatalog_product_portfolio_association import ServicecatalogProductPortfolioAssociation
from cdktn_provider_aws.servicecatalog_provisioning_artifact import ServicecatalogProvisioningArtifact

from .. import policies
from ..base import cfn_template, ids, naming
from ..plan.records import OrgValues, SharedServicesStack
from ..plan.seed import template_parameters
from .audit import build_aggregator
from .base import PlatformStack, org_access_role_arn, policy_json
from .baseline import build_data_bucket, build_key
from .codeartifact import build_libraries
from .iam import iam
from .planrole import build_plan_role
from .refs import ref, remote_output
from .seed_push import build_seed_push, log_group

STUDIO_VISIBILITY_TAG = "sagemaker:studio-visibility"
# The AWS provider sends its default tags with every resource it creates. S3 objects take 10 tags
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html) and Service Catalog products and
# portfolios 20 (https://docs.aws.amazon.com/servicecatalog/latest/dg/API_CreateProduct.html), fewer than the
# 45 organization tags a registry may have: the catalog's objects, products and portfolios are created through a
# provider whose default tags are the first CATALOG_TAGS organization tags by key (what fits), when there are more.
CATALOG_TAGS = 10


def build_shared_services(stack: PlatformStack, values: OrgValues, shared: SharedServicesStack) -> None:
    role_arn = org_access_role_arn(stack, values.org, shared.account_id)
    stack.provider(region=values.home_region, tags=values.default_tags, assume_role_arn=role_arn, allowed_account_ids=[shared.account_id])
    catalog = (
        stack.provider(
            region=values.home_region,
            tags=dict(sorted(values.default_tags.items())[:CATALOG_TAGS]),
            assume_role_arn=role_arn,
            allowed_account_ids=[shared.account_id],
            alias="catalog",
        )
        if len(values.default_tags) > CATALOG_TAGS
        else None
    )
    build_aggregator(stack, org=values.org, account_id=shared.account_id)
    build_plan_role(stack, org=values.org, management_account_id=values.management_account_id, data_buckets=[])
    org_id = remote_output(naming.ORGANIZATION_STACK, "organization_id")
    seed_bucket, seed_key = (
        policies.seed_reader_statements(org=values.org, org_id=org_id, bucket=shared.catalog_bucket, region=values.home_region)
        if any(t.seed for t in shared.templates)
        else ([], [])
    )
    # With a CodeConnections connection, a CodeBuild project pushes the seed code to the seed repositories.
    git = shared.git
    push = git is not None and git.connections and git.connection_arn is not None and any(t.seed for t in shared.templates)
    if push:
        seed_key = seed_key + policies.seed_push_key_statements(
            account_id=shared.account_id, region=values.home_region, log_group=log_group(values.org)
        )
    key_arn = build_key(
        stack,
        alias=f"alias/{values.org}-shared-services",
        account_id=shared.account_id,
        description="Shared services: SageMaker Projects catalog",
        extra_statements=seed_key,
    )
    build_data_bucket(stack, name=shared.catalog_bucket, key_arn=key_arn, extra_statements=seed_bucket)
    if push and git is not None and git.connection_arn:
        build_seed_push(
            stack,
            org=values.org,
            account_id=shared.account_id,
            region=values.home_region,
            bucket=shared.catalog_bucket,
            key_arn=key_arn,
            connection_arn=git.connection_arn,
        )
    if shared.libraries:
        build_libraries(stack, lib=shared.libraries, key_arn=key_arn, org_id=org_id)
    bucket_id = ref("aws_s3_bucket", "data-bucket", "id")
    portfolio_ids = {}
    for t in shared.templates:
        urls = {}
        if t.seed:  # beside the template; the current version's template defaults its seed parameters to it
            S3Object(
                stack,
                ids.seed_object(t.name),
                bucket=bucket_id,
                key=t.seed.key,
                content_base64=t.seed.content_base64,
                content_type="application/zip",
                server_side_encryption="aws:kms",
                kms_key_id=key_arn,
                provider=catalog,
            )
        for v in t.versions:
            vid = ids.template_object(t.name, v.version)
            body = v.body
            if t.seed and v.version == t.version:
                body = cfn_template.with_seed_defaults(
                    v.body,
                    bucket=shared.catalog_bucket,
                    key=t.seed.key,
                    git=template_parameters(values.org, shared.git, t.name, t.version),
                )
            S3Object(
                stack,
                vid,
                bucket=bucket_id,
                key=f"templates/{t.name}/{v.version}.yaml",
                content=body,
                content_type="application/x-yaml",
                server_side_encryption="aws:kms",
                kms_key_id=key_arn,
                provider=catalog,
            )
            # A reference, not a literal URL: Service Catalog reads the template when the artifact is created, so
            # the object must exist first.
            urls[v.version] = (
                f"https://{ref('aws_s3_bucket', 'data-bucket', 'bucket_regional_domain_name')}/{ref('aws_s3_object', vid, 'key')}"
            )
        first, *later = t.versions
        # The product is created with its oldest version; a new version must never replace the product (projects
        # launched from it would lose it), so each later version is a provisioning artifact of its own and the
        # product ignores changes to its first one (provisioning_artifact_parameters forces a new product:
        # https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/servicecatalog_product).
        ServicecatalogProduct(
            stack,
            ids.product(t.name),
            name=t.name,
            owner=t.owner,
            description=t.description,
            type="CLOUD_FORMATION_TEMPLATE",
            provisioning_artifact_parameters={
                "name": first.version,
                "type": "CLOUD_FORMATION_TEMPLATE",
                "template_url": urls[first.version],
            },
            tags={STUDIO_VISIBILITY_TAG: "true"},
            lifecycle={"ignore_changes": ["provisioning_artifact_parameters"]},
            provider=catalog,
        )
        for v in later:
            ServicecatalogProvisioningArtifact(
                stack,
                ids.artifact(t.name, v.version),
                product_id=ref("aws_servicecatalog_product", ids.product(t.name), "id"),
                name=v.version,
                type="CLOUD_FORMATION_TEMPLATE",
                template_url=urls[v.version],
                guidance="DEFAULT" if v.version == t.version else "DEPRECATED",
            )
        product_id = ref("aws_servicecatalog_product", ids.product(t.name), "id")
        ServicecatalogPortfolio(
            stack,
            ids.portfolio(t.name),
            name=naming.portfolio_name(values.org, t.name),
            provider_name=t.owner,
            description=t.description,
            provider=catalog,
        )
        portfolio_id = ref("aws_servicecatalog_portfolio", ids.portfolio(t.name), "id")
        portfolio_ids[t.name] = portfolio_id
        ServicecatalogProductPortfolioAssociation(stack, ids.portfolio_product(t.name), portfolio_id=portfolio_id, product_id=product_id)
        ServicecatalogConstraint(
            stack,
            ids.portfolio_launch(t.name),
            portfolio_id=portfolio_id,
            product_id=product_id,
            type="LAUNCH",
            parameters=policy_json({"LocalRoleName": naming.projects_launch_role(values.org)}),
        )
        for ou in shared.share_with_ous:
            ServicecatalogPortfolioShare(
                stack,
                ids.portfolio_share(t.name, ou),
                portfolio_id=portfolio_id,
                type="ORGANIZATIONAL_UNIT",
                principal_id=remote_output(naming.ORGANIZATION_STACK, "ou_ids", ou),
                share_principals=True,
            )
    TerraformOutput(stack, "portfolio_ids", value=portfolio_ids, description="Projects portfolio id by template name")


def build_projects_in_account(
    scope: PlatformStack, *, org: str, account_id: str, region: str, launch_role: bool, seeds: tuple[str, str] | None = None
) -> None:
    """SageMaker Projects enabled in every team account; where the team lists templates, the local launch role
    the catalog's launch constraint names. seeds: (catalog bucket, shared services account) when a template the
    team sees has seed code, which the launch role then reads to create the project's repository."""
    SagemakerServicecatalogPortfolioStatus(scope, "sagemaker-projects", status="Enabled")
    if not launch_role:
        return
    name = naming.projects_launch_role(org)
    roles = iam(scope)
    roles.role(
        "projects-launch-role",
        name=name,
        description="Service Catalog launches SageMaker Projects templates",
        assume_role_policy=policy_json(policies.service_trust("servicecatalog.amazonaws.com", account_id)),
    )
    roles.inline_policy(
        "projects-launch-role-policy",
        role="projects-launch-role",
        name="launch-catalog-templates",
        policy=policy_json(policies.projects_launch_policy(account_id=account_id, region=region, seeds=seeds)),
    )
