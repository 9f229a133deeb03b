"""A team's access stack `<team>-access` (management account): the team's accounts, who gets into them, and what runs
there.

The team's accounts (OU ids from `organization`; output `account_ids`, which its account stacks read), groups and
memberships (user ids from `identity`, or looked up here with `users: external`), every assignment into the team's
accounts (their ids from this stack, or from `organization` while they have not moved yet; permission sets and the
platform admins' group from `identity`), the Service Catalog associations that show the team's templates in Studio
(in the shared services account, portfolio ids from `shared-services`), and the team's instance-type SCP attached to
each of its active accounts.
Construct ids of groups are the ones `identity` used, so the one-time migration (docs/output.md, "Moving team
access out of identity") is a `terraform state mv` with the same address; the `moved` blocks then carry memberships
and assignments to their `for_each` instances.
"""

from __future__ import annotations

from cdktn import TerraformOutput
from cdktn_provider_aws.organizations_policy import OrganizationsPolicy
from cdktn_provider_aws.organizations_policy_attachment import OrganizationsPolicyAttachment
from cdktn_provider_aws.servicecatalog_principal_portfolio_association import ServicecatalogPrincipalPortfolioAssociation
from cdktn_provider_aws.ssoadmin_account_assignment import SsoadminAccountAssignment

from ..base import ids, naming
from ..plan.records import AccessStack, OrgValues
from .base import PlatformStack, for_each, org_access_role_arn
from .identity_center import build_groups, lookup_users
from .refs import each, instance, ref, remote_output
from .team_accounts import build_organization_lookup, build_team_account

IDENTITY = naming.IDENTITY_STACK


def build_access(stack: PlatformStack, values: OrgValues, access: AccessStack) -> None:
    stack.provider(region=values.identity_center_region, tags=values.default_tags, allowed_account_ids=[values.management_account_id])
    store = values.identity_store_id

    # The team's accounts (team_accounts.py): in their OUs, which the organization stack outputs; created ones that are
    # moving here from the organization stack are imported by their email in the organization's account list.
    held = {
        acct.key: build_team_account(
            stack,
            acct,
            parent_id=remote_output(naming.ORGANIZATION_STACK, "ou_ids", acct.ou_path),
            lookup=acct.key in access.lookup_imports,
        )
        for acct in access.held
    }
    if access.lookup_imports:
        build_organization_lookup(stack)
    if held:
        TerraformOutput(stack, "account_ids", value=held, description="Account id of each of the team's accounts, by <team>-<environment>")

    # With users from an identity provider, the users this stack binds are looked up here (identity does not list them).
    looked_up = lookup_users(stack, store=store, user_names=access.lookups)
    group_ids = {
        access.admins_group: remote_output(IDENTITY, "group_ids", access.admins_group),
        **build_groups(stack, store=store, groups=access.groups, user_id=lambda member: user_id(looked_up, member)),
    }

    # Every assignment into the team's accounts as one `for_each` construct keyed `<account>/<group>/<permission set>`.
    account_ids, assignments, moves = {}, {}, {}
    for acct in access.accounts:
        account_id = acct.adopted_id or held.get(acct.key) or remote_output(naming.ORGANIZATION_STACK, "account_ids", acct.key)
        account_ids[acct.key] = account_id
        for a in acct.assignments:
            key = f"{acct.key}/{a.group}/{a.permission_set}"
            assignments[key] = {
                "account_id": account_id,
                "group_id": group_ids[a.group],
                "permission_set_arn": remote_output(IDENTITY, "permission_set_arns", a.permission_set),
            }
            # the assignment's address when each was a construct of its own
            moves[f"aws_ssoadmin_account_assignment.{ids.assignment(acct.key, a.group, a.permission_set)}"] = instance(
                "aws_ssoadmin_account_assignment", "assignments", key
            )
    if assignments:
        SsoadminAccountAssignment(
            stack,
            "assignments",
            for_each=for_each(assignments),
            instance_arn=values.instance_arn,
            permission_set_arn=each("permission_set_arn"),
            principal_id=each("group_id"),
            principal_type="GROUP",
            target_id=each("account_id"),
            target_type="AWS_ACCOUNT",
        )
        stack.moved(moves)

    # Temporary elevated access (grants.yaml): the person's own assignments, keyed `<account>/<user>/<permission set>`.
    # A grant that expires leaves the map: Terraform deletes that one assignment, nothing else moves.
    user_assignments = {
        f"{acct.key}/{a.user}/{a.permission_set}": {
            "account_id": account_ids[acct.key],
            "user_id": user_id(looked_up, a.user),
            "permission_set_arn": remote_output(IDENTITY, "permission_set_arns", a.permission_set),
        }
        for acct in access.accounts
        for a in acct.user_assignments
    }
    if user_assignments:
        SsoadminAccountAssignment(
            stack,
            "user-assignments",
            for_each=for_each(user_assignments),
            instance_arn=values.instance_arn,
            permission_set_arn=each("permission_set_arn"),
            principal_id=each("user_id"),
            principal_type="USER",
            target_id=each("account_id"),
            target_type="AWS_ACCOUNT",
        )

    if access.scp:
        OrganizationsPolicy(
            stack,
            "instance-types",
            name=access.scp.name,
            description=access.scp.description,
            type="SERVICE_CONTROL_POLICY",
            content=access.scp.content,
        )
        for acct in access.accounts:
            if acct.instance_types_scp:
                OrganizationsPolicyAttachment(
                    stack,
                    ids.instance_types_attachment(acct.key),
                    target_id=account_ids[acct.key],
                    policy_id=ref("aws_organizations_policy", "instance-types", "id"),
                )

    if access.catalog:
        # The portfolios live in the shared services account (Service Catalog's delegated administrator).
        shared = stack.provider(
            region=values.home_region,
            tags=values.default_tags,
            alias="shared-services",
            assume_role_arn=org_access_role_arn(stack, values.org, values.shared_services_account_id),
            allowed_account_ids=[values.shared_services_account_id],
        )
        for template, role in access.catalog:
            ServicecatalogPrincipalPortfolioAssociation(
                stack,
                ids.portfolio_association(template, role),
                provider=shared,
                principal_type="IAM_PATTERN",
                portfolio_id=remote_output(naming.SHARED_SERVICES_STACK, "portfolio_ids", template),
                principal_arn=f"arn:aws:iam:::role/{role}",
            )


def user_id(looked_up: dict[str, str], user_name: str) -> str:
    """A user's id: looked up in this stack (external users), else the identity stack's (managed users)."""
    return looked_up.get(user_name) or remote_output(IDENTITY, "user_ids", user_name)
