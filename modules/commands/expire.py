"""`expire --today DATE`: remove the memberships and grants whose last day is before DATE from their files.

Each file keeps every other byte (comments, order, quoting): entries are cut by the positions the YAML loader
gives, and each edit is read back before anything is written (modules/registry/yamledit.py). The registry after
the edits must load without a mistake. Each Studio profile that goes with the access gets an allow-destroy.yaml
entry ("expired <date>: ..."), so the pull request carries the platform's opt-in for what check-destroy would
otherwise refuse. Output, per file: what was removed, the opt-ins, and notes (an owner whose membership ended
stays an owner) — a scheduled workflow opens one pull request per file from it (`--file`, `--format json`).
Nothing is written when anything fails, and nothing reads the clock: the day is an argument.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..base import ids
from ..base.errors import RegistryInvalid
from ..plan.layout import Plan, plan
from ..registry.expiry import Entry, expired, owners_note
from ..registry.model import Registry
from ..registry.origin import show_path
from ..registry.validate import load_registry
from ..registry.yamledit import EditError, append_items, remove_items
from . import EXIT_OK, Invalid, Unusable
from .loading import load
from .specs import ExpireOptions

ALLOW_KEY = "allow"


def expire(opts: ExpireOptions) -> int:
    reg = load(opts.registry)
    root = Path(opts.registry)
    wanted = {_rel(root, f) for f in opts.files}
    gone = [e for e in expired(reg, opts.today) if not wanted or e.rel in wanted]
    by_file: dict[str, list[Entry]] = defaultdict(list)
    for e in gone:
        by_file[e.rel].append(e)
    texts: dict[str, str] = {}
    try:
        for rel, found in sorted(by_file.items()):
            texts[rel] = remove_items(
                (root / rel).read_text(encoding="utf-8"), show_path(opts.registry, rel), found[0].list_key, [e.index for e in found]
            )
    except EditError as exc:
        raise Invalid(f"expire: {exc}") from None
    after = _registry_after(root, texts) if texts else reg
    opt_ins = _opt_ins(plan(reg), plan(after), gone, opts.today.isoformat())
    allow = Path(opts.allow_file)
    lines = [item for rel in sorted(by_file) for item in opt_ins[rel]]
    allow_text = allow.read_text(encoding="utf-8") if allow.is_file() else ""
    try:
        new_allow = append_items(allow_text, str(allow), ALLOW_KEY, [_entry_lines(o) for o in lines]) if lines else allow_text
    except EditError as exc:
        raise Invalid(f"expire: {exc}") from None
    report = _report(reg, opts, by_file, opt_ins)
    if not opts.dry_run:
        for rel, text in texts.items():
            _write(root / rel, text)
        if lines:
            _write(allow, new_allow)
    print(json.dumps(report, indent=2) + "\n" if opts.format == "json" else _text(report), end="")
    return EXIT_OK


def _rel(root: Path, name: str) -> str:
    """A file named relative to the registry folder, or as printed (with the folder in front)."""
    shown = Path(name)
    if not shown.is_absolute() and (root / shown).is_file():
        return shown.as_posix()
    try:
        rel = Path(os.path.relpath(shown.resolve(), root.resolve())).as_posix()
    except ValueError:
        rel = ".."
    if rel.startswith("..") or not (root / rel).is_file():
        raise Unusable(f"error: --file {name}: not a file of the registry {root} (name it as teams/<team>.yaml or grants.yaml)")
    return rel


def _registry_after(root: Path, texts: dict[str, str]) -> Registry:
    """The registry with the edits, loaded and checked like any other (an expiry must leave it valid)."""
    with tempfile.TemporaryDirectory(prefix="expire-") as tmp:
        copy = Path(tmp) / "registry"
        shutil.copytree(root, copy, symlinks=True)
        for rel, text in texts.items():
            (copy / rel).write_text(text, encoding="utf-8")
        try:
            return load_registry(copy, shown_root=str(root))
        except RegistryInvalid as exc:
            raise Invalid(f"expire: the registry would not be valid without the expired entries:\n{exc.report()}") from None


def _opt_ins(before: Plan, after: Plan, gone: list[Entry], today: str) -> dict[str, list[dict[str, str]]]:
    """file -> the allow-destroy entries for the Studio profiles its removals delete (by the plans before and after)."""
    kept = {(a.name, u.user_name) for a in after.accounts for u in a.studio_users}
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for acct in before.accounts:
        for u in acct.studio_users:
            if (acct.name, u.user_name) in kept:
                continue
            causes = [e for e in gone if (e.team, e.person) == (acct.account.team, u.user_name)]
            for rel in sorted({e.rel for e in causes}):
                why = "; ".join(
                    f"{e.person}'s {'membership in' if e.kind == 'member' else 'grant of'} {e.team} / {e.role}"
                    for e in causes
                    if e.rel == rel
                )
                last = max(e.until for e in causes if e.rel == rel).isoformat()
                out[rel].append(
                    {
                        "stack": acct.name,
                        "address": ids.profile_address(u.user_name),
                        "reason": f"expired {last}: {why} (expiry run of {today}); the Studio profile and its home folder go",
                    }
                )
    return out


def _entry_lines(o: dict[str, str]) -> list[str]:
    return [f"stack: {o['stack']}", f"address: {_quoted(o['address'])}", f"reason: {_quoted(o['reason'])}"]


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.expire-tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _report(
    reg: Registry, opts: ExpireOptions, by_file: dict[str, list[Entry]], opt_ins: dict[str, list[dict[str, str]]]
) -> dict[str, Any]:
    files = []
    for rel, found in sorted(by_file.items()):
        teams = sorted({e.team for e in found})
        files.append(
            {
                "file": show_path(opts.registry, rel),
                "rel": rel,
                "team": rel[len("teams/") : -len(".yaml")] if rel.startswith("teams/") else None,
                "teams": teams,
                "removed": [e.as_dict() for e in found],
                "allow_destroy": opt_ins.get(rel, []),
                "notes": owners_note(reg, found),
            }
        )
    return {"today": opts.today.isoformat(), "dry_run": opts.dry_run, "allow_file": opts.allow_file, "files": files}


def _text(report: dict[str, Any]) -> str:
    day, files = report["today"], report["files"]
    if not files:
        return f"expire: nothing ended before {day}\n"
    lines = []
    for f in files:
        lines.append(f"{f['file']}: {len(f['removed'])} entr{'y' if len(f['removed']) == 1 else 'ies'} ended before {day}")
        for r in f["removed"]:
            what = (
                f"member {r['person']} ({r['role']})"
                if r["kind"] == "member"
                else f"grant to {r['person']} of {r['team']} / {r['role']} in {', '.join(r['environments'])}"
            )
            lines.append(f"  - line {r['line']}: {what}, until {r['until']}")
        for o in f["allow_destroy"]:
            lines.append(f"  + {report['allow_file']}: {o['stack']} {o['address']}")
        lines += [f"  note: {n}" for n in f["notes"]]
    verb = "would remove" if report["dry_run"] else "removed"
    count = sum(len(f["removed"]) for f in files)
    lines.append(f"expire: {verb} {count} entr{'y' if count == 1 else 'ies'} from {len(files)} file(s)")
    return "\n".join(lines) + "\n"
