"""IAM Identity Center, organization-wide: users (created or looked up), permission sets, the platform admins.

Teams' groups, memberships and assignments live in their access stacks (aws/access.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cdktn import TerraformOutput
from cdktn_provider_aws.data_aws_identitystore_user import DataAwsIdentitystoreUser
from cdktn_provider_aws.identitystore_group import IdentitystoreGroup
from cdktn_provider_aws.identitystore_group_membership import IdentitystoreGroupMembership
from cdktn_provider_aws.identitystore_user import IdentitystoreUser
from cdktn_provider_aws.provider import AwsProvider
from cdktn_provider_aws.ssoadmin_account_assignment import SsoadminAccountAssignment
from cdktn_provider_aws.ssoadmin_managed_policy_attachment import SsoadminManagedPolicyAttachment
from cdktn_provider_aws.ssoadmin_permission_set import SsoadminPermissionSet
from cdktn_provider_aws.ssoadmin_permission_set_inline_policy import SsoadminPermissionSetInlinePolicy
from constructs import Construct

from ..base import ids
from ..base.tfexpr import expression
from ..plan.records import Group, IdentityStack, OrgValues, Person
from .base import PlatformStack, for_each
from .refs import each, instance, ref


def build_identity(stack: PlatformStack, values: OrgValues, identity: IdentityStack) -> None:
    stack.provider(region=values.identity_center_region, tags=values.default_tags, allowed_account_ids=[values.management_account_id])
    store = identity.identity_store_id

    user_ids = build_users(stack, store=store, identity=identity)
    group_ids = build_groups(stack, store=store, groups=identity.groups, user_id=user_ids.__getitem__)

    ps_arns = {}
    for ps in identity.permission_sets:
        SsoadminPermissionSet(
            stack,
            ids.permission_set(ps.name),
            name=ps.name,
            description=ps.description,
            instance_arn=identity.instance_arn,
            session_duration=ps.session_duration,
        )
        ps_arns[ps.name] = ref("aws_ssoadmin_permission_set", ids.permission_set(ps.name), "arn")
        for arn in ps.managed_policies:
            SsoadminManagedPolicyAttachment(
                stack,
                ids.managed_policy(ps.name, arn),
                instance_arn=identity.instance_arn,
                managed_policy_arn=arn,
                permission_set_arn=ps_arns[ps.name],
            )
        if ps.inline_policy:
            SsoadminPermissionSetInlinePolicy(
                stack,
                ids.inline_policy(ps.name),
                instance_arn=identity.instance_arn,
                permission_set_arn=ps_arns[ps.name],
                inline_policy=ps.inline_policy,
            )

    for label, account_id in identity.central_assignments:
        assign(
            stack,
            ids.central_assignment(label),
            instance_arn=identity.instance_arn,
            permission_set_arn=ps_arns["PlatformAdmin"],
            group_id=group_ids[identity.admins_group],
            account_id=account_id,
        )

    if identity.managed_users:  # users of an identity provider are looked up by the stacks that bind them
        TerraformOutput(stack, "user_ids", value=user_ids, description="Identity store user id by user name")
    TerraformOutput(stack, "group_ids", value=group_ids, description="Identity store group id by group name")
    TerraformOutput(stack, "permission_set_arns", value=ps_arns, description="Permission set ARN by name")


def build_users(stack: PlatformStack, *, store: str, identity: IdentityStack) -> dict[str, str]:
    """Every person as one instance of a `for_each` user (or, with an external IdP, of a lookup), keyed by user
    name; the `moved` blocks carry the state of the earlier one-construct-per-user addresses. Returns each
    person's user id reference."""
    people = sorted(identity.people, key=lambda p: p.user_name)
    if not people:
        return {}
    if identity.managed_users:
        buckets: dict[str, list[Person]] = {}
        for p in people:
            buckets.setdefault(ids.user_bucket(p.user_name), []).append(p)
        for bucket, members in sorted(buckets.items()):
            IdentitystoreUser(
                stack,
                bucket,
                for_each=for_each({p.user_name: _managed_user(p) for p in members}),
                identity_store_id=store,
                user_name=each(),
                display_name=each("display_name"),
                name={"given_name": each("given_name"), "family_name": each("family_name")},
                emails={"value": each("email"), "primary": True, "type": "work"},
            )
        where = {p.user_name: instance("aws_identitystore_user", ids.user_bucket(p.user_name), p.user_name) for p in people}
        # a chain, as Terraform allows: one construct per user -> one `for_each` of all users -> the user's bucket
        earlier = {p.user_name: instance("aws_identitystore_user", ids.USERS_BEFORE_BUCKETS, p.user_name) for p in people}
        stack.moved({f"aws_identitystore_user.{ids.user(n)}": earlier[n] for n in where})
        stack.moved({earlier[n]: where[n] for n in where})
        return {n: expression(f"{address}.user_id") for n, address in where.items()}
    return lookup_users(stack, store=store, user_names=[p.user_name for p in people])


def lookup_users(stack: PlatformStack, *, store: str, user_names: Iterable[str], provider: AwsProvider | None = None) -> dict[str, str]:
    """Users of an identity provider (`users: external`), looked up by user name where they are bound: one `for_each`
    data source keyed by user name (none without names). Returns each user's id reference."""
    names = sorted(set(user_names))
    if not names:
        return {}
    DataAwsIdentitystoreUser(
        stack,
        "users",
        for_each=for_each({n: {"user_name": n} for n in names}),
        identity_store_id=store,
        alternate_identifier={"unique_attribute": {"attribute_path": "UserName", "attribute_value": each()}},
        provider=provider,
    )
    return {n: expression(f"data.{instance('aws_identitystore_user', 'users', n)}.user_id") for n in names}


def _managed_user(person: Person) -> dict[str, str]:
    """A user this tool creates: validation requires the names and the email (registry/checks)."""
    if person.given_name is None or person.family_name is None or person.email is None:
        raise ValueError(f"person {person.user_name}: a managed user needs given_name, family_name and email")
    return {
        "display_name": f"{person.given_name} {person.family_name}",
        "given_name": person.given_name,
        "family_name": person.family_name,
        "email": person.email,
    }


def build_groups(stack: PlatformStack, *, store: str, groups: Iterable[Group], user_id: Callable[[str], str]) -> dict[str, str]:
    """Identity Center groups, and all their memberships as one `for_each` construct keyed `<group>/<user name>`
    (docs/design.md, "Stable construct ids"; user_id: user name -> reference). Returns group name -> group id."""
    group_ids, members, moves = {}, {}, {}
    for group in groups:
        IdentitystoreGroup(stack, ids.group(group.name), identity_store_id=store, display_name=group.name, description=group.description)
        group_ids[group.name] = ref("aws_identitystore_group", ids.group(group.name), "group_id")
        for member in group.members:
            key = f"{group.name}/{member}"
            members[key] = {"group_id": group_ids[group.name], "member_id": user_id(member)}
            # the membership's address when each was a construct of its own
            moves[f"aws_identitystore_group_membership.{ids.membership(group.name, member)}"] = instance(
                "aws_identitystore_group_membership", "members", key
            )
    if members:
        IdentitystoreGroupMembership(
            stack, "members", for_each=for_each(members), identity_store_id=store, group_id=each("group_id"), member_id=each("member_id")
        )
        stack.moved(moves)
    return group_ids


def assign(
    scope: Construct,
    cid: str,
    *,
    instance_arn: str,
    permission_set_arn: str,
    group_id: str,
    account_id: str,
    provider: AwsProvider | None = None,
) -> SsoadminAccountAssignment:
    return SsoadminAccountAssignment(
        scope,
        cid,
        instance_arn=instance_arn,
        permission_set_arn=permission_set_arn,
        principal_id=group_id,
        principal_type="GROUP",
        target_id=account_id,
        target_type="AWS_ACCOUNT",
        provider=provider,
    )
