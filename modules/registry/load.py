"""Read a registry folder into one validated, frozen Registry and the mistakes found reading it.

This is the only place that reads registry files. It validates each file against its model, maps
pydantic errors to `file:line` with the entity named, gives every model object its source position
(source.py), assembles the Registry and reads the side files entries point at (inline policies,
catalog templates, seed folders). The cross-reference checks are not its business: validate.py runs
them on what this returns. Nothing here raises anything but RegistryInvalid for what a registry can contain.
"""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..base.errors import RegistryError, RegistryInvalid, did_you_mean, known
from ..base.seedzip import SEED_MAX_BYTES, SEED_MAX_FILES, pack_folder
from .describe import entity_path, field_names, message_for
from .model import FILE_MODELS, REQUIRED_FILES, AccessFile, Base, CatalogFile, GrantsFile, Registry, Team
from .origin import Origin, show_path
from .paths import read_folder, resolve_inside
from .source import attach, error, source_of
from .yamlio import Document, parse

MAX_FILE_BYTES = 1_000_000
# A team file's name is its team's name (lowercase, as the `name` field must be) and `.yaml`.
TEAM_FILE = re.compile(r"[a-z0-9][a-z0-9-]*\.yaml")
NOT_A_TEAM_FILE = "not a team file: team files are teams/<team>.yaml, named exactly as the team (lowercase letters, digits, hyphens)"
HIDDEN_FILE = (
    "a hidden file (its name starts with '.') is never read as a registry file, so it would be ignored: "
    "remove it, or name it as a registry file (teams/<team>.yaml)"
)
# "Did you mean" hints cost a fuzzy match each: a file of 80,000 unknown keys gets them for its first few only.
MAX_HINTS = 50


@dataclass
class _Reading:
    """What reading the folder finds out besides the models; frozen into the Registry's Origin at the end."""

    root: str
    shown_root: str  # the registry folder as the user typed it
    broken_teams: set[str] = field(default_factory=set)  # teams whose file did not validate
    teams_unreadable: bool = False  # teams/ could not be read: references to teams are not checked
    outside: set[str] = field(default_factory=set)  # side files refused: they resolve outside the registry folder

    def shown(self, rel: str) -> str:
        return show_path(self.shown_root, rel)

    def origin(self) -> Origin:
        return Origin(self.root, self.shown_root, frozenset(self.broken_teams), self.teams_unreadable, frozenset(self.outside))


def _model_for(rel: str) -> type[Base]:
    """The model of a file discovery accepted (a team file or one of FILE_MODELS)."""
    return Team if rel.startswith("teams/") else FILE_MODELS[rel]


def _unwrap(annotation: Any) -> Any:
    """M from Annotated[M, ...] and from M | None."""
    for _ in range(5):
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            annotation = next((a for a in typing.get_args(annotation) if a is not type(None)), None)
        else:
            break
    return annotation


def _sub_model(model: type[Base], loc: tuple[Any, ...]) -> type[Base] | None:
    """The model class that the mapping at loc validates against (for unknown-field hints)."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if typing.get_origin(annotation) in (list, tuple, dict):  # a list index or a mapping key: into the items
            annotation = typing.get_args(annotation)[-1]
            continue
        if not (isinstance(annotation, type) and issubclass(annotation, Base)):
            return None
        fields = {(f.alias or n): f for n, f in annotation.model_fields.items()}
        if part not in fields:
            return None
        annotation = fields[part].annotation
    annotation = _unwrap(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, Base) else None


def validation_errors(doc: Document, rel: str, model: type[Base], exc: ValidationError) -> list[tuple[RegistryError, tuple[Any, ...]]]:
    """RegistryErrors for a pydantic error in the file rel read as doc, each with its location in the file."""
    out: list[tuple[RegistryError, tuple[Any, ...]]] = []
    raw = exc.errors(include_url=False)
    # A typo both adds an unknown field and leaves a required one missing: report the typo with its hint only.
    hinted = set()
    extras = 0
    for err in raw:
        if err["type"] == "extra_forbidden" and (extras := extras + 1) <= MAX_HINTS:
            loc = tuple(p for p in err["loc"] if p != "[key]")
            sub = _sub_model(model, loc[:-1])
            for near in difflib.get_close_matches(str(loc[-1]), field_names(sub) if sub else [], n=1, cutoff=0.6):
                hinted.add(loc[:-1] + (near,))
    for err in raw:
        if err["type"] == "missing" and tuple(err["loc"]) in hinted:
            continue
        loc = tuple(p for p in err["loc"] if p != "[key]")
        if err["type"] in ("missing", "extra_forbidden"):
            sub = _sub_model(model, loc[:-1])
            allowed = field_names(sub) if sub else None
            line = doc.line(*loc) if err["type"] == "extra_forbidden" else doc.line(*loc[:-1])
            ent = entity_path(rel, doc.data, loc[:-1])
        else:
            allowed = None
            line = doc.line(*loc)
            ent = entity_path(rel, doc.data, loc)
        found = RegistryError(doc.file, line, ent, message_for(dict(err), allowed, hint=len(out) < MAX_HINTS))
        out.append((found, loc))
    return out


def _discover(root: Path, src: _Reading) -> tuple[list[str], list[RegistryError]]:
    """Registry files to read, relative to root, plus errors for files that do not belong."""
    files, errors = [], []
    refused: set[str] = set()
    expected = set(FILE_MODELS)
    for name in sorted(os.listdir(root)):
        if name.startswith(".") and name.endswith((".yaml", ".yml")):
            errors.append(RegistryError(src.shown(name), 1, "", HIDDEN_FILE))
            continue
        if name.startswith(".") or name in ("schema.json", "catalog", "policies", "README.md"):
            continue
        full, problem = resolve_inside(root, name)
        if problem and (name == "teams" or name in expected or name.endswith((".yaml", ".yml"))):
            errors.append(RegistryError(src.shown(name), 1, "", problem))
            refused.add(name)
            if name == "teams":
                src.teams_unreadable = True
            continue
        if name == "teams" and full.is_dir():
            for team_file in sorted(os.listdir(full)):
                # every entry of teams/ is a team file or an error: nothing there is silently left out
                guess = team_file.lstrip(".").split(".", 1)[0]
                team_path, problem = resolve_inside(root, f"teams/{team_file}")
                if team_file.startswith("."):
                    problem = HIDDEN_FILE
                elif not problem and not (TEAM_FILE.fullmatch(team_file) and team_path.is_file()):
                    problem = NOT_A_TEAM_FILE
                if problem:
                    src.broken_teams.update({guess, guess.lower()})  # meant as a team: no cascade of unknown-team errors
                    errors.append(RegistryError(src.shown(f"teams/{team_file}"), 1, "", problem))
                else:
                    files.append(f"teams/{team_file}")
            continue
        if name in expected and full.is_file():
            files.append(name)
        elif name.endswith((".yaml", ".yml")) and full.is_file():
            errors.append(
                RegistryError(
                    src.shown(name),
                    1,
                    "",
                    f"unknown registry file{did_you_mean(name, sorted(expected))} (registry files: {known(expected)}, teams/<team>.yaml)",
                )
            )
    for req in REQUIRED_FILES:
        if req not in files and req not in refused:
            errors.append(RegistryError(src.shown(req), 1, "", "required registry file is missing"))
    return files, errors


def _read_text(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def read_registry(root: str | os.PathLike[str], shown_root: str | None = None) -> tuple[Registry, list[RegistryError]]:
    """The registry at root, every model object with its source, and the mistakes found reading it (a team file
    that does not validate is left out). Raises RegistryInvalid when a required file does not validate."""
    root_path = Path(root)
    src = _Reading(root=str(root), shown_root=str(root) if shown_root is None else shown_root)
    files, errors = _discover(root_path, src)
    models: dict[str, Any] = {}
    for rel in files:
        text = _read_text(root_path / rel)
        if text is None:
            errors.append(RegistryError(src.shown(rel), 1, "", f"cannot read file as UTF-8 text of at most {MAX_FILE_BYTES} bytes"))
            continue
        doc, parse_errors = parse(text, src.shown(rel))
        if doc is None:
            errors.extend(parse_errors)
            if rel.startswith("teams/"):
                src.broken_teams.add(_team_name_guess(rel, doc))
            continue
        if doc.data is None:  # an empty file is an empty mapping
            doc.data = {}
        data = doc.data
        if not isinstance(data, dict):
            errors.append(RegistryError(src.shown(rel), doc.line(), "", "the file must hold a mapping of fields at the top level"))
            continue
        # Structural problems (duplicate keys, tags, ...) are reported, and the rest of the file is still
        # validated so that every mistake shows at once; errors where a problem already is are not repeated.
        errors.extend(RegistryError(e.file, e.line, entity_path(rel, data, path), e.message) for e, path in doc.problems)
        model = _model_for(rel)
        try:
            validated = model.model_validate(data)
        except ValidationError as exc:
            covered = {path for _, path in doc.problems}  # a set: a file of 80,000 duplicate keys stays linear
            errors.extend(
                e for e, loc in validation_errors(doc, rel, model, exc) if not any(loc[:i] in covered for i in range(len(loc) + 1))
            )
            validated = None
        if validated is not None and not doc.problems:
            attach(validated, rel, doc)  # paths as written: before anything is sorted
            models[rel] = validated
        elif rel.startswith("teams/"):
            src.broken_teams.add(_team_name_guess(rel, doc))

    core_ok = all(r in models for r in REQUIRED_FILES)
    if not core_ok:
        raise RegistryInvalid(errors)

    teams: dict[str, Team] = {}
    # A file named after its team is that team's file; another file with the same name repeats it.
    named = sorted(models.items(), key=lambda kv: (kv[0] != f"teams/{getattr(kv[1], 'name', '')}.yaml", kv[0]))
    for rel, m in named:
        if rel.startswith("teams/"):
            if m.name in teams:  # one team, one file: a second file of the same name is left out
                errors.append(
                    error(
                        m,
                        "name",
                        f"team {m.name!r} is already defined in {source_of(teams[m.name]).doc.file}; one file per team, named after it",
                    )
                )
                continue
            teams[m.name] = m
    access: AccessFile = models["access.yaml"]
    catalog: CatalogFile = models.get("catalog.yaml") or CatalogFile()
    grants: GrantsFile = models.get("grants.yaml") or GrantsFile()
    registry = Registry(
        organization=models["organization.yaml"],
        environments=tuple(models["environments.yaml"].environments),
        permission_sets=dict(sorted(access.permission_sets.items())),
        roles=dict(sorted(access.roles.items())),
        people=tuple(sorted(models["people.yaml"].people, key=lambda p: p.user_name)),
        templates=tuple(sorted(catalog.templates, key=lambda t: t.name)),
        teams=tuple(teams[name] for name in sorted(teams)),
        grants=tuple(grants.grants),
        files=_side_files(root_path, access, catalog, src),
        seed_zips=_seed_zips(root_path, catalog),
        git=catalog.git,
    )
    registry._origin = src.origin()
    return registry, errors


def _team_name_guess(rel: str, doc: Document | None) -> str:
    data = doc.data if doc else None
    name = data.get("name") if isinstance(data, dict) else None
    return name if isinstance(name, str) else rel[len("teams/") :].rsplit(".", 1)[0]


def _side_files(root: Path, access: AccessFile, catalog: CatalogFile, src: _Reading) -> dict[str, str]:
    """Text of the files that entries point at; a missing, unreadable or outside one is left out (checks report it)."""
    wanted = {ps.inline_policy for ps in access.permission_sets.values() if ps.inline_policy}
    wanted |= {t.template for t in catalog.templates}
    wanted |= {p.template for t in catalog.templates for p in getattr(t, "previous", ())}
    out = {}
    for rel in sorted(wanted):
        path, problem = resolve_inside(root, rel)
        if problem:
            src.outside.add(rel)
            continue
        if path.is_file():
            text = _read_text(path)
            if text is not None:
                out[rel] = text
    return out


def _seed_zips(root: Path, catalog: CatalogFile) -> dict[str, bytes]:
    """Each template's seed folder, packed reproducibly; a folder with a problem is left out (the check reports it)."""
    out: dict[str, bytes] = {}
    for rel in sorted({t.seed_code for t in catalog.templates if t.seed_code}):
        if read_folder(root, rel, max_bytes=SEED_MAX_BYTES, max_files=SEED_MAX_FILES).problem is None:
            try:
                out[rel] = pack_folder(resolve_inside(root, rel.rstrip("/"))[0])
            except (OSError, ValueError):
                continue
    return out
