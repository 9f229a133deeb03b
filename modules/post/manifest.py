"""The post-step manifest of each stack (generated/post/<stack>.json): what must be ensured beside Terraform.

Pure function of the plan. Ids known only after apply are named as Terraform outputs of the stack
(`outputs`), which `post --tf-outputs FILE` reads from `terraform output -json`.
"""
from __future__ import annotations

import json

from .. import naming
from ..sharing import RAM_KINDS
from ..stacks import Plan

COST_TAGS = ("cost_center", "environment", "team")
VERSION = 1


def manifests(plan: Plan) -> dict[str, dict]:
    mgmt = {"key": "management", "id": plan.management_account_id, "name": None, "id_output": None}
    out: dict[str, dict] = {
        naming.ORGANIZATION_STACK: _doc(naming.ORGANIZATION_STACK, plan.home_region, mgmt, {
            "cost-tags": {"tags": list(COST_TAGS)},
        }),
        naming.IDENTITY_STACK: _doc(naming.IDENTITY_STACK, plan.home_region, mgmt, {
            "preflight": {
                "instance_arn": plan.identity.instance_arn,
                "identity_store_id": plan.identity.identity_store_id,
                "external_users": [] if plan.identity.managed_users else [p.user_name for p in plan.identity.people],
            },
        }),
        naming.SHARED_SERVICES_STACK: _doc(naming.SHARED_SERVICES_STACK, plan.home_region, {
            "key": "shared-services", "id": plan.shared_services.account_id, "name": None, "id_output": None}, {}),
    }
    for access in plan.access:  # groups, assignments, SCP, catalog associations: nothing beside Terraform
        out[access.name] = _doc(access.name, plan.home_region, mgmt, {})
    for acct in plan.accounts:
        a = acct.account
        jobs: dict = {"studio-cleanup": {"domain_name": acct.domain_name, "domain_output": "domain_id"}}
        ram = [s for s in acct.shares_out if s.kind in RAM_KINDS]
        if ram:
            jobs["share-artifacts"] = [{"share": s.name, "kind": s.kind, "resource": s.resource, "tag": {"share": s.name},
                                        "resource_share_output": "ram_share_arns"} for s in ram]
        mpg = [s for s in acct.shares_out if s.kind == "model_package_group"]
        if mpg:
            jobs["promote-shares"] = [{"share": s.name, "model_package_group": s.resource} for s in mpg]
        account = {"key": a.key, "id": a.adopted_id, "name": a.name, "id_output": None if a.adopted_id else "account_id"}
        out[acct.name] = _doc(acct.name, acct.region, account, jobs)
    return dict(sorted(out.items()))


def _doc(stack: str, region: str, account: dict, jobs: dict) -> dict:
    return {"version": VERSION, "stack": stack, "region": region, "account": account, "jobs": jobs}


def manifest_files(plan: Plan) -> dict[str, str]:
    return {f"post/{name}.json": json.dumps(doc, indent=2, sort_keys=True) + "\n" for name, doc in manifests(plan).items()}
