"""What the registry grants, per stack, as the access-drift job checks it: its part of every stack's post manifest.

Terraform sees only what it created; access made by hand beside it (an assignment in the console, a member added to
a group, a Studio profile, a principal added to a share or a resource policy) is invisible to a plan. The manifest
says what the registry grants where, so the job can list everything else:
- `identity`: the permission sets and the platform admins' group with its members;
- `<team>-access`: the team's groups and members, and per team account the assignments (group or user, permission
  set) the registry makes there;
- `<team>-<environment>`: the Studio domain's profiles, the RAM shares the account produces with their consumers,
  and the resource policies that grant other accounts (the data bucket, shared ECR repositories), with the accounts
  the registry connects this one to.
Accounts are named by key, with the id where the registry knows it and the name Organizations knows otherwise.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..base import naming
from ..plan.layout import Plan
from ..plan.records import AccessStack, AccountStack
from ..shares import KINDS


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class AccountRef(_Model):
    key: str  # "<team>-<environment>", or the central account's label
    id: str | None  # known id (adopted and central accounts)
    name: str | None  # the account's name in Organizations, to find a created account's id


class Granted(_Model):
    principal_type: Literal["GROUP", "USER"]
    principal: str  # group display name or user name
    permission_set: str


class AccountAccess(_Model):
    account: AccountRef
    assignments: tuple[Granted, ...]


class RamShare(_Model):
    share: str  # the registry's share name (the RAM share's name)
    consumers: tuple[AccountRef, ...]
    model_package_group: str | None = None  # shared by resource policy: RAM's share created from it counts as this one


class ResourcePolicy(_Model):
    kind: Literal["s3-bucket", "ecr-repository"]
    name: str
    accounts: tuple[AccountRef, ...]  # the accounts its Allow statements may name (this one and its share partners)


class AccessDrift(_Model):
    instance_arn: str
    identity_store_id: str
    identity_center_region: str
    permission_sets: tuple[str, ...] | None = None  # identity: every permission set the registry defines
    groups: dict[str, tuple[str, ...]] = {}  # group name -> its members (identity: the admins; access: the team's)
    accounts: tuple[AccountAccess, ...] = ()  # access stacks and identity (central accounts)
    domain: str | None = None  # account stacks: the Studio domain's name
    profiles: tuple[str, ...] = ()  # the profiles the registry gives in it
    ram_shares: tuple[RamShare, ...] = ()
    policies: tuple[ResourcePolicy, ...] = ()


def _ref(plan: Plan, key: str) -> AccountRef:
    acct = next((a for a in plan.team_accounts if a.key == key), None)
    if acct is None:
        return AccountRef(key=key, id=None, name=None)
    return AccountRef(key=key, id=acct.adopted_id, name=None if acct.adopted_id else acct.name)


def _drift(plan: Plan, **parts: Any) -> AccessDrift:
    return AccessDrift(
        instance_arn=plan.identity.instance_arn,
        identity_store_id=plan.identity.identity_store_id,
        identity_center_region=plan.values.identity_center_region,
        **parts,
    )


def identity(plan: Plan) -> AccessDrift:
    admins = plan.identity.admins_group
    central = tuple(
        AccountAccess(
            account=AccountRef(key=label, id=account_id, name=None),
            assignments=(Granted(principal_type="GROUP", principal=admins, permission_set=naming.PLATFORM_ADMIN_PERMISSION_SET),),
        )
        for label, account_id in plan.identity.central_assignments
    )
    return _drift(
        plan,
        permission_sets=tuple(sorted(p.name for p in plan.identity.permission_sets)),
        groups={g.name: g.members for g in plan.identity.groups},
        accounts=central,
    )


def access(plan: Plan, stack: AccessStack) -> AccessDrift:
    accounts = tuple(
        AccountAccess(
            account=_ref(plan, t.key),
            assignments=tuple(Granted(principal_type="GROUP", principal=a.group, permission_set=a.permission_set) for a in t.assignments)
            + tuple(Granted(principal_type="USER", principal=u.user, permission_set=u.permission_set) for u in t.user_assignments),
        )
        for t in stack.accounts
    )
    return _drift(plan, groups={g.name: g.members for g in stack.groups}, accounts=accounts)


def account(plan: Plan, acct: AccountStack) -> AccessDrift:
    me = acct.account.key
    partners = sorted({k for s in (*acct.shares_out, *acct.shares_in) for k in (s.producer, *s.consumers)} | {me})
    ram = tuple(
        RamShare(
            share=s.name,
            consumers=tuple(_ref(plan, k) for k in s.consumers),
            model_package_group=s.resource if KINDS[s.kind].promotes_policy_share else None,
        )
        for s in acct.shares_out
        if KINDS[s.kind].ram_share_arn(s) is not None or KINDS[s.kind].promotes_policy_share
    )
    refs = tuple(_ref(plan, k) for k in partners)
    policies = [ResourcePolicy(kind="s3-bucket", name=acct.bucket_name, accounts=refs)]
    policies += [
        ResourcePolicy(kind="ecr-repository", name=s.resource, accounts=refs) for s in acct.shares_out if s.kind == "ecr_repository"
    ]
    return _drift(
        plan,
        domain=acct.domain_name,
        profiles=tuple(u.profile_name for u in acct.studio_users),
        ram_shares=ram,
        policies=tuple(policies),
    )
