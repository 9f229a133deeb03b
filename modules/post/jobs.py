"""The post-step's jobs. Each plans from what AWS says now (no state of its own) and returns actions and notes.

An action is one API call that would change something; a note says what cannot be done yet
("waiting": it will be, once something else happens) or is wrong ("missing": a person to fix it).
Jobs act only on what the manifest names; not found means nothing to do.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JOB_ORDER = ("preflight", "studio-cleanup", "share-artifacts", "promote-shares", "cost-tags")


@dataclass(frozen=True)
class Action:
    job: str
    call: str  # the AWS API call, service:Operation
    target: str
    reason: str
    params: tuple = ()

    def as_dict(self, ctx: "Context") -> dict:
        return {"account": ctx.account_id, "region": ctx.region, "job": self.job, "call": self.call,
                "target": self.target, "reason": self.reason}


@dataclass(frozen=True)
class Note:
    job: str
    level: str  # "waiting" or "missing"
    target: str
    message: str


@dataclass
class Context:
    stack: str
    account_id: str
    region: str
    jobs: dict[str, Any]
    gateway: Any
    outputs: dict[str, Any] = field(default_factory=dict)
    tf_plan: dict | None = None


Plan = tuple[list[Action], list[Note]]


def studio_cleanup(ctx: Context) -> Plan:
    """Before Terraform deletes a user profile or a domain: its apps, then its spaces, must be gone."""
    spec = ctx.jobs.get("studio-cleanup")
    if not spec or not ctx.tf_plan:
        return [], []
    actions: list[Action] = []
    notes: list[Note] = []
    for rc in ctx.tf_plan.get("resource_changes", []):
        if rc.get("type") not in ("aws_sagemaker_user_profile", "aws_sagemaker_domain"):
            continue
        if "delete" not in rc.get("change", {}).get("actions", []):
            continue
        before = rc["change"].get("before") or {}
        if rc["type"] == "aws_sagemaker_domain":
            domain_id, profile = before.get("id"), None
        else:
            domain_id, profile = before.get("domain_id"), before.get("user_profile_name")
        if not domain_id:
            continue
        what = f"profile {profile}" if profile else f"domain {domain_id}"
        spaces = [s for s in ctx.gateway.spaces(ctx.account_id, ctx.region, domain_id)
                  if profile is None or s.get("OwnershipSettingsSummary", {}).get("OwnerUserProfileName") == profile]
        space_names = {s["SpaceName"] for s in spaces}
        for app in ctx.gateway.apps(ctx.account_id, ctx.region, domain_id):
            mine = profile is None or app.get("UserProfileName") == profile or app.get("SpaceName") in space_names
            if not mine:
                continue
            target = f"{domain_id}/{app.get('UserProfileName') or app.get('SpaceName')}/{app['AppType']}/{app['AppName']}"
            if app.get("Status") == "Deleting":
                notes.append(Note("studio-cleanup", "waiting", target, "app is being deleted"))
                continue
            actions.append(Action("studio-cleanup", "sagemaker:DeleteApp", target,
                                  f"Terraform deletes {what}; its apps must be gone first",
                                  (("app", tuple(sorted(app.items()))),)))
        for space in sorted(space_names):
            actions.append(Action("studio-cleanup", "sagemaker:DeleteSpace", f"{domain_id}/{space}",
                                  f"Terraform deletes {what}; its spaces must be gone first",
                                  (("domain_id", domain_id), ("space", space))))
    return actions, notes


def share_artifacts(ctx: Context) -> Plan:
    """Pipelines and feature groups that teams create with the SDK join the RAM share of their share."""
    actions: list[Action] = []
    notes: list[Note] = []
    for item in ctx.jobs.get("share-artifacts", []):
        share = item["share"]
        share_arn = (ctx.outputs.get(item["resource_share_output"]) or {}).get(share) \
            or ctx.gateway.resource_share_arn(ctx.account_id, ctx.region, share)
        if not share_arn:
            notes.append(Note("share-artifacts", "waiting", share, "the RAM share does not exist yet: apply the stack first"))
            continue
        arn = ctx.gateway.find_by_name_or_tag(ctx.account_id, ctx.region, item["kind"], item["resource"], share)
        if not arn:
            kind = item["kind"].replace("_", " ")
            notes.append(Note("share-artifacts", "waiting", f"{kind} {item['resource']}",
                              f"not there yet: create the {kind} named '{item['resource']}' (or tag one share={share}) "
                              f"with the SageMaker SDK; share '{share}' picks it up on the next run"))
            continue
        if arn not in ctx.gateway.shared_resources(ctx.account_id, ctx.region, share_arn):
            actions.append(Action("share-artifacts", "ram:AssociateResourceShare", arn,
                                  f"share '{share}' must include its {item['kind'].replace('_', ' ')}",
                                  (("share_arn", share_arn), ("resource_arn", arn))))
    return actions, notes


def promote_shares(ctx: Context) -> Plan:
    """Model package groups shared by resource policy become discoverable once RAM promotes the share
    and its permission (https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-ram-promote.html)."""
    actions: list[Action] = []
    notes: list[Note] = []
    for item in ctx.jobs.get("promote-shares", []):
        group = item["model_package_group"]
        arn = ctx.gateway.model_package_group_arn(ctx.account_id, ctx.region, group)
        if not arn:
            notes.append(Note("promote-shares", "waiting", group, "the model package group does not exist yet: apply the stack first"))
            continue
        shares = ctx.gateway.policy_shares(ctx.account_id, ctx.region, arn)
        if not shares:
            notes.append(Note("promote-shares", "waiting", group, "RAM has not created the policy's resource share yet"))
        for share in shares:
            if share["featureSet"] != "CREATED_FROM_POLICY":
                continue
            for i, perm in enumerate(ctx.gateway.policy_permissions(ctx.account_id, ctx.region, share["arn"])):
                if perm["featureSet"] == "CREATED_FROM_POLICY":
                    actions.append(Action("promote-shares", "ram:PromotePermissionCreatedFromPolicy", perm["arn"],
                                          f"share '{item['share']}': the permission must be promoted before its share",
                                          (("permission_arn", perm["arn"]), ("name", f"{item['share']}-{i + 1}"))))
            actions.append(Action("promote-shares", "ram:PromoteResourceShareCreatedFromPolicy", share["arn"],
                                  f"share '{item['share']}': model package group {group} discoverable by its consumers",
                                  (("share_arn", share["arn"]),)))
    return actions, notes


def cost_tags(ctx: Context) -> Plan:
    spec = ctx.jobs.get("cost-tags")
    if not spec:
        return [], []
    keys = list(spec["tags"])
    status = ctx.gateway.cost_tag_status(ctx.region, keys)
    actions = [Action("cost-tags", "ce:UpdateCostAllocationTagsStatus", key, "activate for cost allocation reports",
                      (("key", key),)) for key in keys if status.get(key) == "Inactive"]
    notes = [Note("cost-tags", "waiting", key, "billing has not seen this tag yet (it appears within a day of the first "
                  "tagged cost); it is activated on a later run") for key in keys if key not in status]
    return actions, notes


def preflight(ctx: Context) -> Plan:
    spec = ctx.jobs.get("preflight")
    if not spec:
        return [], []
    notes = []
    # Every problem is listed, not just the first: the users are looked up in the identity store either way.
    if spec["instance_arn"] not in ctx.gateway.identity_center_instances(ctx.region):
        notes.append(Note("preflight", "missing", spec["instance_arn"],
                          f"the Identity Center instance does not exist in {ctx.region} (organization.yaml identity_center)"))
    for user in spec.get("external_users", []):
        if not ctx.gateway.user_exists(ctx.region, spec["identity_store_id"], user):
            notes.append(Note("preflight", "missing", user, f"no user '{user}' in identity store {spec['identity_store_id']}: "
                              "provision them in the identity provider (SCIM) or remove them from people.yaml"))
    return [], notes


PLANNERS = {"preflight": preflight, "studio-cleanup": studio_cleanup, "share-artifacts": share_artifacts,
            "promote-shares": promote_shares, "cost-tags": cost_tags}


def perform(ctx: Context, action: Action) -> None:
    p = dict(action.params)
    g = ctx.gateway
    if action.call == "sagemaker:DeleteApp":
        g.delete_app(ctx.account_id, ctx.region, dict(p["app"]))
    elif action.call == "sagemaker:DeleteSpace":
        g.delete_space(ctx.account_id, ctx.region, p["domain_id"], p["space"])
    elif action.call == "ram:AssociateResourceShare":
        g.associate(ctx.account_id, ctx.region, p["share_arn"], p["resource_arn"])
    elif action.call == "ram:PromotePermissionCreatedFromPolicy":
        g.promote_permission(ctx.account_id, ctx.region, p["permission_arn"], p["name"])
    elif action.call == "ram:PromoteResourceShareCreatedFromPolicy":
        g.promote_share(ctx.account_id, ctx.region, p["share_arn"])
    elif action.call == "ce:UpdateCostAllocationTagsStatus":
        g.activate_cost_tags(ctx.region, [p["key"]])
    else:  # pragma: no cover - every planner's call is listed above
        raise ValueError(action.call)
