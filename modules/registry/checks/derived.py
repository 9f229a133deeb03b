"""Whatever validates must synthesize: every name and id the compiler derives from registry keys is unique
where it has to be, or the registry is refused at the `file:line` of the key that derives the duplicate.

Derivations lose information (`safe_id` maps '.' and '_' alike, statement ids drop hyphens, SCP names
are lower-cased, ids join keys with '-'), so distinct keys can derive one name: people 'ivan.n' and
'ivan_n', OUs 'Sand.box' and 'Sand_box' or 'workloads' and 'Workloads', managed policies '…/ReadOnlyAccess'
and '…/job-function/ReadOnlyAccess', shares 'fc-daily' and 'fc--daily'. Rather than one check per example,
this module lists every claim (namespace, derived name, the key it comes from) that the stacks make, and
one function reports each pair of different keys that claim one name in one namespace.

The construct ids come from base/ids.py, where the construct modules take theirs: no formula is copied here.
tests/synth/test_derived_claims.py holds both sides equal on the example and every valid fixture (every claimed id
is in the output, and every id of the output that a registry key appears in is claimed); the property test
(tests/synth/test_validates_then_synthesizes.py) synthesizes generated registries that validate. A new construct
whose id derives from a registry key gets its function in base/ids.py and its claim here.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, NamedTuple

from ... import guardrails, shares
from ...base import ids, naming
from ...base.errors import RegistryError, show
from ..derive import inputs_for, ou_paths, studio_entries
from ..model import Base, Registry, Team
from ..source import Field, error, position, where

# Claims name the same keys over and over (a role in every account of its team): each is shown once.
_show = functools.lru_cache(maxsize=4096)(show)

# An account a share's claims are computed for: ids and statement ids do not depend on it.
_NOBODY = shares.Endpoint("", "", "", "")


# Origin and Claim are named tuples: a registry of 1,000 teams makes ~100,000 claims, and a tuple is built several
# times faster than a frozen dataclass (whose __init__ sets each field through object.__setattr__).
class Origin(NamedTuple):
    """Where a claim's key is written: field `at` of obj; the error names obj itself when whole. Two origins are told
    apart by `key` (the place), never by comparing them (their objects' values)."""

    obj: Base
    at: Field = None
    whole: bool = False

    @property
    def key(self) -> tuple[Any, ...]:
        """What tells two origins apart: the place, not the object's value."""
        return (*position(self.obj, self.at), self.whole)


class Claim(NamedTuple):
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
    org = reg.organization
    space = _stack(naming.IDENTITY_STACK)
    if org.identity_center.users == "managed":  # created users: the earlier one-construct-per-user addresses move
        for p in reg.people:
            cid = ids.user(p.user_name)
            yield Claim(space, cid, cid, f"person {show(p.user_name)}", Origin(p, "user_name", whole=True))
    admins = naming.platform_admins_group(org.name)
    yield Claim(space, ids.group(admins), ids.group(admins), "the platform admins' group", None)
    for admin in sorted(set(org.platform_admins)):
        cid = ids.membership(admins, admin)
        yield Claim(space, cid, cid, f"platform admin {show(admin)}", Origin(org, "platform_admins"))
    for team in reg.teams:
        if team.status == "decommissioned":
            continue
        access = _stack(naming.access_stack(team.name))  # the team's groups and memberships live in its access stack
        for role in sorted({m.role for m in team.members}):
            group = naming.group_name(org.name, team.name, role)
            first = next(m for m in team.members if m.role == role)
            # a group name shared with another team is reported once, by the teams check
            yield Claim(access, ids.group(group), ids.group(group), f"role {show(role)} of team {show(team.name)}", Origin(first, "role"))
        for m in team.members:
            cid = ids.membership(naming.group_name(org.name, team.name, m.role), m.person)
            # two people whose user ids collide are reported once, there
            yield Claim(
                access,
                cid,
                cid,
                f"member {show(m.person)} of team {show(team.name)} (role {show(m.role)})",
                Origin(m, "person", whole=True),
                same_as=f"{m.role}/{naming.safe_id(m.person)}",
            )
    platform = naming.PLATFORM_ADMIN_PERMISSION_SET
    for cid in (ids.permission_set(platform), ids.managed_policy(platform, naming.PLATFORM_ADMIN_POLICY_ARN)):
        yield Claim(space, cid, cid, "the platform admins' permission set", None)
    labels = ["shared-services"] + (["log-archive"] if org.log_archive != org.shared_services_account_id else [])
    for label in labels:
        cid = ids.central_assignment(label)
        yield Claim(space, cid, cid, "the platform admins' central access", None)
    for key, ps in reg.permission_sets.items():
        yield Claim(space, ids.permission_set(key), ids.permission_set(key), f"permission set {show(key)}", Origin(ps))
        for j, arn in enumerate(ps.managed_policies):
            cid = ids.managed_policy(key, arn)
            yield Claim(space, cid, cid, f"managed policy {show(arn)} of permission set {show(key)}", Origin(ps, ("managed_policies", j)))
        if ps.inline_policy:
            cid = ids.inline_policy(key)
            yield Claim(space, cid, cid, f"the inline policy of permission set {show(key)}", Origin(ps, "inline_policy"))


def _ou_origin(reg: Registry, ou_path: str) -> Origin | None:
    """The first environment whose OU is ou_path or lies under it (every OU claimed here is one)."""
    for env in reg.environments:
        if env.organizational_unit == ou_path or env.organizational_unit.startswith(ou_path + "/"):
            return Origin(env, "organizational_unit", whole=True)
    return None


def _organization_claims(reg: Registry) -> Iterator[Claim]:
    org = reg.organization
    space = _stack(naming.ORGANIZATION_STACK)
    for path in ou_paths(reg):
        origin = None if path == naming.SUSPENDED_OU else _ou_origin(reg, path)
        yield Claim(space, ids.ou(path), ids.ou(path), f"OU {show(path)}", origin)
    try:
        scps = guardrails.scp_plan(inputs_for(reg))
    except guardrails.PackingError:
        scps = ()  # reported by check_guardrails_fit
    for scp in scps:
        origin = None if scp.target == naming.SUSPENDED_OU else _ou_origin(reg, scp.target)
        for cid in (ids.scp(scp.name), ids.scp_attachment(scp.name)):
            yield Claim(space, cid, cid, f"the guardrails of OU {show(scp.target)}", origin)
        # https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html : names are unique
        yield Claim("SCP names", scp.name, scp.name, f"the guardrails of OU {show(scp.target)}", origin)
    for team in reg.teams:
        # the stacks that declare the team's accounts: the organization until they move, the access stack from the
        # import on (both at that step; plan/records.py, Account.in_organization and in_access)
        move = org.account_moves.get(team.name)
        spaces = [space] if move in ("organization", "import") else []
        spaces += [_stack(naming.access_stack(team.name))] if move != "organization" else []
        for env_name in team.environments:
            cid = ids.account(naming.account_key(team.name, env_name))
            what = f"the account of team {show(team.name)} in {show(env_name)}"
            for where_ in spaces:
                yield Claim(where_, cid, cid, what, Origin(team, ("environments", env_name)))
    admins = set(org.platform_admins)
    for p in reg.people:
        if p.user_name in admins and p.email:  # the security alarms mail each platform admin
            cid = ids.alarm_subscription(p.user_name)
            yield Claim(space, cid, cid, f"platform admin {show(p.user_name)}", Origin(p, "user_name", whole=True))


def _catalog_claims(reg: Registry) -> Iterator[Claim]:
    space = _stack(naming.SHARED_SERVICES_STACK)
    org = reg.organization
    roots = inputs_for(reg).workload_roots  # the OUs the portfolios are shared with
    for t in reg.templates:
        origin = Origin(t, "name", whole=True)
        what = f"template {show(t.name)}"
        versions = ids.oldest_first([t.version, *(p.version for p in t.previous)])
        made = [ids.product(t.name), ids.portfolio(t.name), ids.portfolio_product(t.name), ids.portfolio_launch(t.name)]
        made += [ids.template_object(t.name, v) for v in versions] + [ids.artifact(t.name, v) for v in versions[1:]]
        if t.seed_code and t.seed_code in reg.seed_zips:
            made.append(ids.seed_object(t.name))
        for cid in made:
            yield Claim(space, cid, cid, what, origin)
        for ou in roots:
            cid = ids.portfolio_share(t.name, ou)
            yield Claim(space, cid, cid, f"{what} shared with OU {show(ou)}", origin)
        for team in reg.teams:
            if team.active and t.name in team.sagemaker.project_templates:
                for env in team.environments:  # the association lives in the team's access stack
                    cid = ids.portfolio_association(t.name, naming.execution_role_name(org.name, team.name, env))
                    yield Claim(
                        _stack(naming.access_stack(team.name)), cid, cid, f"{what} for team {show(team.name)} in {show(env)}", origin
                    )
    if org.libraries:
        for j, upstream in enumerate(org.libraries.upstreams):
            cid = ids.proxy_repository(upstream)
            # one upstream listed twice is two proxies of one name: each entry is a key of its own
            yield Claim(space, cid, cid, f"upstreams[{j}] {show(upstream)}", Origin(org.libraries, ("upstreams", j)))


def _account_claims(reg: Registry) -> Iterator[Claim]:
    """Per team account: assignments, share resources and their names, and the statement ids of its policies."""
    org = reg.organization
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
                        cid = ids.assignment(key, naming.group_name(org.name, team.name, m.role), ps)
                        yield Claim(space, cid, cid, f"role {_show(m.role)} with permission set {_show(ps)}", Origin(m, "role", whole=True))
                cid = ids.instance_types_attachment(key)
                yield Claim(space, cid, cid, f"the instance-type SCP of {show(key)}", Origin(team, ("environments", env_name)))
            admins = ids.assignment(key, naming.platform_admins_group(org.name), naming.PLATFORM_ADMIN_PERMISSION_SET)
            yield Claim(space, admins, admins, "the platform admins' access", None)
            yield from _account_stack_claims(reg, team, env_name)
    yield from _share_claims(reg, teams)


def _account_stack_claims(reg: Registry, team: Team, env_name: str) -> Iterator[Claim]:
    """A team account's own stack: the earlier addresses of its Studio users and of its per-region Config resources."""
    space = _stack(naming.account_stack(team.name, env_name))
    org = reg.organization
    for entry in studio_entries(reg, team, env_name):
        profile = naming.profile_name(entry.person)
        for cid in (ids.profile(profile), ids.studio_access(profile)):
            # a profile name two people derive is reported by the teams and grants checks
            yield Claim(space, cid, cid, f"Studio user {_show(entry.person)}", Origin(entry, "person"), same_as=f"profile/{profile}")
    for region in sorted(set(org.allowed_regions) - {org.home_region}):
        for cid in ids.CONFIG.values():
            name = ids.regional(cid, region, org.home_region)
            yield Claim(space, name, name, f"allowed region {_show(region)}", Origin(org, "allowed_regions"))


def _share_claims(reg: Registry, teams: dict[str, Team]) -> Iterator[Claim]:
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
        if other is claim or (other.same_as or other.source) == (claim.same_as or claim.source):  # Claim.identity, inlined
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
