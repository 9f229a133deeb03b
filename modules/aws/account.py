"""A team account stack: everything inside one <team>-<environment> account, plus its Identity Center assignments."""
from __future__ import annotations

from cdktn import TerraformOutput
from cdktn_provider_aws.iam_role import IamRole
from cdktn_provider_aws.iam_role_policy import IamRolePolicy

from .. import naming, policies
from ..sharing import RAM_KINDS
from ..stacks import AccountStack, Plan
from .base import PlatformStack, org_access_role_arn, policy_json
from .baseline import build_budget, build_data_bucket, build_key
from .audit import build_config_recorder, build_flow_log
from .catalog import build_projects_in_account
from .identity_center import account_assignments
from .network import build_network
from .refs import ref, remote_output
from .sagemaker import build_domain, build_execution_role, build_profiles
from .sharing import build_consumer_permissions, build_producer_grants, endpoint, needs_organization_state, producer_statements


def build_account(stack: PlatformStack, *, plan: Plan, acct: AccountStack) -> None:
    a = acct.account
    if needs_organization_state(plan, acct):
        stack.remote_state(naming.ORGANIZATION_STACK)
    account_id = endpoint(plan, a.key).account_id
    # Resources in the team account, through the role Organizations created there (or, in an adopted
    # account, the one organization.yaml names: post preflight checks it can be assumed).
    stack.provider(region=acct.region, tags=acct.tags, assume_role_arn=org_access_role_arn(account_id, a.access_role))
    # Identity Center lives in the management account.
    management = stack.provider(region=plan.home_region, tags=acct.tags, alias="management",
                                allowed_account_ids=[plan.management_account_id])
    stack.remote_state(naming.IDENTITY_STACK)
    identity = naming.IDENTITY_STACK

    grants = producer_statements(plan, acct)
    key_arn = build_key(stack, alias=acct.kms_alias, account_id=account_id,
                        description=f"{a.name}: SageMaker domain, volumes and data", extra_statements=grants.key)
    build_budget(stack, name=a.name, amount=acct.budget_usd, emails=acct.budget_emails)
    build_data_bucket(stack, name=acct.bucket_name, key_arn=key_arn, extra_statements=grants.bucket)
    network = build_network(stack, name=a.name, vpc_cidr=acct.vpc_cidr, vpc_only=acct.vpc_only, region=acct.region)
    build_flow_log(stack, vpc_id=network.vpc_id, log_bucket=acct.log_bucket)
    build_config_recorder(stack, org=plan.org, account_id=account_id, log_bucket=acct.log_bucket,
                          region=acct.region, regions=acct.config_regions,
                          log_archive_account_id=plan.organization.log_archive_account_id)
    role_arn = build_execution_role(stack, acct=acct, account_id=account_id, key_arn=key_arn)
    build_domain(stack, acct=acct, network=network, role_arn=role_arn, key_arn=key_arn)
    build_profiles(stack, acct=acct, role_arn=role_arn, management=management,
                   user_ids=lambda user: remote_output(identity, "user_ids", user))
    account_assignments(
        stack, instance_arn=plan.identity.instance_arn, assignments=acct.assignments, account_id=account_id,
        group_ids=lambda g: remote_output(identity, "group_ids", g),
        permission_set_arns=lambda p: remote_output(identity, "permission_set_arns", p),
        provider=management,
    )
    build_producer_grants(stack, plan=plan, acct=acct, key_arn=key_arn)
    build_consumer_permissions(stack, plan=plan, acct=acct)
    build_deploy_role(stack, plan=plan, acct=acct, account_id=account_id)
    build_projects_in_account(stack, plan=plan, account_id=account_id, region=acct.region,
                              launch_role=bool(acct.project_templates))

    # What the post-step needs after apply (generated/post/<stack>.json names these outputs).
    TerraformOutput(stack, "account_id", value=account_id, description="The team account's id")
    TerraformOutput(stack, "domain_id", value=ref("aws_sagemaker_domain", "domain", "id"), description="Studio domain id")
    ram = {s.name: ref("aws_ram_resource_share", f"share-{s.name}", "arn") for s in acct.shares_out if s.kind in RAM_KINDS}
    if ram:
        TerraformOutput(stack, "ram_share_arns", value=ram, description="RAM share ARN by share name")


def build_deploy_role(stack: PlatformStack, *, plan: Plan, acct: AccountStack, account_id: str) -> None:
    """Deployments (production's only write path) come from CI in shared services through this role."""
    name = naming.deploy_role(plan.org)
    IamRole(stack, "deploy-role", name=name, description="Deployments by CI in the shared services account",
            assume_role_policy=policy_json(policies.deploy_trust(
                shared_services_account_id=plan.shared_services.account_id, ci_role=naming.ci_role(plan.org))))
    IamRolePolicy(stack, "deploy-role-policy", name="deploy-models", role=ref("aws_iam_role", "deploy-role", "id"),
                  policy=policy_json(policies.deploy_policy(account_id=account_id, region=acct.region,
                                                            execution_role=acct.role_name)))
