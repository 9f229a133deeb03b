"""The `identity` stack's record (management account, Identity Center): users, permission sets, the platform admins'
group and its access to the central accounts. Teams' groups live in their access stacks (access.py). Pure Python."""

from __future__ import annotations

import json

from ..base import naming
from ..registry.model import Registry
from .records import Group, IdentityStack, PermissionSet, Person


def admins_group(reg: Registry) -> Group:
    admins = tuple(sorted(set(reg.organization.platform_admins)))
    return Group(
        naming.platform_admins_group(reg.organization.name), "Platform administrators: administrator access to every account", admins
    )


def permission_sets(reg: Registry) -> tuple[PermissionSet, ...]:
    out = []
    for key, ps in reg.permission_sets.items():
        inline = None
        if ps.inline_policy:
            inline = json.dumps(json.loads(reg.files[ps.inline_policy]), sort_keys=True, separators=(",", ":"))
        out.append(
            PermissionSet(
                naming.permission_set_name(key),
                ps.description or f"{key} (access.yaml)",
                ps.session_duration,
                tuple(sorted(set(ps.managed_policies))),
                inline,
            )
        )
    out.append(
        PermissionSet(
            naming.PLATFORM_ADMIN_PERMISSION_SET,
            "Platform administrators (break glass and operations)",
            "PT1H",
            (naming.PLATFORM_ADMIN_POLICY_ARN,),
            None,
        )
    )
    return tuple(sorted(out, key=lambda p: p.name))


def identity_stack(reg: Registry) -> IdentityStack:
    org = reg.organization
    central = [("shared-services", org.shared_services_account_id)]
    if org.log_archive != org.shared_services_account_id:
        central.append(("log-archive", org.log_archive))
    return IdentityStack(
        name=naming.IDENTITY_STACK,
        instance_arn=org.identity_center.instance_arn,
        identity_store_id=org.identity_center.identity_store_id,
        managed_users=org.identity_center.users == "managed",
        # Managed users are created here from people.yaml. Users from an identity provider are looked up where they are
        # bound (each team's stacks), so identity looks up only the platform admins its own group binds.
        people=tuple(
            Person(p.user_name, p.email, p.given_name, p.family_name)
            for p in reg.people
            if org.identity_center.users == "managed" or p.user_name in set(org.platform_admins)
        ),
        groups=(admins_group(reg),),
        permission_sets=permission_sets(reg),
        central_assignments=tuple(central),
        admins_group=naming.platform_admins_group(org.name),
        region=org.identity_center.region,
    )
