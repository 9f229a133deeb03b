"""The reads of the access-drift job: who Identity Center lets in where, the Studio profiles of a domain, the RAM shares
an account owns, and the resource policies that grant other accounts. Only reads, never a change.

A mixin of `AwsGateway` (gateway.py), using its one retry layer (`call`, `_pages`). "Not there" is an answer only
for the error codes that mean it for that call; every other error goes up and fails the stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

# https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html (and a bucket that is not there at all)
NO_BUCKET_POLICY = {"NoSuchBucketPolicy", "NoSuchBucket"}
# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetRepositoryPolicy.html
NO_REPOSITORY_POLICY = {"RepositoryPolicyNotFoundException", "RepositoryNotFoundException"}


class AccessCalls:
    """Mixed into AwsGateway; relies on its `client`, `call`, `_pages` and `_or_none`. What the whole instance says
    (permission sets, users and groups) is read once per run: every access stack asks for it, and Identity Center
    throttles hard."""

    client: Callable[..., Any]
    call: Callable[..., Any]
    _pages: Callable[..., list[Any]]
    _or_none: Callable[..., Any]

    def _once(self, key: tuple[str, ...], read: Callable[[], Any]) -> Any:
        cache: dict[tuple[str, ...], Any] = self.__dict__.setdefault("_read_once", {})
        if key not in cache:
            cache[key] = read()
        return cache[key]

    # ------------------------------------------------------------------ identity center (management account)
    def permission_sets(self, region: str, instance_arn: str) -> dict[str, str]:
        """ARN -> name of every permission set of the instance."""
        sso = self.client("sso-admin", None, region)

        def read() -> dict[str, str]:
            arns = self._pages(sso, "list_permission_sets", "PermissionSets", InstanceArn=instance_arn)
            described = (self.call(sso, "describe_permission_set", InstanceArn=instance_arn, PermissionSetArn=arn) for arn in arns)
            return {arn: str(d["PermissionSet"]["Name"]) for arn, d in zip(arns, described, strict=True)}

        return dict(self._once(("permission_sets", region, instance_arn), read))

    def account_assignments(self, region: str, instance_arn: str, account: str) -> list[dict[str, str]]:
        """Every assignment into the account: the permission sets provisioned there, then the assignments of each
        (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_ListPermissionSetsProvisionedToAccount.html)."""
        sso = self.client("sso-admin", None, region)
        sets = self._pages(
            sso, "list_permission_sets_provisioned_to_account", "PermissionSets", InstanceArn=instance_arn, AccountId=account
        )
        out = []
        for arn in sorted(sets):
            for a in self._pages(
                sso, "list_account_assignments", "AccountAssignments", InstanceArn=instance_arn, AccountId=account, PermissionSetArn=arn
            ):
                out.append({"PermissionSetArn": arn, "PrincipalType": a["PrincipalType"], "PrincipalId": a["PrincipalId"]})
        return out

    def identity_names(self, region: str, store: str) -> dict[str, tuple[str, str]]:
        """Principal id -> (USER or GROUP, user name or group display name), for the whole identity store."""
        ids = self.client("identitystore", None, region)

        def read() -> dict[str, tuple[str, str]]:
            out = {u["UserId"]: ("USER", str(u["UserName"])) for u in self._pages(ids, "list_users", "Users", IdentityStoreId=store)}
            groups = self._pages(ids, "list_groups", "Groups", IdentityStoreId=store)
            out.update({g["GroupId"]: ("GROUP", str(g["DisplayName"])) for g in groups})
            return out

        return dict(self._once(("identity_names", region, store), read))

    def group_memberships(self, region: str, store: str, group_id: str) -> list[dict[str, str]]:
        """[{MembershipId, UserId}] of one group."""
        ids = self.client("identitystore", None, region)
        found = self._pages(ids, "list_group_memberships", "GroupMemberships", IdentityStoreId=store, GroupId=group_id)
        return [{"MembershipId": m["MembershipId"], "UserId": m.get("MemberId", {}).get("UserId", "")} for m in found]

    # ------------------------------------------------------------------ a team account
    def domain_id(self, account: str, region: str, name: str) -> str | None:
        sm = self.client("sagemaker", account, region)
        found = [d["DomainId"] for d in self._pages(sm, "list_domains", "Domains") if d.get("DomainName") == name]
        return str(found[0]) if found else None

    def user_profiles(self, account: str, region: str, domain_id: str) -> list[str]:
        sm = self.client("sagemaker", account, region)
        profiles = self._pages(sm, "list_user_profiles", "UserProfiles", DomainIdEquals=domain_id)
        return sorted(str(p["UserProfileName"]) for p in profiles if p.get("Status") != "Deleting")

    def owned_shares(self, account: str, region: str) -> list[dict[str, str]]:
        """[{name, arn, featureSet}] of the account's active RAM shares."""
        ram = self.client("ram", account, region)
        shares = self._pages(ram, "get_resource_shares", "resourceShares", resourceOwner="SELF")
        return [
            {"name": str(s.get("name", "")), "arn": str(s["resourceShareArn"]), "featureSet": str(s.get("featureSet", "STANDARD"))}
            for s in shares
            if s.get("status") == "ACTIVE"
        ]

    def share_principals(self, account: str, region: str, share_arn: str) -> set[str]:
        ram = self.client("ram", account, region)
        assoc = self._pages(
            ram, "get_resource_share_associations", "resourceShareAssociations", associationType="PRINCIPAL", resourceShareArns=[share_arn]
        )
        return {str(a["associatedEntity"]) for a in assoc if a.get("status") in ("ASSOCIATED", "ASSOCIATING")}

    def resource_policy(self, account: str, region: str, kind: str, name: str) -> str | None:
        """The policy text of an S3 bucket ("s3-bucket") or ECR repository ("ecr-repository"); None when it has none."""
        if kind == "s3-bucket":
            s3 = self.client("s3", account, region)
            found = self._or_none(lambda: self.call(s3, "get_bucket_policy", Bucket=name), NO_BUCKET_POLICY)
            return str(found["Policy"]) if found else None
        ecr = self.client("ecr", account, region)
        found = self._or_none(lambda: self.call(ecr, "get_repository_policy", repositoryName=name), NO_REPOSITORY_POLICY)
        return str(found["policyText"]) if found else None
