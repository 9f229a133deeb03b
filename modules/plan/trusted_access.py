"""What the platform needs the organization to have switched on: trusted access for the services it uses
and the SCP policy type. The organization stack manages them when organization.yaml names the organization;
otherwise the post-step's preflight checks them (docs/design.md, "The organization resource"). Pure data, no cdktn."""

from __future__ import annotations

# The organization trail, Config recorders and aggregator, RAM shares without acceptance, Service Catalog
# portfolio shares to OUs, Identity Center.
# https://docs.aws.amazon.com/organizations/latest/userguide/orgs_integrate_services_list.html
REQUIRED_TRUSTED_SERVICES = (
    "cloudtrail.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
    "config.amazonaws.com",
    "ram.amazonaws.com",
    "servicecatalog.amazonaws.com",
    "sso.amazonaws.com",
)
REQUIRED_POLICY_TYPES = ("SERVICE_CONTROL_POLICY",)


def trusted_services(organization_uses: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The whole list the organization resource owns: what the platform needs and what the organization
    already trusts (organization.yaml trusted_services), so the import never switches one off."""
    return tuple(sorted(set(REQUIRED_TRUSTED_SERVICES) | set(organization_uses)))
