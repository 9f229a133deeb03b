"""The AWS calls the post-step makes, behind one small interface (jobs are tested against a fake of it).

Sessions per account assume OrganizationAccountAccessRole from the management account's credentials;
clients use botocore's standard retry mode, and every call also survives throttling with its own
bounded backoff (Identity Center and RAM throttle hard). "Not found" is an answer, not an error.
"""
from __future__ import annotations

import time
from typing import Any, Callable

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from .. import naming

THROTTLING = {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded",
              "ThrottledException", "SlowDown", "RateExceeded"}
NOT_FOUND = {"ResourceNotFound", "ResourceNotFoundException", "UnknownResourceException", "ValidationException",
             "NoSuchEntity", "NotFoundException"}
RETRY = Config(retries={"mode": "standard", "max_attempts": 10})


def code(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Code", "")


class AwsGateway:
    def __init__(self, session: boto3.session.Session | None = None, *, attempts: int = 6,
                 sleep: Callable[[float], None] = time.sleep):
        self.base = session or boto3.session.Session()
        self.attempts = attempts
        self.sleep = sleep
        self._sessions: dict[str, boto3.session.Session] = {}
        self._clients: dict[tuple[str, str, str], Any] = {}

    # ------------------------------------------------------------------ plumbing
    def session(self, account_id: str | None, region: str) -> boto3.session.Session:
        """The management session, or one in a member account through the organization's access role."""
        if account_id is None:
            return self.base
        if account_id not in self._sessions:
            sts = self.base.client("sts", region_name=region, config=RETRY)
            me = self.call(sts, "get_caller_identity")["Account"]
            if me == account_id:
                self._sessions[account_id] = self.base
            else:
                creds = self.call(sts, "assume_role", RoleArn=f"arn:aws:iam::{account_id}:role/{naming.ORGANIZATION_ACCESS_ROLE}",
                                  RoleSessionName="sagemaker-registry-post")["Credentials"]
                self._sessions[account_id] = boto3.session.Session(
                    aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"])
        return self._sessions[account_id]

    def client(self, service: str, account_id: str | None, region: str):
        key = (service, account_id or "", region)
        if key not in self._clients:
            self._clients[key] = self.session(account_id, region).client(service, region_name=region, config=RETRY)
        return self._clients[key]

    def call(self, client, operation: str, **kwargs):
        """One API call; throttling is retried with exponential backoff before giving up."""
        for attempt in range(self.attempts):
            try:
                return getattr(client, operation)(**kwargs)
            except ClientError as exc:
                if code(exc) not in THROTTLING or attempt == self.attempts - 1:
                    raise
                self.sleep(min(2 ** attempt * 0.5, 20))
        raise AssertionError("unreachable")  # pragma: no cover

    def _pages(self, client, operation: str, key: str, **kwargs) -> list:
        out, token_name = [], "NextToken"
        while True:
            page = self.call(client, operation, **kwargs)
            out += page.get(key, [])
            token = page.get(token_name) or page.get("nextToken")
            if not token:
                return out
            kwargs["NextToken" if "NextToken" in page else "nextToken"] = token

    # ------------------------------------------------------------------ organizations
    def account_id_by_name(self, name: str, region: str) -> str | None:
        org = self.client("organizations", None, region)
        for acct in self._pages(org, "list_accounts", "Accounts"):
            if acct["Name"] == name:
                return acct["Id"]
        return None

    # ------------------------------------------------------------------ sagemaker
    def domain_id(self, account: str, region: str, name: str) -> str | None:
        sm = self.client("sagemaker", account, region)
        for d in self._pages(sm, "list_domains", "Domains"):
            if d["DomainName"] == name:
                return d["DomainId"]
        return None

    def apps(self, account: str, region: str, domain_id: str) -> list[dict]:
        sm = self.client("sagemaker", account, region)
        return [a for a in self._pages(sm, "list_apps", "Apps", DomainIdEquals=domain_id)
                if a.get("Status") not in ("Deleted", "Failed")]

    def delete_app(self, account: str, region: str, app: dict) -> None:
        sm = self.client("sagemaker", account, region)
        owner = {"UserProfileName": app["UserProfileName"]} if app.get("UserProfileName") else {"SpaceName": app["SpaceName"]}
        self._ignore_missing(lambda: self.call(sm, "delete_app", DomainId=app["DomainId"], AppType=app["AppType"],
                                                AppName=app["AppName"], **owner))

    def spaces(self, account: str, region: str, domain_id: str) -> list[dict]:
        sm = self.client("sagemaker", account, region)
        return [s for s in self._pages(sm, "list_spaces", "Spaces", DomainIdEquals=domain_id)
                if s.get("Status") not in ("Deleting",)]

    def delete_space(self, account: str, region: str, domain_id: str, space: str) -> None:
        sm = self.client("sagemaker", account, region)
        self._ignore_missing(lambda: self.call(sm, "delete_space", DomainId=domain_id, SpaceName=space))

    def find_by_name_or_tag(self, account: str, region: str, kind: str, name: str, share: str) -> str | None:
        """The ARN of the pipeline or feature group named `name`, or else of one tagged for the share
        (tag `share` = <share name>, or a tag key `share:<share name>`)."""
        sm = self.client("sagemaker", account, region)
        describe, list_op, key, arn_key, name_key = (
            ("describe_pipeline", "list_pipelines", "PipelineSummaries", "PipelineArn", "PipelineName")
            if kind == "pipeline" else
            ("describe_feature_group", "list_feature_groups", "FeatureGroupSummaries", "FeatureGroupArn", "FeatureGroupName"))
        try:
            return self.call(sm, describe, **{name_key: name})[arn_key]
        except ClientError as exc:
            if code(exc) not in NOT_FOUND:
                raise
        for item in self._pages(sm, list_op, key):
            tags = self._pages(sm, "list_tags", "Tags", ResourceArn=item[arn_key])
            if any((t["Key"] == "share" and t["Value"] == share) or t["Key"] == f"share:{share}" for t in tags):
                return item[arn_key]
        return None

    def model_package_group_arn(self, account: str, region: str, name: str) -> str | None:
        sm = self.client("sagemaker", account, region)
        try:
            return self.call(sm, "describe_model_package_group", ModelPackageGroupName=name)["ModelPackageGroupArn"]
        except ClientError as exc:
            if code(exc) in NOT_FOUND:
                return None
            raise

    # ------------------------------------------------------------------ ram
    def resource_share_arn(self, account: str, region: str, name: str) -> str | None:
        ram = self.client("ram", account, region)
        shares = self._pages(ram, "get_resource_shares", "resourceShares", resourceOwner="SELF", name=name)
        active = [s for s in shares if s.get("status") == "ACTIVE" and s.get("name") == name]
        return active[0]["resourceShareArn"] if active else None

    def shared_resources(self, account: str, region: str, share_arn: str) -> set[str]:
        ram = self.client("ram", account, region)
        assoc = self._pages(ram, "get_resource_share_associations", "resourceShareAssociations",
                            associationType="RESOURCE", resourceShareArns=[share_arn])
        return {a["associatedEntity"] for a in assoc if a.get("status") in ("ASSOCIATED", "ASSOCIATING")}

    def associate(self, account: str, region: str, share_arn: str, resource_arn: str) -> None:
        ram = self.client("ram", account, region)
        self.call(ram, "associate_resource_share", resourceShareArn=share_arn, resourceArns=[resource_arn])

    def policy_shares(self, account: str, region: str, resource_arn: str) -> list[dict]:
        """Resource shares that a resource policy created for resource_arn: [{arn, featureSet}]."""
        ram = self.client("ram", account, region)
        listed = self._pages(ram, "list_resources", "resources", resourceOwner="SELF", resourceArns=[resource_arn])
        arns = sorted({r["resourceShareArn"] for r in listed if r.get("resourceShareArn")})
        if not arns:
            return []
        shares = self._pages(ram, "get_resource_shares", "resourceShares", resourceOwner="SELF", resourceShareArns=arns)
        return [{"arn": s["resourceShareArn"], "featureSet": s.get("featureSet", "STANDARD")} for s in shares]

    def policy_permissions(self, account: str, region: str, share_arn: str) -> list[dict]:
        ram = self.client("ram", account, region)
        perms = self._pages(ram, "list_resource_share_permissions", "permissions", resourceShareArn=share_arn)
        return [{"arn": p["arn"], "featureSet": p.get("featureSet", "STANDARD")} for p in perms]

    def promote_permission(self, account: str, region: str, permission_arn: str, name: str) -> None:
        ram = self.client("ram", account, region)
        self.call(ram, "promote_permission_created_from_policy", permissionArn=permission_arn, name=name)

    def promote_share(self, account: str, region: str, share_arn: str) -> None:
        ram = self.client("ram", account, region)
        self.call(ram, "promote_resource_share_created_from_policy", resourceShareArn=share_arn)

    # ------------------------------------------------------------------ billing and identity
    def cost_tag_status(self, region: str, keys: list[str]) -> dict[str, str]:
        """Status of each cost allocation tag billing has seen ("Active"/"Inactive"); absent keys are unseen."""
        ce = self.client("ce", None, "us-east-1")  # Cost Explorer's endpoint is in us-east-1
        tags = self._pages(ce, "list_cost_allocation_tags", "CostAllocationTags", TagKeys=keys, Type="UserDefined")
        return {t["TagKey"]: t["Status"] for t in tags}

    def activate_cost_tags(self, region: str, keys: list[str]) -> None:
        ce = self.client("ce", None, "us-east-1")
        result = self.call(ce, "update_cost_allocation_tags_status",
                           CostAllocationTagsStatus=[{"TagKey": k, "Status": "Active"} for k in keys])
        errors = result.get("Errors") or []
        if errors:
            raise RuntimeError("; ".join(f"{e.get('TagKey')}: {e.get('Message')}" for e in errors))

    def identity_center_instances(self, region: str) -> set[str]:
        sso = self.client("sso-admin", None, region)
        return {i["InstanceArn"] for i in self._pages(sso, "list_instances", "Instances")}

    def user_exists(self, region: str, store: str, user_name: str) -> bool:
        ids = self.client("identitystore", None, region)
        try:
            self.call(ids, "get_user_id", IdentityStoreId=store,
                      AlternateIdentifier={"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": user_name}})
            return True
        except ClientError as exc:
            if code(exc) in NOT_FOUND:
                return False
            raise

    def _ignore_missing(self, fn: Callable[[], Any]) -> None:
        try:
            fn()
        except ClientError as exc:
            if code(exc) not in NOT_FOUND:
                raise
