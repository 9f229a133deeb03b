"""AWS for the post-step's end-to-end tests: moto in server mode, with a small stateful emulation in front of it
for what moto does not implement, served over HTTP on 127.0.0.1 only.

One WSGI app: requests for the emulated operations are answered here, every other one goes to moto's own
app (moto's server in this process, so the emulation can read and extend moto's state directly).

Emulated, with AWS's documented states and delays (scaled down to about a second):
- SageMaker Studio apps and spaces (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeleteApp.html,
  API_DeleteSpace.html): DeleteApp puts an app in `Deleting`, it is `Deleted` APP_SECONDS later and ListApps still
  lists it as Deleted (AppStatus: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AppDetails.html);
  DeleteSpace while an app of the space is not Deleted fails with ResourceInUse (the error DeleteSpace
  declares); a deleted space is `Deleting` for SPACE_SECONDS, then no longer listed. An unknown AppType is a
  ValidationException (enum validation), an unknown app ResourceNotFound.
- RAM promotion of a share created from a resource policy, in two steps
  (https://docs.aws.amazon.com/ram/latest/APIReference/API_PromotePermissionCreatedFromPolicy.html,
  API_PromoteResourceShareCreatedFromPolicy.html): promoting the permission creates a customer managed copy
  under the given name (the original stays CREATED_FROM_POLICY; a second copy with the same name is refused,
  here as InvalidParameterException: the API reference does not say which code, so the tests only rely on
  it failing); promoting the share without a matching customer managed permission fails with
  UnmatchedPolicyPermissionException, a share not CREATED_FROM_POLICY with InvalidStateTransitionException,
  and a promoted share is PROMOTING_TO_STANDARD for PROMOTE_SECONDS before STANDARD.
- RAM AssociateResourceShare (moto 5.2.5 lacks it): added to moto's own share, so moto's
  GetResourceShareAssociations reports it.
- Cost Explorer cost allocation tags (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_ListCostAllocationTags.html):
  only tags billing has seen are listed, with Active or Inactive.
- Service Quotas for AWS Organizations (moto 5.2.5 knows only VPC quotas): the account quota L-E619E033 "Default
  maximum number of accounts", default 10 (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
  GetServiceQuota answers NoSuchResourceException until a value was applied (`account_quota`), as AWS does for a
  quota never changed (https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html);
  GetAWSDefaultServiceQuota gives the default. `quota_denied` makes both answer AccessDeniedException.
- SageMaker Studio user profiles (tests/post/emulation_studio.py): create, delete (`Deleting`, then gone), list.
- STS AssumeRole into a member account succeeds only if the role exists in that account's IAM (moto's own state:
  Organizations' CreateAccount creates OrganizationAccountAccessRole there); AWS refuses a role that does not exist
  with AccessDenied (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html), moto assumes any.

Also what the organization stack's apply turns on where moto only answers (tests/post/emulation_org.py).

Injected faults: throttling (every `throttle_every`-th request of any service answers ThrottlingException, S3 503 SlowDown;
`throttle_always` names operations that always do) and accounts whose OrganizationAccountAccessRole
cannot be assumed (`deny_accounts`: AccessDenied). `mutations` records every change that was made.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from typing import Any
from urllib.parse import parse_qs

from werkzeug.serving import make_server

from tests.post import emulation_org, emulation_studio

APP_SECONDS, SPACE_SECONDS, PROMOTE_SECONDS = 1.0, 1.0, 1.0
APP_TYPES = {
    "JupyterServer",
    "KernelGateway",
    "DetailedProfiler",
    "TensorBoard",
    "RStudioServerPro",
    "RSessionGateway",
    "JupyterLab",
    "CodeEditor",
    "Canvas",
}
MUTATING = re.compile(r"^(Create|Delete|Associate|Promote|Update|Put|Start|Stop|Tag|Untag)", re.IGNORECASE)


class ApiError(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class Emulation:
    def __init__(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self.moto = DomainDispatcherApplication(create_backend_app)
        self.lock = threading.Lock()
        self.reset()

    # ------------------------------------------------------------------ state
    def reset(self) -> None:
        with self.lock:
            self.apps: list[dict[str, Any]] = []
            self.spaces: list[dict[str, Any]] = []
            self.profiles: list[dict[str, Any]] = []  # emulation_studio.py
            self.policy_shares: dict[str, dict[str, Any]] = {}  # share arn -> {resource, featureSet, permissions, since}
            self.customer_permissions: dict[tuple[str, str], dict[str, Any]] = {}  # (account, name) -> permission
            self.cost_tags: dict[str, str] = {}
            self.throttle_every = 0
            self.throttle_always: set[str] = set()
            self.deny_accounts: set[str] = set()
            self.account_quota: float | None = None  # an applied value of the Organizations account quota
            self.quota_denied = False
            self.requests = 0
            self.mutations: list[str] = []
            self.calls: list[str] = []
            self.errors: list[tuple[str, str]] = []  # (service:Operation, error code) answered
            emulation_org.reset(self)

    def add_app(self, domain: str, app_type: str, name: str, *, user: str | None = None, space: str | None = None) -> None:
        owner = {"UserProfileName": user} if user else {"SpaceName": space}
        self.apps.append({"DomainId": domain, **owner, "AppType": app_type, "AppName": name, "Status": "InService"})

    def add_space(self, domain: str, name: str, owner: str) -> None:
        self.spaces.append(
            {"DomainId": domain, "SpaceName": name, "Status": "InService", "OwnershipSettingsSummary": {"OwnerUserProfileName": owner}}
        )

    def add_policy_share(self, account: str, region: str, resource_arn: str) -> str:
        """What RAM does when a resource policy is attached: a CREATED_FROM_POLICY share and permission."""
        n = len(self.policy_shares) + 1
        arn = f"arn:aws:ram:{region}:{account}:resource-share/policy-{n}"
        self.policy_shares[arn] = {
            "resource": resource_arn,
            "featureSet": "CREATED_FROM_POLICY",
            "since": 0.0,
            "permissions": [
                {
                    "arn": f"arn:aws:ram::{account}:permission/policy-{n}",
                    "name": f"policy-{n}",
                    "featureSet": "CREATED_FROM_POLICY",
                    "permissionType": "CUSTOMER_MANAGED",
                    "status": "ATTACHABLE",
                }
            ],
        }
        return arn

    def _tick(self) -> None:
        now = time.monotonic()
        for app in self.apps:
            if app["Status"] == "Deleting" and now - app["since"] >= APP_SECONDS:
                app["Status"] = "Deleted"
        self.spaces = [s for s in self.spaces if not (s["Status"] == "Deleting" and now - s["since"] >= SPACE_SECONDS)]
        self.profiles = emulation_studio.tick(self.profiles, now)
        for share in self.policy_shares.values():
            if share["featureSet"] == "PROMOTING_TO_STANDARD" and now - share["since"] >= PROMOTE_SECONDS:
                share["featureSet"] = "STANDARD"

    # ------------------------------------------------------------------ serving
    def serve(self) -> tuple[str, Any]:
        server = make_server("127.0.0.1", 0, self, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_port}", server

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        auth = environ.get("HTTP_AUTHORIZATION", "")
        scope = re.search(r"Credential=([^/]+)/\d+/([^/]+)/([^/]+)/", auth)
        access_key, region, service = scope.groups() if scope else ("", "us-east-1", "")
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        path = environ.get("PATH_INFO", "")
        if target:
            op = target.split(".")[-1]
        elif service == "sts":
            op = (parse_qs(body.decode()).get("Action") or [""])[0]
        else:
            op = path.strip("/").split("/")[0]
        name = f"{service}:{op}"
        try:
            with self.lock:
                self.requests += 1
                self.calls.append(name)
                self._faults(service, name, op, body)
                self._tick()
                handler = HANDLERS.get(name.lower())
                if name.lower() == "ram:getresourceshares" and set(_json(body).get("resourceShareArns") or []) & set(self.policy_shares):
                    handler = get_resource_shares  # the shares RAM created from a policy; moto's own otherwise
                # rest-json puts some members in the query string (PromoteResourceShareCreatedFromPolicy's resourceShareArn)
                params = {**{k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}, **_json(body)}
                result = handler(self, params, _account(access_key), region) if handler else None
        except Exception as exc:  # a bug in the emulation: a 500 that names it (the client retries 5xx)
            if isinstance(exc, emulation_org.Refused):
                exc = ApiError(exc.code, exc.message)
            if not isinstance(exc, ApiError):
                exc = ApiError("InternalFailure", f"emulation: {type(exc).__name__}: {exc}", 500)
            err = exc
            with self.lock:
                self.errors.append((name, err.code))
            return _error(start_response, service, err)
        if handler is None:
            status_holder: list[str] = []

            def capture(status: str, headers: list[Any], exc_info: Any = None) -> Any:
                status_holder.append(status)
                return start_response(status, headers, exc_info)

            out = b"".join(self.moto(environ, capture))
            if status_holder and status_holder[0].startswith("2") and MUTATING.match(op):
                with self.lock:
                    self.mutations.append(name)
            return [out]
        if MUTATING.match(op):
            self.mutations.append(name)
        start_response("200 OK", [("Content-Type", "application/x-amz-json-1.1")])
        return [json.dumps(result).encode()]

    def _faults(self, service: str, name: str, op: str, body: bytes) -> None:
        if service == "sts" and op == "AssumeRole":
            role = (parse_qs(body.decode()).get("RoleArn") or [""])[0]
            if any(f":{a}:" in role for a in self.deny_accounts) or not _role_exists(role):
                raise ApiError("AccessDenied", f"User is not authorized to perform: sts:AssumeRole on resource: {role}", 403)
            return
        if service in ("sts", ""):  # STS is never throttled here; "" is moto's own API (reset)
            return
        if name in self.throttle_always or (self.throttle_every and self.requests % self.throttle_every == 0):
            if service == "s3":  # S3 throttles with 503 SlowDown (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html)
                raise ApiError("SlowDown", "Please reduce your request rate.", 503)
            raise ApiError("ThrottlingException", "Rate exceeded")


def _role_exists(arn: str) -> bool:
    from moto.iam.models import iam_backends

    found = re.match(r"^arn:aws:iam::(\d{12}):role/(?:.*/)?([^/]+)$", arn)
    if not found:
        return False
    account, name = found.groups()
    return any(r.name == name for r in iam_backends[account]["global"].roles.values())


def create_role(account: str, name: str) -> None:
    """A role in a member account, as an administrator of that account would create it (moto's IAM state)."""
    from moto.iam.models import iam_backends

    iam_backends[account]["global"].create_role(
        role_name=name,
        assume_role_policy_document="{}",
        path="/",
        permissions_boundary=None,
        description="",
        tags=[],
        max_session_duration="3600",
    )


def delete_role(account: str, name: str) -> None:
    from moto.iam.models import iam_backends

    iam_backends[account]["global"].delete_role(name)


def _json(body: bytes) -> dict[str, Any]:
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return {}


def _account(access_key: str) -> str:
    from moto.iam.models import get_account_id_from

    return get_account_id_from(access_key)


def _error(start_response: Any, service: str, err: ApiError) -> list[bytes]:
    status = f"{err.status} {({403: 'Forbidden', 500: 'Internal Server Error', 503: 'Service Unavailable'}).get(err.status, 'Bad Request')}"
    if service == "s3":  # rest-xml
        body = f"<Error><Code>{err.code}</Code><Message>{err.message}</Message></Error>".encode()
        start_response(status, [("Content-Type", "application/xml")])
        return [body]
    if service in ("sts", "iam"):  # query protocol: XML errors
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{err.code}</Code><Message>{err.message}</Message>"
            "</Error><RequestId>emulated</RequestId></ErrorResponse>"
        ).encode()
        start_response(status, [("Content-Type", "text/xml")])
        return [body]
    start_response(status, [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", err.code)])
    return [json.dumps({"__type": err.code, "message": err.message}).encode()]


# ---------------------------------------------------------------------------------------------- sagemaker studio
def list_apps(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    return {
        "Apps": [{k: v for k, v in a.items() if k != "since"} for a in em.apps if a["DomainId"] == p.get("DomainIdEquals", a["DomainId"])]
    }


def delete_app(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    if p.get("AppType") not in APP_TYPES:
        raise ApiError(
            "ValidationException",
            f"1 validation error detected: Value '{p.get('AppType')}' at 'appType' "
            "failed to satisfy constraint: Member must satisfy enum value set",
        )
    owner = p.get("UserProfileName") or p.get("SpaceName")
    for app in em.apps:
        if (app["DomainId"], app.get("UserProfileName") or app.get("SpaceName"), app["AppType"], app["AppName"]) == (
            p["DomainId"],
            owner,
            p["AppType"],
            p["AppName"],
        ) and app["Status"] != "Deleted":
            if app["Status"] == "Deleting":  # assumed (the API reference does not say); the job never asks twice
                raise ApiError("ResourceInUse", f"App {p['AppName']} is being deleted")
            app["Status"], app["since"] = "Deleting", time.monotonic()
            return {}
    raise ApiError("ResourceNotFound", f"App {p['AppName']} does not exist")


def list_spaces(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    return {
        "Spaces": [
            {k: v for k, v in s.items() if k != "since"} for s in em.spaces if s["DomainId"] == p.get("DomainIdEquals", s["DomainId"])
        ]
    }


def delete_space(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    space = next((s for s in em.spaces if s["DomainId"] == p["DomainId"] and s["SpaceName"] == p["SpaceName"]), None)
    if space is None:
        raise ApiError("ResourceNotFound", f"Space {p['SpaceName']} does not exist")
    if any(a.get("SpaceName") == p["SpaceName"] and a["DomainId"] == p["DomainId"] and a["Status"] != "Deleted" for a in em.apps):
        # the code is the one DeleteSpace declares; the message is ours
        raise ApiError("ResourceInUse", f"Space {p['SpaceName']} has apps that are not Deleted; delete them first")
    if space["Status"] != "Deleting":
        space["Status"], space["since"] = "Deleting", time.monotonic()
    return {}


# ---------------------------------------------------------------------------------------------- ram
def associate_resource_share(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    from moto.ram.models import ram_backends

    share = next((s for s in ram_backends[account][region].resource_shares if s.arn == p["resourceShareArn"]), None)
    if share is None:
        raise ApiError("UnknownResourceException", f"ResourceShare {p['resourceShareArn']} could not be found.")
    for arn in p["resourceArns"]:
        # SageMaker pipelines and feature groups are shareable (https://docs.aws.amazon.com/ram/latest/userguide/shareable.html#shareable-sagemaker);
        # moto's list of shareable types lacks them, so they join moto's share here.
        if not re.match(rf"^arn:aws:sagemaker:{region}:{account}:(pipeline|feature-group)/", arn):
            raise ApiError("MalformedArnException", f"The specified resource ARN {arn} is not valid or not shareable here.")
        if arn not in share.resource_arns:
            share.resource_arns.append(arn)
    return {"resourceShareAssociations": [{"associatedEntity": a, "status": "ASSOCIATED"} for a in p["resourceArns"]]}


def list_resources(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    wanted = set(p.get("resourceArns") or [])
    return {
        "resources": [
            {"arn": s["resource"], "resourceShareArn": arn, "status": "AVAILABLE"}
            for arn, s in em.policy_shares.items()
            if s["resource"] in wanted and f":{account}:" in arn
        ]
    }


def get_resource_shares(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    return {
        "resourceShares": [
            {
                "resourceShareArn": arn,
                "name": arn.rsplit("/", 1)[1],
                "owningAccountId": account,
                "status": "ACTIVE",
                "featureSet": em.policy_shares[arn]["featureSet"],
            }
            for arn in p.get("resourceShareArns") or []
            if arn in em.policy_shares
        ]
    }


def list_resource_share_permissions(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    share = em.policy_shares.get(p["resourceShareArn"])
    if share is None:
        raise ApiError("UnknownResourceException", f"ResourceShare {p['resourceShareArn']} could not be found.")
    return {"permissions": share["permissions"]}


def list_permissions(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    if p.get("permissionType") != "CUSTOMER_MANAGED":
        raise ApiError("InvalidParameterException", "the emulation lists customer managed permissions only")
    return {"permissions": [perm for (acct, _), perm in sorted(em.customer_permissions.items()) if acct == account]}


def promote_permission_created_from_policy(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    source = next((perm for s in em.policy_shares.values() for perm in s["permissions"] if perm["arn"] == p["permissionArn"]), None)
    if source is None or source["featureSet"] != "CREATED_FROM_POLICY":
        raise ApiError("UnknownResourceException", f"Permission {p['permissionArn']} could not be found.")
    if (account, p["name"]) in em.customer_permissions:
        raise ApiError("InvalidParameterException", f"A permission named {p['name']} already exists")
    perm = {
        "arn": f"arn:aws:ram:{region}:{account}:permission/{p['name']}",
        "name": p["name"],
        "version": "1",
        "featureSet": "STANDARD",
        "permissionType": "CUSTOMER_MANAGED",
        "status": "ATTACHABLE",
        "promoted_from": source["arn"],
    }
    em.customer_permissions[(account, p["name"])] = perm
    return {"permission": {k: v for k, v in perm.items() if k != "promoted_from"}}


def promote_resource_share_created_from_policy(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    share = em.policy_shares.get(p["resourceShareArn"])
    if share is None:
        raise ApiError("UnknownResourceException", f"ResourceShare {p['resourceShareArn']} could not be found.")
    if share["featureSet"] != "CREATED_FROM_POLICY":
        raise ApiError("InvalidStateTransitionException", f"ResourceShare is {share['featureSet']}")
    sources = {perm["arn"] for perm in share["permissions"]}
    matching = [perm for (acct, _), perm in em.customer_permissions.items() if acct == account and perm["promoted_from"] in sources]
    if not matching:
        raise ApiError(
            "UnmatchedPolicyPermissionException",
            "There isn't an existing managed permission defined in RAM "
            "that has the same IAM permissions as the resource-based policy attached to the resource.",
        )
    share["featureSet"], share["since"] = "PROMOTING_TO_STANDARD", time.monotonic()
    share["permissions"] = [{k: v for k, v in perm.items() if k != "promoted_from"} for perm in matching]
    return {"returnValue": True}


# ---------------------------------------------------------------------------------------------- cost explorer
def list_cost_allocation_tags(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    keys = set(p.get("TagKeys") or em.cost_tags)
    return {"CostAllocationTags": [{"TagKey": k, "Type": "UserDefined", "Status": v} for k, v in sorted(em.cost_tags.items()) if k in keys]}


def update_cost_allocation_tags_status(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    errors = []
    for item in p["CostAllocationTagsStatus"]:
        if item["TagKey"] in em.cost_tags:
            em.cost_tags[item["TagKey"]] = item["Status"]
        else:
            errors.append({"TagKey": item["TagKey"], "Code": "TagKeysNotFoundException", "Message": "tag key not found"})
    return {"Errors": errors}


# ---------------------------------------------------------------------------------------------- service quotas
ACCOUNT_QUOTA = {
    "ServiceCode": "organizations",
    "ServiceName": "AWS Organizations",
    "QuotaCode": "L-E619E033",
    "QuotaName": "Default maximum number of accounts",
    "Value": 10.0,
    "Unit": "None",
    "Adjustable": True,
    "GlobalQuota": True,
}


def _quota(em: Emulation, p: dict[str, Any], account: str, applied: bool) -> dict[str, Any]:
    if em.quota_denied:
        raise ApiError("AccessDeniedException", "User is not authorized to perform: servicequotas:GetServiceQuota", 403)
    if (p.get("ServiceCode"), p.get("QuotaCode")) != ("organizations", "L-E619E033") or (applied and em.account_quota is None):
        raise ApiError("NoSuchResourceException", "The request failed because the specified service quota does not exist.")
    value = em.account_quota if applied else ACCOUNT_QUOTA["Value"]
    return {"Quota": {**ACCOUNT_QUOTA, "Value": value, "QuotaArn": f"arn:aws:servicequotas:us-east-1:{account}:organizations/L-E619E033"}}


def get_service_quota(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    return _quota(em, p, account, applied=True)


def get_aws_default_service_quota(em: Emulation, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    return _quota(em, p, account, applied=False)


HANDLERS = {
    "servicequotas:getservicequota": get_service_quota,
    "servicequotas:getawsdefaultservicequota": get_aws_default_service_quota,
    "sagemaker:listapps": list_apps,
    "sagemaker:deleteapp": delete_app,
    "sagemaker:listspaces": list_spaces,
    "sagemaker:deletespace": delete_space,
    "ram:associateresourceshare": associate_resource_share,
    "ram:listresources": list_resources,
    "ram:listresourcesharepermissions": list_resource_share_permissions,
    "ram:listpermissions": list_permissions,
    "ram:promotepermissioncreatedfrompolicy": promote_permission_created_from_policy,
    "ram:promoteresourcesharecreatedfrompolicy": promote_resource_share_created_from_policy,
    "ce:listcostallocationtags": list_cost_allocation_tags,
    "ce:updatecostallocationtagsstatus": update_cost_allocation_tags_status,
    **emulation_studio.HANDLERS,
    **emulation_org.HANDLERS,  # what the organization stack's apply turns on
}
