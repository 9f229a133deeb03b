"""The management account's facts that preflight reads before the first apply: the organization, its
accounts and account quota, the state bucket, whether an account's access role can be assumed.

A mixin of `AwsGateway` (gateway.py): it uses the gateway's one retry layer (`call`, `_pages`). Each method
answers "not there" only for the error codes that mean it, and lets every other error through.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

# https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html
NOT_IN_ORGANIZATION = {"AWSOrganizationsNotInUseException"}
# HeadBucket has no body: its errors are the HTTP status (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html).
NO_BUCKET = {"404", "NoSuchBucket", "NotFound"}
FORBIDDEN_BUCKET = {"403", "AccessDenied", "Forbidden"}
# The Organizations quota "Default maximum number of accounts" (default 10): Organizations is hosted in us-east-1,
# so its quotas are read there (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
# The code is the one Service Quotas lists for it (ListServiceQuotas --service-code organizations; AWS notes codes
# can change, so a code Service Quotas does not know is reported as "cannot read", never as a failure).
ACCOUNT_QUOTA = ("organizations", "L-E619E033")
QUOTA_REGION = "us-east-1"
# GetServiceQuota has no applied value until the quota was changed: then the default is what applies
# (https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html).
NO_QUOTA_VALUE = {"NoSuchResourceException"}


def _message(exc: ClientError) -> str:
    err = exc.response.get("Error", {})
    return f"{err.get('Code')}: {err.get('Message')}"


class OrganizationCalls:
    """Mixed into AwsGateway; relies on its `client`, `call`, `_pages`, `base`, `config` and `_me`."""

    _accounts: list[dict[str, Any]] | None
    _me: str | None
    base: Any
    config: Any

    if TYPE_CHECKING:  # provided by AwsGateway

        def client(self, service: str, account_id: str | None, region: str) -> Any: ...
        def call(self, client: Any, operation: str, **kwargs: Any) -> Any: ...
        def _pages(self, client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]: ...

    def organization_accounts(self, region: str) -> list[dict[str, Any]]:
        """Every account Organizations lists (ListAccounts, once per run: each stack asks)."""
        if self._accounts is None:
            org = self.client("organizations", None, region)
            self._accounts = list(self._pages(org, "list_accounts", "Accounts"))
        return self._accounts

    def account_id_by_name(self, name: str, region: str) -> str | None:
        found = [a["Id"] for a in self.organization_accounts(region) if a.get("Name") == name]
        return str(found[0]) if found else None

    def organization(self, region: str) -> dict[str, Any] | None:
        """DescribeOrganization's organization (Id, FeatureSet, ...), None when there is none."""
        org = self.client("organizations", None, region)
        try:
            return dict(self.call(org, "describe_organization")["Organization"])
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in NOT_IN_ORGANIZATION:
                return None
            raise

    def trusted_services(self, region: str) -> set[str]:
        """https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAWSServiceAccessForOrganization.html"""
        org = self.client("organizations", None, region)
        items = self._pages(org, "list_aws_service_access_for_organization", "EnabledServicePrincipals")
        return {str(i["ServicePrincipal"]) for i in items}

    def root_policy_types(self, region: str) -> dict[str, str]:
        """The root's policy types and their status (ENABLED, PENDING_ENABLE, PENDING_DISABLE), with the root id
        under the key "root" (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Root.html)."""
        org = self.client("organizations", None, region)
        roots = self._pages(org, "list_roots", "Roots")
        if not roots:
            return {}
        return {"root": str(roots[0]["Id"]), **{t["Type"]: t["Status"] for t in roots[0].get("PolicyTypes", [])}}

    def account_quota(self, region: str) -> float | str:
        """The organization's account quota, or why it could not be read."""
        sq = self.client("service-quotas", None, QUOTA_REGION)
        service, quota = ACCOUNT_QUOTA
        try:
            try:
                found = self.call(sq, "get_service_quota", ServiceCode=service, QuotaCode=quota)
            except ClientError as exc:
                if str(exc.response.get("Error", {}).get("Code")) not in NO_QUOTA_VALUE:
                    raise
                found = self.call(sq, "get_aws_default_service_quota", ServiceCode=service, QuotaCode=quota)
        except ClientError as exc:
            return f"Service Quotas GetServiceQuota {service} {quota}: {_message(exc)}"
        return float(found["Quota"]["Value"])

    def bucket_facts(self, bucket: str, region: str) -> dict[str, str | None]:
        """{"error": "missing" | "forbidden: ..." | None, "region": ..., "versioning": "Enabled" | "Suspended" | None}."""
        s3 = self.client("s3", None, region)
        try:
            self.call(s3, "head_bucket", Bucket=bucket)
        except ClientError as exc:
            what = str(exc.response.get("Error", {}).get("Code"))
            if what in NO_BUCKET:
                return {"error": "missing", "region": None, "versioning": None}
            if what in FORBIDDEN_BUCKET:
                return {"error": f"forbidden: {_message(exc)}", "region": None, "versioning": None}
            raise
        # LocationConstraint: empty for us-east-1, "EU" for the oldest eu-west-1 buckets
        # (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html).
        where = self.call(s3, "get_bucket_location", Bucket=bucket).get("LocationConstraint")
        where = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(where, where)
        # Status is absent until versioning was ever enabled
        # (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html).
        status = self.call(s3, "get_bucket_versioning", Bucket=bucket).get("Status")
        return {"error": None, "region": str(where), "versioning": status}

    def access_role_error(self, account: str, role: str, region: str) -> str | None:
        """None when the management credentials can assume `role` in `account`, else AWS's refusal."""
        sts = self.base.client("sts", region_name=region, config=self.config)
        if self._me is None:
            self._me = self.call(sts, "get_caller_identity")["Account"]
        if self._me == account:
            return None
        try:
            self.call(sts, "assume_role", RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="sagemaker-registry-preflight")
        except ClientError as exc:
            return _message(exc)
        return None
