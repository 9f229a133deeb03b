"""Who can do what where: the access review, from the plan's records alone (what the compiled Terraform grants)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from typing import Any

from ..base import naming
from ..plan.layout import Plan
from ..review.mdtext import code, text


@dataclass(frozen=True, order=True)
class Grant:
    person: str
    account: str  # account key "<team>-<environment>", or "shared-services" / "log-archive"
    permission_set: str
    team: str  # the team whose role grants it ("" for platform admins)
    role: str  # the role, or "platform-admin"
    studio: bool  # a Studio profile in that account
    until: str | None = None  # the last day of access (ISO date), when the membership or grant has one
    reason: str | None = None  # set for temporary elevated access (grants.yaml): why it was granted

    @property
    def via(self) -> str:
        """What grants it, in words: "platform admins", "fraud / lead", "grant fraud / lead: INC-1"."""
        if self.role == "platform-admin":
            return "platform admins"
        return f"grant {self.team} / {self.role}: {self.reason}" if self.reason is not None else f"{self.team} / {self.role}"


def platform_admins(plan: Plan) -> set[str]:
    """The members of the platform admins' group (identity)."""
    return {m for g in plan.identity.groups if g.name == plan.identity.admins_group for m in g.members}


def grants(plan: Plan) -> list[Grant]:
    """Every person x account x permission set, with what grants it: exactly the assignments the stacks make, each
    group's members and each grant behind a user's own assignment as the plan's records hold them."""
    admins = platform_admins(plan)
    out: set[Grant] = set()
    studio_in = {acct.account.key: {u.user_name for u in acct.studio_users} for acct in plan.accounts}
    for access in plan.access:
        groups = {g.name: g for g in access.groups}
        for target in access.accounts:
            studio = studio_in[target.key]
            for a in target.assignments:
                if a.group == access.admins_group:
                    out |= {Grant(p, target.key, a.permission_set, "", "platform-admin", p in studio) for p in admins}
                    continue
                group, until = groups[a.group], dict(groups[a.group].until)
                out |= {Grant(p, target.key, a.permission_set, access.team, group.role, p in studio, until.get(p)) for p in group.members}
            for ua in target.user_assignments:
                out |= {
                    Grant(ua.user, target.key, ua.permission_set, access.team, role, ua.user in studio, day, reason)
                    for role, day, reason in ua.granted_by
                }
    for label, _ in plan.identity.central_assignments:
        out |= {Grant(p, label, naming.PLATFORM_ADMIN_PERMISSION_SET, "", "platform-admin", False) for p in admins}
    return sorted(out)


@dataclass(frozen=True, order=True)
class Publishing:
    """Who may publish one internal library: the team's deploy roles (CI) and, where people write, Studio."""

    package: str
    team: str
    deploy_accounts: tuple[str, ...]  # account keys whose deploy role may publish it
    studio_accounts: tuple[str, ...]  # account keys whose execution role (Studio, jobs) may publish it


def publishing(plan: Plan) -> list[Publishing]:
    out = []
    for acct_team, pkgs in ((p.team, p.packages) for p in plan.publishers):
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


# Findings of the access-drift job about a person's access (its JSON report), shown as "not from the registry".
PERSONAL = ("assignment", "group-membership", "studio-profile")


def outside(found: list[dict[str, Any]], person: str | None, account: str | None) -> list[dict[str, Any]]:
    return [
        f
        for f in found
        if f.get("kind") in PERSONAL
        and f.get("person")
        and (person is None or f["person"] == person)
        and (account is None or f.get("account") == account)
    ]


def access_report(
    plan: Plan,
    fmt: str,
    *,
    person: str | None = None,
    account: str | None = None,
    drift: list[dict[str, Any]] | None = None,
) -> str:
    """The review; with `drift` (the access-drift job's findings), also what people have that the registry does not grant."""
    rows = [g for g in grants(plan) if (person is None or g.person == person) and (account is None or g.account == account)]
    extra = outside(drift or [], person, account)
    admins = platform_admins(plan)
    pubs = publishing(plan)
    if fmt == "json":
        doc: dict[str, Any] = {"grants": [asdict(g) for g in rows], "platform_admins": sorted(admins)}
        if drift is not None:
            doc["not_from_registry"] = extra
        if plan.shared_services.libraries:
            doc["library_publishing"] = [asdict(p) for p in pubs]
        return json.dumps(doc, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["person", "platform_admin", "account", "permission_set", "team", "role", "studio", "until", "reason", "source"])
        for g in rows:
            admin, studio = "yes" if g.person in admins else "no", "yes" if g.studio else "no"
            writer.writerow(
                [g.person, admin, g.account, g.permission_set, g.team, g.role, studio, g.until or "", g.reason or "", "registry"]
            )
        for f in extra:
            admin, studio = "yes" if f["person"] in admins else "no", "yes" if f["kind"] == "studio-profile" else "no"
            where = f.get("account") or f.get("group", "")
            writer.writerow([f["person"], admin, where, f.get("permission_set", ""), "", "", studio, "", "", "not from the registry"])
        return buf.getvalue()
    lines = [
        "# Access review",
        "",
        f"{len({g.person for g in rows})} people with access to {len({g.account for g in rows})} accounts; "
        "**admin** marks platform admins; *until* is the last day of time-bound access (UTC).",
        "",
        "| person | account | permission set | granted by | Studio | until |",
        "|---|---|---|---|---|---|",
    ]
    for g in rows:  # every value through mdtext (text, code): the registry and the drift report come from outside
        who = f"{text(g.person)} **admin**" if g.person in admins else text(g.person)
        cells = [who, text(g.account), text(g.permission_set), text(g.via), "yes" if g.studio else "", text(g.until or "")]
        lines.append("| " + " | ".join(cells) + " |")
    if drift is not None:
        lines += ["", "## Not from the registry", ""]
        lines += (
            ["| person | where | what | how to remove |", "|---|---|---|---|"] if extra else ["Nothing: the access-drift run found no one."]
        )
        lines += [f"| {text(f['person'])} | {text(f['where'])} | {text(f['what'])} | {code(f['fix'])} |" for f in extra]
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
