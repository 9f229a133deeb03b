"""The post-step's jobs. Each plans from what AWS says now (no state of its own) and returns actions and notes.

Every job has one shape (`Job`): `plan(ctx) -> (actions, notes)` and `perform(ctx, action)`. An action is
one API call that would change something; a note says what cannot be done yet ("waiting": it will be,
once something else happens; `settling` when AWS itself is getting there, so apply waits for it) or is
wrong ("missing": a person must fix it; "warning": could not be checked, the run does not fail). Jobs act
only on what the manifest names. `JOBS` is the one list of job names: the CLI's `--job` choices, the run order
and the manifest's keys come from it.
"""

from __future__ import annotations

from ..shares import KINDS
from .job_types import Action, Context, Job, Note, Planned
from .preflight import preflight, preflight_perform

__all__ = ["JOBS", "Action", "Context", "Job", "Note", "Planned"]


# ---------------------------------------------------------------------------------------- studio-cleanup
GONE_APP = ("Deleted", "Failed")


def studio_cleanup(ctx: Context) -> Planned:
    """Before Terraform deletes a user profile or a domain: its apps must be Deleted, then its spaces gone.
    SageMaker refuses DeleteSpace while an app of the space runs and DeleteUserProfile/DeleteDomain while
    apps or spaces exist (https://docs.aws.amazon.com/sagemaker/latest/dg/gs-studio-delete-domain.html)."""
    spec = ctx.jobs.studio_cleanup
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
        spaces = [
            s
            for s in ctx.gateway.spaces(ctx.account_id, ctx.region, domain_id)
            if profile is None or s.get("OwnershipSettingsSummary", {}).get("OwnerUserProfileName") == profile
        ]
        space_names = {s["SpaceName"] for s in spaces}
        busy: set[str] = set()  # spaces with an app not yet Deleted
        for app in ctx.gateway.apps(ctx.account_id, ctx.region, domain_id):
            mine = profile is None or app.get("UserProfileName") == profile or app.get("SpaceName") in space_names
            if not mine or app.get("Status") in GONE_APP:
                continue
            if app.get("SpaceName"):
                busy.add(app["SpaceName"])
            target = f"{domain_id}/{app.get('UserProfileName') or app.get('SpaceName')}/{app['AppType']}/{app['AppName']}"
            if app.get("Status") == "Deleting":
                notes.append(Note("studio-cleanup", "waiting", target, "app is being deleted", settling=True))
                continue
            actions.append(
                Action(
                    "studio-cleanup",
                    "sagemaker:DeleteApp",
                    target,
                    f"Terraform deletes {what}; its apps must be gone first",
                    (("app", tuple(sorted((k, v) for k, v in app.items() if isinstance(v, str)))),),
                )
            )
        for space in sorted(spaces, key=lambda s: s["SpaceName"]):
            name, status = space["SpaceName"], space.get("Status")
            target = f"{domain_id}/{name}"
            if status == "Deleting":
                notes.append(Note("studio-cleanup", "waiting", target, "space is being deleted", settling=True))
            elif status == "Delete_Failed":
                notes.append(
                    Note(
                        "studio-cleanup", "missing", target, "SageMaker failed to delete this space: see its FailureReason (DescribeSpace)"
                    )
                )
            elif name in busy:
                notes.append(Note("studio-cleanup", "waiting", target, "deleted once its apps are Deleted", settling=True))
            else:
                actions.append(
                    Action(
                        "studio-cleanup",
                        "sagemaker:DeleteSpace",
                        target,
                        f"Terraform deletes {what}; its spaces must be gone first",
                        (("domain_id", domain_id), ("space", name)),
                    )
                )
    return actions, notes


def studio_cleanup_perform(ctx: Context, action: Action) -> None:
    if action.call == "sagemaker:DeleteApp":
        ctx.gateway.delete_app(ctx.account_id, ctx.region, dict(action.param("app")))
    else:
        ctx.gateway.delete_space(ctx.account_id, ctx.region, action.param("domain_id"), action.param("space"))


# ---------------------------------------------------------------------------------------- share-artifacts
def share_artifacts(ctx: Context) -> Planned:
    """Artifacts that teams create themselves (pipelines, feature groups: the kinds with an artifact_lookup) join
    the RAM share of their share."""
    actions: list[Action] = []
    notes: list[Note] = []
    for item in ctx.jobs.share_artifacts or ():
        share = item.share
        share_arn = (ctx.outputs.get(item.resource_share_output) or {}).get(share) or ctx.gateway.resource_share_arn(
            ctx.account_id, ctx.region, share
        )
        if not share_arn:
            notes.append(Note("share-artifacts", "waiting", share, "the RAM share does not exist yet: apply the stack first"))
            continue
        kind = item.kind.replace("_", " ")
        lookup = KINDS[item.kind].artifact_lookup
        assert lookup is not None  # the manifest lists only kinds that have one
        arn = ctx.gateway.find_by_name_or_tag(ctx.account_id, ctx.region, item.kind, item.resource, share)
        if not arn:
            notes.append(
                Note(
                    "share-artifacts",
                    "waiting",
                    f"{kind} {item.resource}",
                    f"not there yet: create the {kind} named '{item.resource}' (or tag one share={share}) "
                    f"with {lookup.created_with}; share '{share}' picks it up on the next run",
                )
            )
            continue
        if arn not in ctx.gateway.shared_resources(ctx.account_id, ctx.region, share_arn):
            actions.append(
                Action(
                    "share-artifacts",
                    "ram:AssociateResourceShare",
                    arn,
                    f"share '{share}' must include its {kind}",
                    (("share_arn", share_arn), ("resource_arn", arn)),
                )
            )
    return actions, notes


def share_artifacts_perform(ctx: Context, action: Action) -> None:
    ctx.gateway.associate(ctx.account_id, ctx.region, action.param("share_arn"), action.param("resource_arn"))


# ---------------------------------------------------------------------------------------- promote-shares
def promoted_name(share: str, index: int) -> str:
    """The name of the customer managed permission a share's index-th policy permission is promoted to:
    stable, so a re-run finds it instead of promoting again under the same name."""
    return f"{share}-{index + 1}"


def promote_shares(ctx: Context) -> Planned:
    """Model package groups shared by resource policy become discoverable once RAM promotes the share
    (https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-ram.html). Two steps: each
    CREATED_FROM_POLICY permission is copied to a customer managed permission
    (https://docs.aws.amazon.com/ram/latest/APIReference/API_PromotePermissionCreatedFromPolicy.html; the
    original stays CREATED_FROM_POLICY, so the copy is found by its name), then the share is promoted
    (https://docs.aws.amazon.com/ram/latest/APIReference/API_PromoteResourceShareCreatedFromPolicy.html),
    passing through PROMOTING_TO_STANDARD to STANDARD. Each step is planned only when still needed."""
    actions: list[Action] = []
    notes: list[Note] = []
    customer: dict[str, str] | None = None
    for item in ctx.jobs.promote_shares or ():
        group = item.model_package_group
        arn = ctx.gateway.model_package_group_arn(ctx.account_id, ctx.region, group)
        if not arn:
            notes.append(Note("promote-shares", "waiting", group, "the model package group does not exist yet: apply the stack first"))
            continue
        shares = ctx.gateway.policy_shares(ctx.account_id, ctx.region, arn)
        if not shares:
            notes.append(Note("promote-shares", "waiting", group, "RAM has not created the policy's resource share yet"))
        for share in shares:
            if share["featureSet"] == "PROMOTING_TO_STANDARD":
                notes.append(Note("promote-shares", "waiting", share["arn"], "RAM is promoting the share", settling=True))
                continue
            if share["featureSet"] != "CREATED_FROM_POLICY":
                continue
            perms = sorted(
                p["arn"]
                for p in ctx.gateway.policy_permissions(ctx.account_id, ctx.region, share["arn"])
                if p["featureSet"] == "CREATED_FROM_POLICY"
            )
            if perms and customer is None:
                customer = ctx.gateway.customer_permissions(ctx.account_id, ctx.region)
            for i, perm in enumerate(perms):
                name = promoted_name(item.share, i)
                if name not in (customer or {}):
                    actions.append(
                        Action(
                            "promote-shares",
                            "ram:PromotePermissionCreatedFromPolicy",
                            perm,
                            f"share '{item.share}': the permission must be promoted (as '{name}') before its share",
                            (("permission_arn", perm), ("name", name)),
                        )
                    )
            actions.append(
                Action(
                    "promote-shares",
                    "ram:PromoteResourceShareCreatedFromPolicy",
                    share["arn"],
                    f"share '{item.share}': model package group {group} discoverable by its consumers",
                    (("share_arn", share["arn"]),),
                )
            )
    return actions, notes


def promote_shares_perform(ctx: Context, action: Action) -> None:
    if action.call == "ram:PromotePermissionCreatedFromPolicy":
        ctx.gateway.promote_permission(ctx.account_id, ctx.region, action.param("permission_arn"), action.param("name"))
    else:
        ctx.gateway.promote_share(ctx.account_id, ctx.region, action.param("share_arn"))


# ---------------------------------------------------------------------------------------- cost-tags
def cost_tags(ctx: Context) -> Planned:
    """https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_UpdateCostAllocationTagsStatus.html:
    only tags billing has seen can be activated."""
    spec = ctx.jobs.cost_tags
    if not spec:
        return [], []
    keys = list(spec.tags)
    status = ctx.gateway.cost_tag_status(ctx.region, keys)
    actions = [
        Action("cost-tags", "ce:UpdateCostAllocationTagsStatus", key, "activate for cost allocation reports", (("key", key),))
        for key in keys
        if status.get(key) == "Inactive"
    ]
    notes = [
        Note(
            "cost-tags",
            "waiting",
            key,
            "billing has not seen this tag yet (it appears within a day of the first tagged cost); it is activated on a later run",
        )
        for key in keys
        if key not in status
    ]
    return actions, notes


def cost_tags_perform(ctx: Context, action: Action) -> None:
    ctx.gateway.activate_cost_tags(ctx.region, [action.param("key")])


# In run order: preflight first (it only reads), studio clean-up before the rest.
JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("preflight", preflight, preflight_perform, "nothing (it only reads)"),
        Job(
            "studio-cleanup",
            studio_cleanup,
            studio_cleanup_perform,
            "each app to reach Deleted before its space is deleted, then each space to be gone",
        ),
        Job("share-artifacts", share_artifacts, share_artifacts_perform, "nothing (an association is immediate)"),
        Job(
            "promote-shares",
            promote_shares,
            promote_shares_perform,
            "each share to leave PROMOTING_TO_STANDARD (the permission is promoted first, in the same run)",
        ),
        Job("cost-tags", cost_tags, cost_tags_perform, "nothing"),
    )
}
