"""The organization stack (management account): OU tree, baseline SCPs, the trail, and the team accounts not yet moved
into their teams' access stacks."""

from __future__ import annotations

from typing import Any

from cdktn import TerraformOutput
from cdktn_provider_aws.data_aws_organizations_organization import DataAwsOrganizationsOrganization
from cdktn_provider_aws.organizations_delegated_administrator import OrganizationsDelegatedAdministrator
from cdktn_provider_aws.organizations_organization import OrganizationsOrganization
from cdktn_provider_aws.organizations_organizational_unit import OrganizationsOrganizationalUnit
from cdktn_provider_aws.organizations_policy import OrganizationsPolicy
from cdktn_provider_aws.organizations_policy_attachment import OrganizationsPolicyAttachment
from cdktn_provider_aws.ram_sharing_with_organization import RamSharingWithOrganization

from ..base import ids
from ..plan import trusted_access
from ..plan.records import OrganizationStack, OrgValues
from .audit import build_log_archive, build_organization_trail
from .base import PlatformStack, org_access_role_arn
from .iam import iam
from .monitoring import build_trail_monitoring
from .planrole import build_plan_role
from .refs import data_ref, ref
from .team_accounts import build_team_account


def build_organization_resource(stack: PlatformStack, *, org: OrganizationStack) -> list[Any]:
    """With organization.yaml's organization_id, the existing organization is imported (never created: the
    management account already is one) and owns the whole trusted-access and policy-type lists, so the
    resources that need them can be ordered after it; returns what they depend on. The resource manages the
    complete lists: a service the organization already trusts must be in trusted_services, or the apply
    would switch it off (the import's plan shows the difference first). Without organization_id nothing is
    managed and the post-step's preflight checks trusted access instead (docs/design.md, "The organization resource")."""
    if not org.organization_id:
        DataAwsOrganizationsOrganization(stack, "organization")
        return []
    resource = OrganizationsOrganization(
        stack,
        "organization",
        feature_set="ALL",
        aws_service_access_principals=sorted(org.trusted_services),
        enabled_policy_types=list(trusted_access.REQUIRED_POLICY_TYPES),
        lifecycle={"prevent_destroy": True},
    )
    resource.import_from(org.organization_id)
    return [resource]


def build_ram_sharing(stack: PlatformStack, *, after: list[Any]) -> None:
    """RAM's sharing within the organization, always: the feature-group and pipeline shares are organization-only
    (no invitations), and trusted access for ram.amazonaws.com alone is not that switch: enabling it through
    Organizations creates no AWSServiceRoleForResourceAccessManager, and RAM cannot share within the organization
    without it (https://docs.aws.amazon.com/ram/latest/userguide/getting-started-sharing.html#getting-started-sharing-orgs).
    EnableSharingWithAwsOrganization creates the role and turns trusted access on; it is idempotent, so an
    organization that already shares adopts the resource without a change. Destroying it would turn RAM's trusted
    access off and delete the role (the provider's delete does both), breaking every such share: prevent_destroy.
    With organization_id it follows the organization resource, which keeps ram.amazonaws.com in its list."""
    RamSharingWithOrganization(stack, "ram-sharing", depends_on=after or None, lifecycle={"prevent_destroy": True})


def build_organization(stack: PlatformStack, values: OrgValues, org: OrganizationStack) -> None:
    stack.provider(region=values.home_region, tags=values.default_tags, allowed_account_ids=[values.management_account_id])
    after_org = build_organization_resource(stack, org=org)
    build_ram_sharing(stack, after=after_org)
    org_ref = ref if org.organization_id else data_ref
    root_id = org_ref("aws_organizations_organization", "organization", "roots[0].id")
    org_id = org_ref("aws_organizations_organization", "organization", "id")

    ous: dict[str, str] = {}  # OU path -> its id
    for path in org.ou_paths:
        parent, _, leaf = path.rpartition("/")
        OrganizationsOrganizationalUnit(
            stack,
            ids.ou(path),
            name=leaf,
            parent_id=ous[parent] if parent else root_id,
            tags={"ou_path": path},
        )
        ous[path] = ref("aws_organizations_organizational_unit", ids.ou(path), "id")

    # The team accounts not yet moved into their teams' access stacks (team_accounts.py), and a `removed` block
    # (destroy = false: Terraform forgets, AWS keeps the account) for each one whose move's last step this is.
    account_ids = {acct.key: build_team_account(stack, acct, parent_id=ous[acct.ou_path], lookup=False) for acct in org.accounts}
    if org.forgotten:
        stack.add_override(
            "removed", [{"from": ids.account_address(key), "lifecycle": {"destroy": False}} for key in sorted(org.forgotten)]
        )

    for scp in org.scps:
        OrganizationsPolicy(
            stack,
            ids.scp(scp.name),
            name=scp.name,
            description=scp.description,
            type="SERVICE_CONTROL_POLICY",
            content=scp.text,
            depends_on=after_org,
        )
        OrganizationsPolicyAttachment(
            stack,
            ids.scp_attachment(scp.name),
            target_id=ous[scp.target],
            policy_id=ref("aws_organizations_policy", ids.scp(scp.name), "id"),
        )

    # The log archive account holds the trail's and Config's logs; the trail itself belongs to the management account.
    log_archive = stack.provider(
        region=values.home_region,
        tags=values.default_tags,
        alias="log-archive",
        assume_role_arn=org_access_role_arn(stack, values.org, org.log_archive_account_id),
        allowed_account_ids=[org.log_archive_account_id],
    )
    build_plan_role(
        stack,
        org=values.org,
        management_account_id=values.management_account_id,
        data_buckets=[],
        provider=log_archive,
        prefix="log-archive-plan-role",
    )
    key_arn = build_log_archive(
        stack, org=values.org, bucket=org.log_bucket, account_id=org.log_archive_account_id, org_id=org_id, provider=log_archive
    )
    logs_group_arn, logs_role_arn = build_trail_monitoring(
        stack, org=values.org, account_id=values.management_account_id, region=values.home_region, subscribers=org.alarm_subscribers
    )
    trail = build_organization_trail(
        stack,
        org=values.org,
        name=org.trail_name,
        bucket=org.log_bucket,
        key_arn=key_arn,
        logs_group_arn=logs_group_arn,
        logs_role_arn=logs_role_arn,
        depends_on=[stack.node.find_child("log-archive-policy"), *after_org],
    )
    iam(stack).after_role(trail, "trail-logs-role")  # CloudTrail checks at creation that its role may deliver to the log group

    # Shared services administers Service Catalog (the Projects portfolios) and Config (the aggregator); AWS
    # refuses a delegated administrator for a service without trusted access (SERVICE_ACCESS_NOT_ENABLED).
    for principal in ("servicecatalog.amazonaws.com", "config.amazonaws.com", "config-multiaccountsetup.amazonaws.com"):
        OrganizationsDelegatedAdministrator(
            stack,
            f"delegated-admin-{principal.split('.')[0]}",
            account_id=values.shared_services_account_id,
            service_principal=principal,
            depends_on=after_org,
        )

    if account_ids:
        TerraformOutput(stack, "account_ids", value=account_ids, description="Account id of every team account, by <team>-<environment>")
    TerraformOutput(stack, "organization_id", value=org_id, description="The organization's id (o-...)")
    TerraformOutput(stack, "ou_ids", value={path: ous[path] for path in org.ou_paths}, description="Organizational unit id by OU path")
