"""Whatever validates must synthesize: every name and id the compiler derives from registry keys is unique
where it has to be, or the registry is refused at the `file:line` of the key that derives the duplicate.

Derivations lose information (`safe_id` maps '.' and '_' alike, statement ids drop hyphens, SCP names
are lower-cased, ids join keys with '-'), so distinct keys can derive one name: people 'ivan.n' and
'ivan_n', OUs 'Sand.box' and 'Sand_box' or 'workloads' and 'Workloads', managed policies '…/ReadOnlyAccess'
and '…/job-function/ReadOnlyAccess', shares 'fc-daily' and 'fc--daily'. Rather than one check per example,
this module lists every claim (namespace, derived name, the key it comes from) that the stacks make, and
one function reports each pair of different keys that claim one name in one namespace.

The construct ids mirror modules/aws/* (tests/registry/test_derived.py checks every claimed id exists in
the example's synthesized output, and the property test that every generated registry that validates
also synthesizes); a new construct whose id derives from a registry key belongs here too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ... import guardrails, shares
from ...base import naming
from ...base.errors import RegistryError, show
from ..guardrail_inputs import inputs_for
from ..model import Base, Registry
from ..source import Field, error, position, where

# An account a share's claims are computed for: ids and statement ids do not depend on it.
_NOBODY = shares.Endpoint("", "", "", "")


@dataclass(frozen=True, eq=False)  # compared by key: the place, whatever the objects' values
class Origin:
    """Where a claim's key is written: field `at` of obj; the error names obj itself when whole."""

    obj: Base
    at: Field = None
    whole: bool = False

    @property
    def key(self) -> tuple[Any, ...]:
        """What tells two origins apart: the place, not the object's value."""
        return (*position(self.obj, self.at), self.whole)


@dataclass(frozen=True)
class Claim:
    space: str  # where the name must be unique, in words
    key: str  # the name as compared (lower-cased where the namespace ignores case)
    name: str  # the name as derived
    source: str  # the registry key it derives from, in words: two claims collide only if these differ
    origin: Origin | None  # where that key is written; None: the compiler's own name
    same_as: str = ""  # claims with one same_as are one thing (a collision reported elsewhere), not a collision
    verb: str = "derives"

    @property
    def identity(self) -> str:
        return self.same_as or self.source


def _stack(name: str) -> str:
    return f"Terraform resource names of stack '{name}'"


def _identity_claims(reg: Registry) -> Iterator[Claim]:
    space = _stack(naming.IDENTITY_STACK)
    for p in reg.people:
        origin = Origin(p, "user_name", whole=True)
        cid = f"user-{naming.safe_id(p.user_name)}"
        yield Claim(space, cid, cid, f"person {show(p.user_name)}", origin)
    org = reg.organization.name
    admins = naming.platform_admins_group(org)
    for admin in sorted(set(reg.organization.platform_admins)):
        cid = f"member-{admins}-{naming.safe_id(admin)}"
        yield Claim(space, cid, cid, f"platform admin {show(admin)}", Origin(reg.organization, "platform_admins"))
    for team in reg.teams:
        if team.status == "decommissioned":
            continue
        for m in team.members:
            cid = f"member-{naming.group_name(org, team.name, m.role)}-{naming.safe_id(m.person)}"
            # two people whose user ids collide are reported once, there; memberships live in the team's access stack
            yield Claim(
                _stack(naming.access_stack(team.name)),
                cid,
                cid,
                f"member {show(m.person)} of team {show(team.name)} (role {show(m.role)})",
                Origin(m, "person", whole=True),
                same_as=f"{m.role}/{naming.safe_id(m.person)}",
            )
    platform = naming.PLATFORM_ADMIN_PERMISSION_SET
    for cid in (f"ps-{platform}", f"ps-{platform}-AdministratorAccess"):
        yield Claim(space, cid, cid, "the platform admins' permission set", None)
    for label in ("shared-services", "log-archive"):
        yield Claim(space, f"assign-{label}", f"assign-{label}", "the platform admins' central access", None)
    for key, ps in reg.permission_sets.items():
        yield Claim(space, f"ps-{key}", f"ps-{key}", f"permission set {show(key)}", Origin(ps))
        for j, arn in enumerate(ps.managed_policies):
            cid = f"ps-{key}-{naming.safe_id(arn.rsplit('/', 1)[-1])}"
            yield Claim(space, cid, cid, f"managed policy {show(arn)} of permission set {show(key)}", Origin(ps, ("managed_policies", j)))
        if ps.inline_policy:
            yield Claim(
                space,
                f"ps-{key}-inline",
                f"ps-{key}-inline",
                f"the inline policy of permission set {show(key)}",
                Origin(ps, "inline_policy"),
            )


def _ou_origin(reg: Registry, ou_path: str) -> Origin | None:
    """The first environment whose OU is ou_path or lies under it (every OU claimed here is one)."""
    for env in reg.environments:
        if env.organizational_unit == ou_path or env.organizational_unit.startswith(ou_path + "/"):
            return Origin(env, "organizational_unit", whole=True)
    return None


def _organization_claims(reg: Registry) -> Iterator[Claim]:
    space = _stack(naming.ORGANIZATION_STACK)
    paths = {naming.SUSPENDED_OU}
    for env in reg.environments:
        parts = env.organizational_unit.split("/")
        paths |= {"/".join(parts[:i]) for i in range(1, len(parts) + 1)}
    for path in sorted(paths):
        cid = f"ou-{naming.safe_id(path)}"
        origin = None if path == naming.SUSPENDED_OU else _ou_origin(reg, path)
        yield Claim(space, cid, cid, f"OU {show(path)}", origin)
    try:
        scps = guardrails.scp_plan(inputs_for(reg))
    except guardrails.PackingError:
        scps = ()  # reported by check_guardrails_fit
    for scp in scps:
        origin = None if scp.target == naming.SUSPENDED_OU else _ou_origin(reg, scp.target)
        for cid in (f"scp-{scp.name}", f"scp-{scp.name}-attachment"):
            yield Claim(space, cid, cid, f"the guardrails of OU {show(scp.target)}", origin)
        # https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html : names are unique
        yield Claim("SCP names", scp.name, scp.name, f"the guardrails of OU {show(scp.target)}", origin)


def _catalog_claims(reg: Registry) -> Iterator[Claim]:
    space = _stack(naming.SHARED_SERVICES_STACK)
    org = reg.organization.name
    roots = sorted({e.organizational_unit.split("/")[0] for e in reg.environments})
    for t in reg.templates:
        tid = naming.safe_id(t.name)
        origin = Origin(t, "name", whole=True)
        what = f"template {show(t.name)}"
        for cid in (
            f"product-{tid}",
            f"portfolio-{tid}",
            f"portfolio-{tid}-product",
            f"portfolio-{tid}-launch",
            *(f"template-{tid}-{naming.safe_id(v)}" for v in [t.version, *(p.version for p in t.previous)]),
        ):
            yield Claim(space, cid, cid, what, origin)
        for ou in roots:
            cid = f"portfolio-{tid}-share-{naming.safe_id(ou)}"
            yield Claim(space, cid, cid, f"{what} shared with OU {show(ou)}", origin)
        for team in reg.teams:
            if team.active and t.name in team.sagemaker.project_templates:
                for env in team.environments:  # the association lives in the team's access stack
                    cid = f"portfolio-{tid}-{naming.execution_role_name(org, team.name, env)}"
                    yield Claim(
                        _stack(naming.access_stack(team.name)), cid, cid, f"{what} for team {show(team.name)} in {show(env)}", origin
                    )


def _account_claims(reg: Registry) -> Iterator[Claim]:
    """Per team account: assignments, share resources and their names, and the statement ids of its policies."""
    org = reg.organization.name
    teams = {t.name: t for t in reg.teams}
    for team in reg.teams:
        if team.status == "onboarding":
            continue  # no assignments until the accounts exist (docs/design.md, "A new team is two pull requests")
        space = _stack(naming.access_stack(team.name))  # every assignment into the team's accounts lives there
        for env_name in team.environments:
            key = naming.account_key(team.name, env_name)
            if team.active:
                for m in team.members:
                    role = reg.roles.get(m.role)
                    ps = role.permission_sets.get(env_name) if role else None
                    if ps:
                        cid = f"assign-{key}-{naming.group_name(org, team.name, m.role)}-{ps}"
                        yield Claim(space, cid, cid, f"role {show(m.role)} with permission set {show(ps)}", Origin(m, "role", whole=True))
            admins = f"assign-{key}-{naming.platform_admins_group(org)}-{naming.PLATFORM_ADMIN_PERMISSION_SET}"
            yield Claim(space, admins, admins, "the platform admins' access", None)
    for team in reg.teams:
        for share in team.shares:
            origin = Origin(share, "name", whole=True)
            what = f"share {show(share.name)}"
            producer = naming.account_stack(team.name, share.from_)
            space = _stack(producer)
            consumers = tuple(sorted({naming.account_key(t.team, t.environment) for t in share.to}))
            kind = shares.kind(share.kind)
            planned = shares.Share(
                share.name, share.kind, share.resource, share.access, naming.account_key(team.name, share.from_), consumers
            )
            # The kind's own output, with placeholder accounts: its construct ids and statement ids are its claims.
            others = [_NOBODY] * len(consumers)
            to = {f"{shares.construct_id(planned)}-{c}": c for c in consumers}
            for r in kind.producer_resources(planned, _NOBODY, others, "", ""):
                yield Claim(space, r.id, r.id, f"{what} to {to[r.id]}" if r.id in to else what, origin)
            res = Origin(share, "resource", whole=True)
            for namespace, key, name in kind.claimed_names(planned):
                yield Claim(f"{namespace} of account {producer}", key, name, what, res, verb="creates")
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html : unique in a policy
            statements = kind.producer_statements(planned, _NOBODY, others, "")
            for field, policy in shares.PRODUCER_POLICIES.items():
                for st in getattr(statements, field):
                    yield Claim(f"statement ids of {policy} of {producer}", st["Sid"], st["Sid"], what, origin)
            sids = [st["Sid"] for st in kind.consumer_statements(planned, _NOBODY, "")]
            for c in consumers:
                t, _, e = c.rpartition("-")
                if t not in teams or e not in teams[t].environments:
                    continue  # an unknown consumer is reported by check_shares
                space = f"statement ids of the shared-resources policy of {c}'s execution role"
                for s in sids:
                    yield Claim(space, s, s, what, origin)


CLAIMS = (_identity_claims, _organization_claims, _catalog_claims, _account_claims)


def claims(reg: Registry) -> list[Claim]:
    return [c for make in CLAIMS for c in make(reg)]


def check_derived_unique(reg: Registry) -> list[RegistryError]:
    """One error per pair of different registry keys that derive one name in one namespace."""
    first: dict[tuple[str, str], Claim] = {}
    reported: set[tuple[Any, ...]] = set()
    errors = []
    for claim in claims(reg):
        other = first.setdefault((claim.space, claim.key), claim)
        if other.identity == claim.identity:
            continue
        here, there = (claim, other) if claim.origin is not None else (other, claim)
        if here.origin is None:
            continue  # two names of the compiler's own: a bug, caught by the tests
        pair = (here.origin.key, there.origin.key if there.origin else None, here.source, there.source)
        if pair in reported:
            continue
        reported.add(pair)
        at = "the compiler's own name for it" if there.origin is None else where(there.origin.obj, there.origin.at)
        message = f"{here.verb} {show(here.name)} ({claim.space}), as does {there.source} ({at}); rename or drop one of them"
        origin = here.origin
        errors.append(error(origin.obj, origin.at, message, entity_of=origin.obj if origin.whole else None))
    return errors
