"""A team account as a resource, the same body in whichever stack declares it: the organization stack (before and
while it moves) or the team's access stack (docs/operations.md, "Moving accounts into team stacks").

Both stacks of a move declare the account at once for one step, so the two bodies must be the same (name, email,
parent, role, billing access, tags, lifecycle) or each stack's plan would undo the other's. The access stack takes an
existing account over with an `import` block: an adopted account by its known id (for good: Terraform skips an import
to an address its state holds), a created one by its email in the organization's account list while it moves (AWS keeps
account emails unique; a lookup that finds nothing fails the plan, never creates: the research behind this is in
docs/design.md, "Where team-scoped things live").
"""

from __future__ import annotations

from cdktn_provider_aws.data_aws_organizations_organization import DataAwsOrganizationsOrganization
from cdktn_provider_aws.organizations_account import OrganizationsAccount

from ..base import ids, naming
from ..base.tfexpr import expression
from ..plan.records import Account
from .base import PlatformStack
from .refs import ref


def build_team_account(stack: PlatformStack, acct: Account, *, parent_id: str, lookup: bool) -> str:
    """The account resource and its `import` block: an adopted account's id, or with lookup (an access stack's record
    says so: AccessStack.lookup_imports) its email looked up in the organization's account list. Returns a reference
    to its id."""
    # Created accounts are never destroyed by Terraform; closing an account is a deliberate act outside this tool.
    # Adopted ones are imported; their existing name and email are kept.
    ignore = ["iam_user_access_to_billing", "role_name"] + (["email", "name"] if acct.adopted_id else [])
    resource = OrganizationsAccount(
        stack,
        ids.account(acct.key),
        name=acct.name,
        email=acct.email,
        parent_id=parent_id,
        role_name=naming.ORGANIZATION_ACCESS_ROLE,
        iam_user_access_to_billing="DENY",
        close_on_deletion=False,
        tags=acct.tags,
        lifecycle={"prevent_destroy": True, "ignore_changes": ignore},
    )
    if acct.adopted_id:
        resource.import_from(acct.adopted_id)
    elif lookup:
        resource.import_from(expression(ids.account_lookup(acct.email)))
    return ref("aws_organizations_account", ids.account(acct.key), "id")


def build_organization_lookup(stack: PlatformStack) -> None:
    """The organization's account list (management account), which lookup imports read."""
    DataAwsOrganizationsOrganization(stack, ids.ORGANIZATION_LOOKUP)
