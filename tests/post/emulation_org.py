"""More of AWS for the post-step's end-to-end tests, served by the same emulation (tests/post/emulation.py): what
the organization stack's apply turns on where moto only answers, done as AWS's own API does it.

- RAM EnableSharingWithAwsOrganization (moto answers true and changes nothing): in the calling management account
  it creates the service-linked role AWSServiceRoleForResourceAccessManager and turns on trusted access for
  ram.amazonaws.com; any other caller is refused with OperationNotPermittedException
  (https://docs.aws.amazon.com/ram/latest/APIReference/API_EnableSharingWithAwsOrganization.html).
"""

from __future__ import annotations

from typing import Any

RAM_ROLE = "AWSServiceRoleForResourceAccessManager"
RAM_PRINCIPAL = "ram.amazonaws.com"


class Refused(Exception):
    """An API error to answer (the emulation turns it into its own error response)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def enable_sharing_with_aws_organization(em: Any, p: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    from moto.iam.models import iam_backends
    from moto.organizations.models import organizations_backends

    org = organizations_backends[account]["aws"]
    if org.org is None or org.org.master_account_id != account:
        raise Refused("OperationNotPermittedException", "You must call this operation from the organization's management account.")
    iam = iam_backends[account]["global"]
    if not any(r.name == RAM_ROLE for r in iam.roles.values()):
        iam.create_role(
            role_name=RAM_ROLE,
            assume_role_policy_document='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
            f'{{"Service":"{RAM_PRINCIPAL}"}},"Action":"sts:AssumeRole"}}]}}',
            path=f"/aws-service-role/{RAM_PRINCIPAL}/",
            permissions_boundary=None,
            description="",
            tags=[],
            max_session_duration="3600",
        )
    org.enable_aws_service_access(ServicePrincipal=RAM_PRINCIPAL)
    return {"returnValue": True}


HANDLERS = {"ram:enablesharingwithawsorganization": enable_sharing_with_aws_organization}
