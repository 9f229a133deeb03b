"""An in-memory AWS for the post-step's jobs: the `Gateway` protocol over plain dicts (test_protocol checks it).

It keeps AWS's states where the jobs depend on them: a deleted app is `Deleting` for one listing before
`Deleted`, a deleted space `Deleting` for one listing before it is gone, DeleteSpace with a live app of the
space fails, and a promoted permission is a customer managed copy (the original stays CREATED_FROM_POLICY).
The HTTP emulation in tests/post/emulation.py does the same with real time and the real protocol.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


def client_error(code: str, message: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


class FakeGateway:
    def __init__(self) -> None:
        self.accounts: dict[str, str] = {}  # name -> id
        self.apps_: list[dict[str, Any]] = []
        self.spaces_: list[dict[str, Any]] = []
        self.pipelines: dict[str, dict[str, Any]] = {}  # name -> {"arn", "tags"}
        self.feature_groups: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, str] = {}  # model package group name -> arn
        self.ram: dict[str, dict[str, Any]] = {}  # share name -> {"arn", "resources": set()}
        self.policy_shares_: dict[str, list[dict[str, Any]]] = {}  # resource arn -> [{"arn", "featureSet", "permissions"}]
        self.customer: dict[str, str] = {}  # customer managed permissions: name -> arn
        self.cost_tags: dict[str, str] = {}
        self.instances: dict[str, str] = {}  # instance arn -> identity store id
        self.users: set[str] = set()
        self.org: dict[str, Any] | None = None  # DescribeOrganization's organization
        self.account_list: list[dict[str, Any]] = []  # ListAccounts' accounts; empty: `accounts`, all ACTIVE
        self.trusted: set[str] = set()
        self.policy_types: dict[str, str] = {}
        self.quota: float | str = 10.0
        self.buckets: dict[str, dict[str, str | None]] = {}  # name -> {"region", "versioning"}
        self.assumable: set[tuple[str, str]] = set()  # (account, role)
        self.roles: dict[str, str] = {}  # use_access_role
        self.management_roles: set[str] = set()  # IAM roles of the management account
        self.connections: dict[str, dict[str, str]] = {}  # connection arn -> {"status", "provider"}
        self.builds_: list[dict[str, Any]] = []  # newest first: {"id", "status", "env", "project", "overrides"}
        self.codecommit_refusal: str | None = None
        self.calls: list[str] = []
        self.list_accounts_calls = 0
        # access-drift: Identity Center, Studio profiles, RAM shares owned, resource policies
        self.sso_sets: dict[str, str] = {}  # permission set arn -> name
        self.assignments_: dict[str, list[dict[str, str]]] = {}  # account -> [{PermissionSetArn, PrincipalType, PrincipalId}]
        self.names: dict[str, tuple[str, str]] = {}  # principal id -> (USER|GROUP, name)
        self.memberships: dict[str, list[dict[str, str]]] = {}  # group id -> [{MembershipId, UserId}]
        self.domains: dict[tuple[str, str], str] = {}  # (account, domain name) -> domain id
        self.profiles: dict[str, list[str]] = {}  # domain id -> profile names
        self.owned: dict[str, list[dict[str, str]]] = {}  # account -> [{name, arn, featureSet}]
        self.share_resources: dict[str, set[str]] = {}  # share arn -> resource arns (owned shares)
        self.principals: dict[str, set[str]] = {}  # share arn -> principals
        self.policies: dict[tuple[str, str], str] = {}  # (kind, name) -> policy text

    def account_id_by_name(self, name: str, region: str) -> str | None:
        self.list_accounts_calls += 1
        return self.accounts.get(name)

    def use_access_role(self, account: str, role: str) -> None:
        self.roles[account] = role

    def apps(self, account: str, region: str, domain_id: str) -> list[dict[str, Any]]:
        out = [dict(a) for a in self.apps_ if a["DomainId"] == domain_id and a["Status"] not in ("Deleted", "Failed")]
        for a in self.apps_:
            if a["Status"] == "Deleting":
                a["Status"] = "Deleted"  # seen Deleting once, then Deleted
        return out

    def delete_app(self, account: str, region: str, app: dict[str, Any]) -> None:
        self.calls.append(f"delete_app {app['AppName']}")
        for a in self.apps_:
            if a["AppName"] == app["AppName"] and a["DomainId"] == app["DomainId"]:
                a["Status"] = "Deleting"

    def spaces(self, account: str, region: str, domain_id: str) -> list[dict[str, Any]]:
        out = [dict(s) for s in self.spaces_ if s["DomainId"] == domain_id]
        self.spaces_ = [s for s in self.spaces_ if s.get("Status") != "Deleting"]
        return out

    def delete_space(self, account: str, region: str, domain_id: str, space: str) -> None:
        self.calls.append(f"delete_space {space}")
        if any(a.get("SpaceName") == space and a["Status"] != "Deleted" for a in self.apps_):
            raise client_error("ResourceInUse", f"Space {space} has running apps", "DeleteSpace")
        for s in self.spaces_:
            if s["DomainId"] == domain_id and s["SpaceName"] == space:
                s["Status"] = "Deleting"

    def find_by_name_or_tag(self, account: str, region: str, kind: str, name: str, share: str) -> str | None:
        pool = self.pipelines if kind == "pipeline" else self.feature_groups
        if name in pool:
            return str(pool[name]["arn"])
        for item in pool.values():
            if item.get("tags", {}).get("share") == share:
                return str(item["arn"])
        return None

    def model_package_group_arn(self, account: str, region: str, name: str) -> str | None:
        return self.groups.get(name)

    def resource_share_arn(self, account: str, region: str, name: str) -> str | None:
        return self.ram.get(name, {}).get("arn")

    def shared_resources(self, account: str, region: str, share_arn: str) -> set[str]:
        if share_arn in self.share_resources:
            return set(self.share_resources[share_arn])
        return next(set(s["resources"]) for s in self.ram.values() if s["arn"] == share_arn)

    def associate(self, account: str, region: str, share_arn: str, resource_arn: str) -> None:
        self.calls.append(f"associate {resource_arn}")
        next(s for s in self.ram.values() if s["arn"] == share_arn)["resources"].add(resource_arn)

    def _share(self, share_arn: str) -> dict[str, Any]:
        return next(s for ss in self.policy_shares_.values() for s in ss if s["arn"] == share_arn)

    def policy_shares(self, account: str, region: str, resource_arn: str) -> list[dict[str, str]]:
        return [{"arn": s["arn"], "featureSet": s["featureSet"]} for s in self.policy_shares_.get(resource_arn, [])]

    def policy_permissions(self, account: str, region: str, share_arn: str) -> list[dict[str, str]]:
        return [dict(p) for p in self._share(share_arn)["permissions"]]

    def customer_permissions(self, account: str, region: str) -> dict[str, str]:
        return dict(self.customer)

    def promote_permission(self, account: str, region: str, permission_arn: str, name: str) -> None:
        self.calls.append(f"promote_permission {permission_arn} as {name}")
        if name in self.customer:
            raise client_error(
                "InvalidParameterException", f"a permission named {name} already exists", "PromotePermissionCreatedFromPolicy"
            )
        self.customer[name] = f"arn:aws:ram::{account}:permission/{name}"

    def promote_share(self, account: str, region: str, share_arn: str) -> None:
        self.calls.append(f"promote_share {share_arn}")
        share = self._share(share_arn)
        if share["featureSet"] != "CREATED_FROM_POLICY":
            raise client_error("InvalidStateTransitionException", "not CREATED_FROM_POLICY", "PromoteResourceShareCreatedFromPolicy")
        if not self.customer:
            raise client_error(
                "UnmatchedPolicyPermissionException", "promote the permission first", "PromoteResourceShareCreatedFromPolicy"
            )
        share["featureSet"] = "STANDARD"

    def cost_tag_status(self, region: str, keys: list[str]) -> dict[str, str]:
        return {k: v for k, v in self.cost_tags.items() if k in keys}

    def activate_cost_tags(self, region: str, keys: list[str]) -> None:
        self.calls.append(f"activate {','.join(keys)}")
        for k in keys:
            self.cost_tags[k] = "Active"

    def identity_center_instances(self, region: str) -> dict[str, str]:
        return dict(self.instances)

    def organization_accounts(self, region: str) -> list[dict[str, Any]]:
        listed = self.account_list or [{"Id": i, "Name": n, "Status": "ACTIVE"} for n, i in self.accounts.items()]
        return [dict(a) for a in listed]

    def organization(self, region: str) -> dict[str, Any] | None:
        return dict(self.org) if self.org else None

    def trusted_services(self, region: str) -> set[str]:
        return set(self.trusted)

    def root_policy_types(self, region: str) -> dict[str, str]:
        return {"root": "r-fake", **self.policy_types}

    def account_quota(self, region: str) -> float | str:
        return self.quota

    def bucket_facts(self, bucket: str, region: str) -> dict[str, str | None]:
        if bucket not in self.buckets:
            return {"error": "missing", "region": None, "versioning": None}
        return {"error": None, **self.buckets[bucket]}

    def access_role_error(self, account: str, role: str, region: str) -> str | None:
        return None if (account, role) in self.assumable else "AccessDenied: not authorized to perform: sts:AssumeRole"

    def connection(self, account: str, region: str, arn: str) -> dict[str, str] | None:
        return dict(self.connections[arn]) if arn in self.connections else None

    def builds(self, account: str, region: str, project: str) -> list[dict[str, Any]]:
        out = [{k: b[k] for k in ("id", "status", "env")} for b in self.builds_ if b["project"] == project]
        for b in self.builds_:
            if b["status"] == "IN_PROGRESS":
                b["status"] = "SUCCEEDED"  # seen running once, then done
        return out

    def start_build(self, account: str, region: str, project: str, overrides: dict[str, Any]) -> str:
        build_id = f"{project}:{len(self.builds_) + 1}"
        env = {v["name"]: v["value"] for v in overrides["environmentVariablesOverride"]}
        self.builds_.insert(0, {"id": build_id, "status": "IN_PROGRESS", "env": env, "project": project, "overrides": overrides})
        self.calls.append(f"start_build {env['SEED_REPOSITORY']}@{env['SEED_BRANCH']}")
        return build_id

    def codecommit_error(self, account: str, region: str) -> str | None:
        return self.codecommit_refusal

    def management_role_exists(self, name: str, region: str) -> bool:
        return name in self.management_roles

    def user_exists(self, region: str, store: str, user_name: str) -> bool:
        return user_name in self.users

    def permission_sets(self, region: str, instance_arn: str) -> dict[str, str]:
        return dict(self.sso_sets)

    def account_assignments(self, region: str, instance_arn: str, account: str) -> list[dict[str, str]]:
        return [dict(a) for a in self.assignments_.get(account, [])]

    def identity_names(self, region: str, store: str) -> dict[str, tuple[str, str]]:
        return dict(self.names)

    def group_memberships(self, region: str, store: str, group_id: str) -> list[dict[str, str]]:
        return [dict(m) for m in self.memberships.get(group_id, [])]

    def domain_id(self, account: str, region: str, name: str) -> str | None:
        return self.domains.get((account, name))

    def user_profiles(self, account: str, region: str, domain_id: str) -> list[str]:
        return sorted(self.profiles.get(domain_id, []))

    def owned_shares(self, account: str, region: str) -> list[dict[str, str]]:
        return [dict(s) for s in self.owned.get(account, [])]

    def share_principals(self, account: str, region: str, share_arn: str) -> set[str]:
        return set(self.principals.get(share_arn, set()))

    def resource_policy(self, account: str, region: str, kind: str, name: str) -> str | None:
        return self.policies.get((kind, name))


class FakeClock:
    """Time that passes only when something sleeps: bounds are tested without waiting."""

    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds
