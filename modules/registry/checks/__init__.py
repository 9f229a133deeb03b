"""Cross-reference checks: one small named function per concern, each returning its errors.

Each check is `check(registry) -> errors`: it sees the whole validated Registry and reports at the model
objects it is about (source.py `error(obj, field, message)`), the folder's facts in `registry.origin`. They
never raise.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...base.errors import RegistryError
from ..model import Registry
from ._common import Check
from .access import check_catalog, check_people, check_permission_sets, check_roles
from .caps import check_caps, check_consumed_shares
from .contract import check_bucket_names, check_catalog_versions, check_identity_center_region, check_libraries, check_trusted_services
from .derived import check_derived_unique
from .grants import check_grants
from .organization import (
    check_account_moves,
    check_environment_ous,
    check_environments,
    check_guardrails_fit,
    check_organization_accounts,
    check_platform_admins,
    check_regions,
    check_tags,
)
from .seeds import check_git, check_seed_parameters
from .shares import check_shares
from .stack_names import check_stack_names
from .teams import (
    check_account_emails,
    check_adopted_accounts,
    check_derived_names,
    check_members,
    check_owner_emails,
    check_owners,
    check_team_environments,
    check_team_file_names,
    check_team_names_apart,
    check_team_templates,
)

CHECKS: tuple[Check, ...] = (
    check_caps,
    check_consumed_shares,
    check_regions,
    check_organization_accounts,
    check_platform_admins,
    check_account_moves,
    check_tags,
    check_environments,
    check_environment_ous,
    check_guardrails_fit,
    check_people,
    check_roles,
    check_permission_sets,
    check_catalog,
    check_team_file_names,
    check_team_names_apart,
    check_team_environments,
    check_members,
    check_owner_emails,
    check_owners,
    check_team_templates,
    check_adopted_accounts,
    check_account_emails,
    check_derived_names,
    check_stack_names,
    check_shares,
    check_derived_unique,
    check_identity_center_region,
    check_bucket_names,
    check_trusted_services,
    check_libraries,
    check_catalog_versions,
    check_seed_parameters,
    check_grants,
    check_git,
)


def run_checks(reg: Registry, checks: Iterable[Check] = CHECKS) -> list[RegistryError]:
    errors: list[RegistryError] = []
    for check in checks:
        errors.extend(check(reg))
    return errors
