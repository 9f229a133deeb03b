"""SageMaker Studio user profiles for the served emulation (moto 5.2.5 has domains, not profiles): what the
access-drift job lists, and what a person creates or deletes by hand beside Terraform.

- CreateUserProfile in a domain moto knows (ResourceNotFound otherwise, ResourceInUse for a name taken:
  https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateUserProfile.html);
- DeleteUserProfile puts the profile in `Deleting` for PROFILE_SECONDS, then it is gone
  (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeleteUserProfile.html);
- ListUserProfiles by DomainIdEquals (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ListUserProfiles.html).
The state lives on the Emulation (`profiles`), which resets and ticks it; emulation.py registers these handlers.
"""

from __future__ import annotations

import time
from typing import Any

PROFILE_SECONDS = 1.0


def _error(code: str, message: str) -> Exception:
    from tests.post.emulation import ApiError  # lazy: emulation.py imports this module to register the handlers

    return ApiError(code, message)


def _domain_exists(account: str, region: str, domain_id: str) -> bool:
    from moto.sagemaker.models import sagemaker_backends

    return domain_id in sagemaker_backends[account][region].domains


def tick(profiles: list[dict[str, Any]], now: float) -> list[dict[str, Any]]:
    return [p for p in profiles if not (p["Status"] == "Deleting" and now - p["since"] >= PROFILE_SECONDS)]


def create_user_profile(em: Any, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    domain, name = p["DomainId"], p["UserProfileName"]
    if not _domain_exists(account, region, domain):
        raise _error("ResourceNotFound", f"Domain {domain} does not exist")
    if any((q["account"], q["DomainId"], q["UserProfileName"]) == (account, domain, name) for q in em.profiles):
        raise _error("ResourceInUse", f"User profile {name} already exists")
    em.profiles.append({"account": account, "DomainId": domain, "UserProfileName": name, "Status": "InService", "since": 0.0})
    return {"UserProfileArn": f"arn:aws:sagemaker:{region}:{account}:user-profile/{domain}/{name}"}


def delete_user_profile(em: Any, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    for q in em.profiles:
        if (q["account"], q["DomainId"], q["UserProfileName"]) == (account, p["DomainId"], p["UserProfileName"]):
            if q["Status"] != "Deleting":
                q["Status"], q["since"] = "Deleting", time.monotonic()
            return {}
    raise _error("ResourceNotFound", f"User profile {p['UserProfileName']} does not exist")


def list_user_profiles(em: Any, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    wanted = p.get("DomainIdEquals")
    return {
        "UserProfiles": [
            {"DomainId": q["DomainId"], "UserProfileName": q["UserProfileName"], "Status": q["Status"]}
            for q in em.profiles
            if q["account"] == account and (wanted is None or q["DomainId"] == wanted)
        ]
    }


HANDLERS = {
    "sagemaker:createuserprofile": create_user_profile,
    "sagemaker:deleteuserprofile": delete_user_profile,
    "sagemaker:listuserprofiles": list_user_profiles,
}
