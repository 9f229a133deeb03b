"""The AWS calls the post-step makes, behind one small interface: `Gateway` (a Protocol; the test fakes are
checked against it) and `AwsGateway`, its boto3 implementation.

Sessions per account assume OrganizationAccountAccessRole from the management account's credentials (or the
role the registry names for an adopted account: `use_access_role`).
There is one retry layer, this one: botocore's own retries are off (`total_max_attempts=1`) so the two
cannot multiply (with both, persistent throttling stalled one call for six minutes). Throttling and
transient errors are retried with jittered exponential backoff until the call's bound (`Deadline`), and
then the call fails saying so. "Not found" is an answer only for the error codes that mean it, per call.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ReadTimeoutError
from botocore.exceptions import ConnectionError as BotoConnectionError

from ..base import naming
from ..shares import KINDS
from .deadline import CALL_SECONDS, Deadline, OutOfTime
from .gateway_access import AccessCalls
from .gateway_git import GitCalls
from .gateway_org import OrganizationCalls

# https://docs.aws.amazon.com/general/latest/gr/api-retries.html and botocore's standard retry mode
# (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html): the codes worth retrying.
THROTTLING = {
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ThrottledException",
    "SlowDown",
    "RateExceeded",
    "ProvisionedThroughputExceededException",
    "RequestThrottled",
    "RequestThrottledException",
    "BandwidthLimitExceeded",
}
TRANSIENT = {
    "InternalError",
    "InternalFailure",
    "InternalServerError",
    "InternalServerException",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "ServerInternalException",
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
}
# "Not found" per API (each from the API reference's error list): never ValidationException in general.
SAGEMAKER_NOT_FOUND = {"ResourceNotFound"}  # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeleteApp.html
IDENTITYSTORE_NOT_FOUND = {
    "ResourceNotFoundException"
}  # https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_GetUserId.html
# DescribeModelPackageGroup lists no error codes; a missing group answers ValidationException
# "ModelPackageGroup <arn> does not exist." (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeModelPackageGroup.html):
# only that message counts as not found.
DOES_NOT_EXIST = re.compile(r"\bdoes not exist\.?$")


# No retries inside botocore (see above); socket timeouts within the call's bound, so an attempt in flight
# when the bound comes ends at most one bound later (https://botocore.amazonaws.com/v1/documentation/api/latest/reference/config.html).
def client_config(call_seconds: float) -> Config:
    return Config(
        retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=min(5.0, call_seconds), read_timeout=min(30.0, call_seconds)
    )


T = TypeVar("T")


def code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def is_missing(exc: ClientError, codes: set[str], *, validation_message: re.Pattern[str] | None = None) -> bool:
    if code(exc) in codes:
        return True
    message = str(exc.response.get("Error", {}).get("Message", ""))
    return validation_message is not None and code(exc) == "ValidationException" and bool(validation_message.search(message))


class AccountUnreachable(Exception):
    """The access role of a member account cannot be assumed."""


class Gateway(Protocol):
    """Every AWS fact and change the jobs use. Lists return AWS's own item dicts."""

    def account_id_by_name(self, name: str, region: str) -> str | None: ...
    def use_access_role(self, account: str, role: str) -> None: ...
    def organization_accounts(self, region: str) -> list[dict[str, Any]]: ...
    def organization(self, region: str) -> dict[str, Any] | None: ...
    def trusted_services(self, region: str) -> set[str]: ...
    def root_policy_types(self, region: str) -> dict[str, str]: ...
    def account_quota(self, region: str) -> float | str: ...
    def bucket_facts(self, bucket: str, region: str) -> dict[str, str | None]: ...
    def access_role_error(self, account: str, role: str, region: str) -> str | None: ...
    def management_role_exists(self, name: str, region: str) -> bool: ...
    def connection(self, account: str, region: str, arn: str) -> dict[str, str] | None: ...
    def builds(self, account: str, region: str, project: str) -> list[dict[str, Any]]: ...
    def start_build(self, account: str, region: str, project: str, overrides: dict[str, Any]) -> str: ...
    def codecommit_error(self, account: str, region: str) -> str | None: ...
    def apps(self, account: str, region: str, domain_id: str) -> list[dict[str, Any]]: ...
    def delete_app(self, account: str, region: str, app: dict[str, Any]) -> None: ...
    def spaces(self, account: str, region: str, domain_id: str) -> list[dict[str, Any]]: ...
    def delete_space(self, account: str, region: str, domain_id: str, space: str) -> None: ...
    def find_by_name_or_tag(self, account: str, region: str, kind: str, name: str, share: str) -> str | None: ...
    def model_package_group_arn(self, account: str, region: str, name: str) -> str | None: ...
    def resource_share_arn(self, account: str, region: str, name: str) -> str | None: ...
    def shared_resources(self, account: str, region: str, share_arn: str) -> set[str]: ...
    def associate(self, account: str, region: str, share_arn: str, resource_arn: str) -> None: ...
    def policy_shares(self, account: str, region: str, resource_arn: str) -> list[dict[str, str]]: ...
    def policy_permissions(self, account: str, region: str, share_arn: str) -> list[dict[str, str]]: ...
    def customer_permissions(self, account: str, region: str) -> dict[str, str]: ...
    def promote_permission(self, account: str, region: str, permission_arn: str, name: str) -> None: ...
    def promote_share(self, account: str, region: str, share_arn: str) -> None: ...
    def cost_tag_status(self, region: str, keys: list[str]) -> dict[str, str]: ...
    def activate_cost_tags(self, region: str, keys: list[str]) -> None: ...
    def identity_center_instances(self, region: str) -> dict[str, str]: ...
    def user_exists(self, region: str, store: str, user_name: str) -> bool: ...
    # access-drift (gateway_access.py): reads only
    def permission_sets(self, region: str, instance_arn: str) -> dict[str, str]: ...
    def account_assignments(self, region: str, instance_arn: str, account: str) -> list[dict[str, str]]: ...
    def identity_names(self, region: str, store: str) -> dict[str, tuple[str, str]]: ...
    def group_memberships(self, region: str, store: str, group_id: str) -> list[dict[str, str]]: ...
    def domain_id(self, account: str, region: str, name: str) -> str | None: ...
    def user_profiles(self, account: str, region: str, domain_id: str) -> list[str]: ...
    def owned_shares(self, account: str, region: str) -> list[dict[str, str]]: ...
    def share_principals(self, account: str, region: str, share_arn: str) -> set[str]: ...
    def resource_policy(self, account: str, region: str, kind: str, name: str) -> str | None: ...


class AwsGateway(OrganizationCalls, AccessCalls, GitCalls):
    def __init__(
        self,
        session: boto3.session.Session | None = None,
        *,
        deadline: Deadline | None = None,
        call_seconds: float = CALL_SECONDS,
        rng: random.Random | None = None,
        role: str | None = None,
    ):
        self.base = session or boto3.session.Session()
        self.deadline = deadline or Deadline.start(900)
        self.call_seconds = call_seconds
        self.rng = rng or random.Random()
        self._sessions: dict[str, boto3.session.Session] = {}
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._accounts: list[dict[str, Any]] | None = None  # Organizations' accounts, listed once per run
        self._me: str | None = None
        self._roles: dict[str, str] = {}  # account -> access role, where not OrganizationAccountAccessRole
        self.role = role  # set: every member account through this role (a read-only run: the plan role), whatever else says
        self.config = client_config(call_seconds)

    # ------------------------------------------------------------------ plumbing
    def session(self, account_id: str | None, region: str) -> boto3.session.Session:
        """The management session, or one in a member account through the organization's access role."""
        if account_id is None:
            return self.base
        if account_id not in self._sessions:
            sts = self.base.client("sts", region_name=region, config=self.config)
            if self._me is None:
                self._me = self.call(sts, "get_caller_identity")["Account"]
            if self._me == account_id:
                self._sessions[account_id] = self.base
            else:
                name = self.role or self._roles.get(account_id, naming.ORGANIZATION_ACCESS_ROLE)
                role = f"arn:aws:iam::{account_id}:role/{name}"
                try:
                    creds = self.call(sts, "assume_role", RoleArn=role, RoleSessionName="sagemaker-registry-post")["Credentials"]
                except ClientError as exc:
                    raise AccountUnreachable(
                        f"cannot assume {role}: {code(exc)}: {exc.response.get('Error', {}).get('Message', '')}"
                    ) from None
                self._sessions[account_id] = boto3.session.Session(
                    aws_access_key_id=creds["AccessKeyId"],
                    aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"],
                )
        return self._sessions[account_id]

    def use_access_role(self, account: str, role: str) -> None:
        """Reach `account` through `role` (an adopted account's, named in the registry) instead of the default."""
        self._roles[account] = role

    def client(self, service: str, account_id: str | None, region: str) -> Any:
        key = (service, account_id or "", region)
        if key not in self._clients:
            self._clients[key] = self.session(account_id, region).client(service, region_name=region, config=self.config)
        return self._clients[key]

    def call(self, client: Any, operation: str, **kwargs: Any) -> Any:
        """One API call, retried on throttling and transient errors until its bound; then OutOfTime."""
        bound = self.deadline.child(self.call_seconds, "per-call")
        api = f"{client.meta.service_model.service_name}:{operation}"
        attempt = 0
        while True:
            if bound.expired():
                raise OutOfTime(f"{api}: not started, {bound.what} was reached")
            try:
                return getattr(client, operation)(**kwargs)
            except ClientError as exc:
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
                if code(exc) not in THROTTLING | TRANSIENT and status < 500:
                    raise
                why = code(exc) or f"HTTP {status}"
            except (BotoConnectionError, ReadTimeoutError) as exc:
                why = type(exc).__name__
            attempt += 1
            # full jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/)
            delay = self.rng.uniform(0, min(10.0, 0.5 * 2**attempt))
            if not bound.sleep(delay):
                raise OutOfTime(f"{api}: gave up after {attempt} attempt(s) answered {why}: another would pass {bound.what}")

    def _pages(self, client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
        out: list[Any] = []
        while True:
            page = self.call(client, operation, **kwargs)
            out += page.get(key, [])
            token = page.get("NextToken") or page.get("nextToken")
            if not token:
                return out
            kwargs["NextToken" if "NextToken" in page else "nextToken"] = token

    def _or_none(self, fn: Callable[[], T], codes: set[str], pattern: re.Pattern[str] | None = None) -> T | None:
        try:
            return fn()
        except ClientError as exc:
            if is_missing(exc, codes, validation_message=pattern):
                return None
            raise

    # ------------------------------------------------------------------ sagemaker studio
    def apps(self, account: str, region: str, domain_id: str) -> list[dict[str, Any]]:
        """Apps not yet gone (Pending, InService, Deleting). https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AppDetails.html"""
        sm = self.client("sagemaker", account, region)
        return [a for a in self._pages(sm, "list_apps", "Apps", DomainIdEquals=domain_id) if a.get("Status") not in ("Deleted", "Failed")]

    def delete_app(self, account: str, region: str, app: dict[str, Any]) -> None:
        sm = self.client("sagemaker", account, region)
        owner = {"UserProfileName": app["UserProfileName"]} if app.get("UserProfileName") else {"SpaceName": app["SpaceName"]}
        self._or_none(
            lambda: self.call(sm, "delete_app", DomainId=app["DomainId"], AppType=app["AppType"], AppName=app["AppName"], **owner),
            SAGEMAKER_NOT_FOUND,
        )

    def spaces(self, account: str, region: str, domain_id: str) -> list[dict[str, Any]]:
        """Spaces that exist, Deleting ones included (gone means no longer listed)."""
        sm = self.client("sagemaker", account, region)
        return list(self._pages(sm, "list_spaces", "Spaces", DomainIdEquals=domain_id))

    def delete_space(self, account: str, region: str, domain_id: str, space: str) -> None:
        sm = self.client("sagemaker", account, region)
        self._or_none(lambda: self.call(sm, "delete_space", DomainId=domain_id, SpaceName=space), SAGEMAKER_NOT_FOUND)

    # ------------------------------------------------------------------ sagemaker artifacts
    def find_by_name_or_tag(self, account: str, region: str, kind: str, name: str, share: str) -> str | None:
        """The ARN of the `kind` artifact named `name`, or else of one tagged for the share
        (tag `share` = <share name>, or a tag key `share:<share name>`); the calls come from the kind."""
        lookup = KINDS[kind].artifact_lookup
        if lookup is None:
            raise ValueError(f"share-artifacts cannot look up a '{kind}'")
        client = self.client(lookup.service, account, region)
        found = self._or_none(lambda: self.call(client, lookup.describe, **{lookup.name_key: name})[lookup.arn_key], set(lookup.not_found))
        if found:
            return str(found)
        for item in self._pages(client, lookup.list_op, lookup.list_key):
            tags = self._pages(client, lookup.tags_op, lookup.tags_key, ResourceArn=item[lookup.arn_key])
            if any((t["Key"] == "share" and t["Value"] == share) or t["Key"] == f"share:{share}" for t in tags):
                return str(item[lookup.arn_key])
        return None

    def model_package_group_arn(self, account: str, region: str, name: str) -> str | None:
        sm = self.client("sagemaker", account, region)
        return self._or_none(
            lambda: str(self.call(sm, "describe_model_package_group", ModelPackageGroupName=name)["ModelPackageGroupArn"]),
            set(),
            DOES_NOT_EXIST,
        )

    # ------------------------------------------------------------------ ram
    def resource_share_arn(self, account: str, region: str, name: str) -> str | None:
        ram = self.client("ram", account, region)
        shares = self._pages(ram, "get_resource_shares", "resourceShares", resourceOwner="SELF", name=name)
        active = [s for s in shares if s.get("status") == "ACTIVE" and s.get("name") == name]
        return str(active[0]["resourceShareArn"]) if active else None

    def shared_resources(self, account: str, region: str, share_arn: str) -> set[str]:
        ram = self.client("ram", account, region)
        assoc = self._pages(
            ram, "get_resource_share_associations", "resourceShareAssociations", associationType="RESOURCE", resourceShareArns=[share_arn]
        )
        return {a["associatedEntity"] for a in assoc if a.get("status") in ("ASSOCIATED", "ASSOCIATING")}

    def associate(self, account: str, region: str, share_arn: str, resource_arn: str) -> None:
        ram = self.client("ram", account, region)
        self.call(ram, "associate_resource_share", resourceShareArn=share_arn, resourceArns=[resource_arn])

    def policy_shares(self, account: str, region: str, resource_arn: str) -> list[dict[str, str]]:
        """Resource shares holding resource_arn: [{arn, featureSet}] (CREATED_FROM_POLICY, PROMOTING_TO_STANDARD,
        STANDARD: https://docs.aws.amazon.com/ram/latest/APIReference/API_ResourceShare.html)."""
        ram = self.client("ram", account, region)
        listed = self._pages(ram, "list_resources", "resources", resourceOwner="SELF", resourceArns=[resource_arn])
        arns = sorted({r["resourceShareArn"] for r in listed if r.get("resourceShareArn")})
        if not arns:
            return []
        shares = self._pages(ram, "get_resource_shares", "resourceShares", resourceOwner="SELF", resourceShareArns=arns)
        return [{"arn": s["resourceShareArn"], "featureSet": s.get("featureSet", "STANDARD")} for s in shares]

    def policy_permissions(self, account: str, region: str, share_arn: str) -> list[dict[str, str]]:
        ram = self.client("ram", account, region)
        perms = self._pages(ram, "list_resource_share_permissions", "permissions", resourceShareArn=share_arn)
        return [{"arn": p["arn"], "featureSet": p.get("featureSet", "STANDARD")} for p in perms]

    def customer_permissions(self, account: str, region: str) -> dict[str, str]:
        """Customer managed permissions by name (a promoted permission is one:
        https://docs.aws.amazon.com/ram/latest/APIReference/API_ListPermissions.html)."""
        ram = self.client("ram", account, region)
        perms = self._pages(ram, "list_permissions", "permissions", permissionType="CUSTOMER_MANAGED")
        return {p["name"]: p["arn"] for p in perms}

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
        result = self.call(
            ce, "update_cost_allocation_tags_status", CostAllocationTagsStatus=[{"TagKey": k, "Status": "Active"} for k in keys]
        )
        errors = result.get("Errors") or []
        if errors:
            raise RuntimeError("; ".join(f"{e.get('TagKey')}: {e.get('Message')}" for e in errors))

    def identity_center_instances(self, region: str) -> dict[str, str]:
        """Instance ARN -> identity store id of the instances in `region`: an instance's ARN does not name its
        region, so listing with a client in the region is how to tell where it lives
        (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_ListInstances.html)."""
        sso = self.client("sso-admin", None, region)
        return {i["InstanceArn"]: i.get("IdentityStoreId", "") for i in self._pages(sso, "list_instances", "Instances")}

    def user_exists(self, region: str, store: str, user_name: str) -> bool:
        ids = self.client("identitystore", None, region)
        found = self._or_none(
            lambda: self.call(
                ids,
                "get_user_id",
                IdentityStoreId=store,
                AlternateIdentifier={"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": user_name}},
            ),
            IDENTITYSTORE_NOT_FOUND,
        )
        return found is not None


ERRORS = (ClientError, BotoCoreError, AccountUnreachable, OutOfTime)
