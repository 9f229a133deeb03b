"""Time-bound access: which entries of the registry end when, which have expired on a given day, and the edits
that remove them. Pure: no clock (the day is always given), no file writes (the expire command writes).

`until` is the last day of access, inclusive, in UTC: an entry has expired on day D when until < D. Nothing
the compiler writes depends on it (synth never reads it): access ends when the expiry run's pull request that
removes the entry is merged and applied, and `validate --today` keeps an expired entry from being merged back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from ..base.errors import RegistryError
from .model import Grant, Member, Registry, Team
from .source import error, source_of, where


@dataclass(frozen=True)
class Entry:
    """One membership or grant with an end date, and where it is written."""

    kind: Literal["member", "grant"]
    rel: str  # the file, relative to the registry folder (teams/<team>.yaml, grants.yaml)
    index: int  # its position in `members` or `grants` as written
    team: str
    person: str
    role: str
    until: date
    environments: tuple[str, ...]  # a grant's; () for a member (every environment the role maps)
    reason: str | None  # a grant's
    obj: Member | Grant

    @property
    def list_key(self) -> str:
        return "members" if self.kind == "member" else "grants"

    @property
    def where(self) -> str:
        return where(self.obj)

    @property
    def key(self) -> tuple[str, ...]:
        """What identifies the entry across two versions of the registry: the member of a team, the grant of a role."""
        return ("member", self.team, self.person) if self.kind == "member" else ("grant", self.person, self.team, self.role)

    @property
    def content(self) -> tuple[object, ...]:
        return (self.role, self.until, tuple(sorted(self.environments)), self.reason)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "team": self.team,
            "person": self.person,
            "role": self.role,
            "until": self.until.isoformat(),
            "environments": list(self.environments),
            "reason": self.reason,
            "line": int(self.where.rsplit(":", 1)[1]),
        }


def _member(team: Team, m: Member) -> Entry | None:
    if m.until is None:
        return None
    src = source_of(m)
    return Entry("member", src.rel, int(src.path[-1]), team.name, m.person, m.role, m.until, (), None, m)


def _grant(g: Grant) -> Entry:
    src = source_of(g)
    return Entry("grant", src.rel, int(src.path[-1]), g.team, g.person, g.role, g.until, tuple(g.environments), g.reason, g)


def entries(reg: Registry) -> list[Entry]:
    """Every time-bound entry, in file and line order."""
    found = [e for t in reg.teams for m in t.members if (e := _member(t, m)) is not None]
    found += [_grant(g) for g in reg.grants]
    return sorted(found, key=lambda e: (e.rel, e.index))


def expired(reg: Registry, today: date) -> list[Entry]:
    """The entries whose last day is before today."""
    return [e for e in entries(reg) if e.until < today]


def judge(reg: Registry, today: date, base: Registry | None) -> tuple[list[RegistryError], list[RegistryError]]:
    """(errors, warnings) of `validate --today`: an expired entry that this change adds or changes (compared with
    the registry at the base; without one, every expired entry) is an error; one that was already there, a warning
    (the expiry run's pull request removes it)."""
    before = {e.key: e.content for e in entries(base)} if base is not None else {}
    errors, warnings = [], []
    day = today.isoformat()
    for e in expired(reg, today):
        passed = f"until {e.until.isoformat()} has passed (today is {day}, UTC)"
        if before.get(e.key) == e.content:
            warnings.append(error(e.obj, "until", f"{passed}: the expiry run's pull request removes this entry", entity_of=e.obj))
        else:
            errors.append(
                error(
                    e.obj,
                    "until",
                    f"{passed}: a change may not add or change expired access; remove the entry, or end it on {day} or later",
                    entity_of=e.obj,
                )
            )
    return errors, warnings


def owners_note(reg: Registry, gone: list[Entry]) -> list[str]:
    """Owners whose membership expires stay owners: ownership is the right to review the team's file (CODEOWNERS) and
    to get its budget alerts, not access to its accounts, and a team file needs an owner. Said, so people decide."""
    notes = []
    for e in gone:
        if e.kind != "member":
            continue
        team = reg.team(e.team)
        if e.person in team.owners:
            left = [
                m.person for m in team.members if m.person in team.owners and m.person not in {x.person for x in gone if x.team == e.team}
            ]
            tail = "" if left else f"; no owner of {e.team} is a member any more"
            notes.append(
                f"{e.person} stays an owner of {e.team} (owners are not time-bound: they review the file and get the budget "
                f"alerts); edit `owners` by hand if {e.person} should not{tail}"
            )
    return notes
