"""A team account stack: everything inside one <team>-<environment> account, and its members' Studio access."""

from __future__ import annotations

from cdktn import TerraformOutput

from .. import policies
from ..base import naming
from ..plan.records import AccountStack, OrgValues
from ..shares import KINDS
from .audit import build_config_recorder, build_flow_log
from .base import PlatformStack, org_access_role_arn, policy_json
from .baseline import build_budget, build_data_bucket, build_key
from .catalog import build_projects_in_account
from .codeartifact import build_library_access, lifecycle_config_arns
from .iam import iam
from .identity_center import lookup_users
from .network import LIBRARY_ENDPOINTS, build_network
from .planrole import build_plan_role
from .refs import ref, remote_output
from .sagemaker import build_domain, build_execution_role, build_profiles
from .sharing import build_consumer_permissions, build_producer_grants, endpoint, producer_statements


def build_account(stack: PlatformStack, values: OrgValues, acct: AccountStack) -> None:
    a = acct.account
    account_id = endpoint(acct, a.key).account_id
    # Resources in the team account, through the role Organizations created there (or, in an adopted
    # account, the one organization.yaml names: post preflight checks it can be assumed).
    stack.provider(region=acct.region, tags=acct.tags, assume_role_arn=org_access_role_arn(stack, values.org, account_id, a.access_role))

    grants = producer_statements(acct)
    key_arn = build_key(
        stack,
        alias=acct.kms_alias,
        account_id=account_id,
        description=f"{a.name}: SageMaker domain, volumes and data",
        extra_statements=grants.key,
    )
    build_budget(stack, name=a.name, amount=acct.budget_usd, emails=acct.budget_emails)
    build_data_bucket(stack, name=acct.bucket_name, key_arn=key_arn, extra_statements=grants.bucket)
    # A decommissioned account keeps its VPC (the domain and its home volumes sit in it) but not the interface
    # endpoints, which cost about $7 a month each per zone and hold no data; nobody works there any more.
    network = build_network(
        stack,
        name=a.name,
        vpc_cidr=acct.vpc_cidr,
        vpc_only=acct.vpc_only,
        region=acct.region,
        endpoints=acct.vpc_only and not a.decommissioned,
        extra_endpoints=LIBRARY_ENDPOINTS if acct.libraries else (),
    )
    build_flow_log(stack, vpc_id=network.vpc_id, log_bucket=acct.log_bucket)
    build_config_recorder(
        stack,
        org=values.org,
        account_id=account_id,
        log_bucket=acct.log_bucket,
        region=acct.region,
        regions=acct.config_regions,
        log_archive_account_id=values.log_archive_account_id,
    )
    role_arn = build_execution_role(stack, acct=acct, account_id=account_id, key_arn=key_arn)
    build_domain(
        stack,
        acct=acct,
        network=network,
        role_arn=role_arn,
        key_arn=key_arn,
        lifecycle_configs=lifecycle_config_arns() if acct.libraries else None,
    )
    if acct.studio_users:
        # Studio access is an Identity Center application assignment, made in the management account.
        management = stack.provider(
            region=values.identity_center_region, tags=acct.tags, alias="management", allowed_account_ids=[values.management_account_id]
        )
        # Users of an identity provider are looked up here, through the same provider (identity does not list them).
        looked_up = (
            lookup_users(stack, store=values.identity_store_id, user_names=[u.user_name for u in acct.studio_users], provider=management)
            if acct.lookup_users
            else {}
        )
        build_profiles(
            stack,
            acct=acct,
            role_arn=role_arn,
            management=management,
            user_ids=lambda user: looked_up.get(user) or remote_output(naming.IDENTITY_STACK, "user_ids", user),
        )
    build_producer_grants(stack, acct=acct, key_arn=key_arn)
    build_consumer_permissions(stack, acct=acct)
    build_deploy_role(stack, values=values, acct=acct, account_id=account_id)
    build_plan_role(stack, org=values.org, management_account_id=values.management_account_id, data_buckets=[acct.bucket_name])
    if acct.libraries:
        build_library_access(stack, org=values.org, lib=acct.libraries)
    build_projects_in_account(
        stack,
        org=values.org,
        account_id=account_id,
        region=acct.region,
        launch_role=bool(acct.project_templates),
        seeds=(acct.seed_bucket, values.shared_services_account_id) if acct.seed_bucket else None,
    )

    # What the post-step needs after apply (generated/post/<stack>.json names these outputs).
    TerraformOutput(stack, "account_id", value=account_id, description="The team account's id")
    TerraformOutput(stack, "domain_id", value=ref("aws_sagemaker_domain", "domain", "id"), description="Studio domain id")
    ram = {s.name: arn for s in acct.shares_out if (arn := KINDS[s.kind].ram_share_arn(s))}
    if ram:
        TerraformOutput(stack, "ram_share_arns", value=ram, description="RAM share ARN by share name")


def build_deploy_role(stack: PlatformStack, *, values: OrgValues, acct: AccountStack, account_id: str) -> None:
    """Deployments (production's only write path) come from CI in shared services: this account's own CI role
    there, assumable only by the pipelines named for this account, and able to assume only this deploy role.
    Both live in this stack (the CI role through a provider in shared services), so a team's pull request
    plans only its own stacks and no team's pipeline reaches another team's or another environment's account."""
    shared_id = values.shared_services_account_id
    ci_name = naming.ci_role(values.org, acct.account.team, acct.account.environment)
    shared = stack.provider(
        region=values.home_region,
        tags=acct.tags,
        alias="shared-services",
        assume_role_arn=org_access_role_arn(stack, values.org, shared_id),
        allowed_account_ids=[shared_id],
    )
    roles = iam(stack)
    roles.role(
        "ci-role",
        provider=shared,
        name=ci_name,
        description=f"Deployment pipelines of {acct.account.name} in shared services",
        assume_role_policy=policy_json(
            policies.ci_trust(
                account_id=shared_id,
                region=values.home_region,
                prefix=naming.pipeline_prefix(values.org, acct.account.team, acct.account.environment),
            )
        ),
    )
    name = naming.deploy_role(values.org)
    roles.inline_policy(
        "ci-role-policy",
        role="ci-role",
        name="assume-this-accounts-deploy-role",
        policy=policies.ci_policy(account_id=account_id, deploy_role=name),
    )
    roles.role(
        "deploy-role",
        name=name,
        description="Deployments by this account's CI role in shared services",
        assume_role_policy=policy_json(policies.deploy_trust(shared_services_account_id=shared_id, ci_role=ci_name)),
        after=["ci-role"],
    )  # IAM refuses a trust policy naming a role that does not exist yet
    roles.inline_policy(
        "deploy-role-policy",
        role="deploy-role",
        name="deploy-models",
        policy=policies.deploy_policy(account_id=account_id, region=acct.region, execution_role=acct.role_name),
    )
