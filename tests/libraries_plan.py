"""A plan with internal libraries and seed code set, built from plan records (until the registry model has the
fields, tests construct the records the registry would compile to)."""

from __future__ import annotations

import dataclasses

from modules.plan import libraries as L
from modules.plan import records as R
from modules.plan.records import SeedCode
from modules.plan.seed import seed_key

ORG_ID = "o-northwind1"


def with_libraries(
    plan,
    *,
    publish: dict[str, tuple[str, ...]],
    domain: str = "northwind-libs",
    repository: str = "ml-libraries",
    publishing_environments=("dev", "sandbox"),
):
    retired = {a.account.team for a in plan.accounts if a.account.decommissioned}
    lib = R.Libraries(
        org=plan.values.org,
        domain=domain,
        repository=repository,
        upstreams=("pypi",),
        owner_account_id=plan.shared_services.account_id,
        region=plan.values.home_region,
        publishing_environments=tuple(publishing_environments),
        publishers=tuple(
            R.Publisher(t, tuple(sorted({L.normalize(p) for p in ps}))) for t, ps in sorted(publish.items()) if t not in retired
        ),
    )
    accounts = []
    for acct in plan.accounts:
        pkgs = tuple(sorted({L.normalize(p) for p in publish.get(acct.account.team, ())}))
        accounts.append(
            dataclasses.replace(
                acct,
                libraries=R.AccountLibraries(
                    domain=domain,
                    repository=repository,
                    owner_account_id=lib.owner_account_id,
                    region=lib.region,
                    packages=() if acct.account.decommissioned else pkgs,
                    execution_role_publishes=acct.account.environment in publishing_environments,
                ),
            )
        )
    shared = dataclasses.replace(plan.shared_services, libraries=dataclasses.replace(lib, publishers=()))
    return dataclasses.replace(plan, accounts=tuple(accounts), shared_services=shared)


def with_seed(plan, template: str, zip_bytes: bytes, folder: str = "catalog/seed/"):
    templates = tuple(
        dataclasses.replace(t, seed=SeedCode(folder, seed_key(t.name, t.version), zip_bytes)) if t.name == template else t
        for t in plan.shared_services.templates
    )
    return dataclasses.replace(plan, shared_services=dataclasses.replace(plan.shared_services, templates=templates))


def without_libraries(plan):
    """The plan as if organization.yaml had no `libraries` (and no template had seed code)."""
    accounts = tuple(dataclasses.replace(a, libraries=None, seed_bucket=None) for a in plan.accounts)
    shared = dataclasses.replace(
        plan.shared_services, libraries=None, templates=tuple(dataclasses.replace(t, seed=None) for t in plan.shared_services.templates)
    )
    return dataclasses.replace(plan, accounts=accounts, shared_services=shared)
