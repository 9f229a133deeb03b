"""The access-drift job: access that exists in AWS but not in the registry, which Terraform cannot see (it manages only
what it created). Read-only: it plans no action; each finding is a note of level "drift" that says where it is,
what it grants, and how to remove it (`fix`). The manifest's `access-drift` section (access_spec.py) says what the
registry grants in the stack; everything else found there is listed:
- Identity Center: permission sets the registry does not define (identity), members of the registry's groups that
  the registry does not name, assignments into the stack's accounts that the registry does not make;
- a team account: Studio user profiles no registry member owns (and the registry's profiles that are missing), RAM
  shares the registry does not define, principals outside a share's consumers, Allow statements of the data bucket's
  and shared repositories' policies that name an account the registry does not connect to this one.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from .job_types import Action, Context, Note, Planned

if TYPE_CHECKING:  # annotations only: the CLI's parser imports JOBS without pydantic or the plan
    from .access_spec import AccessDrift, AccountRef

JOB = "access-drift"
_ACCOUNT = re.compile(r"(?:^|:)([0-9]{12})(?::|$)")


def _note(target: str, message: str, fix: str, **facts: str) -> Note:
    return Note(JOB, "drift", target, message, fix=fix, facts=tuple(sorted(facts.items())))


def _account_id(ctx: Context, ref: AccountRef) -> str | None:
    return ref.id or (ctx.gateway.account_id_by_name(ref.name, ctx.region) if ref.name else None)


def access_drift(ctx: Context) -> Planned:
    spec = ctx.jobs.access_drift
    if spec is None:
        return [], []
    notes: list[Note] = []
    if spec.permission_sets is not None or spec.groups or spec.accounts:
        notes += _identity_center(ctx, spec)
    if spec.domain:
        notes += _profiles(ctx, spec)
    if spec.domain:  # a team account: every share it owns is checked, also when the registry gives it none
        notes += _ram(ctx, spec)
    for policy in spec.policies:
        notes += _policy(ctx, spec, policy.kind, policy.name, policy.accounts)
    return [], notes


def access_drift_perform(ctx: Context, action: Action) -> None:
    raise RuntimeError("access-drift only reads: it has no action to perform")


def _identity_center(ctx: Context, spec: AccessDrift) -> list[Note]:
    gw, region, instance, store = ctx.gateway, spec.identity_center_region, spec.instance_arn, spec.identity_store_id
    sets = gw.permission_sets(region, instance)
    names = gw.identity_names(region, store)
    group_ids = {name: pid for pid, (kind, name) in names.items() if kind == "GROUP"}
    notes = []
    for arn, name in sorted(sets.items(), key=lambda kv: kv[1]):
        if spec.permission_sets is not None and name not in spec.permission_sets:
            notes.append(
                _note(
                    f"Identity Center {instance}",
                    f"permission set {name} is not defined in the registry (access.yaml)",
                    "remove its assignments, then: "
                    f"aws sso-admin delete-permission-set --instance-arn {instance} --permission-set-arn {arn}",
                    kind="permission-set",
                    permission_set=name,
                )
            )
    for group, members in sorted(spec.groups.items()):
        gid = group_ids.get(group)
        if gid is None:
            continue  # not created yet, or deleted by hand: the stack's own plan says so (drift)
        for m in gw.group_memberships(region, store, gid):
            user = names.get(m["UserId"], ("USER", m["UserId"]))[1]
            if user not in members:
                notes.append(
                    _note(
                        f"group {group}",
                        f"{user} is a member of {group}, which the registry does not say",
                        f"aws identitystore delete-group-membership --identity-store-id {store} --membership-id {m['MembershipId']}",
                        kind="group-membership",
                        person=user,
                        group=group,
                    )
                )
    for access in spec.accounts:
        account = _account_id(ctx, access.account)
        if account is None:
            notes.append(Note(JOB, "warning", f"account {access.account.key}", "not found in Organizations: not checked"))
            continue
        granted = {(g.principal_type, g.principal, g.permission_set) for g in access.assignments}
        for a in gw.account_assignments(region, instance, account):
            kind, who = names.get(a["PrincipalId"], (a["PrincipalType"], a["PrincipalId"]))
            ps = sets.get(a["PermissionSetArn"], a["PermissionSetArn"])
            if (a["PrincipalType"], who, ps) in granted:
                continue
            notes.append(
                _note(
                    f"account {access.account.key} ({account})",
                    f"{a['PrincipalType'].lower()} {who} has {ps}, which the registry does not grant",
                    f"aws sso-admin delete-account-assignment --instance-arn {instance} --target-id {account} --target-type AWS_ACCOUNT "
                    f"--permission-set-arn {a['PermissionSetArn']} --principal-type {a['PrincipalType']} --principal-id {a['PrincipalId']}",
                    kind="assignment",
                    account=access.account.key,
                    principal_type=a["PrincipalType"],
                    person=who,
                    permission_set=ps,
                )
            )
    return notes


def _profiles(ctx: Context, spec: AccessDrift) -> list[Note]:
    assert spec.domain is not None
    domain = ctx.gateway.domain_id(ctx.account_id, ctx.region, spec.domain)
    if domain is None:
        return [Note(JOB, "warning", f"domain {spec.domain}", "not found in the account (not applied yet?): profiles not checked")]
    found = set(ctx.gateway.user_profiles(ctx.account_id, ctx.region, domain))
    where = f"account {ctx.stack} ({ctx.account_id}), domain {domain}"
    notes = [
        _note(
            where,
            f"Studio user profile {p} belongs to no registry member",
            f"delete its apps and spaces, then: aws sagemaker delete-user-profile --domain-id {domain} --user-profile-name {p} "
            "(its user loses the home folder)",
            kind="studio-profile",
            account=ctx.stack,
            person=p,
        )
        for p in sorted(found - set(spec.profiles))
    ]
    notes += [
        _note(
            where,
            f"Studio user profile {p} that the registry gives is missing",
            f"apply stack {ctx.stack}: Terraform creates it again (the earlier home folder is gone)",
            kind="studio-profile-missing",
            account=ctx.stack,
            person=p,
        )
        for p in sorted(set(spec.profiles) - found)
    ]
    return notes


def _ram(ctx: Context, spec: AccessDrift) -> list[Note]:
    gw = ctx.gateway
    registry = {s.share: s for s in spec.ram_shares}
    groups = {s.model_package_group: s for s in spec.ram_shares if s.model_package_group}
    notes = []
    for share in sorted(gw.owned_shares(ctx.account_id, ctx.region), key=lambda s: s["name"]):
        mine = registry.get(share["name"])
        if mine is None and groups:  # RAM's own share of a model package group's resource policy stands for that share
            resources = gw.shared_resources(ctx.account_id, ctx.region, share["arn"])
            owners = {groups[g] for r in resources for g in groups if r.endswith(f":model-package-group/{g}")}
            mine = next(iter(owners)) if resources and len(owners) == 1 else None
        principals = gw.share_principals(ctx.account_id, ctx.region, share["arn"])
        where = f"account {ctx.stack} ({ctx.account_id}), RAM share {share['name']}"
        if mine is None:
            notes.append(
                _note(
                    where,
                    f"RAM share {share['name']} is not from the registry (shared with {', '.join(sorted(principals)) or 'no one yet'})",
                    f"aws ram delete-resource-share --resource-share-arn {share['arn']}",
                    kind="ram-share",
                    account=ctx.stack,
                )
            )
            continue
        allowed = {a for ref in mine.consumers if (a := _account_id(ctx, ref))}
        for p in sorted(principals - allowed):
            notes.append(
                _note(
                    where,
                    f"{p} is a principal of share {mine.share}, whose consumers are {', '.join(r.key for r in mine.consumers)}",
                    f"aws ram disassociate-resource-share --resource-share-arn {share['arn']} --principals {p}",
                    kind="ram-principal",
                    account=ctx.stack,
                    principal=p,
                )
            )
    return notes


def _principals(statement: dict[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*" or principal is None:
        return ["*"]
    if isinstance(principal, str):
        return [principal]
    out: list[str] = []
    for kind, value in sorted(principal.items()) if isinstance(principal, dict) else []:
        out += [f"{kind}:{v}" if kind != "AWS" else str(v) for v in (value if isinstance(value, list) else [value])]
    return out


def _policy(ctx: Context, spec: AccessDrift, kind: str, name: str, accounts: tuple[AccountRef, ...]) -> list[Note]:
    text = ctx.gateway.resource_policy(ctx.account_id, ctx.region, kind, name)
    if not text:
        return []
    try:
        doc = json.loads(text)
    except ValueError:
        return [Note(JOB, "warning", f"{kind} {name}", "its policy is not JSON: not checked")]
    allowed = {ctx.account_id} | {a for ref in accounts if (a := _account_id(ctx, ref))}
    statements = doc.get("Statement", [])
    notes = []
    for i, st in enumerate(statements if isinstance(statements, list) else [statements]):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        for p in _principals(st):
            found = _ACCOUNT.search(p)
            if found and found.group(1) in allowed:
                continue  # an account the registry connects to this one
            sid = st.get("Sid") or f"Statement[{i}]"
            anyone = "anyone" + (" (under a condition)" if st.get("Condition") else "")
            notes.append(
                _note(
                    f"account {ctx.stack} ({ctx.account_id}), {kind} {name}",
                    f"policy statement {sid} allows {anyone if p == '*' else p}, which no share of the registry names",
                    f"apply stack {ctx.stack} (Terraform owns this policy and puts back the registry's), or remove statement {sid}",
                    kind="resource-policy",
                    account=ctx.stack,
                    principal=p,
                )
            )
    return notes
