"""Each team account's stack record: the account, its peers across shares, its Studio users, its budget and
settings. Pure Python, no cdktn; layout.py puts these records into the plan."""

from __future__ import annotations

from decimal import Decimal

from ..base import naming
from ..registry.derive import studio_entries
from ..registry.model import Registry, Team
from ..shares import KINDS, Share
from .libraries import account_libraries
from .records import Account, AccountStack, PeerAccount, StudioUser
from .seed import seed_bucket

# Decommissioned accounts keep what holds data (keys, buckets, home volumes), which costs a little every month:
# their budget is organization.yaml's retired_budget_usd (default 10) rather than a zero-spend $0.01 that would
# alert every month (docs/design.md, "Decommissioning").
DEFAULT_RETIRED_BUDGET = Decimal("10")


def team_accounts(reg: Registry) -> list[Account]:
    org = reg.organization
    out = []
    for team in reg.teams:
        for env_name, te in sorted(team.environments.items()):
            env = reg.environment(env_name)
            out.append(
                Account(
                    key=naming.account_key(team.name, env_name),
                    team=team.name,
                    environment=env_name,
                    name=naming.account_name(org.name, team.name, env_name),
                    email=naming.account_email(org.account_email, team.name, env_name),
                    ou_path=naming.SUSPENDED_OU if team.status == "decommissioned" else env.organizational_unit,
                    adopted_id=te.account_id,
                    decommissioned=team.status == "decommissioned",
                    tags=_team_tags(team, env_name),
                    access_role=naming.adopted_access_role(org, te.account_id),
                    move=org.account_moves.get(team.name),
                )
            )
    return out


def _team_tags(team: Team, env_name: str) -> dict[str, str]:
    return {"cost_center": team.cost_center, "environment": env_name, "team": team.name}


def studio_users(reg: Registry, team: Team, env_name: str) -> tuple[StudioUser, ...]:
    """Who gets Studio in this environment (registry/derive.py: the members and grants that give it). One profile per
    person, whichever gives it: its address stays."""
    users = {e.person for e in studio_entries(reg, team, env_name)}
    return tuple(StudioUser(u, naming.profile_name(u)) for u in sorted(users))


def planned_shares(reg: Registry) -> tuple[Share, ...]:
    """Every share with producer and consumer account keys. Shares of decommissioned producers stay:
    decommissioning removes people's access, not the machine access other teams rely on."""
    out = []
    for team in reg.teams:
        for s in team.shares:
            consumers = tuple(sorted({naming.account_key(t.team, t.environment) for t in s.to}))
            bucket = naming.data_bucket_name(reg.organization.name, team.name, s.from_, reg.organization.bucket_suffix)
            resource = KINDS[s.kind].planned_resource(s.resource, bucket)
            out.append(Share(s.name, s.kind, resource, s.access, naming.account_key(team.name, s.from_), consumers))
    return tuple(sorted(out, key=lambda s: s.name))


def _retired_budget(reg: Registry) -> Decimal:
    value = reg.organization.retired_budget_usd
    return Decimal(value) if value is not None else DEFAULT_RETIRED_BUDGET


def _peer(reg: Registry, key: str, accounts: dict[str, Account]) -> PeerAccount:
    a, org = accounts[key], reg.organization.name
    return PeerAccount(
        key,
        a.adopted_id,
        naming.execution_role_name(org, a.team, a.environment),
        naming.data_bucket_name(org, a.team, a.environment, reg.organization.bucket_suffix),
        naming.kms_alias(org, a.team, a.environment),
        a.held_by,
    )


def account_stack(
    reg: Registry, team: Team, account: Account, shares: tuple[Share, ...], accounts: dict[str, Account], *, catalog_bucket: str
) -> AccountStack:
    org = reg.organization
    mine = [s for s in shares if s.producer == account.key or account.key in s.consumers]
    keys = {account.key} | {k for s in mine for k in (s.producer, *s.consumers)}
    peers = tuple(_peer(reg, k, accounts) for k in sorted(keys))
    env = reg.environment(account.environment)
    te = team.environments[account.environment]
    emails = {email for o in team.owners if (email := reg.person(o).email)}
    budget = te.budget_usd if te.budget_usd is not None else env.budget_usd
    return AccountStack(
        name=naming.account_stack(team.name, account.environment),
        account=account,
        region=org.home_region,
        budget_usd=budget if team.active else _retired_budget(reg),
        budget_emails=tuple(sorted(emails)),
        vpc_cidr=te.vpc_cidr or env.vpc_cidr,
        vpc_only=env.sagemaker_network == "vpc_only",
        role_name=naming.execution_role_name(org.name, team.name, account.environment),
        bucket_name=naming.data_bucket_name(org.name, team.name, account.environment, org.bucket_suffix),
        log_bucket=naming.log_bucket_name(org.name, org.log_archive, org.bucket_suffix),
        domain_name=naming.domain_name(org.name, team.name, account.environment),
        kms_alias=naming.kms_alias(org.name, team.name, account.environment),
        instance_types=tuple(sorted(set(team.sagemaker.instance_types))),
        idle_shutdown_minutes=team.sagemaker.idle_shutdown_minutes,
        studio_users=studio_users(reg, team, account.environment),
        tags={**dict(sorted(org.tags.items())), **account.tags},
        shares_out=tuple(s for s in shares if s.producer == account.key),
        shares_in=tuple(s for s in shares if account.key in s.consumers),
        project_templates=tuple(sorted(set(team.sagemaker.project_templates))) if team.active else (),
        config_regions=tuple(sorted(set(org.allowed_regions))),
        peers=peers,
        libraries=account_libraries(reg, team, account.environment),
        seed_bucket=seed_bucket(reg, team, catalog_bucket),
        lookup_users=org.identity_center.users == "external",
    )
