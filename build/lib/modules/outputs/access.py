"""Who can do what where: the access review, from the plan (what the compiled Terraform grants)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass

from .. import naming
from ..libraries import publishers
from ..records import Assignment
from ..registry.model import Registry, Team
from ..review.mdtext import text
from ..stacks import Plan


@dataclass(frozen=True, order=True)
class Grant:
    person: str
    account: str  # account key "<team>-<environment>", or "shared-services" / "log-archive"
    permission_set: str
    team: str  # the team whose role grants it ("" for platform admins)
    role: str  # the role, or "platform-admin"
    studio: bool  # a Studio profile in that account


def grants(reg: Registry, plan: Plan) -> list[Grant]:
    """Every person x account x permission set, with what grants it. Exactly the assignments the stacks make."""
    admins = set(reg.organization.platform_admins)
    out: set[Grant] = set()
    studio_in = {acct.account.key: {u.user_name for u in acct.studio_users} for acct in plan.accounts}
    for access in plan.access:
        team = reg.team(access.team)
        for target in access.accounts:
            studio = studio_in[target.key]
            for a in target.assignments:
                _grant(out, reg, team, target.key, a, studio, admins)
    for label, _ in plan.identity.central_assignments:
        for person in admins:
            out.add(Grant(person, label, naming.PLATFORM_ADMIN_PERMISSION_SET, "", "platform-admin", False))
    return sorted(out)


def _grant(out: set[Grant], reg: Registry, team: Team, key: str, a: Assignment, studio: set[str], admins: set[str]) -> None:
    org = reg.organization.name
    if a.group == naming.platform_admins_group(org):
        for person in admins:
            out.add(Grant(person, key, a.permission_set, "", "platform-admin", person in studio))
        return
    for m in team.members:
        if naming.group_name(org, team.name, m.role) == a.group:
            out.add(Grant(m.person, key, a.permission_set, team.name, m.role, m.person in studio))


@dataclass(frozen=True, order=True)
class Publishing:
    """Who may publish one internal library: the team's deploy roles (CI) and, where people write, Studio."""

    package: str
    team: str
    deploy_accounts: tuple[str, ...]  # account keys whose deploy role may publish it
    studio_accounts: tuple[str, ...]  # account keys whose execution role (Studio, jobs) may publish it


def publishing(plan: Plan) -> list[Publishing]:
    out = []
    for acct_team, pkgs in ((p.team, p.packages) for p in publishers(plan)):
        accts = [
            (a.account.key, a.libraries) for a in plan.accounts if a.account.team == acct_team and a.libraries and a.libraries.packages
        ]
        for pkg in pkgs if accts else ():
            out.append(
                Publishing(
                    pkg,
                    acct_team,
                    tuple(sorted(key for key, _ in accts)),
                    tuple(sorted(key for key, libs in accts if libs.execution_role_publishes)),
                )
            )
    return sorted(out)


def access_report(reg: Registry, plan: Plan, fmt: str, *, person: str | None = None, account: str | None = None) -> str:
    rows = [g for g in grants(reg, plan) if (person is None or g.person == person) and (account is None or g.account == account)]
    admins = set(reg.organization.platform_admins)
    pubs = publishing(plan)
    if fmt == "json":
        doc = {"grants": [asdict(g) for g in rows], "platform_admins": sorted(admins)}
        if plan.shared_services.libraries:
            doc["library_publishing"] = [asdict(p) for p in pubs]
        return json.dumps(doc, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["person", "platform_admin", "account", "permission_set", "team", "role", "studio"])
        for g in rows:
            writer.writerow(
                [g.person, "yes" if g.person in admins else "no", g.account, g.permission_set, g.team, g.role, "yes" if g.studio else "no"]
            )
        return buf.getvalue()
    lines = [
        "# Access review",
        "",
        f"{len({g.person for g in rows})} people with access to {len({g.account for g in rows})} accounts; "
        "**admin** marks platform admins.",
        "",
        "| person | account | permission set | granted by | Studio |",
        "|---|---|---|---|---|",
    ]
    for g in rows:  # every value through mdtext.text: the registry is edited in pull requests
        who = f"{text(g.person)} **admin**" if g.person in admins else text(g.person)
        by = "platform admins" if g.role == "platform-admin" else text(f"{g.team} / {g.role}")
        lines.append(f"| {who} | {text(g.account)} | {text(g.permission_set)} | {by} | {'yes' if g.studio else ''} |")
    lib = plan.shared_services.libraries
    if lib:
        lines += [
            "",
            "## Internal libraries: who may publish",
            "",
            f"Repository {text(lib.domain)}/{text(lib.repository)}; every team account reads it. "
            "Studio members publish through the account's execution role.",
            "",
            "| package | team | deployments (deploy role) | Studio (execution role) |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {text(p.package)} | {text(p.team)} | {text(', '.join(p.deploy_accounts))} | {text(', '.join(p.studio_accounts))} |"
            for p in pubs
        ]
    return "\n".join(lines) + "\n"
