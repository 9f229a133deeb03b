"""`check-destroy --base REF`: the destroy guard in CI, where `synth --allow-destroy` proves nothing.

The output committed in the pull request (the working tree's generated/, proved fresh by the `check` job) is
compared with the output committed at the base branch, resource by resource (modules/engine/destroy.py). Every
removal or replacement must be approved in `allow-destroy.yaml`, a file CODEOWNERS gives to the
platform admins alone (it sits at the repository root, outside the registry folder that teams edit), by an
entry that the pull request itself adds: entries already on the base branch approve nothing, so an opt-in is
spent with the change it was written for and never reused. The file:

    allow:
      - stack: risk-dev                      # the whole stack (its removal, or anything in it)
        reason: team risk closed, data exported to s3://archive (TICKET-12)
      - stack: fraud-dev
        address: 'aws_sagemaker_user_profile.profiles["bob"]'   # one resource (quoted: YAML reads [ and " otherwise)
        reason: bob left; home folder exported
      - share: fraud-models
        reason: risk no longer consumes the model
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..base import gitbase
from ..engine.destroy import destroyed
from ..engine.stackdocs import Finding

ALLOW_FILE = "allow-destroy.yaml"

# What a suggested entry's reason says until a platform admin writes the real one (check-destroy refuses it as it is).
REASON_PLACEHOLDER = "<why destroying it is right, and where its data went>"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"  # YAML single quotes: addresses hold [ and "


def opt_in_entries(found: list[Finding]) -> str:
    """The allow-destroy.yaml entries that would approve exactly these findings, ready to paste (each reason to be
    written by the platform admin who approves it)."""
    lines = ["allow:"]
    for f in found:
        if f.kind == "share_removed":
            lines.append(f"  - share: {_quoted(f.address)}")
        else:
            lines.append(f"  - stack: {_quoted(f.stack)}")
            if f.kind != "stack_removed":
                lines.append(f"    address: {_quoted(f.address)}")
        lines.append(f"    reason: {_quoted(REASON_PLACEHOLDER)}")
    return "\n".join(lines)


def refusal(found: list[Finding], out: str) -> str:
    """What `synth` says when it refuses to destroy (engine/destroy.py decided what is destroyed): what goes, why it
    matters, how to undo it, and the allow-destroy.yaml entries that would approve exactly these."""
    removed_stacks = [f.stack for f in found if f.kind == "stack_removed"]
    removed_shares = [f.address for f in found if f.kind == "share_removed"]
    lines = []
    resources = [f for f in found if f.kind in ("removed", "replaced", "abandoned", "recreated")]
    if removed_stacks:
        lines.append(
            f"refusing to synthesize: these stacks are in {out}/stacks but no longer in the registry, and "
            "applying that would destroy what they manage:"
        )
        lines += [f"  - {stack}" for stack in removed_stacks]
    if removed_shares:
        lines.append(
            f"refusing to synthesize: these shares are in {out}/shares.json but no longer in the registry, "
            "and applying that would revoke them (both halves):"
        )
        lines += [f"  - share '{name}'" for name in removed_shares]
    if resources:
        lines.append(
            "refusing to synthesize: applying this would destroy or replace stateful resources "
            "(a replacement is a destroy and a create: what the resource holds is lost):"
        )
        lines += [f"  - {f.describe()}" for f in resources]
    if removed_stacks:
        lines.append(
            'To retire a team, keep its file and set `status: decommissioned` instead (docs/design.md, "Decommissioning"): '
            "its accounts, domains, buckets and keys are kept; only its access and Studio profiles go."
        )
    if any(f.resource_type == "aws_sagemaker_user_profile" for f in resources):
        lines.append(
            "A member who leaves, a role without Studio and a decommissioned team delete Studio profiles: when that is the "
            "change you mean, approve them as below."
        )
    if any(f.resource_type == "aws_organizations_account" and f.kind != "replaced" for f in resources):
        lines.append(
            "An account changes stacks one step at a time, each applied before the next (organization.yaml account_moves: "
            "organization, import, forget, then no entry): the new stack imports it, then the old one forgets it "
            '(docs/operations.md, "Moving accounts into team stacks").'
        )
    if resources:
        lines.append(
            "If this is not what you meant, undo the registry change that causes it (a renamed organization, "
            "a changed vpc_cidr, a share's resource, from or kind, a removed member or team, an adopted account_id "
            "removed or changed)."
        )
    lines.append(
        "To destroy on purpose: synth with --allow-destroy, and in the pull request a platform admin adds these entries "
        "to allow-destroy.yaml (repository root; docs/security.md), each with its real reason:"
    )
    lines.append(opt_in_entries(found))
    return "\n".join(lines)


class OptInInvalid(Exception):
    pass


@dataclass(frozen=True)
class OptIn:
    key: str  # "<stack>", "<stack>:<address>" or "share:<name>"
    reason: str

    def covers(self, f: Finding) -> bool:
        return self.key == f.key or (":" not in self.key and f.stack == self.key and f.kind != "share_removed")


def parse_opt_ins(text: str | None, where: str) -> list[OptIn]:
    """The entries of an allow-destroy file; a wrong entry is an error (never silently no opt-in)."""
    if not text:
        return []
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise OptInInvalid(f"{where}: not valid YAML: {exc}") from None
    if doc is None:
        return []
    if not isinstance(doc, dict) or set(doc) - {"allow"} or not isinstance(doc.get("allow") or [], list):
        raise OptInInvalid(f"{where}: expected a mapping with one key, `allow`, a list of entries")
    out = []
    for i, entry in enumerate(doc.get("allow") or []):
        here = f"{where}: allow[{i}]"
        if not isinstance(entry, dict) or set(entry) - {"stack", "address", "share", "reason"}:
            raise OptInInvalid(f"{here}: an entry has `stack` (and optionally `address`) or `share`, and `reason`")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip() or reason.strip() == REASON_PLACEHOLDER:
            raise OptInInvalid(f"{here}: `reason` is required: say why destroying it is right and where its data went")
        if "share" in entry and not ({"stack", "address"} & set(entry)) and isinstance(entry["share"], str):
            out.append(OptIn(f"share:{entry['share']}", reason.strip()))
        elif isinstance(entry.get("stack"), str) and "share" not in entry:
            address = entry.get("address")
            if address is not None and not isinstance(address, str):
                raise OptInInvalid(f"{here}: `address` is a Terraform address such as aws_s3_bucket.data-bucket")
            out.append(OptIn(f"{entry['stack']}:{address}" if address else entry["stack"], reason.strip()))
        else:
            raise OptInInvalid(f"{here}: name either a `stack` (with an optional `address`) or a `share`")
    return out


def new_opt_ins(head: list[OptIn], base: list[OptIn]) -> list[OptIn]:
    """Only entries this change adds count: one already merged approved an earlier change, not this one. An entry is
    its target and its reason, so the same address destroyed again later (a grant renewed, then expired again: the
    expiry run writes "expired <date>") needs, and gets, an entry of its own."""
    spent = {(o.key, o.reason) for o in base}
    return [o for o in head if (o.key, o.reason) not in spent]


@dataclass(frozen=True)
class Verdict:
    found: list[Finding]
    approved: dict[Finding, OptIn]

    @property
    def refused(self) -> list[Finding]:
        return [f for f in self.found if f not in self.approved]

    def report(self, base: str) -> str:
        if not self.found:
            return f"check-destroy: nothing is removed or replaced compared with {base}\n"
        lines = [f"check-destroy: compared with {base}, this change destroys or replaces:"]
        for f in self.found:
            o = self.approved.get(f)
            lines.append(f"  - {f.describe()}: " + (f"approved ({o.reason})" if o else "NOT APPROVED"))
        if self.refused:
            lines += [
                "",
                f"{len(self.refused)} not approved. A platform admin approves a destroy by adding entries to "
                f"{ALLOW_FILE} (repository root) in this pull request, each with its real reason; the file is theirs in "
                "CODEOWNERS (docs/security.md). The entries that approve exactly these:",
                opt_in_entries(self.refused),
            ]
            if any(f.kind == "stack_removed" for f in self.refused):
                lines.append("To retire a team instead, keep its file and set `status: decommissioned`: its accounts and data are kept.")
        return "\n".join(lines) + "\n"


def verdict(found: list[Finding], opt_ins: list[OptIn]) -> Verdict:
    approved = {}
    for f in found:
        o = next((o for o in opt_ins if o.covers(f)), None)
        if o is not None:
            approved[f] = o
    return Verdict(found, approved)


def check(base_ref: str, out: Path, allow_file: Path, head_ref: str | None = None) -> Verdict:
    """The committed output at base_ref against the output of this change, with the opt-ins this change adds.

    The change is the working tree (out, allow_file), or with head_ref the same paths as committed at that ref: in
    CI the job runs the default branch's code and reads the pull request's merge commit as data only."""
    where = out.resolve() if out.is_dir() else Path.cwd()
    root = gitbase.repo_root(where)
    ref = gitbase.resolve_ref(base_ref, root)
    head = gitbase.resolve_ref(head_ref, root) if head_ref else None
    out_rel = os.path.relpath(out.resolve(), root)
    allow_rel = os.path.relpath(allow_file.resolve(), root)
    with tempfile.TemporaryDirectory() as tmp:
        # a missing output folder holds nothing: at the base, nothing to destroy; in the change, every stack removed
        base_out = gitbase.extract(ref, out_rel, root, Path(tmp) / "base") or Path(tmp) / "missing"
        if head:
            head_out = gitbase.extract(head, out_rel, root, Path(tmp) / "head") or Path(tmp) / "missing"
            head_text = gitbase.show(head, allow_rel, root)
        else:
            head_out, head_text = out, allow_file.read_text(encoding="utf-8") if allow_file.is_file() else None
        found = destroyed(base_out, head_out)
    opt_ins = parse_opt_ins(head_text, f"{head_ref}:{allow_rel}" if head else str(allow_file))
    spent = parse_opt_ins(gitbase.show(ref, allow_rel, root), f"{base_ref}:{allow_rel}")
    return verdict(found, new_opt_ins(opt_ins, spent))
