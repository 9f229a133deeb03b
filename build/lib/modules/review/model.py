"""The change summary as data: typed changes, Terraform's numbers per stack, and the summary that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Sections in the order the comment shows them. Destructive changes of any section are shown once, at the top.
SECTIONS = ("accounts", "roles", "access", "studio", "side_effects", "shares", "libraries", "cost_capacity", "network", "templates")
HEADINGS = {
    "roles": "Role changes",
    "access": "Access",
    "accounts": "Accounts",
    "studio": "Studio",
    "side_effects": "Side effects",
    "shares": "Shares",
    "cost_capacity": "Cost and capacity",
    "network": "Network",
    "templates": "Templates",
    "libraries": "Internal libraries",
}


@dataclass(frozen=True)
class Coded:
    """A detail that begins with a name best shown as code (a Terraform address): both parts plain text."""

    code: str
    rest: str

    def __str__(self) -> str:
        return self.code + self.rest


@dataclass(frozen=True)
class Change:
    """One thing the change does, said once: a sentence for people and the same facts for machines."""

    section: str
    kind: str  # stable machine name, e.g. "role_changed", "budget_changed"
    text: str  # plain text, never Markdown: the renderer escapes it (mdtext.py)
    facts: dict[str, Any] = field(default_factory=dict)
    destructive: bool = False
    details: tuple[str | Coded, ...] = ()  # what follows from it (a role change's gains, losses, Studio); plain text too
    strong: tuple[str, ...] = ()  # parts of text shown in bold (an instance type's "(GPU, large)")

    def as_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "kind": self.kind,
            "destructive": self.destructive,
            "text": self.text,
            "details": [str(d) for d in self.details],
            "facts": self.facts,
        }


@dataclass(frozen=True)
class ResourceAction:
    """One replaced or destroyed resource instance in a Terraform plan."""

    address: str
    reason: str | None = None  # Terraform's action_reason, when it gives one
    forced_by: tuple[str, ...] = ()  # replace_paths, as dotted attribute paths

    def why(self) -> str:
        """Terraform's reason and the attributes that force it, as plain text ("" when it gives none)."""
        why = [self.reason.replace("_", " ")] if self.reason else []
        if self.forced_by:
            why.append("forced by " + ", ".join(self.forced_by))
        return "; ".join(why)


@dataclass(frozen=True)
class Imported:
    """An existing object Terraform takes over (an `import` block), and what the same plan then changes on it."""

    address: str
    id: str
    updates: tuple[str, ...] = ()  # "attribute: old → new" (or just the attribute when a value is long or unknown)

    def why(self) -> str:
        then = f"; then {', '.join(self.updates)}" if self.updates else ""
        return f"existing id {self.id}{then}"


@dataclass(frozen=True)
class StackPlan:
    """Terraform's own numbers for one stack, from `terraform show -json`."""

    stack: str
    add: int = 0
    change: int = 0
    replace: int = 0
    destroy: int = 0
    imports: int = 0
    replaced: tuple[ResourceAction, ...] = ()
    destroyed: tuple[ResourceAction, ...] = ()
    imported: tuple[Imported, ...] = ()
    errored: bool = False

    @property
    def destructive(self) -> bool:
        return bool(self.replace or self.destroy)

    @property
    def empty(self) -> bool:
        return not (self.add or self.change or self.replace or self.destroy or self.imports)

    def as_dict(self) -> dict[str, Any]:
        def actions(items: tuple[ResourceAction, ...]) -> list[dict[str, Any]]:
            return [{"address": r.address, "reason": r.reason, "forced_by": list(r.forced_by)} for r in items]

        return {
            "stack": self.stack,
            "add": self.add,
            "change": self.change,
            "replace": self.replace,
            "destroy": self.destroy,
            "import": self.imports,
            "errored": self.errored,
            "replaced": actions(self.replaced),
            "destroyed": actions(self.destroyed),
            "imported": [{"address": i.address, "id": i.id, "updates": list(i.updates)} for i in self.imported],
        }


@dataclass
class Summary:
    changes: list[Change] = field(default_factory=list)
    stacks_to_plan: list[str] = field(default_factory=list)
    plans: list[StackPlan] | None = None  # None: no plans were given (registry-level summary only)

    def lines(self, section: str) -> list[str]:
        """The sentences of one section, destructive ones excluded (they are shown at the top instead)."""
        return [c.text for c in self.changes if c.section == section and not c.destructive]

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def destructive(self) -> list[str]:
        return [c.text for c in self.changes if c.destructive]

    @property
    def missing_plans(self) -> list[str]:
        """Stacks that will plan but have no plan file (when plans were given)."""
        if self.plans is None:
            return []
        have = {p.stack for p in self.plans}
        return [s for s in self.stacks_to_plan if s not in have]

    @property
    def destructive_plans(self) -> list[StackPlan]:
        return [p for p in self.plans or [] if p.destructive]

    # The sections by name, as the first version of the summary had them.
    accounts = property(lambda self: self.lines("accounts"))
    access = property(lambda self: self.lines("access"))
    studio = property(lambda self: self.lines("studio"))
    shares = property(lambda self: self.lines("shares"))
    templates = property(lambda self: self.lines("templates"))

    @property
    def empty(self) -> bool:
        return not self.changes and not self.stacks_to_plan
