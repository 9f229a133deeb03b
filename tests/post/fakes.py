"""An in-memory AWS for the post-step's jobs: the same methods as AwsGateway, over plain dicts."""
from __future__ import annotations


class FakeGateway:
    def __init__(self):
        self.accounts: dict[str, str] = {}  # name -> id
        self.domains: dict[str, str] = {}  # name -> id
        self.apps_: list[dict] = []
        self.spaces_: list[dict] = []
        self.pipelines: dict[str, dict] = {}  # name -> {"arn", "tags"}
        self.feature_groups: dict[str, dict] = {}
        self.groups: dict[str, str] = {}  # model package group name -> arn
        self.ram: dict[str, dict] = {}  # share name -> {"arn", "resources": set()}
        self.policy_shares_: dict[str, list[dict]] = {}  # resource arn -> [{"arn", "featureSet", "permissions": [...]}]
        self.cost_tags: dict[str, str] = {}
        self.instances: set[str] = set()
        self.users: set[str] = set()
        self.calls: list[str] = []

    def account_id_by_name(self, name, region):
        return self.accounts.get(name)

    def domain_id(self, account, region, name):
        return self.domains.get(name)

    def apps(self, account, region, domain_id):
        return [a for a in self.apps_ if a["DomainId"] == domain_id and a["Status"] not in ("Deleted", "Failed")]

    def delete_app(self, account, region, app):
        self.calls.append(f"delete_app {app['AppName']}")
        for a in self.apps_:
            if a["AppName"] == app["AppName"] and a["DomainId"] == app["DomainId"]:
                a["Status"] = "Deleted"

    def spaces(self, account, region, domain_id):
        return [s for s in self.spaces_ if s["DomainId"] == domain_id]

    def delete_space(self, account, region, domain_id, space):
        self.calls.append(f"delete_space {space}")
        self.spaces_ = [s for s in self.spaces_ if not (s["DomainId"] == domain_id and s["SpaceName"] == space)]

    def find_by_name_or_tag(self, account, region, kind, name, share):
        pool = self.pipelines if kind == "pipeline" else self.feature_groups
        if name in pool:
            return pool[name]["arn"]
        for item in pool.values():
            if item.get("tags", {}).get("share") == share:
                return item["arn"]
        return None

    def model_package_group_arn(self, account, region, name):
        return self.groups.get(name)

    def resource_share_arn(self, account, region, name):
        return self.ram.get(name, {}).get("arn")

    def shared_resources(self, account, region, share_arn):
        return next(set(s["resources"]) for s in self.ram.values() if s["arn"] == share_arn)

    def associate(self, account, region, share_arn, resource_arn):
        self.calls.append(f"associate {resource_arn}")
        next(s for s in self.ram.values() if s["arn"] == share_arn)["resources"].add(resource_arn)

    def policy_shares(self, account, region, resource_arn):
        return [{"arn": s["arn"], "featureSet": s["featureSet"]} for s in self.policy_shares_.get(resource_arn, [])]

    def policy_permissions(self, account, region, share_arn):
        share = next(s for ss in self.policy_shares_.values() for s in ss if s["arn"] == share_arn)
        return [dict(p) for p in share["permissions"]]

    def promote_permission(self, account, region, permission_arn, name):
        self.calls.append(f"promote_permission {permission_arn}")
        for ss in self.policy_shares_.values():
            for s in ss:
                for p in s["permissions"]:
                    if p["arn"] == permission_arn:
                        p["featureSet"] = "PROMOTING_TO_STANDARD"

    def promote_share(self, account, region, share_arn):
        self.calls.append(f"promote_share {share_arn}")
        for ss in self.policy_shares_.values():
            for s in ss:
                if s["arn"] == share_arn:
                    s["featureSet"] = "STANDARD"

    def cost_tag_status(self, region, keys):
        return {k: v for k, v in self.cost_tags.items() if k in keys}

    def activate_cost_tags(self, region, keys):
        self.calls.append(f"activate {','.join(keys)}")
        for k in keys:
            self.cost_tags[k] = "Active"

    def identity_center_instances(self, region):
        return set(self.instances)

    def user_exists(self, region, store, user_name):
        return user_name in self.users

